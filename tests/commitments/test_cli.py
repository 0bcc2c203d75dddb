"""The commands, run as a user would; and every command documented."""

import re
from pathlib import Path

from tests.cli_runner import parity

DOCS = Path(__file__).resolve().parents[2] / "docs" / "commitments.md"


def test_every_command_is_documented():
    from parity.commitments.cli import commitments_app

    text = DOCS.read_text(encoding="utf-8")
    names = [c.name for c in commitments_app.registered_commands]
    assert len(names) >= 12
    for name in names:
        assert re.search(rf"parity commitments {re.escape(name)}\b", text), name


def test_add_status_history_and_json(sqlite_url, tmp_path):
    added = parity("commitments", "add", "--force", "Kent", "--title", "35% senior women",
                   "--theme", "senior representation", "--made", "2020-06-01",
                   "--refines", "national-2019-1", "--group", "senior", "--baseline-year",
                   "2019", "--target", "0.35", "--target-date", "2025-03-31", "--by", "analyst",
                   "--json", db_url=sqlite_url)
    assert added.code == 0, added.stderr
    assert added.json()["ref"] == "kent-1"
    moved = parity("commitments", "set-target", "kent-1", "--target", "0.4", "--target-date",
                   "2026-03-31", "--by", "lead", db_url=sqlite_url)
    assert moved.code == 0, moved.stderr
    status = parity("commitments", "status", "--force", "Kent", "--json", db_url=sqlite_url)
    assert status.code == 0, status.stderr
    items = {i["ref"]: i for i in status.json()}
    assert "national-2019-1" not in items
    kent = items["kent-1"]
    assert kent["status"] in ("on_track", "at_risk", "off_track", "no_data")
    assert (kent["target"], kent["target_date"]) == (0.4, "2026-03-31")
    assert 0 < kent["baseline"] < 1 and 0 < kent["latest"] < 1
    for item in items.values():
        assert {"status", "baseline", "latest", "target", "target_date"} <= set(item)
    history = parity("commitments", "history", "kent-1", "--json", db_url=sqlite_url).json()
    assert [(h["action"], h["changed_by"]) for h in history] == [("created", "analyst"),
                                                                 ("target moved", "lead")]
    human = parity("commitments", "status", "--force", "Kent", db_url=sqlite_url)
    assert human.code == 0 and "kent-1" in human.stdout


def test_list_import_export(sqlite_url, tmp_path):
    listed = parity("commitments", "list", "--force", "Dyfed Powys Police", "--json",
                    db_url=sqlite_url)
    assert listed.code == 0, listed.stderr
    assert len(listed.json()) == 6 and all(c["adopted"] for c in listed.json())
    source = tmp_path / "mine.yaml"
    source.write_text(
        "commitments:\n"
        "  - force: Dyfed-Powys\n"
        "    title: Half of new sergeants are women\n"
        "    theme: middle management\n"
        "    made: 2023-04-01\n"
        "    indicators:\n"
        "      - kind: representation\n"
        "        params: {group: sergeant}\n"
        "        baseline_year: 2023\n"
        "        target_value: 0.4\n"
        "        target_date: 2027-03-31\n", encoding="utf-8")
    first = parity("commitments", "import", str(source), "--json", db_url=sqlite_url)
    assert first.code == 0, first.stderr
    assert first.json()["added"] == ["dyfed-powys-1"]
    again = parity("commitments", "import", str(source), "--json", db_url=sqlite_url)
    assert again.json()["status"] == "unchanged"
    out = tmp_path / "out.csv"
    exported = parity("commitments", "export", "--format", "csv", "--out", str(out),
                      "--force", "Dyfed-Powys", db_url=sqlite_url)
    assert exported.code == 0, exported.stderr
    assert out.read_text().splitlines()[1].startswith("dyfed-powys-1,force,dyfed-powys,")


def test_bad_input_exits_2_with_the_problems(sqlite_url, tmp_path):
    bad = parity("commitments", "add", "--force", "Atlantis", "--title", "x", "--theme", "y",
                 "--target", "35", "--target-date", "2025-03-31", db_url=sqlite_url)
    assert bad.code == 2
    assert bad.stderr.startswith("error: ")
    assert "unknown force 'Atlantis'" in bad.stderr
    assert "a share is a fraction in [0, 1]" in bad.stderr
    assert bad.stdout == ""
    unknown = parity("commitments", "history", "nope-9", db_url=sqlite_url)
    assert unknown.code == 2 and "unknown commitment" in unknown.stderr


def test_a_bad_csv_is_refused_with_file_row_and_column_and_nothing_written(sqlite_url,
                                                                           tmp_path):
    """Through the command as a user runs it: exit 2, one line saying why, then each problem
    with its file, row and CSV column; the database is as it was; a good file afterwards
    imports, and a second time changes nothing."""
    from parity.commitments.schemas import CSV_COLUMNS

    header = ",".join(CSV_COLUMNS)
    good = ("kent-9,force,Kent,,Fewer misconduct cases,culture,,2021-06-01,,,1,manual,,,"
            "unit=value,down,2021,14,PSD report 2021,5,2026-03-31,https://example.org/a,\n")
    bad = tmp_path / "kent.csv"
    bad.write_text(header + "\n" + good + good.replace(",down,", ",sideways,")
                   + good.replace("kent-9", "kent-10").replace(",manual,", ",horoscope,"),
                   encoding="utf-8")
    before = parity("commitments", "export", "--format", "yaml", "--out", "-",
                    db_url=sqlite_url).stdout
    run = parity("commitments", "import", str(bad), db_url=sqlite_url)
    assert run.code == 2 and run.stdout == ""
    lines = run.stderr.splitlines()
    assert lines[0] == "error: kent.csv: 2 problems; nothing was imported"
    assert "kent.csv, row 3, column 'direction': expected one of up, down" in run.stderr
    assert "kent.csv, row 4, column 'kind': expected one of" in run.stderr
    assert parity("commitments", "export", "--format", "yaml", "--out", "-",
                  db_url=sqlite_url).stdout == before
    fine = tmp_path / "fine.csv"
    fine.write_text(header + "\n" + good, encoding="utf-8")
    first = parity("commitments", "import", str(fine), "--json", db_url=sqlite_url)
    assert first.code == 0 and first.json()["added"] == ["kent-9"]
    again = parity("commitments", "import", str(fine), "--json", db_url=sqlite_url)
    assert again.code == 0 and again.json()["status"] == "unchanged"
    history = parity("commitments", "history", "kent-9", "--json", db_url=sqlite_url).json()
    assert [h["action"] for h in history] == ["created"]
