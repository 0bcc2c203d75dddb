"""Checking a payroll extract and turning its columns into typed arrays.

Everything here works on whole columns (pyarrow compute and numpy), so that a million-row
extract is checked in a fraction of a second. A column that does not parse falls back to a
cell-by-cell pass that finds every bad cell, so each problem names its row and column.

Rules (docs/decisions/0301-payroll-extract.md):

- required columns: ``employee_id``, ``sex``, ``ordinary_pay``, ``bonus_pay_in_period``,
  ``pay_period_days``, ``weekly_hours``, ``full_pay``, ``bonus_pay_12m``;
- optional: ``worker_type``, ``grade``, ``start_date``, ``fte``; other columns are kept;
- ``employee_id`` present and unique; pay figures numbers of at least 0 (the two bonus columns
  may be blank, meaning 0); ``pay_period_days`` (at least 1) and ``weekly_hours`` (at least
  0.01) numbers above 0;
  ``full_pay`` a yes/no flag (true/false, yes/no, y/n, t/f, 1/0); ``start_date`` a date
  (``YYYY-MM-DD`` or ``DD/MM/YYYY``) or blank; ``fte`` a number above 0 or blank.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parity.errors import Problem

REQUIRED = ("employee_id", "sex", "ordinary_pay", "bonus_pay_in_period", "pay_period_days",
            "weekly_hours", "full_pay", "bonus_pay_12m")
OPTIONAL = ("worker_type", "grade", "start_date", "fte")
# A start date outside these is a typing slip (9999-12-31 is a common "no date" filler): the
# length of service it gives is impossible, and the snapshot inferred from it beyond any year.
EARLIEST_START = np.datetime64("1900-01-01")
LATEST_START = np.datetime64("2100-12-31")
NUMERIC = ("ordinary_pay", "bonus_pay_in_period", "pay_period_days", "weekly_hours",
           "bonus_pay_12m", "fte")
# Blank means 0 for these (the issue: "bonus pay ... blank = 0").
BLANK_IS_ZERO = ("bonus_pay_in_period", "bonus_pay_12m")
# Must be above 0 (hours and days divide the pay); the others must be at least 0.
POSITIVE = ("pay_period_days", "weekly_hours", "fte")
# The largest value each number may take: far above any real payroll (a week has 168 hours;
# a pay period is at most a year), low enough that sums and rates cannot overflow.
LIMITS = {"ordinary_pay": 1e9, "bonus_pay_in_period": 1e9, "bonus_pay_12m": 1e9,
          "pay_period_days": 366, "weekly_hours": 168, "fte": 10}
# The smallest value each of those may take, so that the hourly rate stays a finite number
# (a pay period is whole days; 0.01 hours is under a minute a week).
FLOORS = {"pay_period_days": 1.0, "weekly_hours": 0.01, "fte": 0.001}
TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")
MALE_WORDS = ("M", "MALE")
FEMALE_WORDS = ("F", "FEMALE")
# Sex codes used in every array from here on.
MALE, FEMALE, OTHER = 0, 1, 2
MAX_PROBLEMS_PER_RULE = 200


def column_key(header: object) -> str:
    """A header compared loosely: 'Employee ID' and 'employee_id' are the same column."""
    return re.sub(r"[^a-z0-9]+", "_", str(header or "").casefold()).strip("_")


@dataclass
class Payroll:
    """A checked payroll extract: one row per relevant employee, as typed arrays.

    Money is in pounds (GBP), hours per week, days in the pay period. ``sex`` holds `MALE`,
    `FEMALE` or `OTHER`; ``sex_label`` the value as written. ``table`` keeps every column of
    the file (extra ones too) for the audit trail.
    """

    file: str
    table: pa.Table
    employee_id: pa.Array
    sex: np.ndarray
    sex_label: pa.Array
    ordinary_pay: np.ndarray
    bonus_pay_in_period: np.ndarray
    pay_period_days: np.ndarray
    weekly_hours: np.ndarray
    full_pay: np.ndarray
    bonus_pay_12m: np.ndarray
    worker_type: pa.Array | None = None
    grade: pa.Array | None = None
    start_date: np.ndarray | None = None
    fte: np.ndarray | None = None
    other_sex_counts: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.sex)

    def subset(self, mask: np.ndarray) -> Payroll:
        """The employees where `mask` is true (for figures by worker type or grade)."""
        arrow_mask = pa.array(mask)

        def take(values):  # noqa: ANN001, ANN202
            if values is None:
                return None
            return values.filter(arrow_mask) if isinstance(values, pa.Array) else values[mask]

        return Payroll(
            file=self.file, table=self.table.filter(arrow_mask),
            employee_id=take(self.employee_id), sex=take(self.sex),
            sex_label=take(self.sex_label), ordinary_pay=take(self.ordinary_pay),
            bonus_pay_in_period=take(self.bonus_pay_in_period),
            pay_period_days=take(self.pay_period_days), weekly_hours=take(self.weekly_hours),
            full_pay=take(self.full_pay), bonus_pay_12m=take(self.bonus_pay_12m),
            worker_type=take(self.worker_type), grade=take(self.grade),
            start_date=take(self.start_date), fte=take(self.fte),
        )


class _Problems:
    def __init__(self, file: str, row_base: int, sheet: str | None):
        self.file, self.row_base, self.sheet = file, row_base, sheet
        self.items: list[Problem] = []

    def add(self, message: str, *, index: int | None = None, column: str | None = None) -> None:
        row = None if index is None else int(index) + self.row_base
        self.items.append(Problem(self.file, message, self.sheet, row, column))

    def many(self, indices: np.ndarray, column: str, message) -> None:  # noqa: ANN001
        """One problem per index (the first `MAX_PROBLEMS_PER_RULE`), then a count of the rest."""
        for i in indices[:MAX_PROBLEMS_PER_RULE]:
            self.add(message(int(i)) if callable(message) else message, index=i, column=column)
        if len(indices) > MAX_PROBLEMS_PER_RULE:
            self.add(f"... and {len(indices) - MAX_PROBLEMS_PER_RULE:,} more rows with the "
                     "same problem", column=column)


def _as_text(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = pc.cast(values, pa.string())
    return pc.utf8_trim_whitespace(values)


def _blank(text: pa.Array) -> np.ndarray:
    return pc.fill_null(pc.equal(text, ""), True).to_numpy(zero_copy_only=False)


def _is_blank(values) -> np.ndarray:  # noqa: ANN001
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return _blank(_as_text(values))
    return pc.is_null(values).to_numpy(zero_copy_only=False)


def _numbers(values, name: str, problems: _Problems,  # noqa: ANN001
             limit: float = math.inf) -> np.ndarray:
    """Float64 with NaN for blanks; every cell that is not a number becomes a problem, and so
    does NaN or an infinity written in the file ("nan", "inf", "1e999") and a number larger
    than `limit` in size (each is then NaN too)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    unparsed: list[tuple[int, object]] = []
    if pa.types.is_integer(values.type) or pa.types.is_floating(values.type) \
            or pa.types.is_decimal(values.type):
        out = np.asarray(pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False),
                         dtype=float)
        blank = pc.is_null(values).to_numpy(zero_copy_only=False)
    elif pa.types.is_null(values.type):
        return np.full(len(values), np.nan)
    else:
        text = _as_text(values)
        blank = _blank(text)
        cleaned = pc.if_else(pa.array(blank), pa.scalar(None, pa.string()), text)
        try:
            out = pc.cast(cleaned, pa.float64()).to_numpy(zero_copy_only=False).astype(float)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            out = np.full(len(text), np.nan)
            for i, cell in enumerate(cleaned.to_pylist()):
                if cell is None:
                    continue
                try:
                    out[i] = float(cell)
                except ValueError:
                    unparsed.append((i, cell))
    for i, cell in unparsed[:MAX_PROBLEMS_PER_RULE]:
        problems.add(f"expected a number, found {cell!r}", index=i, column=name)
    if len(unparsed) > MAX_PROBLEMS_PER_RULE:
        problems.add(f"... and {len(unparsed) - MAX_PROBLEMS_PER_RULE:,} more cells that are not "
                     "numbers", column=name)
    with np.errstate(invalid="ignore"):
        wild = (~np.isfinite(out) | (np.abs(out) > limit)) & ~np.asarray(blank, dtype=bool)
    wild[[i for i, _ in unparsed]] = False
    problems.many(np.flatnonzero(wild), name,
                  lambda i: f"expected a finite number no larger than {limit:,.0f}, "
                            f"found {out[i]:g}")
    if wild.any():
        out = np.where(wild, np.nan, out)  # `out` may be a read-only view of Arrow's buffer
    return out


def encoded(values) -> tuple[np.ndarray, list[str]]:  # noqa: ANN001
    """(code per row, trimmed text per code) for a low-cardinality column; code -1 = blank.

    Works on the dictionary (a handful of distinct values), not on a million strings.
    """
    if isinstance(values, pa.ChunkedArray):
        if pa.types.is_dictionary(values.type):
            values = values.unify_dictionaries()
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if not pa.types.is_dictionary(values.type):
        if not pa.types.is_string(values.type):
            values = pc.cast(values, pa.string())
        values = pc.dictionary_encode(values)
    words = ["" if v is None else str(v).strip() for v in values.dictionary.to_pylist()]
    codes = pc.fill_null(values.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    if words:
        blank_codes = np.array([w == "" for w in words])
        codes = np.where((codes >= 0) & blank_codes[np.maximum(codes, 0)], -1, codes)
    return codes, words


def _lookup(codes: np.ndarray, per_word: list, missing) -> np.ndarray:  # noqa: ANN001
    table = np.array([*per_word, missing])
    return table[np.where(codes < 0, len(per_word), codes)]


def _flags(values, name: str, problems: _Problems) -> np.ndarray:  # noqa: ANN001
    if isinstance(values, pa.ChunkedArray) and pa.types.is_boolean(values.type):
        values = values.combine_chunks()
    if isinstance(values, pa.Array) and pa.types.is_boolean(values.type) \
            and values.null_count == 0:
        return values.to_numpy(zero_copy_only=False).astype(bool)
    if isinstance(values, pa.ChunkedArray | pa.Array) and (
            pa.types.is_integer(values.type) or pa.types.is_floating(values.type)
            or pa.types.is_boolean(values.type)):
        values = pc.cast(pc.cast(values, pa.int64()), pa.string())
    codes, words = encoded(values)
    state = [1 if w.lower() in TRUE_WORDS else 0 if w.lower() in FALSE_WORDS else -1
             for w in words]
    flag = _lookup(codes, state, -1)
    bad = np.flatnonzero(flag < 0)
    if len(bad):
        problems.many(bad, name, lambda i: (
            f"expected true or false (also yes/no, 1/0), found {words[codes[i]]!r}"
            if codes[i] >= 0 else "expected true or false, found a blank cell"))
    return flag == 1


def _dates(values, name: str, problems: _Problems) -> np.ndarray:  # noqa: ANN001
    """datetime64[D], NaT for blanks; ISO dates or day/month/year."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_date(values.type) or pa.types.is_timestamp(values.type):
        return _days(pc.cast(values, pa.date32()))
    text = _as_text(values)
    blank = _blank(text)
    cleaned = pc.if_else(pa.array(blank), pa.scalar(None, pa.string()), text)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            parsed = pc.strptime(cleaned, format=fmt, unit="s", error_is_null=False)
            return _days(pc.cast(parsed, pa.date32()))
        except pa.ArrowInvalid:
            continue
    out = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[D]")
    bad = []
    for i, cell in enumerate(cleaned.to_pylist()):
        if cell is None:
            continue
        parsed = _parse_date(cell)
        if parsed is None:
            bad.append(i)
        else:
            out[i] = np.datetime64(parsed, "D")
    cells = cleaned.to_pylist()
    problems.many(np.array(bad, dtype=int), name,
                  lambda i: f"expected a date (YYYY-MM-DD or DD/MM/YYYY), found {cells[i]!r}")
    return out


def _days(values: pa.Array) -> np.ndarray:
    """date32 -> datetime64[D] with NaT for nulls (without pyarrow's pandas-based path)."""
    days = pc.fill_null(pc.cast(values, pa.int32()), 0).to_numpy(zero_copy_only=False)
    out = days.astype("int64").astype("datetime64[D]")
    out[pc.is_null(values).to_numpy(zero_copy_only=False)] = np.datetime64("NaT")
    return out


def _parse_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _labels(values, *, lower: bool = False) -> pa.Array:  # noqa: ANN001
    """Trimmed text (lower-cased if asked) as a dictionary array: cheap to filter and group."""
    if isinstance(values, pa.ChunkedArray) and values.num_chunks == 1:
        values = values.chunk(0)
    if isinstance(values, pa.DictionaryArray) and values.null_count == 0:
        words = values.dictionary.to_pylist()
        clean = [(w or "").strip().lower() if lower else (w or "").strip() for w in words]
        if clean == words and "" not in words:
            return values    # already clean: no need to rebuild a million indices
    codes, words = encoded(values)
    words = [w.lower() for w in words] if lower else words
    indices = pa.array(codes, mask=codes < 0, type=pa.int32())
    return pa.DictionaryArray.from_arrays(indices, pa.array(words, pa.string()))


def _may_repeat(ids: pa.Array) -> bool:
    """False when the ids are certainly unique, found fast for the usual payroll ids: all the
    same length, at most 8 bytes ("E0012345"), so each packs exactly into one 64-bit integer
    (compared as integers, they order as the text does); ids already in ascending order need
    one pass, others a sort. True otherwise (then the ids are hashed and compared)."""
    if not pa.types.is_string(ids.type) or ids.null_count or len(ids) < 2:
        return True
    offsets = np.frombuffer(ids.buffers()[1], dtype=np.int32)[ids.offset:ids.offset + len(ids)
                                                              + 1]
    width = int(offsets[1] - offsets[0])
    if not 0 < width <= 8 or int(offsets[-1] - offsets[0]) != width * len(ids) \
            or not (np.diff(offsets) == width).all():
        return True
    data = np.frombuffer(ids.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    packed = np.zeros((len(ids), 8), dtype=np.uint8)
    packed[:, 8 - width:] = data.reshape(-1, width)
    keys = packed.view(">u8").ravel().astype(np.uint64)
    if (keys[1:] > keys[:-1]).all():
        return False    # in order (payroll exports usually are): no sort needed
    keys.sort()
    return bool((keys[1:] == keys[:-1]).any())


def check_payroll(table: pa.Table, *, file: str, row_base: int = 2,
                  sheet: str | None = None) -> tuple[Payroll | None, list[Problem]]:
    """Check every rule on `table` (columns named as in the file) and type its columns.

    `row_base` is the row number of the first data row as a person would see it (2 for a file
    with a header row). Returns the `Payroll` and no problems, or None and every problem found.
    """
    problems = _Problems(file, row_base, sheet)
    names: dict[str, str] = {}
    for original in table.column_names:
        key = column_key(original)
        if key in names:
            problems.add(f"column {original!r} repeats column {names[key]!r}", column=original)
        names.setdefault(key, original)
    if problems.items:  # a repeated column: which of the two holds the values is unknown
        return None, problems.items
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        problems.add(f"missing required column(s): {', '.join(missing)} (found: "
                     f"{', '.join(table.column_names) or 'none'})")
        return None, problems.items
    if table.num_rows == 0:
        problems.add("no employees: the file has a header but no rows")
        return None, problems.items

    def col(key: str):  # noqa: ANN202
        return table.column(names[key])

    ids = col("employee_id")
    ids = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
    if not pa.types.is_string(ids.type):
        ids = _as_text(ids)
    blank_ids = pc.fill_null(pc.equal(pc.utf8_length(ids), 0), True) \
        .to_numpy(zero_copy_only=False)
    problems.many(np.flatnonzero(blank_ids), names["employee_id"], "employee id is blank")
    may_repeat = _may_repeat(ids)
    if may_repeat:
        id_codes = pc.dictionary_encode(ids)
        codes = id_codes.indices.to_numpy(zero_copy_only=False)
    if may_repeat and len(id_codes.dictionary) < len(codes):
        counts = np.bincount(codes[~blank_ids], minlength=len(id_codes.dictionary))
        repeated = np.flatnonzero((counts[codes] > 1) & ~blank_ids)
        first: dict[int, int] = {}
        later = []
        for i in repeated:
            first.setdefault(int(codes[i]), int(i))
            if first[int(codes[i])] != i:
                later.append(int(i))
        id_text = ids.to_pylist() if later else []
        problems.many(np.array(later, dtype=int), names["employee_id"], lambda i: (
            f"employee id {id_text[i]!r} appears more than once (first on row "
            f"{first[int(codes[i])] + row_base})"))

    numbers = {}
    for key in NUMERIC:
        if key not in names:
            continue
        values = _numbers(col(key), names[key], problems, LIMITS[key])
        blank = np.isnan(values)
        if key in BLANK_IS_ZERO:
            values = np.where(blank, 0.0, values)
        elif key != "fte":
            problems.many(np.flatnonzero(blank & _is_blank(col(key))), names[key],
                          "blank; expected a number")
        with np.errstate(invalid="ignore"):
            bad = (values <= 0) if key in POSITIVE else (values < 0)
        rule = "above 0" if key in POSITIVE else "0 or more"
        problems.many(np.flatnonzero(bad), names[key],
                      lambda i, v=values, r=rule: f"expected a number {r}, found {v[i]:g}")
        if key in FLOORS:
            with np.errstate(invalid="ignore"):
                tiny = (values > 0) & (values < FLOORS[key])
            problems.many(np.flatnonzero(tiny), names[key],
                          lambda i, v=values, f=FLOORS[key]:
                          f"expected a number of at least {f:g}, found {v[i]:g}")
        numbers[key] = values

    full_pay = _flags(col("full_pay"), names["full_pay"], problems)
    sex_label = _labels(col("sex"))
    codes, words = encoded(sex_label)
    per_word = [MALE if w.upper() in MALE_WORDS else FEMALE if w.upper() in FEMALE_WORDS
                else OTHER for w in words]
    sex = _lookup(codes, per_word, OTHER).astype(np.int8)
    other_counts: dict[str, int] = {}
    if (sex == OTHER).any():
        counted = np.bincount(codes[sex == OTHER] + 1, minlength=len(words) + 1)
        for code in np.flatnonzero(counted):
            label = words[code - 1] if code else ""
            other_counts[label or "(blank)"] = other_counts.get(label or "(blank)", 0) \
                + int(counted[code])

    start = _dates(col("start_date"), names["start_date"], problems) \
        if "start_date" in names else None
    if start is not None:
        outside = np.flatnonzero((start < EARLIEST_START) | (start > LATEST_START))
        problems.many(outside, names["start_date"],
                      lambda i: f"expected a start date from {EARLIEST_START} to "
                                f"{LATEST_START}, found {start[i]}")
    if problems.items:
        return None, problems.items
    return Payroll(
        file=file, table=table, employee_id=ids, sex=sex, sex_label=sex_label,
        ordinary_pay=numbers["ordinary_pay"], bonus_pay_in_period=numbers["bonus_pay_in_period"],
        pay_period_days=numbers["pay_period_days"], weekly_hours=numbers["weekly_hours"],
        full_pay=full_pay, bonus_pay_12m=numbers["bonus_pay_12m"],
        worker_type=_labels(col("worker_type"), lower=True) if "worker_type" in names else None,
        grade=_labels(col("grade")) if "grade" in names else None,
        start_date=start, fte=numbers.get("fte"), other_sex_counts=other_counts,
    ), []
