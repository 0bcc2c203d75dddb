"""Representation figures from the real table: areas, groups, series, league, overview."""

from __future__ import annotations

import re

import pytest

from parity.errors import InputError
from parity.workforce import service


def test_national_area_is_the_43_territorial_forces(wf_db):
    without = service.representation(wf_db, area="England and Wales", year=2023, measure="headcount")
    with_btp = service.representation(wf_db, area="England and Wales", year=2023,
                                      measure="headcount", include_btp=True)
    btp = service.representation(wf_db, area="British Transport Police", year=2023,
                                 measure="headcount")
    assert with_btp["total"] == pytest.approx(without["total"] + btp["total"])
    regions = ["North East", "North West", "Yorkshire and the Humber", "East Midlands",
               "West Midlands", "Eastern", "London", "South East", "South West", "Wales"]
    total = sum(service.representation(wf_db, area=r, year=2023, measure="headcount")["total"]
                for r in regions)
    assert total == pytest.approx(without["total"])


def test_rank_groups_partition_as_defined(wf_db):
    def women(group: str) -> float:
        return service.representation(wf_db, area="Kent", year=2020, group=group,
                                      measure="headcount")["female"]

    ranks = ["constable", "sergeant", "inspector", "chief_inspector", "superintendent",
             "chief_superintendent", "chief_officer"]
    assert women("all") == pytest.approx(sum(women(r) for r in ranks))
    assert women("middle") == pytest.approx(women("sergeant") + women("inspector"))
    assert women("senior") == pytest.approx(women("chief_inspector") + women("superintending"))


def test_changes_on_one_and_five_years(wf_db):
    r = service.representation(wf_db, area="England and Wales", year=2023, group="senior")
    r22 = service.representation(wf_db, area="England and Wales", year=2022, group="senior")
    r18 = service.representation(wf_db, area="England and Wales", year=2018, group="senior")
    assert r["share_female_change_1y"] == pytest.approx(r["share_female"] - r22["share_female"])
    assert r["share_female_change_5y"] == pytest.approx(r["share_female"] - r18["share_female"])
    first = service.representation(wf_db, area="England and Wales", year=2007)
    assert first["share_female_change_1y"] is None and first["share_female_change_5y"] is None


def test_interval_is_on_headcount_and_contains_the_share(wf_db):
    r = service.representation(wf_db, area="Dyfed-Powys", year=2023, group="chief_officer",
                               measure="headcount")
    assert r["share_female_ci_low"] <= r["share_female"] <= r["share_female_ci_high"]


def test_an_fte_share_names_the_headcount_share_its_interval_surrounds(wf_db):
    fte = service.representation(wf_db, area="England and Wales", year=2023)
    head = service.representation(wf_db, area="England and Wales", year=2023,
                                  measure="headcount")
    # England and Wales, 31 March 2023: 34.7% on FTE lies outside the headcount interval
    assert not fte["share_female_ci_low"] <= fte["share_female"] <= fte["share_female_ci_high"]
    assert fte["share_female_headcount"] == pytest.approx(head["share_female"])
    assert fte["share_female_ci_low"] <= fte["share_female_headcount"] <= fte[
        "share_female_ci_high"]
    assert head["share_female_headcount"] == head["share_female"]


def test_trend_covers_every_year(wf_db):
    t = service.trend(wf_db, area="Metropolitan Police", group="senior")
    assert [y["year"] for y in t["years"]] == list(range(2007, 2024))
    assert t["years"][-1]["share_female"] == pytest.approx(0.2441, abs=5e-5)


def test_league_ranks_43_forces_and_gives_senior_gap(wf_db):
    table = service.league(wf_db, year=2023, group="senior")
    forces = table["forces"]
    assert len(forces) == 43
    shares = [f["share_female"] for f in forces]
    assert shares == sorted(shares, reverse=True)
    met = next(f for f in forces if f["force_id"] == "metropolitan-police")
    all_ranks = service.representation(wf_db, area="Metropolitan Police", year=2023)
    assert met["senior_gap"] == pytest.approx(met["share_female"] - all_ranks["share_female"])
    assert len(service.league(wf_db, year=2023, include_btp=True)["forces"]) == 44


def test_overview_lines_and_extremes(wf_db):
    o = service.overview(wf_db)
    assert o["year"] == 2023
    labels = [line["label"] for line in o["lines"]]
    assert labels[0] == "Police officers, all ranks" and len(labels) == 6
    staff = next(line for line in o["lines"] if line["worker_type"] == "staff")
    assert staff["share_female"] > 0.6
    assert o["senior_highest"][0]["share_female"] >= o["senior_lowest"][0]["share_female"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"area": "Yorkshire"}, "unknown area 'Yorkshire'"),
        ({"group": "generals"}, "unknown rank group 'generals'"),
        ({"worker_type": "special", "measure": "fte"}, "counted by headcount only"),
        ({"worker_type": "staff", "group": "senior"}, "applies to police officers only"),
        ({"year": 1999}, "no workforce data for England and Wales in 1999 (years held: 2007 to "
                         "2023)"),
        ({"area": "PSNI"}, "no workforce data for Police Service of Northern Ireland in 2023 "
                           "(none held: load a table with `parity import workforce`)"),
    ],
)
def test_bad_queries_say_what_is_wrong(wf_db, kwargs, message):
    args = {"area": "England and Wales", "year": 2023, **kwargs}
    with pytest.raises(InputError, match=re.escape(message)):
        service.representation(wf_db, **args)
