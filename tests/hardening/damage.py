"""Ways to damage a small valid input file, as hypothesis strategies.

A table (header first, then rows of text cells) is damaged by `table_damage` (columns dropped,
renamed or duplicated; cells blanked or replaced by garbage, huge numbers, NaN, infinities,
negative values, unicode ...), then written as CSV (UTF-8, with a BOM, UTF-16, Windows-1252) or
XLSX (the right sheet name or a wrong one). Any file's bytes are damaged by `byte_damage`
(truncated at a random offset, emptied, replaced by binary junk, junk spliced in).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

BAD_CELLS = [
    "", " ", "garbage", "NaN", "nan", "inf", "-inf", "Infinity", "1e308", "1e999", "-1e999",
    "9" * 400, "-5", "-0.5", "0", "1e-320", "TRUE", "None", "null", "2020-13-45", "31/02/2021",
    "0000-01-01", "9999-12-31", "Ωmega ☃ 女", "\u202eevil", "\x00", "a\nb", "'", '"', "=1+1",
    "1,000,000", "£12.50", "12.5%", "0x1F", "١٢٣",
]


@dataclass
class TableDamage:
    """What was done, and whether the damage is inside data rows (so a refusal names a row)."""

    steps: list[str] = field(default_factory=list)
    in_row: bool = False
    structural: bool = False  # columns changed or rows dropped: a refusal may name no row


def _apply(rows: list[list[str]], op: tuple, record: TableDamage) -> list[list[str]]:
    kind = op[0]
    if kind in {"drop_column", "rename_column", "duplicate_column", "header_only"}:
        record.structural = True
    width = max(len(r) for r in rows)
    rows = [list(r) + [""] * (width - len(r)) for r in rows]
    if kind == "drop_column":
        i = op[1] % width
        record.steps.append(f"drop column {rows[0][i]!r}")
        return [r[:i] + r[i + 1:] for r in rows]
    if kind == "rename_column":
        i = op[1] % width
        record.steps.append(f"rename column {rows[0][i]!r} to {op[2]!r}")
        rows[0][i] = op[2]
        return rows
    if kind == "duplicate_column":
        i = op[1] % width
        record.steps.append(f"duplicate column {rows[0][i]!r}")
        return [r[: i + 1] + [r[i]] + r[i + 1:] for r in rows]
    if kind == "cell" and len(rows) > 1:
        r = 1 + op[1] % (len(rows) - 1)
        c = op[2] % width
        record.steps.append(f"row {r + 1} column {rows[0][c]!r}: {op[3]!r}")
        rows[r][c] = op[3]
        record.in_row = True
        return rows
    if kind == "duplicate_row" and len(rows) > 1:
        r = 1 + op[1] % (len(rows) - 1)
        record.steps.append(f"duplicate row {r + 1}")
        return rows[: r + 1] + [rows[r]] + rows[r + 1:]
    if kind == "header_only":
        record.steps.append("drop every data row")
        return rows[:1]
    if kind == "short_row" and len(rows) > 1:
        r = 1 + op[1] % (len(rows) - 1)
        record.steps.append(f"cut row {r + 1} short")
        rows[r] = rows[r][: op[2] % width]
        record.in_row = True
        return rows
    return rows


cell_values = st.one_of(st.sampled_from(BAD_CELLS), st.text(max_size=12),
                        st.integers(min_value=-10**30, max_value=10**30).map(str),
                        st.floats(allow_nan=True, allow_infinity=True).map(repr))
index = st.integers(min_value=0, max_value=10**6)
operations = st.one_of(
    st.tuples(st.just("drop_column"), index),
    st.tuples(st.just("rename_column"), index, st.sampled_from(["", "x", "Ωmega", "employee id ",
                                                                "AREA CODE"])),
    st.tuples(st.just("duplicate_column"), index),
    st.tuples(st.just("cell"), index, index, cell_values),
    st.tuples(st.just("cell"), index, index, cell_values),
    st.tuples(st.just("duplicate_row"), index),
    st.tuples(st.just("header_only")),
    st.tuples(st.just("short_row"), index, index),
)
table_damage = st.lists(operations, min_size=1, max_size=3)


def damage_table(rows: list[list[str]], ops: list[tuple]) -> tuple[list[list[str]], TableDamage]:
    record = TableDamage()
    for op in ops:
        rows = _apply(rows, op, record)
    record.in_row = record.in_row and not record.structural
    return rows, record


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252"]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


def xlsx_bytes(rows: list[list], sheet: str = "Data") -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for row in rows:
        ws.append([_xlsx_cell(c) for c in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xlsx_cell(value: object) -> object:
    if isinstance(value, str):
        # openpyxl refuses control characters in cells; a spreadsheet program would too.
        value = "".join(ch for ch in value if ch in "\t\n" or ord(ch) >= 32)
        try:
            number = float(value)
        except ValueError:
            return value
        return number if abs(number) < 1e300 and number == number else value
    return value


byte_damage = st.one_of(
    st.tuples(st.just("truncate"), st.floats(min_value=0, max_value=1)),
    st.tuples(st.just("empty")),
    st.tuples(st.just("junk"), st.binary(min_size=1, max_size=200)),
    st.tuples(st.just("splice"), st.floats(min_value=0, max_value=1),
              st.binary(min_size=1, max_size=20)),
)


def damage_bytes(data: bytes, op: tuple) -> bytes:
    if op[0] == "truncate":
        return data[: int(len(data) * op[1])]
    if op[0] == "empty":
        return b""
    if op[0] == "junk":
        return op[1]
    at = int(len(data) * op[1])
    return data[:at] + op[2] + data[at:]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
