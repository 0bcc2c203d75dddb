"""``parity returns ...`` as a user runs it: the coordinator opens a year, follows the states,
reads a return's trail, lists reminders and the published returns; bad dates exit 2."""

from __future__ import annotations

from sqlalchemy.orm import Session

from parity.returns import service
from parity.returns.service import Actor
from parity.store import make_engine
from tests.cli_runner import parity

LEAD = Actor("lead@kent.example", "force_lead", "kent")
FIGURES = {"mean_hourly_gap_pct": 12.3, "median_hourly_gap_pct": 14.1,
           "mean_bonus_gap_pct": 5.0, "median_bonus_gap_pct": 0.0, "male_bonus_pct": 3.2,
           "female_bonus_pct": 2.9, "female_lower_pct": 55.0, "female_lower_middle_pct": 44.1,
           "female_upper_middle_pct": 33.0, "female_upper_pct": 24.5}


def test_open_status_show_history_reminders_published(sqlite_url) -> None:  # noqa: ANN001
    opened = parity("returns", "open", "--year", "2023", "--deadline", "2026-12-31",
                    "--opens", "2026-11-01", "--json", db_url=sqlite_url,
                    env={"PARITY_USER": "coordinator@example.org"})
    assert opened.code == 0, opened.stderr
    assert opened.json()["deadline"] == "2026-12-31"

    engine = make_engine(sqlite_url)
    with Session(engine) as s:
        service.save_draft(s, year=2023, force_id="kent", actor=LEAD, content={
            "paygap": FIGURES, "signatory": {"name": "A. Person", "job_title": "DCC"}})
        service.submit(s, year=2023, force_id="kent", actor=LEAD)
        service.accept(s, year=2023, force_id="kent",
                       actor=Actor("coordinator@example.org", "coordinator"))
        s.commit()
    engine.dispose()

    status = parity("returns", "status", "--year", "2023", "--json", db_url=sqlite_url).json()
    states = {r["force_id"]: r["state"] for r in status["forces"]}
    assert states["kent"] == "accepted" and states["essex"] == "not_started"
    assert status["year"]["counts"]["accepted"] == 1
    table = parity("returns", "status", "--year", "2023", db_url=sqlite_url)
    assert "Kent" in table.stdout and "Accepted" in table.stdout

    shown = parity("returns", "show", "--year", "2023", "--force", "Kent Police", "--json",
                   db_url=sqlite_url).json()
    assert shown["content"]["paygap"]["median_hourly_gap_pct"] == 14.1
    trail = parity("returns", "history", "--year", "2023", "--force", "kent", "--json",
                   db_url=sqlite_url).json()
    assert [e["action"] for e in trail] == ["saved", "submitted", "accepted"]
    assert trail[-1]["by"] == "coordinator@example.org"

    reminders = parity("returns", "reminders", "--year", "2023", "--json",
                       db_url=sqlite_url).json()
    assert "kent" not in {r["force_id"] for r in reminders} and len(reminders) == 47
    published = parity("returns", "published", "--year", "2023", "--json",
                       db_url=sqlite_url).json()
    assert [p["force"] for p in published] == ["Kent"]


def test_bad_dates_and_unopened_years_exit_2_and_write_nothing(sqlite_url) -> None:  # noqa: ANN001
    bad = parity("returns", "open", "--year", "2023", "--deadline", "31/12/2026",
                 db_url=sqlite_url)
    assert bad.code == 2 and "--deadline" in bad.stderr and "YYYY-MM-DD" in bad.stderr
    early = parity("returns", "open", "--year", "2023", "--deadline", "2026-01-01",
                   "--opens", "2026-02-01", db_url=sqlite_url)
    assert early.code == 2 and "before the year opens" in early.stderr
    missing = parity("returns", "status", "--year", "2023", db_url=sqlite_url)
    assert missing.code == 2 and "has not been opened" in missing.stderr
    engine = make_engine(sqlite_url)
    with Session(engine) as s:
        assert service.list_years(s) == []
    engine.dispose()
