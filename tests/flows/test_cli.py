"""The flows commands, run as a user would (subprocess, real SQLite database)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli_runner import parity
from tests.flows.conftest import officer, write_extract

DOCS = Path(__file__).resolve().parents[2] / "docs" / "flows.md"
COMMANDS = ("parity import hr", "parity flows", "parity synth hr", "parity project")


def test_synth_import_flows_round_trip(sqlite_url, tmp_path):
    out = tmp_path / "gwent.csv"
    made = parity("synth", "hr", "--force", "Gwent", "--from", "2019", "--to", "2023", "--out",
                  str(out), "--seed", "3", "--json", db_url=sqlite_url)
    assert made.code == 0, made.stderr
    assert made.json()["events"] > 1000 and out.exists()
    imported = parity("import", "hr", str(out), "--force", "Gwent", "--json", db_url=sqlite_url)
    assert imported.code == 0, imported.stderr
    assert imported.json()["status"] == "imported"
    covered = [y for y in imported.json()["reconciliation"] if y["covered"]]
    assert [y["year"] for y in covered] == [2019, 2020, 2021, 2022, 2023]
    assert all(abs(y["difference_share"]) < 0.01 for y in covered)
    again = parity("import", "hr", str(out), "--force", "Gwent", db_url=sqlite_url)
    assert again.code == 0 and "nothing changed" in again.stdout
    flows = parity("flows", "--force", "Gwent", "--year", "2022", "--json", db_url=sqlite_url)
    assert flows.code == 0, flows.stderr
    data = flows.json()
    assert data["identity_holds"] and data["year"] == 2022
    assert [r["rank"] for r in data["ranks"]][:2] == ["constable", "sergeant"]
    assert data["reconciliation"]["largest_difference_share"] < 0.03
    human = parity("flows", "--force", "Gwent", "--year", "2022", db_url=sqlite_url)
    assert human.code == 0 and "Pipeline" in human.stdout and "█" in human.stdout


def test_project_json_shape_and_chart(sqlite_url):
    run = parity("project", "--area", "Avon and Somerset", "--from", "2023", "--years", "10",
                 "--recruit-share-female", "0.55", "--equal-promotion", "--runs", "300",
                 "--json", db_url=sqlite_url)
    assert run.code == 0, run.stderr
    data = run.json()
    assert len(data["years"]) == 11 and data["years"][-1]["year"] == 2033
    assert set(data["years"][0]["share_female"]) >= {"all", "middle", "senior"}
    assert "parity_year" in data
    assert data["scenario"]["recruit_share_female"] == 0.55
    human = parity("project", "--area", "Avon and Somerset", "--from", "2023", "--years", "10",
                   "--equal-leaving", "--runs", "200", db_url=sqlite_url)
    assert human.code == 0 and "parity year" in human.stdout and "█" in human.stdout


def test_project_with_chosen_rates(sqlite_url, tmp_path):
    rates = tmp_path / "rates.csv"
    rates.write_text("rank,sex,leaving_rate,promotion_rate\nInspector,female,0.09,0.05\n",
                     encoding="utf-8")
    run = parity("project", "--area", "Wales", "--from", "2023", "--years", "5", "--runs", "50",
                 "--rates", str(rates), "--json", db_url=sqlite_url)
    assert run.code == 0, run.stderr
    assert run.json()["rates"]["leaving"]["inspector"]["female"] == 0.09
    assert run.json()["rates_source"].startswith("chosen rates (rates.csv)")
    rates.write_text("rank,sex,leaving_rate,promotion_rate\nInspector,female,9,\n",
                     encoding="utf-8")
    bad = parity("project", "--area", "Wales", "--from", "2023", "--years", "5", "--rates",
                 str(rates), db_url=sqlite_url)
    assert bad.code == 2 and bad.stdout == ""
    assert "rates.csv, row 2, column 'leaving_rate'" in bad.stderr


def test_project_on_a_fresh_database_loads_the_official_table(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    run = parity("project", "--area", "Wales", "--from", "2020", "--years", "3", "--runs",
                 "50", "--json", db_url=url)
    assert run.code == 0, run.stderr
    assert run.json()["area"] == "Wales"


def test_a_bad_extract_exits_2_naming_person_and_rows(sqlite_url, tmp_path):
    path = write_extract(tmp_path / "bad.csv", [
        officer("Z9", "Male", "leaving", "2020-01-01", "Constable", leaving_reason="other"),
        officer("Z9", "Male", "joining", "2020-02-01", "Constable"),
    ])
    run = parity("import", "hr", str(path), "--force", "Kent", db_url=sqlite_url)
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.startswith("error: bad.csv: not a valid HR extract")
    assert "person Z9: leaving on 2020-01-01 (row 2) comes before any joining" in run.stderr
    flows = parity("flows", "--force", "Kent", "--year", "2020", db_url=sqlite_url)
    assert flows.code == 2 and "no HR events held for Kent" in flows.stderr


def test_every_flows_command_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    for command in COMMANDS:
        assert re.search(rf"`{command}\b", text) or f"\n{command} " in text, command
