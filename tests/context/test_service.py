"""The context service: per-force pay gap history, comparisons, joined views."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity.context import metrics, service
from parity.errors import InputError
from parity.workforce import service as workforce
from tests.helpers import statements_sent


def test_paygap_series_keyed_by_snapshot_year(ctx_db):
    series = service.paygap_series(ctx_db, force_id="warwickshire",
                                   field="DiffMedianHourlyPercent")
    # 2017/18 and 2018/19 were filed as "Warwickshire Police Authority"
    assert list(series) == [2017, 2018, 2019, 2020, 2021, 2022, 2023]
    assert series[2017] == 22.0 and series[2022] == 20.2
    merseyside = service.paygap_series(ctx_db, force_id="merseyside",
                                       field="FemaleTopQuartile")
    assert 2019 not in merseyside and 2022 not in merseyside and 2023 in merseyside
    with pytest.raises(InputError):
        service.paygap_series(ctx_db, force_id="kent", field="MedianGap")


def test_paygap_history_lists_every_year_with_the_gaps(ctx_db):
    history = service.paygap_history(ctx_db, force_id="gloucestershire")
    assert [h["snapshot_year"] for h in history] == list(range(2017, 2024))
    reported = {h["snapshot_year"]: h["reported"] for h in history}
    assert reported == {2017: True, 2018: True, 2019: False, 2020: False, 2021: True,
                        2022: True, 2023: True}
    late = {h["snapshot_year"] for h in history if h["submitted_late"]}
    assert late == {2021}
    first = history[0]
    assert first["reporting_year"] == "2017/18"
    assert first["employer_name"] == "Gloucestershire Constabulary"
    assert set(service.SERVICE_FIELDS) <= set(first)
    assert history[-1]["partial"] is True
    # BTP filed its 2017/18 return on 27 March 2019, a year late
    assert service.late_submissions(ctx_db, force_id="british-transport-police") == [2017, 2022]


def test_every_late_flag_of_a_police_force(ctx_db):
    """The service's own flag, checked by hand against the downloads. A DateSubmitted after
    the due date without the flag (Kent's 2022/23 return, dated 27 April 2023, say) is not
    counted as late: Parity reports the service's flag."""
    late = {f: service.late_submissions(ctx_db, force_id=f) for f in service.police_force_ids()}
    assert {f: years for f, years in late.items() if years} == {
        "british-transport-police": [2017, 2022], "devon-and-cornwall": [2017],
        "humberside": [2018], "cleveland": [2021], "gloucestershire": [2021]}
    kent = service.paygap_history(ctx_db, force_id="kent")[5]
    assert (kent["snapshot_year"], kent["submitted_late"]) == (2022, False)
    assert kent["date_submitted"].date() > kent["due_date"]


def test_comparison_with_police_forces_and_public_sector(ctx_db):
    result = service.paygap_comparison(ctx_db, force_id="kent")
    assert result["snapshot_year"] == 2022  # latest complete year
    assert result["value"] == 21.5
    police = result["police_forces"]
    assert police["n"] == 43  # Merseyside did not report for 2022
    assert police["q1"] <= police["median"] <= police["q3"]
    assert 1 <= police["position"] <= 43
    public = result["public_administration"]
    assert public["n"] > police["n"]
    assert public["median"] < police["median"]
    league = service.paygap_league(ctx_db, snapshot_year=2019)
    assert sorted(league["not_reported"]) == ["cleveland", "gloucestershire", "humberside",
                                              "merseyside", "norfolk", "suffolk"]
    values = [r["value"] for r in league["forces"]]
    assert values == sorted(values)


def test_benchmarks_and_checks_on_stored_returns(ctx_db):
    bench = service.paygap_benchmarks(ctx_db)
    assert list(bench) == list(range(2017, 2024))
    assert bench[2019]["police_forces"]["n"] == 38
    assert bench[2023]["partial"] is True
    checks = service.paygap_checks(ctx_db, force_id="north-wales")
    rules = {(f["snapshot_year"], f["rule"]) for f in checks["failures"]}
    assert (2020, "median_gap_not_positive_when_women_hold_upper_half") in rules
    assert checks["summary"]["returns"] == 6  # not yet filed in the partial 2023/24


def test_force_context_puts_three_sources_on_one_timeline(ctx_db):
    ctx = service.force_context(ctx_db, force_id="kent")
    years = {t["year"]: t for t in ctx["timeline"]}
    assert list(years) == list(range(2017, 2024))
    assert years[2019]["crime"]["sexual_offences"]["rate"] == pytest.approx(3.9072, abs=1e-4)
    assert years[2017]["crime"] is None
    assert years[2022]["paygap"]["DiffMedianHourlyPercent"] == 21.5
    assert 0 < years[2022]["workforce"]["share_female_officers_all"] < 1
    assert years[2023]["paygap"]["reported"] is False and years[2023]["paygap"]["partial"]
    assert ctx["paygap_comparison"]["force_id"] == "kent"


def test_national_context_has_every_force_side_by_side(ctx_db):
    view = service.national_context(ctx_db, year=2019)
    assert view["years"] == {"workforce": 2019, "paygap_snapshot": 2019,
                             "crime_year_ending": date(2019, 3, 31)}
    rows = {r["force_id"]: r for r in view["forces"]}
    assert set(rows) == set(service.police_force_ids())
    assert rows["cleveland"]["paygap_reported"] is False
    assert rows["cleveland"]["median_hourly_gap_pct"] is None
    assert rows["kent"]["sexual_offences_rate"] == pytest.approx(3.9072, abs=1e-4)
    assert rows["british-transport-police"]["sexual_offences_rate"] is None
    assert 0 < rows["british-transport-police"]["share_female_officers_all"] < 1


def test_crime_league_for_a_period(ctx_db):
    league = service.crime_league(ctx_db, offence="stalking_and_harassment",
                                  period_end=date(2019, 12, 31))
    assert len(league["forces"]) == 44
    rated = [f["rate"] for f in league["forces"] if f["rate"] is not None]
    assert rated == sorted(rated)
    assert league["england_and_wales"]["count"] == 460351


@given(st.lists(st.floats(-100, 100, allow_nan=False), min_size=1, max_size=60))
def test_distribution_and_position_properties(values):
    dist = metrics.distribution(values)
    assert dist["min"] <= dist["q1"] <= dist["median"] <= dist["q3"] <= dist["max"]
    for v in values:
        pos = metrics.position(v, values)
        assert 1 <= pos["position"] <= pos["of"] == len(values)
        assert 0 <= pos["percentile"] <= 1
    assert metrics.position(min(values), values)["position"] == 1


def test_change_on_the_year():
    by_period = {date(2018, 12, 31): 100.0, date(2019, 12, 31): 110.0, date(2019, 6, 30): 5.0}
    changes = metrics.year_on_year(by_period)
    assert changes[date(2019, 12, 31)] == (10.0, pytest.approx(10.0))
    assert changes[date(2019, 6, 30)] == (None, None)
    assert metrics.change(5.0, 0.0) == (5.0, None)


def test_a_report_build_reads_the_returns_once_with_the_same_figures(ctx_db):
    plain_checks = service.paygap_checks(ctx_db, police_only=True)
    plain_totals = service.paygap_check_totals(ctx_db, police_only=True)
    plain = {f: service.paygap_history(ctx_db, force_id=f) for f in ("kent", "essex")}
    plain_crime = {f: service.crime_history(ctx_db, force_id=f) for f in ("kent", "essex")}
    with workforce.reads_kept():
        assert service.paygap_checks(ctx_db, police_only=True) == plain_checks
        with statements_sent(ctx_db.get_bind()) as statements:
            assert service.paygap_check_totals(ctx_db, police_only=True) == plain_totals
        assert statements == []  # the checks were run once
        kept = {f: service.paygap_history(ctx_db, force_id=f) for f in plain}
        kept_crime = {f: service.crime_history(ctx_db, force_id=f) for f in plain}
    assert kept == plain and kept_crime == plain_crime
