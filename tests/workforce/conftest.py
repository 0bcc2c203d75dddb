"""Workforce fixtures: variants of the real table (CSV, XLSX, damaged copies) made by code."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from parity.tabular import read_sheets
from parity.workforce.importer import DEFAULT_FILE


@pytest.fixture(scope="session")
def table_rows() -> list[list]:
    """The Data sheet of the bundled ODS, header first, as calamine reads it."""
    return [r for r in read_sheets(DEFAULT_FILE, only=["Data"])[0].rows if any(r)]


def write_csv(path: Path, rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        for row in rows:
            writer.writerow(["" if c is None else (int(c) if isinstance(c, float) and c.is_integer()
                                                   and i == 0 else c) for i, c in enumerate(row)])
    return path


def write_xlsx(path: Path, rows: list[list], sheet: str = "Data") -> Path:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def make_csv(tmp_path, table_rows):  # noqa: ANN001, ANN201
    """make_csv(name, years=None, edit=None): a CSV copy of the table, optionally cut to some
    years and edited row by row (edit(row_index, row) -> row or None to drop)."""

    def make(name: str = "table.csv", years=None, edit=None) -> Path:  # noqa: ANN001
        rows = [table_rows[0]]
        for i, row in enumerate(table_rows[1:], start=1):
            if years and int(row[0]) not in years:
                continue
            row = list(row)
            if edit:
                row = edit(i, row)
                if row is None:
                    continue
            rows.append(row)
        return write_csv(tmp_path / name, rows)

    return make
