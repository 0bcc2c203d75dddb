"""Properties of the representation metrics (pure functions)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from parity.workforce import metrics

counts = st.floats(min_value=0, max_value=1e6, allow_nan=False)


@given(female=counts, male=counts, other=counts)
def test_shares_of_women_and_the_rest_sum_to_one(female, male, other):
    s = metrics.summarise({"female": female, "male": male, "not_stated": other})
    if s["total"] == 0:
        assert s["share_female"] is None
    else:
        rest = (s["male"] + sum(s["other"].values())) / s["total"]
        assert math.isclose(s["share_female"] + rest, 1.0, rel_tol=1e-9)
        assert 0.0 <= s["share_female"] <= 1.0


@given(k=st.integers(0, 5000), extra=st.integers(0, 5000))
def test_wilson_interval_contains_the_share_and_stays_in_bounds(k, extra):
    n = k + extra
    interval = metrics.wilson_interval(k, n)
    if n == 0:
        assert interval is None
        return
    low, high = interval
    assert 0.0 <= low <= k / n <= high <= 1.0


@given(k=st.integers(0, 400), extra=st.integers(1, 400))
def test_wilson_interval_agrees_with_statsmodels(k, extra):
    from statsmodels.stats.proportion import proportion_confint

    low, high = metrics.wilson_interval(k, k + extra)
    ref_low, ref_high = proportion_confint(k, k + extra, alpha=0.05, method="wilson")
    assert math.isclose(low, ref_low, abs_tol=1e-9) and math.isclose(high, ref_high, abs_tol=1e-9)


def test_wilson_interval_narrows_with_more_people():
    small = metrics.wilson_interval(3, 10)
    large = metrics.wilson_interval(300, 1000)
    assert (large[1] - large[0]) < (small[1] - small[0])


def test_series_changes_skip_missing_years():
    s = metrics.series({2019: {"female": 1, "male": 3}, 2020: {"female": 2, "male": 2},
                        2022: {"female": 3, "male": 1}})
    assert [y["share_female_change_1y"] for y in s] == [None, 0.25, None]


def test_rank_table_shares_positions_for_ties_and_puts_missing_last():
    ranked = metrics.rank_table({"a": 0.3, "b": 0.4, "c": 0.3, "d": None})
    assert ranked == [(1, "b", 0.4), (2, "a", 0.3), (2, "c", 0.3), (4, "d", None)]
