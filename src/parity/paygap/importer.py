"""Reading a force's payroll extract (CSV, XLSX or Parquet) into a checked `Payroll`.

CSV is read with pyarrow's multi-threaded reader, with the pay columns typed up front (the fast
path); if a cell does not parse, the file is read again as text so that every bad cell can be
named. Parquet is read with pyarrow; spreadsheets with calamine (`parity.tabular`). Nothing is
computed and nothing is written unless the whole file passes `validation.check_payroll`.

A payroll extract is private data: it is read, never stored in the database
(docs/decisions/0301-payroll-extract.md).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa

from parity.errors import InputError, Problem
from parity.paygap.validation import NUMERIC, Payroll, check_payroll, column_key
from parity.tabular import cell_text, decode_text, read_csv_rows, read_sheets

LOW_CARDINALITY = ("sex", "full_pay", "worker_type", "grade")
SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods", ".parquet", ".pq")


def read_payroll(path: Path | str) -> Payroll:
    """Read and check a payroll extract; raise `InputError` listing every problem found.

    The file holds one row per relevant employee (employed on the snapshot date) with the
    columns listed in `parity.paygap.validation`. Row numbers in problems are those a person
    sees in a spreadsheet (the header is row 1); for Parquet, the record number (from 1).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: a folder, not a file; expected a payroll extract")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{path.name}: unsupported file type {suffix or '(none)'!r}; expected "
                         "a CSV, XLSX or Parquet payroll extract")
    sheet, row_base = None, 2
    if suffix in (".csv", ".txt"):
        table = _read_csv(path)
    elif suffix in (".parquet", ".pq"):
        table, row_base = _read_parquet(path), 1
    else:
        table, sheet, row_base = _read_spreadsheet(path)
    payroll, problems = check_payroll(table, file=path.name, sheet=sheet, row_base=row_base)
    if problems:
        raise InputError(f"{path.name}: the payroll extract has {len(problems)} problem(s); "
                         "nothing was computed", problems)
    assert payroll is not None
    return payroll


def _header(path: Path) -> list[str]:
    with open(path, "rb") as fh:
        first = fh.readline()
    if first.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path.name}: a UTF-16 CSV file; save it as UTF-8 (CSV UTF-8)",
                         [Problem(path.name, "expected UTF-8 or Windows-1252 text", row=1)])
    text = decode_text(first, path.name)
    if "\x00" in text:
        raise InputError(f"{path.name}: not a text file (it holds NUL bytes)",
                         [Problem(path.name, "expected CSV text with a header row", row=1)])
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InputError(f"{path.name}: not a readable CSV file",
                         [Problem(path.name, f"the CSV reader said: {exc}", row=1)]) from exc
    return rows[0] if rows else []


def _read_csv(path: Path) -> pa.Table:
    import pyarrow.csv as pcsv  # deferred: pyarrow costs ~0.3 s at start-up

    header = _header(path)
    if not header:
        raise InputError(f"{path.name}: the file is empty",
                         [Problem(path.name, "expected a header row naming the columns", row=1)])
    typed = {}
    for name in header:
        key = column_key(name)
        if key in NUMERIC:
            typed[name] = pa.float64()
        elif key in LOW_CARDINALITY:
            typed[name] = pa.dictionary(pa.int32(), pa.string())
        elif key == "start_date":
            typed[name] = pa.date32()
    text = {name: pa.string() for name in header if name not in typed}
    typed_options = pcsv.ConvertOptions(column_types={**typed, **text},
                                        strings_can_be_null=False, null_values=[""],
                                        quoted_strings_can_be_null=True)
    text_options = pcsv.ConvertOptions(column_types={name: pa.string() for name in header},
                                       strings_can_be_null=False)
    return read_csv_options(path, header, (typed_options, text_options))


def read_csv_options(path: Path, header: list[str], options: tuple, *,
                     block_size: int = 8 << 20) -> pa.Table:
    """The CSV read with the first of `options` (pyarrow ConvertOptions) that parses, in
    UTF-8 then Windows-1252; `InputError` naming the ragged rows, or the reader's reason."""
    import pyarrow.csv as pcsv  # deferred: pyarrow costs ~0.3 s at start-up

    problem = None
    # UTF-8 first (the fast path); a spreadsheet program's "CSV" is often Windows-1252.
    # The header as decoded by `_header` names the columns (pyarrow would not check that the
    # names are valid UTF-8).
    for encoding in ("utf8", "cp1252"):
        read = pcsv.ReadOptions(block_size=block_size, encoding=encoding, column_names=header,
                                skip_rows=1)
        for option in options:
            try:
                return pcsv.read_csv(path, read_options=read, convert_options=option)
            except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
                problem = problem or exc
                if "UTF8" in str(exc) or "UTF-8" in str(exc):
                    break
    raise InputError(f"{path.name}: not a readable CSV file",
                     _ragged_rows(path, len(header))
                     or [Problem(path.name, f"the reader said: {problem}")])


def _ragged_rows(path: Path, width: int) -> list[Problem]:
    """The rows whose number of cells differs from the header's (the first 50)."""
    try:
        rows = read_csv_rows(path)
    except InputError as exc:
        return exc.problems
    return [Problem(path.name, f"expected {width} cells as in the header, found {len(row)}",
                    row=number)
            for number, row in enumerate(rows, start=1)
            if row and len(row) != width][:50]


def _read_parquet(path: Path) -> pa.Table:
    import pyarrow.parquet as pq  # deferred: pyarrow costs ~0.3 s at start-up

    try:
        return pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{path.name}: not a readable Parquet file",
                         [Problem(path.name, f"the reader said: {exc}")]) from exc


def _read_spreadsheet(path: Path) -> tuple[pa.Table, str | None, int]:
    """The first sheet with an ``employee_id`` header in its first ten rows, as text columns."""
    for sheet in read_sheets(path):
        for index, row in enumerate(sheet.rows[:10]):
            keys = [column_key(c) for c in row]
            if "employee_id" not in keys:
                continue
            width = max((i + 1 for i, c in enumerate(row) if cell_text(c)), default=0)
            names = [cell_text(c) or f"column_{i + 1}" for i, c in enumerate(row[:width])]
            body = sheet.rows[index + 1:]
            while body and not any(cell_text(c) for c in body[-1]):
                body = body[:-1]
            columns = [[_cell(r[i]) if i < len(r) else "" for r in body] for i in range(width)]
            # From arrays, not a dict: a repeated column name must reach the checks.
            table = pa.Table.from_arrays([pa.array(c, pa.string()) for c in columns],
                                         names=names)
            return table, sheet.name, index + 2
    raise InputError(f"{path.name}: no sheet has an employee_id column in its first ten rows")


def _cell(value: object) -> str:
    """A payroll cell as text: `parity.tabular.cell_text` (white space inside kept), with a
    true/false cell as ``true``/``false`` and a date cell as its ISO date."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return cell_text(value, squeeze=False)
