"""The commands, run as a user runs them (subprocess on a real SQLite database)."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.cli_runner import parity
from tests.paygap.conftest import person

ROOT = Path(__file__).resolve().parents[2]
JSON_KEYS = {"mean_hourly_gap_pct", "median_hourly_gap_pct", "mean_bonus_gap_pct",
             "median_bonus_gap_pct", "male_bonus_pct", "female_bonus_pct", "quarters"}


def test_synth_then_compute_as_json_with_audit_and_groups(sqlite_url, tmp_path):
    extract = tmp_path / "surrey.csv"
    made = parity("synth", "payroll", "--force", "Surrey", "--year", "2021", "--rows", "3000",
                  "--seed", "5", "--out", str(extract), "--json", db_url=sqlite_url)
    assert made.code == 0, made.stderr
    assert made.json()["rows"] == 3000
    audit = tmp_path / "audit.csv"
    run = parity("paygap", "compute", str(extract), "--by", "worker_type", "--audit",
                 str(audit), "--snapshot", "2021-03-31", "--json", db_url=sqlite_url)
    assert run.code == 0, run.stderr
    result = run.json()
    assert JSON_KEYS <= set(result)
    assert [q["quarter"] for q in result["quarters"]] == ["lower", "lower_middle",
                                                          "upper_middle", "upper"]
    for q in result["quarters"]:
        assert q["male_pct"] + q["female_pct"] == 100.0 or abs(
            q["male_pct"] + q["female_pct"] - 100) < 1e-9
    assert {g["worker_type"] for g in result["groups"]} == {"officer", "staff", "pcso"}
    assert result["service_fields"]["FemaleTopQuartile"] is not None
    with open(audit, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 3000 == result["audit_rows"]
    assert {r["pay_quarter"] for r in rows} >= {"lower", "upper", ""}


def test_compute_for_people(sqlite_url, tmp_path):
    rows = [person(i, "MF"[i % 2], 10 + i, grade="A", start_date="2010-01-01")
            for i in range(30)]
    from tests.paygap.conftest import write_csv

    path = write_csv(tmp_path / "p.csv", rows)
    run = parity("paygap", "compute", str(path), "--adjusted", "--bootstrap", "20",
                 db_url=sqlite_url)
    assert run.code == 0, run.stderr
    assert "Pay quarters" in run.stdout and "DiffMeanHourlyPercent" in run.stdout
    assert "Adjusted gap" in run.stdout


def test_bad_extract_exits_2_naming_row_and_column(sqlite_url, tmp_path):
    from tests.paygap.conftest import write_csv

    path = write_csv(tmp_path / "bad.csv", [person(1, "M", 10), person(1, "F", 10,
                                                                         weekly_hours=0)])
    run = parity("paygap", "compute", str(path), "--json", db_url=sqlite_url)
    assert run.code == 2
    assert run.stdout == ""
    assert "bad.csv, row 3, column 'employee_id'" in run.stderr
    assert "bad.csv, row 3, column 'weekly_hours'" in run.stderr
    wrong = parity("paygap", "compute", str(path), "--by", "rank", db_url=sqlite_url)
    assert wrong.code == 2 and "expected worker_type or grade" in wrong.stderr


def test_every_command_is_documented():
    docs = (ROOT / "docs" / "paygap.md").read_text()
    for command in ("parity paygap compute", "parity synth payroll"):
        assert command in docs


def test_outputs_that_cannot_be_written_exit_2_before_any_work(sqlite_url, tmp_path):
    from tests.paygap.conftest import write_csv

    path = write_csv(tmp_path / "p.csv", [person(i, "MF"[i % 2], 10 + i) for i in range(8)])
    before = path.read_bytes()
    missing = tmp_path / "no-such-folder" / "audit.csv"
    run = parity("paygap", "compute", str(path), "--audit", str(missing), "--json",
                 db_url=sqlite_url)
    assert run.code == 2 and run.stdout == ""
    assert "--audit" in run.stderr and "no such folder" in run.stderr
    over = parity("paygap", "compute", str(path), "--audit", str(path), db_url=sqlite_url)
    assert over.code == 2 and "overwrite the extract" in over.stderr
    assert path.read_bytes() == before
    folder = parity("paygap", "compute", str(path), "--audit", str(tmp_path),
                    db_url=sqlite_url)
    assert folder.code == 2 and "a folder" in folder.stderr
    for out, words in ((missing, "no such folder"), (tmp_path / "x.txt", "expected a file name")):
        made = parity("synth", "payroll", "--force", "Kent", "--year", "2022", "--out",
                      str(out), db_url=sqlite_url)
        assert made.code == 2 and words in made.stderr, made.stderr
        assert "Traceback" not in made.stderr
    assert not (tmp_path / "x.txt").exists()
    big = parity("synth", "payroll", "--force", "Kent", "--year", "2022", "--rows", "2000000",
                 "--out", str(tmp_path / "big.xlsx"), db_url=sqlite_url)
    assert big.code == 2 and "1,048,575 rows" in big.stderr


def test_compute_reads_with_arrow_and_never_loads_pandas(tmp_path):
    """pandas is 0.3 s of a command's start that arrow would import only to ask whether a
    value is a DataFrame; the figures are the same without it."""
    import json
    import subprocess
    import sys

    from parity.paygap import service
    from tests.paygap.conftest import write_csv

    rows = [person(i, "MF"[i % 3 % 2], 9 + (i * 7) % 23, grade="AB"[i % 2],
                   start_date="2012-04-01") for i in range(60)]
    path = write_csv(tmp_path / "p.csv", rows)
    script = ("import sys, runpy; sys.argv = ['parity', 'paygap', 'compute', sys.argv[1], "
              "'--json', '--by', 'grade']\n"
              "try:\n    runpy.run_module('parity', run_name='__main__')\n"
              "except SystemExit:\n    pass\n"
              "print('pandas' in sys.modules, file=sys.stderr)")
    run = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                         text=True, timeout=300, cwd=ROOT)
    assert run.stderr.strip().splitlines()[-1] == "False", run.stderr
    figures = json.loads(run.stdout)
    expected = json.loads(json.dumps(service.compute_figures(service.read_payroll(path),
                                                             by="grade"), default=str))
    assert figures["mean_hourly_gap_pct"] == expected["mean_hourly_gap_pct"]
    assert figures["quarters"] == expected["quarters"] and figures["groups"] == expected["groups"]
