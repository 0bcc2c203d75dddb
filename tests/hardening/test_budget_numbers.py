"""Rows, columns and repeats written with more digits (or letters) than any sheet needs.

A workbook whose one cell sits at row 99,999,999,999,999 is a few hundred bytes; the budget
check once measured it as a single row (its patterns read at most 12 digits, the cell then
counting as the next one), so the reader went on to lay out the grid and the process was
killed for its memory. Every such number is now past the limit, and the file refused."""

from __future__ import annotations

import pytest

from parity import budget
from parity.errors import InputError
from tests.cli_runner import parity
from tests.hardening import hostile

FAR = "99999999999999"  # 14 digits


def _workbook(tmp_path, dimension: str, cells: str, name: str = "far.xlsx"):  # noqa: ANN001, ANN202
    path = tmp_path / name
    path.write_bytes(hostile._xlsx(hostile._sheet(dimension, cells)))
    return path


def _refused(path) -> str:  # noqa: ANN001
    with pytest.raises(InputError) as refused:
        budget.check_spreadsheet(path)
    return refused.value.reason


FAR_CELLS = {
    "a cell's reference": f'<row r="1"><c r="A1"><v>1</v></c></row>'
                          f'<row r="{FAR}"><c r="A{FAR}"><v>2</v></c></row>',
    "a row's number, its cells without one": f'<row r="1"><c><v>1</v></c></row>'
                                             f'<row r="{FAR}"><c><v>2</v></c></row>',
    "a row's number given again in a cell": f'<row><c><v>1</v></c></row>'
                                            f'<row><c r="B{FAR}"><v>2</v></c></row>',
    "a column of many letters": '<row r="1"><c r="A1"><v>1</v></c>'
                                '<c r="ZZZZZZZZZZZZZZ1"><v>2</v></c></row>',
    "thousands of digits": f'<row r="1"><c r="A1"><v>1</v></c></row>'
                           f'<row r="{"9" * 4500}"><c r="A{"9" * 4500}"><v>2</v></c></row>',
}


@pytest.mark.parametrize("cells", FAR_CELLS.values(), ids=FAR_CELLS.keys())
def test_a_cell_far_beyond_every_limit_is_refused(tmp_path, cells):
    message = _refused(_workbook(tmp_path, "A1", cells))
    assert message.startswith("far.xlsx: too large to read safely (xl/worksheets/sheet1.xml "
                              "has a cell at row ")


def test_leading_zeros_are_not_digits_that_count(tmp_path):
    """A row written 000…0002 is row 2, within the limit, however many zeros lead it."""
    cells = f'<row r="1"><c r="A1"><v>1</v></c></row><row r="{"0" * 30}2"><c r="B{"0" * 30}2">' \
            '<v>2</v></c></row>'
    budget.check_spreadsheet(_workbook(tmp_path, "A1", cells))


@pytest.mark.parametrize(("dimension", "said"), [
    (f"A1:A{FAR}", f"declares a sheet to A{FAR} ("),
    ("A1:ZZZZZZZZZZZZZZ1", "declares a sheet to ZZZZZZZZZZZZZZ1 ("),
    (f"A1:B{'9' * 4500}", "declares a sheet to B99999999999... (4,501 characters) ("),
], ids=["14 digits", "14 letters", "4,500 digits"])
def test_a_declared_dimension_far_beyond_every_limit_is_refused(tmp_path, dimension, said):
    message = _refused(_workbook(tmp_path, dimension, '<row r="1"><c r="A1"><v>1</v></c></row>'))
    assert said in message


def test_a_rows_ordinary_numbers_still_pass(tmp_path):
    cells = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="C{n}"><v>1</v></c></row>'
                    for n in range(1, 200))
    budget.check_spreadsheet(_workbook(tmp_path, "A1:C199", cells))


@pytest.mark.slow
def test_the_command_refuses_the_far_cell_and_is_not_killed(tmp_path, sqlite_url):
    path = _workbook(tmp_path, "A1", FAR_CELLS["a cell's reference"], name="workforce.xlsx")
    run = parity("import", "workforce", str(path), db_url=sqlite_url)
    assert run.code == 2, run.stderr[-2000:]
    assert "too large to read safely" in run.stderr
    assert "Traceback" not in run.stderr and "panicked" not in run.stderr
