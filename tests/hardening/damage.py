"""Ways to damage a small valid input file, as hypothesis strategies.

A table (header first, then rows of text cells) is damaged by `table_damage` (columns dropped,
renamed or duplicated; cells blanked or replaced by garbage, huge numbers, NaN, infinities,
negative values, unicode ...), then written as CSV (UTF-8, with a BOM, UTF-16, Windows-1252) or
XLSX (the right sheet name or a wrong one). Any file's bytes are damaged by `byte_damage`
(truncated at a random offset, emptied, replaced by binary junk, junk spliced in), and by
`more_byte_damage` (also bytes flipped, a NUL, BOM or stray byte inserted, the text written in
another encoding); a spreadsheet's zip container by `zip_damage` (a member dropped, damaged,
doubled or given an unknown compression method). `ods_bytes` writes a table as a small ODS.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from hypothesis import strategies as st

from tests.hardening.hostile import _ods

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


# --- more ways to damage bytes: flipped bytes, special bytes inserted, another encoding --------

SPECIAL_BYTES = [b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\r", b"\x1a", b"\xff",
                 b"\xc3", b'"', b"\n\n", b"\x00" * 64]
RECODINGS = ["utf-16", "utf-16-be", "utf-32", "cp1252", "latin-1", "utf-8-sig", "shift_jis"]

more_byte_damage = st.one_of(
    byte_damage,
    st.tuples(st.just("flip"), st.lists(st.tuples(st.floats(min_value=0, max_value=1),
                                                  st.integers(min_value=1, max_value=255)),
                                        min_size=1, max_size=8)),
    st.tuples(st.just("insert"), st.floats(min_value=0, max_value=1),
              st.sampled_from(SPECIAL_BYTES)),
    st.tuples(st.just("recode"), st.sampled_from(RECODINGS)),
)


def damage_more_bytes(data: bytes, op: tuple) -> bytes:
    """`damage_bytes`, and: bytes XOR-ed at several offsets, a NUL, a BOM or a lone byte
    inserted, the text (read as UTF-8) written in another encoding."""
    if op[0] == "flip":
        out = bytearray(data)
        for where, mask in op[1]:
            if out:
                i = min(int(len(out) * where), len(out) - 1)
                out[i] ^= mask
        return bytes(out)
    if op[0] == "insert":
        at = int(len(data) * op[1])
        return data[:at] + op[2] + data[at:]
    if op[0] == "recode":
        return data.decode("utf-8", errors="replace").encode(op[1], errors="replace")
    return damage_bytes(data, op)


# --- damaged zip containers (XLSX, ODS) ---------------------------------------------------------

zip_damage = st.one_of(
    st.tuples(st.just("drop_member"), index),
    st.tuples(st.just("member"), index, more_byte_damage),
    st.tuples(st.just("duplicate_member"), index),
    st.tuples(st.just("stored_as_junk_method"), index),
    st.tuples(st.just("bytes"), more_byte_damage),
)


def damage_zip(data: bytes, op: tuple) -> bytes:
    """A spreadsheet's zip container damaged: a member dropped, damaged (bytes as above,
    recompressed), written twice, or marked with a compression method no reader knows; or the
    container's own bytes damaged."""
    if op[0] == "bytes":
        return damage_more_bytes(data, op[1])
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        members = [(info, book.read(info)) for info in book.infolist()]
    i = op[1] % len(members)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for k, (info, content) in enumerate(members):
            if k == i and op[0] == "drop_member":
                continue
            if k == i and op[0] == "member":
                content = damage_more_bytes(content, op[2])
            book.writestr(info.filename, content)
            if k == i and op[0] == "duplicate_member":
                with warnings.catch_warnings():  # "Duplicate name": the damage meant
                    warnings.simplefilter("ignore")
                    book.writestr(info.filename, content[: len(content) // 2])
    damaged = out.getvalue()
    if op[0] == "stored_as_junk_method":
        damaged = _compression_method(damaged, 99)  # 99: AES, which no reader here knows
    return damaged


def _compression_method(data: bytes, method: int) -> bytes:
    """The zip with every member's compression method (local header and central directory)
    set to `method`."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        infos = book.infolist()
        start = book.start_dir
    code = method.to_bytes(2, "little")
    for info in infos:
        out[info.header_offset + 8: info.header_offset + 10] = code
    at = out.find(b"PK\x01\x02", start)
    while at != -1:
        out[at + 10: at + 12] = code
        at = out.find(b"PK\x01\x02", at + 46)
    return bytes(out)


def ods_bytes(rows: list[list], sheet: str = "Data") -> bytes:
    """A minimal ODS of one sheet holding `rows` (numbers as floats, the rest as strings)."""
    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        text = "".join(ch for ch in text if ch in "\t\n" or ord(ch) >= 32)
        try:
            number = float(text)
        except ValueError:
            number = None
        if number is not None and number == number and abs(number) < 1e300:
            return (f'<table:table-cell office:value-type="float" office:value="{number!r}">'
                    f"<text:p>{escape(text)}</text:p></table:table-cell>")
        return ('<table:table-cell office:value-type="string">'
                f"<text:p>{escape(text)}</text:p></table:table-cell>")

    body = "".join("<table:table-row>" + "".join(cell(c) for c in r) + "</table:table-row>"
                   for r in rows)
    return _ods(body).replace(b'table:name="Data"', f"table:name={quoteattr(sheet)}".encode())
