"""The accompanying tables' XLSX, written directly: the same cells, number formats and bold
headers as openpyxl's writer gave (kept here as the reference), read alike by two readers."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from python_calamine import CalamineWorkbook

from parity.present.cells import neutralise
from parity.reports import tables
from parity.reports.service import build_report
from parity.reports.tables import FORMATS, cell_value, sheet_rows

HOSTILE = [
    ["  Table 99: awkward cells "],
    ["Name", "Share", "Change", "Count", "Note"],
    ["A & B <c> \"quoted\" 'single'", "34.7%", "+1.2 pts", "1,234", "=SUM(A1:A2)"],
    ["  spaced  ", "0.0%", "−0.4 pts", "12.50", "+44 20 7946 0000"],
    ["control\x01char\x0b", "—", "0.0 pts", "-3", "@mention"],
    ["Ynys Môn – “quotes” £5", "100.0%", "-2.0 pts", "1,234,567.891", ""],
    ["short row"],
]


def _reference_xlsx(sheets: list[tuple[str, list[list[str]], int]], path) -> None:  # noqa: ANN001
    """The writer the report used before (openpyxl, write-only), kept as the reference."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, rows, header_rows in sheets:
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            out: list[WriteOnlyCell | None] = []
            for text in row:
                kind, value = cell_value(text) if r > header_rows else ("text", text)
                if kind == "empty":
                    out.append(None)
                    continue
                cell = WriteOnlyCell(sheet, value=neutralise(value))
                if kind in FORMATS:
                    cell.number_format = FORMATS[kind]
                elif kind == "number":
                    cell.number_format = "#,##0" + ("." + "0" * tables._decimals(text)
                                                    if tables._decimals(text) else "")
                if r <= header_rows:
                    cell.font = bold
                out.append(cell)
            sheet.append(out)
    book.save(path)


def _cells(path) -> dict[str, list[list[tuple]]]:  # noqa: ANN001
    """Every sheet's cells as (value, number format, bold), read with openpyxl."""
    book = load_workbook(path)
    out = {ws.title: [[(c.value if c.value != "" else None, c.number_format if
                        isinstance(c.value, float | int) else None, bool(c.font.b))
                       for c in row] for row in ws.iter_rows()] for ws in book.worksheets}
    book.close()
    return out


def _report_sheets(session) -> list[tuple[str, list[list[str]], int]]:  # noqa: ANN001
    report = build_report(session, year=2023, force="Kent")
    sheets = [("Contents", [["A title"], ["Sheet", "Title"]], 1)]
    for item in report.tables:
        header, rows = sheet_rows(item)
        sheets.append((item.label, [[f"{item.label}: {item.title}"], header, *rows], 2))
    return sheets


def test_a_reports_tables_are_the_cells_openpyxl_wrote(wf_db, tmp_path):
    sheets = _report_sheets(wf_db) + [("Table 99", [[t.replace("\x01", "").replace("\x0b", "")
                                                      for t in row] for row in HOSTILE], 2)]
    tables._write_xlsx(sheets, tmp_path / "direct.xlsx")
    _reference_xlsx(sheets, tmp_path / "openpyxl.xlsx")
    direct, reference = _cells(tmp_path / "direct.xlsx"), _cells(tmp_path / "openpyxl.xlsx")
    assert list(direct) == list(reference) and len(direct) > 5
    for name in reference:
        assert direct[name] == reference[name], name
    shares = [c for rows in direct.values() for row in rows for c in row if c[1] == "0.0%"]
    assert shares and all(isinstance(v, float) for v, _, _ in shares)


def test_awkward_text_is_kept_and_control_characters_dropped(tmp_path):
    path = tmp_path / "t.xlsx"
    tables._write_xlsx([("Table 99", HOSTILE, 2)], path)
    (sheet,) = _cells(path).values()
    assert sheet[2][0][0] == "A & B <c> \"quoted\" 'single'"
    assert sheet[2][4][0] == "'=SUM(A1:A2)"  # never a formula
    assert sheet[3][0][0] == "spaced"  # a cell's text as the reader sees it (`cell_value`)
    assert sheet[4][0][0] == "controlchar"
    assert sheet[5][0][0] == "Ynys Môn – “quotes” £5"
    assert sheet[2][1] == (pytest.approx(0.347), "0.0%", False)
    assert sheet[3][2][0] == pytest.approx(-0.4)
    assert sheet[5][3] == (pytest.approx(1234567.891), "#,##0.000", False)
    assert sheet[0][0] == ("  Table 99: awkward cells ", None, True)  # headers as written
    assert sheet[1][3][2]  # and bold
    # a second reader (the one Parity reads spreadsheets with) sees the same values
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Table 99").to_python()
    assert rows[2][:4] == ["A & B <c> \"quoted\" 'single'", pytest.approx(0.347),
                           pytest.approx(1.2), 1234]
    assert rows[4][1] == ""  # the dash is an empty cell


def test_the_package_holds_what_a_spreadsheet_program_looks_for(tmp_path):
    path = tmp_path / "t.xlsx"
    tables._write_xlsx([("Contents", [["x"]], 1), ("Table 1", HOSTILE, 2)], path)
    with zipfile.ZipFile(path) as book:
        assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml",
                "xl/worksheets/sheet2.xml"} <= set(book.namelist())
        assert book.testzip() is None


@pytest.mark.parametrize("name", ["", "a" * 32, "Table [1]", "a/b", "Contents"])
def test_a_sheet_name_no_spreadsheet_program_accepts_is_refused(tmp_path, name):
    with pytest.raises(ValueError, match="sheet name"):
        tables._write_xlsx([("Contents", [["x"]], 1), (name, [["x"]], 1)], tmp_path / "t.xlsx")
