"""The checks the foundation issue names, computed from the real Home Office table."""

import pytest

from parity.workforce import service


def test_met_2023_senior_fte(wf_db):
    r = service.representation(wf_db, area="Metropolitan Police", year=2023, group="senior",
                               measure="fte")
    assert r["female"] == pytest.approx(165.76, abs=0.005)
    assert r["total"] == pytest.approx(678.96, abs=0.005)
    assert r["share_female"] == pytest.approx(0.2441, abs=0.00005)


def test_wales_2015_all_officers_headcount(wf_db):
    r = service.representation(wf_db, area="Wales", year=2015, group="all", measure="headcount")
    assert (r["female"], r["total"]) == (2060, 6862)
    assert r["share_female"] == pytest.approx(0.3002, abs=0.00005)
    assert r["area_kind"] == "region"


def test_england_and_wales_2022_staff_fte(wf_db):
    r = service.representation(wf_db, area="England and Wales", year=2022, worker_type="staff",
                               measure="fte")
    assert r["share_female"] == pytest.approx(0.6255, abs=0.00005)


def test_england_and_wales_2010_specials_headcount(wf_db):
    r = service.representation(wf_db, area="England and Wales", year=2010, worker_type="special",
                               measure="headcount")
    assert (r["female"], r["total"]) == (4876, 15505)
    assert r["share_female"] == pytest.approx(0.3145, abs=0.00005)
