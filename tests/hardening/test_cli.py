"""Damaged files at the command line: exit status 2, a one-line reason on stderr naming the
file, no traceback, and nothing written to the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from parity.store import make_engine
from tests.cli_runner import parity
from tests.hardening import conftest as c
from tests.hardening import damage as d


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with Session(engine) as s:
        counts = c.row_counts(s)
    engine.dispose()
    return counts


def _xlsx_as_csv(folder: Path, name: str, rows: list[list]) -> Path:
    return d.write(folder / name, d.xlsx_bytes(rows))


def _folder(folder: Path, name: str) -> Path:
    (folder / name).mkdir()
    return folder / name


CASES = {
    "workforce: a folder named like a file": (
        lambda t: _folder(t, "workforce.csv"), ["import", "workforce"]),
    "payroll: a folder named like a file": (
        lambda t: _folder(t, "payroll.csv"), ["paygap", "compute"]),
    "hr: a folder named like a file": (
        lambda t: _folder(t, "extract.xlsx"), ["import", "hr", "--force", "Kent"]),
    "workforce: an XLSX saved as .csv": (
        lambda t: _xlsx_as_csv(t, "workforce.csv", c._workforce_rows()), ["import", "workforce"]),
    "payroll: binary junk": (
        lambda t: d.write(t / "payroll.csv", bytes(range(256)) * 4), ["paygap", "compute"]),
    "hr: a truncated XLSX": (
        lambda t: d.write(t / "extract.xlsx", d.xlsx_bytes(c.hr_rows())[:700]),
        ["import", "hr", "--force", "Kent"]),
    "returns: an XLSX saved as .csv": (
        lambda t: _xlsx_as_csv(t, c.RETURNS_FILE.name, c._returns_rows()),
        ["import", "paygap-returns"]),
    "returns check: NaN in a figure": (
        lambda t: d.write(t / c.RETURNS_FILE.name, d.csv_bytes(
            [r if i != 2 else r[:6] + ["nan"] + r[7:] for i, r in enumerate(c._returns_rows())])),
        ["paygap", "check"]),
    "crime: the wrong workbook": (
        lambda t: d.write(t / "pfatablesdec19.xlsx", d.xlsx_bytes(c.payroll_rows(), "Sheet1")),
        ["import", "crime"]),
    "articles: an empty file": (
        lambda t: d.write(t / "article.md", b""), ["import", "articles", "--strict"]),
    "commitments: a UTF-16 CSV": (
        lambda t: d.write(t / "commitments.csv", d.csv_bytes(c.commitments_rows(), "utf-16")),
        ["commitments", "import"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_damaged_file_exits_2_with_a_reason(case, tmp_path, sqlite_url):  # noqa: ANN001
    make, command = CASES[case]
    path = make(tmp_path)
    before = _counts(sqlite_url)
    run = parity(*command[:2], str(path), *command[2:], db_url=sqlite_url)
    assert run.code == 2, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]  # a progress bar
    # may leave a blank line
    assert lines[0].startswith("error: ") and path.name in lines[0], run.stderr
    assert sum(line.startswith("error: ") for line in lines) == 1
    assert "Traceback" not in run.stderr
    assert _counts(sqlite_url) == before
