"""The report's main points: written from the figures, each naming the figures it rests on,
and following the data when it changes (both engines)."""

from __future__ import annotations

from sqlalchemy import update

from parity.reports.main_points import main_points
from parity.workforce import findings
from parity.workforce.models import WorkforceEditionCount as W  # the one edition's rows


def by_rule(points) -> dict:  # noqa: ANN001
    return {p.rule: p for p in points}


def test_every_point_names_the_figures_it_shows(wf_db):
    points = by_rule(main_points(wf_db, year=2023))
    assert {"headline", "movers_all", "movers_senior", "senior_falls", "pipeline",
            "longest_gaps"} <= set(points)
    for p in points.values():
        assert p.figures, p.rule
        for figure in p.figures:
            assert figure["shown"] in p.text, (p.rule, figure)
            assert figure["value"] is not None
    # the real 2023 figures: 34.7% of officers were women, up 1.2 points on 2022
    headline = points["headline"]
    assert headline.text.startswith("On 31 March 2023 women were 34.7% of police officers")
    officers = headline.figures[0]
    assert officers["unit"] == "share" and round(officers["value"], 3) == 0.347
    assert "rose by 1.2 points on the year" in headline.text
    # the pipeline starts at the constables' share and measures each rank against it
    pipeline = points["pipeline"]
    assert pipeline.figures[0]["label"] == "Constables, share of women"
    assert "middle management stood" in pipeline.text and "below that" in pipeline.text
    # Surrey's senior share rose most among the larger senior teams in 2023
    assert "rose most in Surrey" in points["movers_senior"].text


def test_a_change_in_the_data_changes_the_sentences(wf_db):
    before = by_rule(main_points(wf_db, year=2023))
    assert "fell in 14 of 43 forces" in before["senior_falls"].text
    # Surrey's women chief inspectors leave in 2023: its senior share now falls
    wf_db.execute(update(W).where(W.force_id == "surrey", W.year == 2023,
                                  W.worker_type == "officer", W.rank == "chief_inspector",
                                  W.sex == "female").values(fte=0.0, headcount=0.0))
    after = by_rule(main_points(wf_db, year=2023))
    assert "fell in 15 of 43 forces" in after["senior_falls"].text
    assert "Surrey" not in after["movers_senior"].text.split("fell most")[0]
    assert after["movers_senior"].text != before["movers_senior"].text
    fell = next(f for f in after["senior_falls"].figures
                if f["label"] == "Forces whose senior share fell")
    assert fell["value"] == 15


def test_gap_runs_count_the_years_in_a_row(wf_db):
    runs = findings.gap_runs(wf_db, year=2023)
    assert runs["first_year"] == 2007
    rows = {r["force_id"]: r for r in runs["forces"]}
    # Dyfed-Powys's senior share has been below its all-officer share every year held
    assert rows["dyfed-powys"]["years"] == 17 and rows["dyfed-powys"]["since"] == 2007
    assert all(r["gap"] < 0 for r in runs["forces"])
    assert all(1 <= r["years"] <= 17 for r in runs["forces"])


def test_quality_flags_find_the_not_stated_records(wf_db):
    flags = findings.quality_flags(wf_db)
    lincolnshire = [f for f in flags if f["force_id"] == "lincolnshire"]
    assert [f["year"] for f in lincolnshire] == [2021]
    assert 0.15 < lincolnshire[0]["share"] < 0.25
    assert all(f["year"] >= 2021 for f in flags)  # the categories exist from 2021
