"""The checker of published returns: worked examples per rule, a property test (returns
computed correctly from a workforce never fail), and the real published files."""

from __future__ import annotations

import random
import statistics

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parity.context.returns_checks import (
    RULES,
    check_return,
    check_returns,
    decimals,
    half_unit,
    smallest_quarter,
    summarise,
    upper_half_shares,
)
from parity.context.returns_importer import FIGURES, read_returns
from parity.context.returns_model import compute_return, quarter_sizes, random_return
from tests.context.conftest import RETURNS_DIR


def _record(**figures) -> dict:
    """A valid return (a plausible police force), with some figures replaced."""
    values = {
        "DiffMeanHourlyPercent": 12.3, "DiffMedianHourlyPercent": 15.1,
        "DiffMeanBonusPercent": 20.0, "DiffMedianBonusPercent": 0.0,
        "MaleBonusPercent": 5.2, "FemaleBonusPercent": 3.1,
        "MaleLowerQuartile": 35.0, "FemaleLowerQuartile": 65.0,
        "MaleLowerMiddleQuartile": 50.5, "FemaleLowerMiddleQuartile": 49.5,
        "MaleUpperMiddleQuartile": 62.0, "FemaleUpperMiddleQuartile": 38.0,
        "MaleTopQuartile": 70.1, "FemaleTopQuartile": 29.9, **figures,
    }
    record = {FIGURES[k]: v for k, v in values.items()}
    record.update(snapshot_year=2022, employer_name="Example Constabulary", employer_id=1,
                  source_row=2, force_id=None, employer_size="5000 to 19,999", size_min=5000,
                  size_max=19999)
    return record


def _rules(record: dict) -> set[str]:
    return {f.rule for f in check_return(record)}


def test_a_consistent_return_passes():
    assert _rules(_record()) == set()


@pytest.mark.parametrize(("figures", "rule"), [
    ({"DiffMedianHourlyPercent": None}, "required_figures_present"),
    ({"FemaleTopQuartile": None}, "required_figures_present"),
    ({"FemaleBonusPercent": 100.4}, "percentages_between_0_and_100"),
    ({"MaleLowerQuartile": -1.0, "FemaleLowerQuartile": 101.0}, "percentages_between_0_and_100"),
    ({"DiffMeanBonusPercent": 181.0}, "gaps_at_most_100"),
    ({"DiffMeanHourlyPercent": 12.34}, "figures_have_one_decimal_place"),
    ({"MaleTopQuartile": 70.0, "FemaleTopQuartile": 29.0}, "quarters_sum_to_100"),
    ({"MaleBonusPercent": 0.0, "FemaleBonusPercent": 2.0, "DiffMeanBonusPercent": -100.0,
      "DiffMedianBonusPercent": -100.0}, "no_bonus_gaps_without_bonuses"),
    ({"DiffMeanBonusPercent": None}, "bonus_gaps_given_when_both_sexes_paid_bonuses"),
])
def test_each_single_field_rule_by_example(figures, rule):
    record = _record(**figures)
    if rule == "no_bonus_gaps_without_bonuses":  # one man paid a bonus would show as 0.4%
        record.update(employer_size="Less than 250", size_min=0, size_max=249)
    assert _rules(record) == {rule}


def test_a_zero_bonus_share_of_a_large_employer_may_hide_one_man():
    # 1 man in 3,000 paid a bonus is 0.03%, published as 0.0: the gap is then defined.
    record = _record(MaleBonusPercent=0.0, FemaleBonusPercent=2.0, DiffMeanBonusPercent=-100.0,
                     DiffMedianBonusPercent=-100.0)
    assert "no_bonus_gaps_without_bonuses" not in _rules(record)


def test_quarters_allow_for_rounding():
    # 70.05 and 29.94 both round to one place, to 70.1 and 29.9 (summing to 100.0) or, with
    # two places published, 70.05 + 29.94 = 99.99: within the rounding of the two figures.
    assert "quarters_sum_to_100" not in _rules(_record(MaleTopQuartile=70.05,
                                                       FemaleTopQuartile=29.94))
    assert "quarters_sum_to_100" in _rules(_record(MaleTopQuartile=70.1, FemaleTopQuartile=29.7))


def _impossible(**extra) -> dict:
    # Women: 20+20 in the lower half, 30+30 upper => 60% of women in the upper half.
    # Men: 80+80 lower, 70+70 upper => 160/300 = 53.3% of men in the lower half.
    return _record(FemaleLowerQuartile=20.0, MaleLowerQuartile=80.0,
                   FemaleLowerMiddleQuartile=20.0, MaleLowerMiddleQuartile=80.0,
                   FemaleUpperMiddleQuartile=30.0, MaleUpperMiddleQuartile=70.0,
                   FemaleTopQuartile=30.0, MaleTopQuartile=70.0, **extra)


def test_an_impossible_return_and_its_mirror():
    failures = check_return(_impossible(DiffMedianHourlyPercent=4.0))
    assert [f.rule for f in failures] == ["median_gap_not_positive_when_women_hold_upper_half"]
    assert failures[0].numbers["DiffMedianHourlyPercent"] == 4.0
    assert "60.0% or more of women" not in failures[0].message  # lower bound after rounding
    assert _rules(_impossible(DiffMedianHourlyPercent=0.0)) == set()
    assert _rules(_impossible(DiffMedianHourlyPercent=-3.0)) == set()
    mirror = _record(FemaleLowerQuartile=80.0, MaleLowerQuartile=20.0,
                     FemaleLowerMiddleQuartile=80.0, MaleLowerMiddleQuartile=20.0,
                     FemaleUpperMiddleQuartile=70.0, MaleUpperMiddleQuartile=30.0,
                     FemaleTopQuartile=70.0, MaleTopQuartile=30.0,
                     DiffMedianHourlyPercent=-2.5)
    assert _rules(mirror) == {"median_gap_not_negative_when_men_hold_upper_half"}


def test_the_impossible_rule_allows_for_rounding():
    # Women's upper-half share is 50.05/100 only if the quarters are taken at face value;
    # rounding could make it exactly a half, so nothing is claimed. A published 0.0 gap could
    # be a rounded 0.04 or -0.04; a published 0.1 is at least 0.05, so positive.
    borderline = _record(FemaleLowerQuartile=24.95, MaleLowerQuartile=75.05,
                         FemaleLowerMiddleQuartile=25.0, MaleLowerMiddleQuartile=75.0,
                         FemaleUpperMiddleQuartile=25.0, MaleUpperMiddleQuartile=75.0,
                         FemaleTopQuartile=25.05, MaleTopQuartile=74.95,
                         DiffMedianHourlyPercent=3.0)
    assert "median_gap_not_positive_when_women_hold_upper_half" not in _rules(borderline)
    assert _rules(_impossible(DiffMedianHourlyPercent=0.0)) == set()
    assert _rules(_impossible(DiffMedianHourlyPercent=0.1)) == {
        "median_gap_not_positive_when_women_hold_upper_half"}


def test_decimals_and_rounding_units():
    assert [decimals(x) for x in (3.0, 3.9, 3.88, -2.7, 100.0)] == [0, 1, 2, 1, 0]
    assert half_unit(3.9) == pytest.approx(0.05)
    assert half_unit(3.88) == pytest.approx(0.005)


def _with_gaps(quarters: dict, rates_m: list[float], rates_f: list[float]) -> dict:
    """A return from its quarter figures and the hourly rates: the mean and median gaps as the
    regulations define them, rounded to one decimal place, and no bonuses."""
    median_m, median_f = statistics.median(rates_m), statistics.median(rates_f)
    mean_m, mean_f = statistics.fmean(rates_m), statistics.fmean(rates_f)
    return _record(**quarters,
                   DiffMedianHourlyPercent=round(100 * (median_m - median_f) / median_m, 1),
                   DiffMeanHourlyPercent=round(100 * (mean_m - mean_f) / mean_m, 1),
                   MaleBonusPercent=0.0, FemaleBonusPercent=0.0, DiffMeanBonusPercent=None,
                   DiffMedianBonusPercent=None)


def _published(rates_m: list[float], rates_f: list[float]) -> dict:
    """The figures the regulations define, from hourly rates, rounded to one decimal place.
    Quarters: everyone sorted by rate, four sections of equal size (no ties: rates are
    continuous)."""
    people = sorted([(r, "M") for r in rates_m] + [(r, "F") for r in rates_f])
    size = len(people) // 4
    figures = {}
    for i, (_, q) in enumerate((("lower", "LowerQuartile"), ("lm", "LowerMiddleQuartile"),
                                ("um", "UpperMiddleQuartile"), ("top", "TopQuartile"))):
        section = people[i * size:(i + 1) * size]
        women = sum(1 for _, s in section if s == "F")
        figures[f"Female{q}"] = round(100 * women / size, 1)
        figures[f"Male{q}"] = round(100 * (size - women) / size, 1)
    return _with_gaps(figures, rates_m, rates_f)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), quarter=st.integers(3, 60),
       share_women=st.floats(0.1, 0.9), shift=st.floats(-0.5, 0.5))
def test_returns_computed_from_a_workforce_never_fail(seed, quarter, share_women, shift):
    rng = random.Random(seed)
    n = 4 * quarter
    women = min(max(1, round(n * share_women)), n - 1)
    rates_f = [rng.lognormvariate(2.6 + shift, 0.4) for _ in range(women)]
    rates_m = [rng.lognormvariate(2.6, 0.4) for _ in range(n - women)]
    assert _rules(_published(rates_m, rates_f)) == set()


@pytest.fixture(scope="module")
def shipped():
    records = [r for path in sorted(RETURNS_DIR.iterdir()) if path.suffix in {".csv", ".xlsx"}
               for r in read_returns(path).records]
    failures = check_returns(records)
    return records, failures, summarise(records, failures)


def test_the_checker_on_every_shipped_year(shipped):
    records, failures, summary = shipped
    assert summary["returns"] == len(records) == 62130
    assert set(summary["by_year"]) == {2017, 2018, 2019, 2020, 2021, 2022, 2023}
    assert set(summary["by_rule"]) == set(RULES)
    # The service enforces the quarter sums; the impossible returns get through it.
    assert summary["by_rule"]["quarters_sum_to_100"] == 0
    assert summary["by_rule"]["median_gap_not_positive_when_women_hold_upper_half"] == 1500
    assert summary["by_rule"]["median_gap_not_negative_when_men_hold_upper_half"] == 654
    assert summary["failing_returns"] == 7475
    for totals in summary["by_year"].values():
        assert totals["failing_returns"] <= totals["returns"]
        assert sum(totals["by_rule"].values()) >= totals["failing_returns"]
    example = next(f for f in failures if f.rule == "gaps_at_most_100"
                   and f.employer_name == "BOWDRAPER LIMITED")
    assert example.numbers == {"DiffMeanBonusPercent": 3848.2, "DiffMedianBonusPercent": 3848.2}


def _published_with_ties(people: list[tuple[float, str]]) -> dict:
    """As `_published`, for rates with ties: people on one rate who straddle a quarter
    boundary are shared between the quarters in that rate's male/female mix (regulation 13
    (2)), so each quarter's share of women counts them fractionally."""
    people = sorted(people)
    n = len(people)
    size = n / 4
    groups: dict[float, list[str]] = {}
    for rate, sex in people:
        groups.setdefault(rate, []).append(sex)
    women_in = [0.0, 0.0, 0.0, 0.0]
    start = 0
    for _rate, sexes in sorted(groups.items()):
        end = start + len(sexes)
        female_mix = sexes.count("F") / len(sexes)
        for q in range(4):
            overlap = max(0.0, min(end, (q + 1) * size) - max(start, q * size))
            women_in[q] += overlap * female_mix
        start = end
    figures = {}
    for q, name in enumerate(("LowerQuartile", "LowerMiddleQuartile", "UpperMiddleQuartile",
                              "TopQuartile")):
        figures[f"Female{name}"] = round(100 * women_in[q] / size, 1)
        figures[f"Male{name}"] = round(100 - 100 * women_in[q] / size, 1)
    rates_m = [r for r, s in people if s == "M"]
    rates_f = [r for r, s in people if s == "F"]
    return _with_gaps(figures, rates_m, rates_f)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), quarter=st.integers(3, 60),
       points=st.integers(2, 8), tilt=st.floats(-0.4, 0.4))
def test_returns_on_pay_scales_with_ties_never_fail(seed, quarter, points, tilt):
    # Police pay is a handful of pay points: many people share a rate across a boundary.
    rng = random.Random(seed)
    scale = sorted({round(rng.uniform(10, 40), 2) for _ in range(points)})
    people = []
    for _ in range(4 * quarter):
        rank = rng.randrange(len(scale))
        p_woman = min(0.95, max(0.05, 0.5 + tilt * (0.5 - rank / max(1, len(scale) - 1))))
        people.append((scale[rank], "F" if rng.random() < p_woman else "M"))
    sexes = {s for _, s in people}
    if sexes != {"F", "M"}:
        return
    assert _rules(_published_with_ties(people)) == set()


def test_quarters_of_unequal_size_are_allowed_for():
    # 98 people (34 men), quarters of 24, 25, 24 and 25 as the regulations' ranking gives:
    # 7, 10, 10 and 7 men. Exactly half the men are in each half, so a negative median gap
    # is possible; taken as equal quarters the shares would say 50.2% of men are in the upper
    # half. The shares fit quarters of 24 people (17/24 = 70.8%), so none is assumed bigger.
    record = _record(MaleLowerQuartile=29.2, FemaleLowerQuartile=70.8,
                     MaleLowerMiddleQuartile=40.0, FemaleLowerMiddleQuartile=60.0,
                     MaleUpperMiddleQuartile=41.7, FemaleUpperMiddleQuartile=58.3,
                     MaleTopQuartile=28.0, FemaleTopQuartile=72.0,
                     DiffMedianHourlyPercent=-2.5, MaleBonusPercent=0.0,
                     FemaleBonusPercent=0.0, DiffMeanBonusPercent=None,
                     DiffMedianBonusPercent=None)
    record.update(employer_size="Less than 250", size_min=0, size_max=249)
    assert smallest_quarter(record) == 1
    assert _rules(record) == set()
    # A large gap the other way is still impossible, whatever the quarter sizes.
    assert _rules(_impossible(DiffMedianHourlyPercent=4.0)) == {
        "median_gap_not_positive_when_women_hold_upper_half"}


# Returns computed every way the regulations allow (parity.context.returns_model) ----------
def test_the_257_employee_return_of_issue_12_is_not_flagged():
    """257 full-pay employees in quarters of 65/64/64/64; seven people on one rate straddle
    the top two quarters and are shared between them in proportion; exactly half the women
    are in the upper half; the median gap is 21.1% in men's favour. Correct, so no flag."""
    women_low = [10.00 + i / 100 for i in range(50)]  # the lower quarter's 50 women
    men_low = [15.00 + i * 0.05 for i in range(79)]  # 15 in the lower quarter, 64 above them
    q3 = [19.33 + i / 100 for i in range(24)] + [20.00 + i / 100 for i in range(36)]
    tie = [25.00] * 7  # 3 women, 4 men: positions 189 to 195, four in q3 and three in q4
    q4 = [26.00 + i / 100 for i in range(23)] + [30.00 + i / 100 for i in range(38)]
    rates = np.array(women_low + men_low + q3 + tie + q4)
    female = np.array([True] * 50 + [False] * 79 + [True] * 24 + [False] * 36
                      + [True] * 3 + [False] * 4 + [True] * 23 + [False] * 38)
    record = compute_return(rates, female, ties="proportional", extra=(0,))
    assert record["quarter_sizes"] == [65, 64, 64, 64]
    quarters = [record[FIGURES[f"Female{q}"]] for q in
                ("LowerQuartile", "LowerMiddleQuartile", "UpperMiddleQuartile", "TopQuartile")]
    assert quarters == [76.9, 0.0, 40.2, 37.9]
    assert sum(record["quarter_women"][2:]) == pytest.approx(50)  # exactly half of 100
    assert record[FIGURES["DiffMedianHourlyPercent"]] == 21.1
    assert record["employer_size"] == "250 to 499"
    # Taken as four equal quarters the shares say more than half the women are in the
    # upper half and more than half the men in the lower: that was the false flag.
    v = {k: record[FIGURES[k]] for k in FIGURES}
    assert upper_half_shares(v)[0] > 0.5 and upper_half_shares(v)[2] > 0.5
    assert check_return(record) == []


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**63 - 1))
def test_returns_computed_every_allowed_way_are_never_flagged(seed):
    record = random_return(np.random.default_rng(seed))
    assert check_return(record) == [], record


def test_quarter_sizes_put_the_extra_people_where_asked():
    assert quarter_sizes(257, (0,)) == [65, 64, 64, 64]
    assert quarter_sizes(258, (3, 1)) == [64, 65, 64, 65]
    assert quarter_sizes(259) == [65, 65, 65, 64]
    assert sum(quarter_sizes(1001, (2,))) == 1001


def _every_rule_on_each(records: list[dict]) -> list:
    """The failures with every rule run on every return (no screening)."""
    return [f for record in records for f in check_return(record)]


def test_screening_finds_every_failure_of_the_shipped_returns(shipped):
    records, failures, _ = shipped
    assert failures == _every_rule_on_each(records)


# Figures near every rule's edge: blanks, zero, rounding margins around 0 and 100, one to six
# decimal places, negative shares, and plain values.
_EDGE = st.one_of(
    st.none(), st.sampled_from([0.0, -0.0, 0, 100, 50, 100.05, 100.0000000005, 99.95, -0.04,
                                -1.0, 0.05, 1e-7, 12.34, 12.345, 33.3333333, 101.0, 3848.2]),
    st.floats(-5, 110, allow_nan=False).map(lambda x: round(x, 1)),
    st.floats(-5, 110, allow_nan=False).map(lambda x: round(x, 2)),
    st.floats(-5, 110, allow_nan=False))


@settings(max_examples=300, deadline=None)
@given(changes=st.lists(st.dictionaries(st.sampled_from(sorted(FIGURES)), _EDGE), max_size=20),
       women_upper=st.lists(st.tuples(st.floats(0, 100, allow_nan=False),
                                      st.sampled_from([-3.0, -0.04, 0.0, 0.04, 2.5, None])),
                            max_size=10),
       size=st.sampled_from([(None, None), (0, 0), (250, 499), (5000, 19999)]))
def test_screening_finds_what_every_rule_on_each_return_finds(changes, women_upper, size):
    records = [_record(**c) for c in changes]
    for share, gap in women_upper:  # women mostly in the upper half, men in the lower
        a = round(share, 1)
        records.append(_record(
            FemaleLowerQuartile=round(100 - a, 1), MaleLowerQuartile=a,
            FemaleLowerMiddleQuartile=round(100 - a, 1), MaleLowerMiddleQuartile=a,
            FemaleUpperMiddleQuartile=a, MaleUpperMiddleQuartile=round(100 - a, 1),
            FemaleTopQuartile=a, MaleTopQuartile=round(100 - a, 2),
            DiffMedianHourlyPercent=gap))
    for record in records:
        record["size_min"], record["size_max"] = size
    assert check_returns(records) == _every_rule_on_each(records)


def test_odd_figures_are_checked_rule_by_rule():
    records = [_record(DiffMeanHourlyPercent=float("nan")), _record(MaleTopQuartile=float("inf")),
               _record(FemaleTopQuartile=True), _record(DiffMeanBonusPercent=1e12)]
    assert check_returns(records) == _every_rule_on_each(records)
    assert check_returns([]) == []
