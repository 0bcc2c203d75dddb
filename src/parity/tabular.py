"""Reading spreadsheets and CSV files into plain rows, for every importer.

ODS, XLSX and XLS are read with calamine (fast, and it returns cell values, not the
formatted text); CSV with the standard library. Row numbers are the ones a person sees in a
spreadsheet program: the first row is 1.

For a large file checked column by column, `Columns` holds a sheet as a code per cell into
each column's distinct values: `columns_of` makes it from rows, and `read_plain_csv` straight
from a plain CSV file with Arrow's parser (several times faster than the standard library's).
"""

from __future__ import annotations

import csv
import gc
import importlib.abc
import io
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import zip_longest
from pathlib import Path
from typing import Any

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


def read_sheets(path: Path | str, *, only: list[str] | None = None,
                bundled: bool = False) -> list[Sheet]:
    """Every sheet of a spreadsheet (or those named in `only`), or a CSV file as one sheet.

    Raises `InputError` naming the file when it is missing, of an unknown kind, or unreadable
    (a truncated or corrupt file). A spreadsheet is checked against the reading budget for
    untrusted files first (`parity.budget.check_spreadsheet`), unless `bundled`: one of the
    files shipped with Parity, read as it was tested (the workforce table's check costs three
    times its reading).
    """
    path = Path(path)
    soon = _SOON.pop(_soon_key(path, only, bundled), None)
    if soon is not None:
        return soon.take()
    return _read_sheets(path, only, bundled)


def _read_sheets(path: Path, only: list[str] | None, bundled: bool) -> list[Sheet]:
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
    workbook = _workbook(path, bundled=bundled)
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


class _Reading(threading.Thread):
    """`read_sheets` of one file, in a thread of its own (`read_sheets_soon`)."""

    def __init__(self, path: Path, only: list[str] | None, bundled: bool):
        super().__init__(name=f"reading {path.name}", daemon=True)
        self.args_ = (path, only, bundled)
        self.sheets: list[Sheet] | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        path, only, bundled = self.args_
        try:
            self.sheets = _read_sheets(path, only, bundled)
        except BaseException as exc:  # handed to the thread that takes the sheets
            self.error = exc

    def take(self) -> list[Sheet]:
        self.join()
        if self.error is not None:
            raise self.error
        assert self.sheets is not None
        return self.sheets


_SOON: dict[tuple, _Reading] = {}


def _soon_key(path: Path, only: list[str] | None, bundled: bool) -> tuple | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns,
            tuple(only) if only is not None else None, bundled)


def read_sheets_soon(path: Path | str, *, only: list[str] | None = None,
                     bundled: bool = False) -> None:
    """Start reading a spreadsheet as `read_sheets` would, in a thread, for a command that has
    other work first (importing the database layer, opening a connection, making the schema of
    a new database): calamine lets go of the interpreter's lock while it parses, so the file is
    read on the other core meanwhile. The next `read_sheets` of the same file (same size and
    modification time, same `only` and `bundled`) takes what was read, or raises what reading
    it raised. CSV files and missing files are left to `read_sheets`."""
    path = Path(path)
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        return
    key = _soon_key(path, only, bundled)
    if key is None or key in _SOON or not path.is_file():
        return
    reading = _Reading(path, only, bundled)
    _SOON[key] = reading
    reading.start()


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


@dataclass
class Columns:
    """A sheet's cells column by column, each distinct value kept once: row `r` (0-based) of
    column `j` holds ``values[j][codes[j][r]]``. `codes` are numpy integer arrays, `height`
    long; `values` are in order of first appearance. A row shorter than the longest has None
    in the cells it lacks. ``name`` is None for a CSV file."""

    name: str | None
    codes: list[Any]
    values: list[list]
    height: int

    def row(self, r: int) -> list:
        """Row `r` (0-based) as a list of cells."""
        return [values[codes[r]] for codes, values in zip(self.codes, self.values, strict=True)]


def columns_of(sheet: Sheet) -> Columns:
    """`sheet`'s rows as `Columns`. Cells that compare equal share a code (the first one seen
    stands for them: a number 1 and a 1.0 are one value)."""
    import numpy as np  # deferred: numpy costs ~0.2 s at start-up; only column checks need it

    codes, values = [], []
    for cells in zip_longest(*sheet.rows):
        distinct = dict.fromkeys(cells)
        index = {value: i for i, value in enumerate(distinct)}
        codes.append(np.fromiter(map(index.__getitem__, cells), dtype=np.int64, count=len(cells)))
        values.append(list(distinct))
    return Columns(sheet.name, codes, values, len(sheet.rows))


def read_plain_csv(path: Path) -> Columns | None:
    """A plain CSV file as `Columns`, read with Arrow's parser; None for any other file, which
    `read_sheets` then reads (and, if it is unreadable, says why).

    Plain: UTF-8 (with or without a BOM), no quote character and no NUL anywhere, and the same
    number of cells on every line. For such a file Arrow's parser gives cell for cell what the
    standard library's gives, blank lines included (a line with no cells, here a row of empty
    cells: both are blank rows).
    """
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw or b'"' in raw or b"\x00" in raw or raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    first_line = re.split(rb"[\r\n]", raw[:65536], maxsplit=1)[0]
    names = [f"c{i}" for i in range(first_line.count(b",") + 1)]
    arrow_without_pandas()
    # deferred: pyarrow costs ~0.1 s; only the importers of large CSV files use it
    import pyarrow as pa
    import pyarrow.csv as pa_csv  # deferred: as above

    try:
        table = pa_csv.read_csv(
            pa.py_buffer(raw),
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(quote_char=False, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False))
    except (pa.ArrowInvalid, UnicodeDecodeError):  # ragged lines, or not UTF-8
        return None
    import numpy as np  # deferred: numpy costs ~0.2 s at start-up

    codes, values = [], []
    for column in table.columns:
        chunks = column.dictionary_encode().chunks
        # Arrow gives every chunk the same dictionary, of all the column's values
        if not chunks or any(not c.dictionary.equals(chunks[-1].dictionary) for c in chunks):
            chunks = [column.combine_chunks().dictionary_encode()]
        codes.append(np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks]))
        values.append(chunks[-1].dictionary.to_pylist())
    return Columns(None, codes, values, table.num_rows)


def _workbook(path: Path, *, bundled: bool = False):  # noqa: ANN202
    from python_calamine import CalamineWorkbook  # deferred: only the ODS/XLSX readers need it

    if not bundled:
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
    inside made one space (`squeeze`; False keeps them, with line ends made ``\n`` whichever
    a program wrote)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if squeeze:
        return " ".join(str(value).split())
    text = str(value).strip()
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


# --- cells as spreadsheet programs write them --------------------------------------------------
# A download opened and saved again by a spreadsheet program comes back with its dates, flags
# and numbers written the program's way; these read every such form as the original's value.

_DATE = re.compile(r"^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})"
                   r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:Z|[+-]00:?00)?$")
_EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 1 is 1 January 1900 (Excel's leap-year bug kept)
_SERIAL_RANGE = (1.0, 2_958_465.0)  # 1 January 1900 to 31 December 9999


def parse_date(value: object) -> datetime | None:
    """A date (with its time, if any) in any form a spreadsheet program writes; blank is None.

    Accepted: date and datetime cells; Excel serial numbers (``45016.5``); text day first as
    the UK service writes it (``31/03/2018``, ``05-04-2025 00:00``, ``28.03.2025 09:02:10``),
    year first (``2020/03/31 00:00:00``, ``2025-03-28T09:02``), with or without seconds; a
    two-digit year is 20xx. Fractions of a second are rounded to the second (a serial number
    stores 09:02:10 as 09:02:09.999...). Raises ValueError for anything else.
    """
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise ValueError(value)
    if isinstance(value, datetime):
        return _whole_seconds(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, int | float):
        return _serial(float(value))
    text = str(value).strip()
    if not text:
        return None
    m = _DATE.match(text)
    if not m:
        if re.fullmatch(r"\d{5}(\.\d+)?", text):
            return _serial(float(text))
        raise ValueError(text)
    first, month, last, hour, minute, second = m.groups()
    if len(first) == 4:
        year, day = int(first), int(last)
    elif len(last) in (2, 4) and len(first) <= 2:
        day, year = int(first), int(last) + (2000 if len(last) == 2 else 0)
    else:
        raise ValueError(text)
    return datetime(year, int(month), day, int(hour or 0), int(minute or 0), int(second or 0))


def _serial(number: float) -> datetime:
    if not _SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]:
        raise ValueError(number)
    return _whole_seconds(_EXCEL_EPOCH + timedelta(days=number))


def _whole_seconds(stamp: datetime) -> datetime:
    rounded = stamp.replace(microsecond=0)
    return rounded + timedelta(seconds=1) if stamp.microsecond >= 500_000 else rounded


_TRUE = frozenset({"true", "1", "yes", "y"})
_FALSE = frozenset({"false", "0", "no", "n"})


def parse_bool(value: object) -> bool | None:
    """A flag as published (``True``/``False``) or as a spreadsheet program writes it
    (``TRUE``, ``false``, a boolean cell, 1/0, yes/no), any case; blank is None. Raises
    ValueError for anything else."""
    if isinstance(value, bool):
        return value
    text = cell_text(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if not text:
        return None
    raise ValueError(text)


def digits_padded(value: object, width: int) -> str:
    """A code of digits whose leading zeros a spreadsheet program dropped by reading it as a
    number (company number ``04104101`` read as 4104101), given its `width` back; any other
    text trimmed, as it is."""
    text = cell_text(value)
    return text.zfill(width) if text.isascii() and text.isdigit() and len(text) < width else text


SIGNIFICANT_DIGITS = 10


def round_figure(number: float) -> float:
    """A figure to ten significant digits, by way of the fifteen spreadsheet programs write.

    Computed figures (an FTE of 2171.0983324999997, 29.751351351351351...) carry a double's
    full precision in the published file; a copy saved again by a program holds fifteen digits
    rounded its own way (``2171.0983325``, ``29.7513513513513`` where Python writes
    ``...514``). Rounded to fifteen first (so that a half stored as ...4999997 is a half
    again) and then to ten, the original and every copy read the same; ten digits keep far more
    than any figure means (an FTE to the fifth decimal place)."""
    return float(f"{float(f'{number:.15g}'):.{SIGNIFICANT_DIGITS}g}")
