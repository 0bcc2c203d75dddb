"""The workforce commands, run as a user runs them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parity.cli import app
from parity.workforce.importer import DEFAULT_FILE
from tests.cli_runner import parity

from .conftest import write_xlsx


def test_representation_json_has_the_contract_keys(sqlite_url):
    run = parity("representation", "--area", "Metropolitan Police", "--year", "2023",
                 "--group", "senior", "--measure", "fte", "--json", db_url=sqlite_url)
    assert run.code == 0, run.stderr
    data = run.json()
    for key in ("area", "year", "group", "measure", "female", "male", "total", "share_female"):
        assert key in data
    assert (data["area"], data["year"], data["group"], data["measure"]) == (
        "Metropolitan Police", 2023, "senior", "fte")
    assert data["female"] == pytest.approx(165.76, abs=0.005)
    assert data["total"] == pytest.approx(678.96, abs=0.005)
    assert data["share_female"] == pytest.approx(0.2441, abs=5e-5)
    assert 0 <= data["share_female_ci_low"] <= data["share_female_ci_high"] <= 1


def test_representation_labels_each_measure(sqlite_url):
    """An FTE share is printed with its measure, beside the headcount share its interval
    surrounds; with headcount, one share and its interval."""
    fte = parity("representation", db_url=sqlite_url)
    assert fte.code == 0, fte.stderr
    last = fte.stdout.strip().splitlines()[-1]
    assert last.endswith("34.7% (FTE); headcount 35.5%, 95% interval 35.2%–35.7%"), last
    head = parity("representation", "--measure", "headcount", db_url=sqlite_url)
    assert head.stdout.strip().splitlines()[-1].endswith(
        "35.5% (headcount), 95% interval 35.2%–35.7%")


def test_official_checks_through_the_cli(sqlite_url):
    wales = parity("representation", "--area", "Wales", "--year", "2015", "--group", "all",
                   "--measure", "headcount", "--json", db_url=sqlite_url).json()
    staff = parity("representation", "--area", "England and Wales", "--year", "2022",
                   "--worker-type", "staff", "--measure", "fte", "--json", db_url=sqlite_url).json()
    specials = parity("representation", "--area", "England and Wales", "--year", "2010",
                      "--worker-type", "special", "--measure", "headcount", "--json",
                      db_url=sqlite_url).json()
    assert (wales["female"], wales["total"]) == (2060, 6862)
    assert wales["share_female"] == pytest.approx(0.3002, abs=5e-5)
    assert staff["share_female"] == pytest.approx(0.6255, abs=5e-5)
    assert (specials["female"], specials["total"]) == (4876, 15505)
    assert specials["share_female"] == pytest.approx(0.3145, abs=5e-5)


def test_trend_and_league_json(sqlite_url):
    trend = parity("trend", "--area", "Kent", "--group", "middle", "--json", db_url=sqlite_url)
    assert trend.code == 0 and len(trend.json()["years"]) == 17
    league = parity("league", "--year", "2023", "--group", "senior", "--json", db_url=sqlite_url)
    assert league.code == 0 and len(league.json()["forces"]) == 43


def test_overview_prints_a_table_with_the_national_figures(sqlite_url):
    run = parity("overview", "--year", "2023", db_url=sqlite_url)
    assert run.code == 0, run.stderr
    assert "Women in policing, England and Wales, 31 March 2023" in run.stdout
    assert "34.7%" in run.stdout and "Highest senior share" in run.stdout


def test_overview_json_holds_the_national_picture(sqlite_url):
    run = parity("overview", "--year", "2023", "--json", db_url=sqlite_url)
    assert run.code == 0, run.stderr
    o = run.json()
    assert (o["area"], o["year"]) == ("England and Wales", 2023)
    lines = {(line["worker_type"], line["group"], line["measure"]): line for line in o["lines"]}
    assert list(lines) == [("officer", "all", "fte"), ("officer", "middle", "fte"),
                           ("officer", "senior", "fte"), ("staff", "all", "fte"),
                           ("pcso", "all", "fte"), ("special", "all", "headcount")]
    for (worker_type, group, measure), line in lines.items():
        alone = parity("representation", "--year", "2023", "--worker-type", worker_type,
                       "--group", group, "--measure", measure, "--json", db_url=sqlite_url).json()
        assert line["share_female"] == pytest.approx(alone["share_female"])
        assert line["share_female_change_1y"] == pytest.approx(alone["share_female_change_1y"])
    assert lines["officer", "all", "fte"]["share_female"] == pytest.approx(0.347, abs=5e-4)
    highest, lowest = o["senior_highest"], o["senior_lowest"]
    assert len(highest) == len(lowest) == 5
    assert highest[0]["force"] == "North Yorkshire" and lowest[0]["force"] == "Dyfed-Powys"
    assert [r["share_female"] for r in highest] == sorted(
        (r["share_female"] for r in highest), reverse=True)
    assert highest[-1]["share_female"] > lowest[0]["share_female"]


def test_bad_input_exits_2_with_a_reason_on_stderr(sqlite_url):
    run = parity("representation", "--area", "Hertfordshir", "--json", db_url=sqlite_url)
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.startswith("error: unknown area 'Hertfordshir' (did you mean")


def test_refused_import_exits_2_and_writes_nothing(tmp_path, shared_data):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    bulletin = shared_data / "home-office" / "police-workforce-sep19-tables.ods"
    run = parity("import", "workforce", str(bulletin), db_url=url)
    assert run.code == 2
    assert "police-workforce-sep19-tables.ods: not a Home Office workforce open data table" \
        in run.stderr
    check = parity("representation", "--year", "2023", "--json", db_url=url)
    assert check.code == 2 and "no workforce data" in check.stderr


def test_import_twice_on_a_fresh_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    first = parity("import", "workforce", "--json", db_url=url)
    second = parity("import", "workforce", "--json", db_url=url)
    assert first.code == 0 and json.loads(first.stdout)["rows"] == 29304
    assert json.loads(second.stdout)["status"] == "unchanged"


def _held(url: str) -> tuple:
    """What the database holds: its workforce rows (summed), and its sources."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return (conn.execute("SELECT count(*), sum(headcount), sum(fte) FROM workforce_counts")
                .fetchone(),
                conn.execute("SELECT file_name, sha256 FROM sources ORDER BY id").fetchall())


def _truncated_ods(tmp: Path, rows: list) -> Path:
    path = tmp / "cut.ods"
    path.write_bytes(DEFAULT_FILE.read_bytes()[:400_000])
    return path


def _spoilt_xlsx(row_index: int, column: int, value: object):  # noqa: ANN202
    def make(tmp: Path, rows: list) -> Path:
        rows = [list(r) for r in rows]
        rows[row_index][column] = value
        return write_xlsx(tmp / "table.xlsx", rows)
    return make


def _bulletin(tmp: Path, rows: list) -> Path:
    from tests.conftest import SHARED_DATA

    return SHARED_DATA / "home-office" / "police-workforce-sep19-tables.ods"


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (_bulletin, "police-workforce-sep19-tables.ods, sheet 'Table_1', row 1, column 'A': "
                    "expected the header 'As at 31 March...', found 'Table 1: Police officers"),
        (_truncated_ods, "cut.ods: the reader said:"),
        (_spoilt_xlsx(0, 8, "FTE total"), "table.xlsx, sheet 'Data', row 1, column 'I': a "
                                          "column this table does not have: 'FTE total' "
                                          "matches none of the accepted headers"),
        (_spoilt_xlsx(40, 5, "Commander"), "table.xlsx, sheet 'Data', row 41, column "
                                           "'F (Rank description)': unknown rank 'Commander'"),
        (_spoilt_xlsx(41, 6, "Police Cadet"), "table.xlsx, sheet 'Data', row 42, column "
                                              "'G (Worker type)': unknown worker type "
                                              "'Police Cadet'"),
        (_spoilt_xlsx(42, 7, -4), "table.xlsx, sheet 'Data', row 43, column "
                                  "'H (Total (headcount))': expected a headcount of 0 or more, "
                                  "found '-4'"),
        (_spoilt_xlsx(43, 8, -0.5), "table.xlsx, sheet 'Data', row 44, column 'I (Total (FTE))': "
                                    "expected an FTE of 0 or more, found -0.5"),
    ],
    ids=["bulletin", "truncated", "renamed-column", "unknown-rank", "unknown-worker-type",
         "negative-headcount", "negative-fte"],
)
def test_refused_files_exit_2_name_where_and_leave_the_database_unchanged(
        sqlite_url, tmp_path, table_rows, make, expected):
    rows = [table_rows[0]] + [r for r in table_rows[1:] if r[0] == 2023]
    path = make(tmp_path, rows)
    before = _held(sqlite_url)
    run = parity("import", "workforce", str(path), db_url=sqlite_url)
    assert run.code == 2 and run.stdout == ""
    reason, *details = run.stderr.splitlines()
    assert reason.startswith(f"error: {path.name}: ")
    assert any(expected in line for line in details), run.stderr
    assert _held(sqlite_url) == before


def test_a_newer_edition_replaces_the_years_it_covers(tmp_path, make_csv):
    url = f"sqlite:///{tmp_path / 'editions.db'}"

    def revise(_i, row):  # noqa: ANN001, ANN202
        if row[0] == 2023 and row[2] == "Kent" and row[4] == "Female" and row[5] == "Sergeant":
            row[7], row[8] = 500, 500.0
        return row

    assert parity("import", "workforce", db_url=url).code == 0
    kent_before = parity("representation", "--area", "Kent", "--year", "2023", "--group",
                         "sergeant", "--measure", "headcount", "--json", db_url=url).json()
    newer = make_csv("newer-edition-2024-07-25.csv", years={2022, 2023}, edit=revise)
    run = parity("import", "workforce", str(newer), "--json", db_url=url)
    assert run.code == 0, run.stderr
    assert run.json()["replaced_rows"] == 2 * 3520
    kent = parity("representation", "--area", "Kent", "--year", "2023", "--group", "sergeant",
                  "--measure", "headcount", "--json", db_url=url).json()
    assert kent["female"] == 500 != kent_before["female"]
    assert kent["total"] == kent_before["total"] - kent_before["female"] + 500
    counts, sources = _held(url)
    assert counts[0] == 29304 and [s[0] for s in sources] == [DEFAULT_FILE.name, newer.name]
    again = parity("import", "workforce", str(newer), "--json", db_url=url)
    assert again.json()["status"] == "unchanged" and _held(url) == (counts, sources)


def test_queries_on_an_empty_database_say_what_to_do(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    for command in (["representation"], ["league"], ["overview"], ["trend"],
                    ["trend", "--area", "PSNI"]):
        run = parity(*command, "--json", db_url=url)
        assert run.code == 2 and run.stdout == "", command
        assert run.stderr.startswith("error: no workforce data"), run.stderr
        assert "`parity import workforce`" in run.stderr and " in 0" not in run.stderr


def test_an_import_that_changes_the_table_starts_the_warm_up_and_one_that_does_not_does_not(
        sqlite_url, monkeypatch, make_csv):
    """`parity.flows.warm` is started (`work_ahead`) once the official table held changes:
    a new edition imported, or another edition made current; not by a file held already."""
    started: list[str] = []
    monkeypatch.setattr("parity.workforce.cli.work_ahead", started.append)
    monkeypatch.setenv("PARITY_DATABASE_URL", sqlite_url)
    runner = CliRunner()
    again = runner.invoke(app, ["import", "workforce"])  # the bundled table, already held
    assert again.exit_code == 0, again.output
    assert "nothing changed" in again.output and started == []
    newer = make_csv("newer-edition-2024-07-25.csv", years={2023})
    result = runner.invoke(app, ["import", "workforce", str(newer)])
    assert result.exit_code == 0, result.output
    assert started == ["parity.flows.warm"]
    chosen = runner.invoke(app, ["editions", "use", "latest"])
    assert chosen.exit_code == 0, chosen.output
    assert started == ["parity.flows.warm"] * 2
