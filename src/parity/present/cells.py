"""Cells of every table Parity writes, CSV or XLSX, made safe to open in a spreadsheet program.

A text cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some programs skip before looking) is read by Excel, LibreOffice and Google Sheets as a
formula: ``=HYPERLINK("http://x.example","click")`` in a commitment's title would run when an
analyst opens the export. The usual rule (OWASP's "CSV injection") is applied to every such
cell: a leading apostrophe, which spreadsheet programs show as text and do not display.
Numbers stay numbers: a number (``-12.5`` as a float, or as the text of a CSV cell) is never
changed.

- `neutralise(value)`: one cell; `neutralised(rows)`: every cell of rows.
- `restore(value)`: the inverse for a cell read back from Parity's own export (the
  commitments CSV round trip).
- `csv_text(header, rows)`, `write_csv(path, header, rows)`, `write_xlsx(path, header,
  rows, sheet=)`: the writers every CSV and XLSX of Parity goes through.
- `write_arrow_csv(table, path)`: the same for a pyarrow table (the payroll audit trail and
  synthetic payrolls), done column by column in Arrow.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_PATTERN = r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?"
_NUMBER = re.compile(_NUMBER_PATTERN)
_FORMULA_RE = r"^[=+\-@\t\r]"  # the same rule in Arrow's regular expressions (RE2)
_NUMBER_RE = f"^{_NUMBER_PATTERN}$"


def neutralise(value: Any) -> Any:
    """`value` with a leading apostrophe if it is text a spreadsheet would run as a formula;
    numbers, dates, None and other text unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) \
            and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def restore(value: str) -> str:
    """A cell of Parity's own CSV as it was before `neutralise` (the apostrophe removed)."""
    if value.startswith("'") and value[1:2] in FORMULA_STARTS \
            and not _NUMBER.fullmatch(value[1:]):
        return value[1:]
    return value


def neutralised(rows: Iterable[Sequence[Any]]) -> Iterable[list[Any]]:
    for row in rows:
        yield [neutralise(cell) for cell in row]


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], *,
             lineterminator: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    writer.writerow(header)
    writer.writerows(neutralised(rows))
    return buffer.getvalue()


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(neutralised(rows))


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], *,
               sheet: str = "Data") -> None:
    from openpyxl import Workbook  # noqa: PLC0415 (openpyxl costs ~0.3 s to import; only writers need it)

    book = Workbook(write_only=True)
    out = book.create_sheet(sheet)
    out.append(list(header))
    for row in neutralised(rows):
        out.append(row)
    book.save(path)


def neutralise_arrow(table):  # noqa: ANN001, ANN201
    """A pyarrow table with every text column's formula-like cells neutralised."""
    import pyarrow as pa  # noqa: PLC0415 (pyarrow costs ~0.2 s to import; only writers need it)
    import pyarrow.compute as pc  # noqa: PLC0415

    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.and_(pc.match_substring_regex(column, _FORMULA_RE),
                            pc.invert(pc.match_substring_regex(column, _NUMBER_RE)))
            column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def write_arrow_csv(table, path: Path) -> None:  # noqa: ANN001
    import pyarrow.csv as pcsv  # noqa: PLC0415 (see neutralise_arrow)

    pcsv.write_csv(neutralise_arrow(table), path)


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]], *,
               about: Sequence[tuple[str, str]] = ()) -> bytes:
    """A workbook as bytes: an "About" sheet first (`about`: name and value, such as source,
    licence and date) when given, then one sheet per (name, header, rows), every cell
    neutralised. Sheet names are cut to Excel's 31 characters and made unique."""
    from openpyxl import Workbook  # noqa: PLC0415 (openpyxl costs ~0.3 s to import; only writers need it)

    book = Workbook(write_only=True)
    if about:
        sheet = book.create_sheet("About")
        for row in neutralised(about):
            sheet.append(row)
    used = {"About"} if about else set()
    for name, header, rows in sheets:
        title = _sheet_name(name, used)
        used.add(title)
        out = book.create_sheet(title)
        out.append([neutralise(h) for h in header])
        for row in neutralised(rows):
            out.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip(" '") or "Data"
    title, n = base[:31], 1
    while title in used:
        n += 1
        title = f"{base[:27]} ({n})"
    return title
