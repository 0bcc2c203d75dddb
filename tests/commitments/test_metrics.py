"""Status rules on constructed series (docs/decisions/0501, 0502)."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parity.commitments import metrics
from parity.commitments.metrics import assess, combine, fit_line

TARGET_2025 = date(2025, 3, 31)


def test_a_series_that_reaches_its_target_early_is_on_track():
    values = {2019: 0.20, 2020: 0.23, 2021: 0.27, 2022: 0.31}
    a = assess(values, baseline_year=2019, target_value=0.30, target_date=TARGET_2025)
    assert a.status == "on_track"
    assert "met" in a.reason and "ahead of the target date" in a.reason
    assert a.baseline == 0.20 and a.latest == 0.31 and a.latest_year == 2022
    assert a.progress == pytest.approx(1.1)


def test_a_series_that_stalls_is_off_track():
    values = {2019: 0.20, 2020: 0.22, 2021: 0.22, 2022: 0.22, 2023: 0.22}
    a = assess(values, baseline_year=2019, target_value=0.30, target_date=date(2026, 3, 31))
    assert a.status == "off_track"
    assert "stalled" in a.reason
    assert a.slope == pytest.approx(0.004)


def test_a_trend_line_dragged_up_by_early_years_is_not_green_after_two_flat_years():
    values = {2019: 0.20, 2020: 0.25, 2021: 0.30, 2022: 0.30, 2023: 0.30}
    a = assess(values, baseline_year=2019, target_value=0.34, target_date=date(2025, 3, 31))
    assert a.projected >= 0.34
    assert a.status == "at_risk"
    assert "no progress since 2021" in a.reason


def test_a_series_going_the_wrong_way_is_off_track():
    values = {2019: 0.25, 2020: 0.24, 2021: 0.23, 2022: 0.22}
    a = assess(values, baseline_year=2019, target_value=0.30, target_date=TARGET_2025)
    assert a.status == "off_track"
    assert "wrong way" in a.reason
    assert a.progress < 0


def test_a_series_with_a_missing_year_is_never_green():
    full = {2019: 0.20, 2020: 0.22, 2021: 0.24, 2022: 0.26, 2023: 0.28}
    holed = {y: v for y, v in full.items() if y != 2021}
    expected = range(2019, 2024)
    ok = assess(full, baseline_year=2019, target_value=0.31, target_date=TARGET_2025,
                expected_years=expected)
    assert ok.status == "on_track" and ok.missing_years == []
    a = assess(holed, baseline_year=2019, target_value=0.31, target_date=TARGET_2025,
               expected_years=expected)
    assert a.missing_years == [2021]
    assert a.slope == pytest.approx(0.02)
    assert a.status == "at_risk"
    assert "no figure for 2021" in a.reason


def test_a_latest_year_missing_from_the_source_is_noticed():
    values = {2019: 0.20, 2020: 0.22, 2021: 0.24, 2022: 0.26}
    a = assess(values, baseline_year=2019, target_value=0.30, target_date=date(2026, 3, 31),
               expected_years=range(2015, 2024))
    assert a.missing_years == [2023]
    assert a.status == "at_risk"


def test_a_target_date_passed_with_no_figure_for_it_is_not_green():
    """The trend through 2019-2021 reaches 30% by 2025, but once 31 March 2025 has passed
    only the figure for it can say whether the target was met."""
    values = {2019: 0.20, 2020: 0.23, 2021: 0.26}
    kwargs = {"baseline_year": 2019, "target_value": 0.30, "target_date": TARGET_2025}
    before = assess(values, **kwargs, as_of=date(2025, 3, 30))
    assert before.status == "on_track" and before.missing_years == []
    after = assess(values, **kwargs, as_of=date(2025, 3, 31))
    assert after.status == "at_risk" and after.missing_years == [2025]
    assert after.reason.endswith("but there is no figure for 2025, so it cannot be confirmed.")
    met = assess({**values, 2022: 0.31}, **kwargs, as_of=date(2026, 1, 1))
    assert met.status == "at_risk" and "is met" in met.reason  # met in 2022; 2025 unknown
    late = assess(values, baseline_year=2019, target_value=0.30,
                  target_date=date(2025, 12, 31), as_of=date(2026, 1, 1))
    assert late.status == "on_track"  # its figure is the 31 March 2026 one: not yet due
    assert metrics.target_snapshot_year(date(2025, 12, 31)) == 2026


def test_between_half_and_all_of_the_gap_is_at_risk():
    values = {2019: 0.20, 2020: 0.21, 2021: 0.22, 2022: 0.23}
    a = assess(values, baseline_year=2019, target_value=0.27, target_date=TARGET_2025)
    assert a.projected == pytest.approx(0.26)
    assert a.status == "at_risk" and "short of the target" in a.reason


def test_too_slow_is_off_track():
    values = {2019: 0.200, 2020: 0.203, 2021: 0.206, 2022: 0.209}
    a = assess(values, baseline_year=2019, target_value=0.40, target_date=TARGET_2025)
    assert a.status == "off_track" and "too slow" in a.reason


def test_a_target_date_passed_unmet_is_off_track():
    values = {2019: 0.20, 2022: 0.24, 2025: 0.28}
    a = assess(values, baseline_year=2019, target_value=0.30, target_date=TARGET_2025)
    assert a.status == "off_track" and "has passed" in a.reason


def test_downward_targets_mirror_upward_ones():
    gaps = {2018: 18.0, 2019: 17.0, 2020: 16.0, 2021: 15.0}
    a = assess(gaps, baseline_year=2018, target_value=12.0, target_date=TARGET_2025,
               direction="down", unit="pct")
    assert a.status == "on_track" and "percentage points a year" in a.reason


@pytest.mark.parametrize(("values", "baseline_year", "baseline_value", "words"), [
    ({}, None, None, "No figures"),
    ({2020: 0.3, 2021: 0.31}, 2019, None, "No baseline"),
    ({2019: 0.3}, 2019, None, "No figure is held after"),
    ({2019: 0.3}, 2019, 0.3, "No figure is held after"),
])
def test_missing_data_is_no_data_with_its_reason(values, baseline_year, baseline_value, words):
    a = assess(values, baseline_year=baseline_year, baseline_value=baseline_value,
               target_value=0.35, target_date=TARGET_2025)
    assert a.status == "no_data" and words in a.reason


def test_an_entered_baseline_stands_for_its_year():
    a = assess({2021: 0.26, 2022: 0.28}, baseline_year=2020, baseline_value=0.24,
               target_value=0.30, target_date=TARGET_2025)
    assert a.baseline == 0.24 and a.slope == pytest.approx(0.02)
    assert a.status == "on_track"


def test_without_a_target_the_direction_decides():
    up = assess({2019: 0.2, 2020: 0.21, 2021: 0.22}, baseline_year=2019)
    flat = assess({2019: 0.2, 2020: 0.2, 2021: 0.2}, baseline_year=2019)
    down = assess({2019: 0.2, 2020: 0.19, 2021: 0.18}, baseline_year=2019)
    assert (up.status, flat.status, down.status) == ("on_track", "at_risk", "off_track")
    assert all("No numeric target" in a.reason for a in (up, flat, down))


def test_combine_takes_the_worst_and_missing_data_is_not_green():
    assert combine(["on_track", "no_data"]) == "no_data"
    assert combine(["on_track", "at_risk", "no_data"]) == "at_risk"
    assert combine(["off_track", "on_track"]) == "off_track"
    assert combine([]) == "no_data"


def test_snapshot_axis():
    assert metrics.year_of(date(2025, 3, 31)) == 2025.0
    assert metrics.snapshot_year(date(2024, 3, 30)) == 2023
    assert metrics.snapshot_year(date(2024, 3, 31)) == 2024


years = st.lists(st.integers(2000, 2040), min_size=2, max_size=12, unique=True)


@given(years, st.floats(-1, 1), st.floats(-0.05, 0.05))
def test_least_squares_recovers_a_straight_line(xs, intercept, slope):
    line = fit_line({x: intercept + slope * (x - 2000) for x in xs})
    assert line.slope == pytest.approx(slope, abs=1e-9)
    assert line.at(2000) == pytest.approx(intercept, abs=1e-7)


series = st.dictionaries(st.integers(2015, 2024), st.floats(0, 1), min_size=0, max_size=10)


@settings(max_examples=200)
@given(series, st.integers(2014, 2024), st.one_of(st.none(), st.floats(0, 1)),
       st.sampled_from(["up", "down"]), st.dates(date(2020, 1, 1), date(2030, 1, 1)))
def test_every_assessment_has_a_status_and_one_sentence(values, start, target, direction,
                                                        as_of):
    a = assess(values, baseline_year=start, target_value=target,
               target_date=date(2027, 3, 31) if target is not None else None,
               direction=direction, expected_years=range(2015, 2025), as_of=as_of)
    assert a.status in metrics.STATUSES
    assert a.reason.endswith(".") and ". " not in a.reason.replace("e.g. ", "")
    if a.missing_years or not values:
        assert a.status != "on_track"
    if target is not None and as_of >= date(2027, 3, 31) and 2027 not in values \
            and a.status == "on_track":
        raise AssertionError("a passed target date without its figure was judged green")


@given(series, st.integers(2015, 2020), st.floats(0, 1))
def test_direction_down_mirrors_direction_up(values, start, target):
    up = assess(values, baseline_year=start, target_value=target, target_date=date(2027, 3, 31),
                unit="value", flat_tolerance=0.001)
    down = assess({y: -v for y, v in values.items()}, baseline_year=start, target_value=-target,
                  target_date=date(2027, 3, 31), direction="down", unit="value",
                  flat_tolerance=0.001)
    assert up.status == down.status


def test_a_target_met_needs_no_baseline_but_gaps_still_count():
    yes = assess({2022: 1.0, 2023: 1.0}, baseline_year=2022, target_value=1, unit="value")
    assert yes.status == "on_track" and "is met" in yes.reason
    gap = assess({2021: 1.0, 2023: 1.0}, baseline_year=2019, target_value=1, unit="value")
    assert gap.status == "at_risk" and gap.missing_years == [2019, 2020, 2022]
    no = assess({2022: 0.0}, baseline_year=2022, target_value=1, unit="value")
    assert no.status == "no_data"
