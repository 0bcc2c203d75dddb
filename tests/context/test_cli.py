"""The context commands, run as a user runs them; and every command is documented."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from tests.cli_runner import parity
from tests.context.conftest import CRIME_DIR, RETURNS_DIR

ROOT = Path(__file__).resolve().parents[2]
Y2019 = str(RETURNS_DIR / "UK Gender Pay Gap Data - 2019 to 2020.csv")
COMMANDS = ("parity import paygap-returns", "parity import crime", "parity paygap check",
            "parity paygap history", "parity paygap compare", "parity crime", "parity context")


def test_import_paygap_returns_then_again(sqlite_url):
    first = parity("import", "paygap-returns", Y2019, "--json", db_url=sqlite_url)
    assert first.code == 0, first.stderr
    result = first.json()
    assert (result["status"], result["rows"], result["snapshot_year"]) == ("imported", 6918, 2019)
    assert result["forces"] == 38
    again = parity("import", "paygap-returns", Y2019, "--json", db_url=sqlite_url)
    assert again.json()["status"] == "unchanged"


def test_import_crime_edition(sqlite_url):
    run = parity("import", "crime", str(CRIME_DIR / "pfatablesdec19.xlsx"), "--json",
                 db_url=sqlite_url)
    assert run.code == 0, run.stderr
    assert run.json()["period_end"] == "2019-12-31"
    assert run.json()["forces"] == 44


def test_paygap_history_json_uses_the_service_field_names(ctx_sqlite_url):
    run = parity("paygap", "history", "--force", "Avon & Somerset", "--json",
                 db_url=ctx_sqlite_url)
    assert run.code == 0, run.stderr
    years = run.json()
    assert [y["snapshot_year"] for y in years] == list(range(2017, 2024))
    assert years[0]["DiffMedianHourlyPercent"] is not None
    assert {"DiffMeanHourlyPercent", "FemaleTopQuartile", "MaleBonusPercent"} <= set(years[0])
    human = parity("paygap", "history", "--force", "Merseyside Police", db_url=ctx_sqlite_url)
    assert human.code == 0 and "no return" in human.stdout


def test_paygap_check_reports_rules_and_totals(ctx_sqlite_url):
    run = parity("paygap", "check", Y2019, "--json", db_url=ctx_sqlite_url)
    assert run.code == 0, run.stderr
    result = run.json()
    assert result["returns"] == 6918
    assert result["by_rule"]["median_gap_not_positive_when_women_hold_upper_half"] == 168
    assert result["by_year"]["2019"]["failing_returns"] == len(
        {f["source_row"] for f in result["failures"]})
    first = result["failures"][0]
    assert {"rule", "employer_name", "message", "numbers", "snapshot_year"} <= set(first)
    human = parity("paygap", "check", Y2019, "--rule",
                   "median_gap_not_negative_when_men_hold_upper_half", db_url=ctx_sqlite_url)
    assert human.code == 0 and "returns checked" in human.stdout


def test_paygap_check_refuses_bad_input(ctx_sqlite_url, tmp_path):
    bad = tmp_path / "returns.csv"
    with open(bad, "w", newline="") as fh:
        csv.writer(fh).writerows([["EmployerName", "Gap"], ["Kent Police", "1"]])
    run = parity("paygap", "check", str(bad), db_url=ctx_sqlite_url)
    assert run.code == 2
    assert run.stdout == ""
    assert "not a gender pay gap service download" in run.stderr
    assert "DiffMeanHourlyPercent" in run.stderr
    unknown = parity("paygap", "check", Y2019, "--rule", "quarters_add_up", db_url=ctx_sqlite_url)
    assert unknown.code == 2 and "quarters_sum_to_100" in unknown.stderr


def test_crime_for_a_force(ctx_sqlite_url):
    run = parity("crime", "--force", "Greater Manchester Police", "--json", db_url=ctx_sqlite_url)
    assert run.code == 0, run.stderr
    periods = run.json()["periods"]
    assert len(periods) == 6
    assert periods[-1]["offences"]["sexual_offences"]["count"] is None
    assert periods[0]["offences"]["sexual_offences"]["count"] == 9550
    unknown = parity("crime", "--force", "Gotham", db_url=ctx_sqlite_url)
    assert unknown.code == 2 and "unknown force" in unknown.stderr
    national = parity("crime", "--offence", "stalking_and_harassment", "--json",
                      db_url=ctx_sqlite_url)
    assert national.code == 0, national.stderr
    assert national.json()["period_end"] == "2019-12-31"
    assert len(national.json()["forces"]) == 44
    bad = parity("crime", "--offence", "burglary", db_url=ctx_sqlite_url)
    assert bad.code == 2 and "unknown offence" in bad.stderr


def test_context_for_a_force_and_nationally(ctx_sqlite_url):
    run = parity("context", "--force", "Kent", "--json", db_url=ctx_sqlite_url)
    assert run.code == 0, run.stderr
    timeline = run.json()["timeline"]
    assert [t["year"] for t in timeline] == list(range(2017, 2024))
    national = parity("context", "--year", "2019", "--json", db_url=ctx_sqlite_url)
    assert len(national.json()["forces"]) == 44
    compare = parity("paygap", "compare", "--force", "Kent", "--json", db_url=ctx_sqlite_url)
    assert compare.json()["police_forces"]["n"] == 43
    human = parity("context", "--force", "Kent", db_url=ctx_sqlite_url)
    assert human.code == 0 and "median pay gap" in human.stdout


def test_every_command_is_documented_with_an_example():
    docs = (ROOT / "docs" / "context.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert command in docs, f"{command} is not in docs/context.md"
        assert re.search(re.escape(command) + r"[^\n]*\n", docs)


def test_bad_years_and_offences_are_refused_not_answered_empty(ctx_sqlite_url):
    compare = parity("paygap", "compare", "--force", "Kent", "--year", "2010", "--json",
                     db_url=ctx_sqlite_url)
    assert compare.code == 2 and compare.stdout == ""
    assert "no pay gap returns for snapshot year 2010; held: 2017" in compare.stderr
    before = parity("context", "--year", "1990", "--json", db_url=ctx_sqlite_url)
    assert before.code == 2 and before.stdout == ""
    assert "no workforce, pay gap or crime figures on or before 1990" in before.stderr
    offence = parity("crime", "--force", "Kent", "--offence", "burglary", db_url=ctx_sqlite_url)
    assert offence.code == 2 and "unknown offence 'burglary'" in offence.stderr


def test_tables_written_to_a_pipe_are_not_cut_to_80_columns(ctx_sqlite_url):
    history = parity("paygap", "history", "--force", "kent", db_url=ctx_sqlite_url)
    assert history.code == 0, history.stderr
    assert "Kent: published gender pay gap returns" in history.stdout
    assert all(f"{y}/{(y + 1) % 100:02d}" in history.stdout for y in range(2017, 2024))
    crime = parity("crime", "--force", "Kent Police", db_url=ctx_sqlite_url)
    assert "September 2019" in crime.stdout and "Stalking and harassment" in crime.stdout
    assert "…" not in history.stdout + crime.stdout
