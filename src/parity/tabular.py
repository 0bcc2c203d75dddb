"""Reading spreadsheets and CSV files into plain rows, for every importer.

ODS, XLSX and XLS are read with calamine (fast, and it returns cell values, not the
formatted text); CSV with the standard library. Row numbers are the ones a person sees in a
spreadsheet program: the first row is 1.
"""

from __future__ import annotations

import csv
import gc
import importlib.abc
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from parity.budget import check_spreadsheet
from parity.errors import InputError, Problem

SPREADSHEET_SUFFIXES = {".ods", ".xlsx", ".xlsm", ".xls"}
CSV_SUFFIXES = {".csv", ".txt"}


@dataclass
class Sheet:
    """One sheet's rows (lists of cell values); ``name`` is None for a CSV file."""

    name: str | None
    rows: list[list]

    def numbered(self, start: int = 1) -> Iterator[tuple[int, list]]:
        """(row number, cells) from row `start` (1-based) on."""
        for index in range(start - 1, len(self.rows)):
            yield index + 1, self.rows[index]


def sheet_names(path: Path) -> list[str]:
    return _workbook(path).sheet_names


def read_sheets(path: Path | str, *, only: list[str] | None = None) -> list[Sheet]:
    """Every sheet of a spreadsheet (or those named in `only`), or a CSV file as one sheet.

    Raises `InputError` naming the file when it is missing, of an unknown kind, or unreadable
    (a truncated or corrupt file).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: a folder, not a file")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return [Sheet(None, read_csv_rows(path))]
    if suffix not in SPREADSHEET_SUFFIXES:
        raise InputError(
            f"{path.name}: unsupported file type {suffix or '(none)'!r}; expected "
            f"{', '.join(sorted(SPREADSHEET_SUFFIXES | CSV_SUFFIXES))}"
        )
    workbook = _workbook(path)
    sheets = []
    for name in workbook.sheet_names:
        if only is not None and name not in only:
            continue
        try:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises its own error types
            raise InputError(f"{path.name}: sheet {name!r} cannot be read ({exc})") from exc
        sheets.append(Sheet(name, rows))
    return sheets


def decode_text(raw: bytes, name: str) -> str:
    """A text file's bytes as text: UTF-8 (with or without a BOM), UTF-16 with its BOM (a
    spreadsheet program's "Unicode text"), else Windows-1252. Raises `InputError` naming the
    file when the bytes are none of these (binary junk, or a spreadsheet saved as .csv)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _not_text(name, "UTF-16", exc) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _not_text(name, "UTF-8 or Windows-1252", exc) from exc


def _not_text(name: str, expected: str, exc: UnicodeDecodeError) -> InputError:
    hint = " (a spreadsheet saved with a .csv name?)" if exc.object[:2] == b"PK" else ""
    return InputError(f"{name}: not a text file{hint}",
                      [Problem(file=name, message=f"expected {expected} text; byte {exc.start} "
                               f"(0x{exc.object[exc.start]:02x}) is not")])


def files_at(path: Path | str, *, suffixes: set[str], kind: str) -> list[Path]:
    """The file at `path`, or every file with one of `suffixes` in the folder at `path` (sorted
    by name); `InputError` for a missing path or a folder holding none (`kind` names them)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in suffixes)
        if not files:
            raise InputError(f"{path}: no {kind} in the folder")
        return files
    if not path.exists():
        raise InputError(f"{path}: no such file")
    return [path]


class _NoPandas(importlib.abc.MetaPathFinder):
    """An import of pandas fails while this finder is first on `sys.meta_path`."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is not used here")
        return None


def arrow_without_pandas() -> None:
    """Tell pyarrow, before it is first used in this process, that pandas is not there.

    Given almost any value (``pa.array([...])``, a compute function's argument), pyarrow first
    asks whether it is a pandas object, and to ask it imports pandas: 0.3 to 0.4 s of a
    command's start that reads a file with pyarrow and never sees a DataFrame. Arrow asks once
    per process; here the answer is "not installed". Only for a command that hands arrow no
    pandas object (`paygap compute` on a file); a later ``to_pandas`` still imports pandas."""
    if "pandas" in sys.modules or "pyarrow" in sys.modules:
        return  # too late to matter, or pandas in use
    blocker = _NoPandas()
    sys.meta_path.insert(0, blocker)
    try:
        import pyarrow as pa  # deferred: pyarrow costs ~0.3 s; only the commands that read with it

        pa.array([0])  # the first question about pandas: answered now, while it cannot import
    finally:
        sys.meta_path.remove(blocker)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large file is read and checked: its many
    row lists hold no cycles, and repeated collections over them cost a noticeable share of
    an import."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_csv_rows(path: Path) -> list[list[str]]:
    text = decode_text(path.read_bytes(), path.name)
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise InputError(f"{path.name}: not a readable CSV file",
                         [Problem(file=path.name, message=f"the CSV reader said: {exc}")]) from exc
    if "\x00" in text:  # no database takes a NUL character in text
        raise InputError(f"{path.name}: NUL characters in the file (binary data?)", [
            Problem(file=path.name, message="expected text; found a NUL character", row=number,
                    column=f"column {index + 1}")
            for number, row in enumerate(rows, start=1)
            for index, cell in enumerate(row) if "\x00" in cell][:20])
    return rows


def _workbook(path: Path):  # noqa: ANN202
    from python_calamine import CalamineWorkbook  # deferred: only the ODS/XLSX readers need it

    check_spreadsheet(path)  # before the reader: a hostile file could make it abort
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise InputError(
            f"{path.name}: not a readable spreadsheet (truncated or corrupt?)",
            [Problem(file=path.name, message=f"the reader said: {exc}")],
        ) from exc


def header_key(value: object) -> str:
    """A header cell compared loosely: case and runs of white space do not matter."""
    return " ".join(str(value).split()).casefold()


def cell_text(value: object, *, squeeze: bool = True) -> str:
    """A cell as text: "" for an empty cell, a whole number read as a float without its
    ".0" (spreadsheets store 2023 as 2023.0), white space trimmed, and runs of white space
    inside made one space (`squeeze`; False keeps them)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split()) if squeeze else str(value).strip()
