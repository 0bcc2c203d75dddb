"""Reading a payroll's pay lines (CSV, XLSX or Parquet) through a column mapping file.

A payroll exports one row per pay element per person per pay period. The mapping file
(``--columns map.yaml``) says which of the export's columns holds each field, so any export is
read as it is:

```yaml
columns:
  person: Employee Number       # required: one person (the same in every post they hold)
  post: Assignment Number       # optional: one job of that person (default: one post each)
  sex: Gender                   # required
  code: Element Code            # required: the pay code, classified by the code table
  description: Element Name     # optional: shown beside unknown codes
  amount: Amount                # required: pounds, negative for deductions
  period_start: Period Start    # the pay period the line belongs to (or `frequency` below)
  period_end: Period End        # required
  paid_on: Payment Date         # optional: when a bonus was paid (default: the period end)
  weekly_hours: Contract Hours  # required: the post's weekly working hours
  worker_type: Staff Group      # optional
  grade: Grade                  # optional
  start_date: Start Date        # optional
frequency: monthly              # only without period_start: weekly, fortnightly,
                                # four_weekly or monthly
```

Offers `read_mapping(path)` (or `mapping_from(data, name)` for a mapping filled in a form),
`read_lines(path, mapping)` (a checked `PayLines`: every problem
named by file, row and column, exit 2, nothing computed) and `FIELDS`. Dates are
``YYYY-MM-DD`` or ``DD/MM/YYYY``; amounts are kept in whole pence (int64), so that sums are
exact and reconcile with the payroll's own totals to the penny.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from parity.budget import load_yaml
from parity.errors import InputError, Problem
from parity.paygap.importer import _cell, _header, read_csv_options
from parity.tabular import cell_text, read_sheets

FIELDS = ("person", "post", "sex", "code", "description", "amount", "period_start", "period_end",
          "paid_on", "weekly_hours", "worker_type", "grade", "start_date")
REQUIRED = ("person", "sex", "code", "amount", "period_end", "weekly_hours")
TEXT = ("person", "post", "sex", "code", "description", "worker_type", "grade")
DATES = ("period_start", "period_end", "paid_on", "start_date")
FREQUENCIES = {"weekly": 7, "fortnightly": 14, "four_weekly": 28, "monthly": None}
SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods", ".parquet", ".pq")
MAX_AMOUNT = 1e9
NUMBER = r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$"
MAX_PROBLEMS = 200


@dataclass
class Mapping:
    """Which export column holds each field (`columns`), and the pay frequency when the
    export has no period start column."""

    file: str
    columns: dict[str, str]
    frequency: str | None = None


@dataclass
class PayLines:
    """Checked pay lines as arrays. Text fields are dictionary-encoded: ``*_index`` (int32,
    one per line) into ``*_labels``; ``description``, ``worker_type`` and ``grade`` are
    dictionary arrays. Money in pence (int64), dates as days since 1970
    (int32), ``weekly_hours`` NaN where blank."""

    file: str
    person_index: np.ndarray
    person_labels: pa.Array
    post_index: np.ndarray
    post_labels: pa.Array
    sex_index: np.ndarray
    sex_labels: pa.Array
    code_index: np.ndarray
    code_labels: pa.Array
    amount_pence: np.ndarray
    period_start: np.ndarray
    period_end: np.ndarray
    paid_on: np.ndarray
    weekly_hours: np.ndarray
    description: pa.Array | None = None
    worker_type: pa.Array | None = None
    grade: pa.Array | None = None
    start_date: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.amount_pence)


def read_mapping(path: Path | str) -> Mapping:
    """A checked mapping file; `InputError` naming the file and key otherwise."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such column mapping file")
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), name=path.name)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"{path.name}: not a readable YAML file",
                         [Problem(path.name, f"the reader said: {exc}")]) from exc
    return mapping_from(data, path.name)


def mapping_from(data: object, name: str) -> Mapping:
    """A checked mapping from the mapping file's data (``columns``, ``frequency``), as read
    from YAML or filled in a form; `InputError` naming `name` and the key otherwise."""
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise InputError(f"{name}: expected a 'columns:' section mapping fields to the "
                         "export's column headers")
    problems = []
    unknown = [k for k in data if k not in ("columns", "frequency", "name", "notes")]
    for key in unknown:
        problems.append(Problem(name, f"unknown key {key!r}; expected columns, frequency, "
                                "name or notes"))
    columns: dict[str, str] = {}
    for field, header in data["columns"].items():
        if field not in FIELDS:
            problems.append(Problem(name, f"unknown field {field!r} under columns; expected "
                                    f"one of {', '.join(FIELDS)}"))
        elif header is None or not str(header).strip():
            problems.append(Problem(name, f"columns.{field}: no column header given"))
        else:
            columns[field] = str(header).strip()
    for field in REQUIRED:
        if field not in data["columns"]:
            problems.append(Problem(name, f"columns.{field} is required"))
    frequency = data.get("frequency")
    if frequency is not None and str(frequency) not in FREQUENCIES:
        problems.append(Problem(name, f"frequency {frequency!r}: expected one of "
                                f"{', '.join(FREQUENCIES)}"))
    if "period_start" not in columns and frequency is None:
        problems.append(Problem(name, "give columns.period_start or a frequency (weekly, "
                                "fortnightly, four_weekly, monthly)"))
    if problems:
        raise InputError(f"{name}: the column mapping has {len(problems)} problem(s)",
                         problems)
    return Mapping(file=name, columns=columns,
                   frequency=None if frequency is None else str(frequency))


def read_lines(path: Path | str, mapping: Mapping, *, skip: tuple[str, ...] = ()) -> PayLines:
    """Read and check pay lines; `InputError` listing every problem (file, row, column).

    `skip`: optional fields (``worker_type``, ``grade``) the caller does not need — their
    columns must still be in the file, but are not converted or checked."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file" if not path.exists()
                         else f"{path}: a folder, not a file; expected pay lines")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{path.name}: unsupported file type {suffix or '(none)'!r}; expected "
                         "CSV, XLSX or Parquet pay lines")
    wanted = {f: h for f, h in mapping.columns.items() if f not in skip or f in REQUIRED}
    sheet, row_base = None, 2
    if suffix in (".csv", ".txt"):
        table = _read_csv(path, mapping, wanted)
    elif suffix in (".parquet", ".pq"):
        table, row_base = _read_parquet(path, mapping, wanted), 1
    else:
        table, sheet, row_base = _read_sheet(path, mapping, wanted)
    return _check(table, wanted, mapping, file=path.name, sheet=sheet, row_base=row_base)


def _missing_columns(found: list[str], mapping: Mapping, file: str) -> None:
    missing = [f"{field} ({header!r})" for field, header in mapping.columns.items()
               if header not in found]
    if missing:
        raise InputError(f"{file}: {len(missing)} column(s) named in {mapping.file} not in "
                         "the file", [Problem(file, f"no column for {m} (as {mapping.file} "
                                              f"names it); the file's columns are: "
                                              f"{', '.join(found)}", row=1) for m in missing])


def _read_csv(path: Path, mapping: Mapping, wanted: dict[str, str]) -> pa.Table:
    import pyarrow.csv as pcsv  # deferred: pyarrow costs ~0.3 s at start-up


    header = _header(path)
    if not header:
        raise InputError(f"{path.name}: the file is empty")
    _missing_columns(header, mapping, path.name)
    fields = {header: field for field, header in mapping.columns.items()}
    typed = {}
    for name in dict.fromkeys(header):
        field = fields.get(name)
        if field in ("amount", "weekly_hours"):
            typed[name] = pa.float64()
        elif field in DATES:
            typed[name] = pa.timestamp("s")
        elif field in ("sex", "code", "description", "worker_type", "grade"):
            typed[name] = pa.dictionary(pa.int32(), pa.string())
        else:
            typed[name] = pa.string()
    include = list(dict.fromkeys(wanted.values()))
    fast = pcsv.ConvertOptions(column_types=typed, include_columns=include,
                               strings_can_be_null=False, null_values=[""],
                               timestamp_parsers=[pcsv.ISO8601, "%d/%m/%Y"])
    slow = pcsv.ConvertOptions(column_types={n: pa.string() for n in include},
                               include_columns=include, strings_can_be_null=False)
    return read_csv_options(path, header, (fast, slow), block_size=16 << 20)


def _read_parquet(path: Path, mapping: Mapping, wanted: dict[str, str]) -> pa.Table:
    import pyarrow.parquet as pq  # deferred: pyarrow costs ~0.3 s at start-up

    try:
        names = pq.read_schema(path).names
        _missing_columns(names, mapping, path.name)
        return pq.read_table(path, columns=list(dict.fromkeys(wanted.values())))
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{path.name}: not a readable Parquet file",
                         [Problem(path.name, f"the reader said: {exc}")]) from exc


def _read_sheet(path: Path, mapping: Mapping,
                wanted: dict[str, str]) -> tuple[pa.Table, str | None, int]:
    """The first sheet with the mapped person column in a header in its first ten rows."""

    person = mapping.columns["person"]
    for sheet in read_sheets(path):
        for index, row in enumerate(sheet.rows[:10]):
            names = [cell_text(c) for c in row]
            if person not in names:
                continue
            _missing_columns(names, mapping, path.name)
            body = sheet.rows[index + 1:]
            while body and not any(cell_text(c) for c in body[-1]):
                body = body[:-1]
            columns = {}
            for header in dict.fromkeys(wanted.values()):
                i = names.index(header)
                columns[header] = pa.array([_cell(r[i]) if i < len(r) else "" for r in body],
                                           pa.string())
            return pa.table(columns), sheet.name, index + 2
    raise InputError(f"{path.name}: no sheet has a {person!r} column in its first ten rows")


class _Problems:
    def __init__(self, file: str, sheet: str | None, row_base: int):
        self.file, self.sheet, self.row_base = file, sheet, row_base
        self.items: list[Problem] = []

    def rows(self, indices: np.ndarray, column: str, message, text: pa.Array | None = None  # noqa: ANN001
             ) -> None:
        """One problem per row index (the first `MAX_PROBLEMS`); with `text`, each names
        the cell it found."""
        for i in indices[:MAX_PROBLEMS]:
            found = "" if text is None else f", found {text[int(i)].as_py()!r}"
            self.items.append(Problem(self.file, message + found, self.sheet,
                                      int(i) + self.row_base, column))
        if len(indices) > MAX_PROBLEMS:
            self.items.append(Problem(self.file, f"... and {len(indices) - MAX_PROBLEMS:,} more "
                                      "rows with the same problem", self.sheet, None, column))


def _combined(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _text(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    values = _combined(values)
    if pa.types.is_dictionary(values.type):
        values = values.cast(pa.string())
    elif not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = pc.cast(values, pa.string())
    return pc.fill_null(pc.utf8_trim_whitespace(values), "")


def _encoded(values: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(indices, labels) for a text column, labels trimmed and blanks as ""; one dictionary
    for all chunks. Text is encoded once over the whole column (a hash of each cell), then
    only the labels — a few, or one per person — are trimmed."""
    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    if values.null_count or not (pa.types.is_dictionary(values.type)
                                 or pa.types.is_string(values.type)
                                 or pa.types.is_large_string(values.type)):
        values = pc.fill_null(pc.cast(values, pa.string()), "")
    if not pa.types.is_dictionary(values.type):
        values = pc.dictionary_encode(values)  # one hash table over the chunks, not a copy
    if values.num_chunks > 1 and not all(c.dictionary.equals(values.chunk(0).dictionary)
                                         for c in values.chunks[1:]):
        values = values.unify_dictionaries()
    if not values.num_chunks:
        return np.empty(0, np.int32), pa.array([], pa.string())
    labels = values.chunk(0).dictionary
    if not (pa.types.is_string(labels.type) or pa.types.is_large_string(labels.type)):
        labels = pc.cast(labels, pa.string())
    indices = pa.chunked_array([c.indices for c in values.chunks]).combine_chunks() \
        .to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    trimmed = pc.utf8_trim_whitespace(labels)
    if not pc.all(pc.equal(trimmed, labels)).as_py():
        encoded = pc.dictionary_encode(trimmed)
        indices = encoded.indices.to_numpy().astype(np.int32)[indices]
        labels = encoded.dictionary
    return indices, labels


def _dictionary(values: pa.ChunkedArray | pa.Array) -> pa.DictionaryArray:
    """A text column as one dictionary array (its labels trimmed)."""
    indices, labels = _encoded(values)
    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), labels)


def _number(values, column: str, out: _Problems, *, blank_ok: bool) -> np.ndarray:  # noqa: ANN001
    values = _combined(values)
    if pa.types.is_floating(values.type) or pa.types.is_integer(values.type):
        array = pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)
        if not blank_ok:
            out.rows(np.flatnonzero(np.isnan(array)), column, "blank; expected a number")
        return array
    text = _text(values)
    blank = pc.equal(text, "").to_numpy(zero_copy_only=False)
    good = pc.match_substring_regex(text, NUMBER).to_numpy(zero_copy_only=False)
    bad = np.flatnonzero(~good & ~blank)
    out.rows(bad, column, "expected a number in pounds", text)
    if not blank_ok:
        out.rows(np.flatnonzero(blank), column, "blank; expected a number")
    cleaned = pc.if_else(pa.array(good), text, pa.scalar(None, pa.string()))
    return pc.cast(cleaned, pa.float64()).to_numpy(zero_copy_only=False)


def _date(values, column: str, out: _Problems, *, blank_ok: bool) -> np.ndarray:  # noqa: ANN001
    values = _combined(values)
    if pa.types.is_timestamp(values.type) and values.type.unit == "s" and values.type.tz is None:
        # as the CSV reader gives them: seconds since 1970, so days are a division away
        seconds = pc.fill_null(values.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)
        days = np.floor_divide(seconds, 86400).astype(np.int32)
        missing = np.flatnonzero(values.is_null().to_numpy(zero_copy_only=False)) \
            if values.null_count else np.empty(0, np.int64)
        days[missing] = np.iinfo(np.int32).min
        if not blank_ok:
            out.rows(missing, column, "blank; expected a date")
        return days
    if pa.types.is_timestamp(values.type) or pa.types.is_date(values.type):
        days = pc.cast(pc.cast(values, pa.timestamp("s")), pa.date32())
        result = pc.cast(days, pa.int32()).to_numpy(zero_copy_only=False)
        missing = np.flatnonzero(pc.is_null(days).to_numpy(zero_copy_only=False))
    else:
        text = _text(values)
        iso = pc.strptime(text, "%Y-%m-%d", "s", error_is_null=True)
        uk = pc.strptime(text, "%d/%m/%Y", "s", error_is_null=True)
        stamp = pc.coalesce(iso, uk)
        blank = pc.equal(text, "").to_numpy(zero_copy_only=False)
        null = pc.is_null(stamp).to_numpy(zero_copy_only=False)
        out.rows(np.flatnonzero(null & ~blank), column,
                 "expected a date, YYYY-MM-DD or DD/MM/YYYY", text)
        result = pc.cast(pc.cast(stamp, pa.date32()), pa.int32()).to_numpy(zero_copy_only=False)
        missing = np.flatnonzero(blank)
    if not blank_ok:
        out.rows(missing, column, "blank; expected a date")
    return np.where(np.isnan(result.astype(float)), np.iinfo(np.int32).min,
                    result).astype(np.int32) if result.dtype.kind == "f" else result


def _check(table: pa.Table, wanted: dict[str, str], mapping: Mapping, *, file: str,
           sheet: str | None, row_base: int) -> PayLines:
    out = _Problems(file, sheet, row_base)
    col = {field: table.column(header) for field, header in wanted.items()}
    n = table.num_rows
    if n == 0:
        raise InputError(f"{file}: no pay lines under the header")
    indexed = {}
    for field in ("person", "post", "sex", "code"):
        if field in col:
            indexed[field] = _encoded(col[field])
            labels = indexed[field][1]
            blank_labels = np.flatnonzero(pc.equal(labels, "").to_numpy(zero_copy_only=False))
            if len(blank_labels) and field != "post":
                rows = np.flatnonzero(np.isin(indexed[field][0], blank_labels))
                out.rows(rows, wanted[field], f"blank {field}")
    if "post" not in indexed:
        indexed["post"] = (np.zeros(n, np.int32), pa.array([""], pa.string()))
    amount = _number(col["amount"], wanted["amount"], out, blank_ok=False)
    too_big = np.flatnonzero(np.abs(np.nan_to_num(amount)) > MAX_AMOUNT)
    out.rows(too_big, wanted["amount"], f"more than £{MAX_AMOUNT:,.0f}; not a pay line")
    hours = _number(col["weekly_hours"], wanted["weekly_hours"], out, blank_ok=True)
    bad_hours = np.flatnonzero(~np.isnan(hours) & ((hours < 0) | (hours > 168)))
    out.rows(bad_hours, wanted["weekly_hours"], "weekly hours must be from 0 to 168")
    end = _date(col["period_end"], wanted["period_end"], out, blank_ok=False)
    if "period_start" in col:
        start = _date(col["period_start"], wanted["period_start"], out, blank_ok=False)
        backwards = np.flatnonzero(start > end)
        out.rows(backwards, wanted["period_start"], "the period starts after it ends")
    else:
        start = _start_from_frequency(end, mapping.frequency or "monthly")
    paid_on = _date(col["paid_on"], wanted["paid_on"], out, blank_ok=True) \
        if "paid_on" in col else end
    if "paid_on" in col:
        paid_on = np.where(paid_on == np.iinfo(np.int32).min, end, paid_on)
    start_date = _date(col["start_date"], wanted["start_date"], out, blank_ok=True) \
        if "start_date" in col else None
    if out.items:
        raise InputError(f"{file}: the pay lines have {len(out.items)} problem(s); nothing was "
                         "computed", out.items)
    pence = np.rint(amount * 100.0).astype(np.int64)
    extra = {f: _dictionary(col[f]) for f in ("description", "worker_type", "grade")
             if f in col}
    return PayLines(
        file=file, person_index=indexed["person"][0], person_labels=indexed["person"][1],
        post_index=indexed["post"][0], post_labels=indexed["post"][1],
        sex_index=indexed["sex"][0], sex_labels=indexed["sex"][1],
        code_index=indexed["code"][0], code_labels=indexed["code"][1],
        amount_pence=pence, period_start=start, period_end=end, paid_on=paid_on,
        weekly_hours=hours, description=extra.get("description"),
        worker_type=extra.get("worker_type"), grade=extra.get("grade"), start_date=start_date)


def _start_from_frequency(end: np.ndarray, frequency: str) -> np.ndarray:
    """Period starts from period ends: `frequency` days back, or for monthly pay the day
    after the same date a month earlier (31 March -> 1 March; 15 April -> 16 March)."""
    from datetime import date, timedelta

    days = FREQUENCIES[frequency]
    if days is not None:
        return (end - days + 1).astype(np.int32)
    ends, inverse = np.unique(end, return_inverse=True)
    epoch = date(1970, 1, 1)
    starts = []
    for value in ends:
        day = epoch + timedelta(days=int(value))
        nxt = day + timedelta(days=1)
        if nxt.day == 1:  # a month end: the period is the calendar month
            starts.append((day.replace(day=1) - epoch).days)
            continue
        month, year = (day.month - 1, day.year) if day.month > 1 else (12, day.year - 1)
        import calendar

        before = date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
        starts.append((before + timedelta(days=1) - epoch).days)
    return np.asarray(starts, dtype=np.int32)[inverse]
