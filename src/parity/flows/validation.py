"""Validating an HR extract: single-field rules per row, then named rules over each person's
sequence of events.

Tier 1 checks each cell (a known sex, event, worker type and rank; a date; an FTE in (0, 1];
a leaving reason on leavings only; a promotion's `from_rank` below its `rank`). Tier 2 walks
each person's events in date order (rows on the same date in file order) and names what is
impossible, with the person id and the rows:

- ``starts_with_joining``: the first event of a person is a joining;
- ``no_event_after_leaving``: after a leaving, only a (re)joining (two leavings are an error);
- ``no_joining_while_in_service``;
- ``promotion_from_current_rank``: a promotion starts from the rank the person holds;
- ``promotion_of_officers_only``;
- ``worker_type_change_changes_type``;
- ``hours_change_keeps_post`` and ``leaving_from_current_post``: the worker type and rank on
  these rows are the ones the person holds;
- ``sex_is_constant``: one sex per person across rows.

The result carries, for each row, where the person was just before it (``worker_type_before``,
``rank_before``), which makes flows plain counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from operator import itemgetter
from typing import Any

from parity import calendar
from parity import vocabulary as wv
from parity.errors import Problem
from parity.tabular import cell_text

# A cell as given, trimmed (inner white space kept).
_text = partial(cell_text, squeeze=False)

MAX_PROBLEMS = 200
_RANK_INDEX = {rank: i for i, rank in enumerate(wv.RANK_ORDER)}


@dataclass
class Events:
    """Validated events in file order (parallel lists; `row` is the spreadsheet row number)."""

    row: list[int] = field(default_factory=list)
    person_id: list[str] = field(default_factory=list)
    sex: list[str] = field(default_factory=list)
    event: list[str] = field(default_factory=list)
    event_date: list[date] = field(default_factory=list)
    worker_type: list[str] = field(default_factory=list)
    rank: list[str] = field(default_factory=list)
    from_rank: list[str | None] = field(default_factory=list)
    fte: list[float] = field(default_factory=list)
    leaving_reason: list[str | None] = field(default_factory=list)
    worker_type_before: list[str | None] = field(default_factory=list)
    rank_before: list[str | None] = field(default_factory=list)
    order: list[int] = field(default_factory=list)  # indices sorted by person, date, row
    # Filled by `check_sequences` (numpy arrays in file order): a number per person, and the
    # date as a proleptic ordinal; `metrics.implied_stocks` reuses them.
    person_code: Any = None
    ordinal: Any = None

    def __len__(self) -> int:
        return len(self.row)


class Problems:
    """Problems found in one file, capped at `MAX_PROBLEMS` (the count goes on)."""

    def __init__(self, file: str, sheet: str | None):
        self.file, self.sheet, self.count = file, sheet, 0
        self.items: list[Problem] = []

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(self.file, message, self.sheet, row, column))


def column_key(header: object) -> str:
    """A header cell as a column name: 'Person ID' and 'person_id' are the same column."""
    return "_".join(str(header or "").replace("-", " ").split()).casefold()


EARLIEST = date(1900, 1, 1)  # no one in an extract joined or left before this


def parse_date(value: object) -> date | None:
    """A date from a spreadsheet cell or text (YYYY-MM-DD or DD/MM/YYYY); None if not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    parts = text.split(" ")[0].split("/")
    if len(parts) == 3 and len(parts[2]) == 4:
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            return None
    return None


def _sex_table() -> dict[str, str]:
    table = {}
    for key, label in wv.SEXES.items():
        table[key] = key
        table[label.casefold()] = key
        table[key.replace("_", " ")] = key
    table.update({"f": "female", "m": "male", "woman": "female", "man": "male"})
    return table


def _worker_table() -> dict[str, str]:
    table = {}
    for key, label in wv.WORKER_TYPES.items():
        table[key] = key
        table[label.casefold()] = key
    table.update({"police officer": "officer", "community support officer": "pcso",
                  "police staff": "staff", "special constable": "special"})
    return table


def _rank_table(roles: dict[str, str]) -> dict[str, str]:
    table = {}
    for key, label in roles.items():
        table[key] = key
        table[label.casefold()] = key
        table[key.replace("_", " ")] = key
    return table


SEX_TABLE = _sex_table()
WORKER_TABLE = _worker_table()
RANK_TABLES = {wt: _rank_table(roles) for wt, roles in wv.ROLES.items()}




def check_rows(rows: list[list], problems: Problems, *, first_row: int = 1,
               today: date | None = None) -> Events:
    """Tier 1: every cell of every data row. `rows[0]` is the header (spreadsheet row
    `first_row`). Problems are added to `problems`; the rows that pass are returned. A date
    after `today` (default: the system date) is an error (``date_not_in_future``), and so is
    one before 1900 (``date_not_before_1900``).

    The cells other than person id and date take few distinct values, so each distinct
    combination is checked once and remembered (a large extract has hundreds of thousands
    of rows).
    """
    out = Events()
    if not rows:
        problems.add(None, None, "the file is empty; expected a header row with the columns "
                     + ", ".join(wv.COLUMNS))
        return out
    header = [column_key(h) for h in rows[0]]
    where = {name: header.index(name) for name in wv.COLUMNS if name in header}
    repeated = [name for name in where if header.count(name) > 1]
    if repeated:  # which copy holds the values is anyone's guess
        for name in repeated:
            problems.add(first_row, name, "the column appears more than once; expected it once")
        return out
    missing = [c for c in wv.COLUMNS if c in wv.REQUIRED_COLUMNS and c not in where]
    if missing:
        problems.add(first_row, None, f"missing column(s) {', '.join(missing)}; expected "
                     f"{', '.join(wv.COLUMNS)} (found {', '.join(h for h in header if h)})")
        return out
    if "leaving_reason" not in where:
        problems.add(first_row, None, "missing column leaving_reason (needed for leavings)")
    if "from_rank" not in where:
        problems.add(first_row, None, "missing column from_rank (needed for promotions)")
    width = max(where.values()) + 1
    i_person, i_date = where["person_id"], where["date"]
    field_columns = [where["sex"], where["event"], where["worker_type"], where["rank"],
                     where.get("from_rank"), where["fte"], where.get("leaving_reason")]
    pick: Callable[[list], tuple]
    if all(i is not None for i in field_columns):
        pick = itemgetter(*field_columns)
    else:
        def pick(cells: list) -> tuple:
            return tuple(cells[i] if i is not None else None for i in field_columns)
    checked: dict[tuple, tuple] = {}
    latest = today or calendar.today()
    dates: dict[object, date | None] = {}
    add = problems.add
    for offset, cells in enumerate(rows[1:], start=1):
        number = first_row + offset
        if len(cells) < width:
            cells = list(cells) + [None] * (width - len(cells))
        key = pick(cells)
        result = checked.get(key)
        if result is None:
            result = checked[key] = _check_fields(*key)
        person = cells[i_person]
        person = person.strip() if isinstance(person, str) else _text(person)
        raw_date = cells[i_date]
        try:
            day = dates[raw_date]
        except KeyError:
            day = dates[raw_date] = parse_date(raw_date)
        except TypeError:  # an unhashable cell
            day = parse_date(raw_date)
        values, faults = result
        if not person and not any(_text(c) for c in cells):
            continue
        ok = not faults
        for column, message in faults:
            add(number, column, message)
        if not person:
            add(number, "person_id", "missing person id")
            ok = False
        elif len(person) > 64:
            add(number, "person_id", "person id longer than 64 characters")
            ok = False
        if day is None:
            add(number, "date", f"not a date: {_text(raw_date)!r} (expected YYYY-MM-DD)")
            ok = False
        elif day < EARLIEST:
            add(number, "date", f"{day.isoformat()} is before {EARLIEST.isoformat()}; expected "
                "a date in a serving person's history (date_not_before_1900)")
            ok = False
        elif day > latest:
            add(number, "date", f"{day.isoformat()} is after today, {latest.isoformat()} "
                "(date_not_in_future)")
            ok = False
        if ok and day is not None:
            sex, event, worker_type, rank, from_rank, fte, reason = values
            out.row.append(number)
            out.person_id.append(person)
            out.sex.append(sex)
            out.event.append(event)
            out.event_date.append(day)
            out.worker_type.append(worker_type)
            out.rank.append(rank)
            out.from_rank.append(from_rank)
            out.fte.append(fte)
            out.leaving_reason.append(reason)
    return out


def _check_fields(sex_cell, event_cell, wt_cell, rank_cell, from_cell, fte_cell,  # noqa: ANN001
                  reason_cell) -> tuple[tuple, list[tuple[str, str]]]:  # noqa: ANN001
    """The single-field rules for one combination of cells: (values, [(column, message)])."""
    faults: list[tuple[str, str]] = []
    sex_text = _text(sex_cell)
    sex = SEX_TABLE.get(sex_text.casefold())
    if sex is None:
        faults.append(("sex", f"unknown sex {sex_text!r}; expected one of "
                       + ", ".join(wv.SEXES.values())))
    event_text = _text(event_cell)
    event = wv.lookup_event(event_text)
    if event is None:
        faults.append(("event", f"unknown event {event_text!r}; expected one of "
                       + ", ".join(wv.EVENTS)))
    wt_text = _text(wt_cell)
    worker_type = WORKER_TABLE.get(wt_text.casefold())
    if worker_type is None:
        faults.append(("worker_type", f"unknown worker type {wt_text!r}; expected one of "
                       + ", ".join(wv.WORKER_TYPES)))
    rank_text = _text(rank_cell)
    rank = ""
    if worker_type is not None:
        if rank_text:
            found = RANK_TABLES[worker_type].get(rank_text.casefold())
            if found is None:
                faults.append(("rank", f"unknown rank {rank_text!r} for worker type "
                               f"{worker_type}; expected one of "
                               + ", ".join(wv.ROLES[worker_type].values())))
            else:
                rank = found
        elif worker_type == "officer":
            faults.append(("rank", "missing rank (required for police officers)"))
    try:
        fte = float(fte_cell.strip() if isinstance(fte_cell, str) else fte_cell)
    except (TypeError, ValueError):
        fte = None
    if fte is None or not 0 < fte <= 1:
        faults.append(("fte", f"FTE must be a number above 0 and at most 1, not "
                       f"{_text(fte_cell)!r}"))
    from_text = _text(from_cell)
    from_rank = None
    if event == wv.PROMOTION:
        if worker_type is not None and worker_type != "officer":
            faults.append(("worker_type", "promotions are for police officers only "
                           "(promotion_of_officers_only)"))
        from_rank = RANK_TABLES["officer"].get(from_text.casefold()) if from_text else None
        if from_rank is None:
            faults.append(("from_rank", f"a promotion needs the rank it is from; {from_text!r} "
                           "is not an officer rank" if from_text
                           else "a promotion needs the rank it is from (from_rank is empty)"))
        elif rank in _RANK_INDEX and _RANK_INDEX[rank] <= _RANK_INDEX[from_rank]:
            faults.append(("rank", f"a promotion must go up: from {from_rank} to {rank}"))
    elif from_text:
        faults.append(("from_rank", f"from_rank is only for promotions (this row is {event})"))
    reason_text = _text(reason_cell)
    reason = None
    if event == wv.LEAVING:
        reason = wv.lookup_reason(reason_text)
        if reason is None:
            faults.append(("leaving_reason", "a leaving needs a reason, one of "
                           f"{', '.join(wv.LEAVING_REASONS)} (found {reason_text!r})"))
    elif reason_text:
        faults.append(("leaving_reason", f"leaving_reason is only for leavings (this row is "
                       f"{event})"))
    return (sex, event, worker_type, rank, from_rank, fte, reason), faults


def check_sequences(ev: Events, problems: Problems) -> None:
    """Tier 2: each person's events in date order; fills ``worker_type_before``,
    ``rank_before`` and ``order``, and adds a problem (person id and rows) for each impossible
    step."""
    import numpy as np  # deferred: numpy costs ~0.2 s at start-up

    n = len(ev)
    # a number per person (in order of first appearance) and per date, looked up in C
    codes = {p: i for i, p in enumerate(dict.fromkeys(ev.person_id))}
    person_code = np.fromiter(map(codes.__getitem__, ev.person_id), dtype=np.int64, count=n)
    days = {d: d.toordinal() for d in set(ev.event_date)}
    ordinal = np.fromiter(map(days.__getitem__, ev.event_date), dtype=np.int64, count=n)
    order = np.lexsort((np.asarray(ev.row), ordinal, person_code)).tolist()
    ev.order, ev.person_code, ev.ordinal = order, person_code, ordinal
    if _sequences_hold(ev, np):
        return
    ev.worker_type_before = [None] * n
    ev.rank_before = [None] * n
    add = problems.add
    person = None
    joinings: dict[str, tuple[date, int]] | None = None  # found when first needed
    for i in order:
        pid = ev.person_id[i]
        if pid != person:
            person, in_service, wt, rank = pid, False, None, None
            sex, sex_row, last_row, left_row, joined_row = ev.sex[i], ev.row[i], None, None, None
        kind, row = ev.event[i], ev.row[i]
        if ev.sex[i] != sex:
            add(row, "sex", f"person {pid}: sex {ev.sex[i]} (row {row}) differs from {sex} "
                f"(row {sex_row}) (sex_is_constant)")
        if in_service:
            ev.worker_type_before[i], ev.rank_before[i] = wt, rank
        if kind == wv.JOINING:
            if in_service:
                add(row, "event", f"{_label(ev, i)} while already in service since row "
                    f"{joined_row} (no_joining_while_in_service)")
            in_service, joined_row = True, row
        elif not in_service:
            if left_row is not None:
                what = "leaves twice" if kind == wv.LEAVING else "comes after leaving"
                add(row, "event", f"{_label(ev, i)} {what} (row {left_row}) without rejoining "
                    "(no_event_after_leaving)")
            else:
                if joinings is None:
                    joinings = _first_joinings(ev)
                later = joinings.get(pid)
                add(row, "event", f"{_label(ev, i)} comes before any joining"
                    + (f" (the person joins on row {later[1]}, {later[0].isoformat()})"
                       if later else " (the person has no joining row)")
                    + " (starts_with_joining)")
            last_row = row
            continue
        elif kind == wv.PROMOTION:
            if wt != "officer" or ev.from_rank[i] != rank:
                held = f"{rank} ({wt})" if wt != "officer" else rank
                add(row, "from_rank", f"{_label(ev, i)} from {ev.from_rank[i]}, but the person "
                    f"holds {held} since row {last_row} (promotion_from_current_rank)")
        elif kind == wv.WORKER_TYPE_CHANGE:
            if ev.worker_type[i] == wt:
                add(row, "worker_type", f"{_label(ev, i)} keeps worker type {wt} "
                    "(worker_type_change_changes_type)")
        elif kind == wv.HOURS_CHANGE:
            if ev.worker_type[i] != wt or ev.rank[i] != rank:
                add(row, "rank", f"{_label(ev, i)} gives {ev.worker_type[i]} {ev.rank[i] or ''}, "
                    f"but the person holds {wt} {rank or ''} since row {last_row} "
                    "(hours_change_keeps_post)")
        elif kind == wv.LEAVING:
            if ev.worker_type[i] != wt or ev.rank[i] != rank:
                add(row, "rank", f"{_label(ev, i)} from {ev.worker_type[i]} {ev.rank[i] or ''}, "
                    f"but the person holds {wt} {rank or ''} since row {last_row} "
                    "(leaving_from_current_post)")
        if kind == wv.LEAVING:
            in_service, left_row = False, row
        else:
            wt, rank = ev.worker_type[i], ev.rank[i]
        last_row = row


def _sequences_hold(ev: Events, np) -> bool:  # noqa: ANN001
    """Tier 2 on whole columns (numpy, in person-date-row order): True, with
    ``worker_type_before`` and ``rank_before`` filled, when no rule is broken. Where one is,
    False: the walk in `check_sequences` then names each problem with the person's state.

    With no rule broken, a person is in service after each event but a leaving, and holds
    the worker type and rank that event gives; so before each row the person holds what the
    previous row of the same person gave, unless that row was a leaving (or there is none)."""
    n = len(ev)
    if not n:
        return True
    idx = np.asarray(ev.order)
    people = ev.person_code[idx]

    def column(values: list) -> object:
        out = np.empty(n, dtype=object)
        out[:] = values
        return out[idx]

    event, wt, rank = column(ev.event), column(ev.worker_type), column(ev.rank)
    sex, from_rank = column(ev.sex), column(ev.from_rank)
    first = np.ones(n, dtype=bool)
    first[1:] = people[1:] != people[:-1]
    starts = np.flatnonzero(first)
    if (sex != np.repeat(sex[starts], np.diff(np.append(starts, n)))).any():
        return False  # sex_is_constant
    joining, leaving = event == wv.JOINING, event == wv.LEAVING
    prev_leaving = np.empty(n, dtype=bool)
    prev_leaving[0] = True
    prev_leaving[1:] = leaving[:-1]
    in_service = ~first & ~prev_leaving  # before the row
    if (joining & in_service).any() or (~joining & ~in_service).any():
        return False  # no_joining_while_in_service, no_event_after_leaving, starts_with_joining
    wt_before = np.empty(n, dtype=object)
    rank_before = np.empty(n, dtype=object)
    wt_before[1:], rank_before[1:] = wt[:-1], rank[:-1]
    wt_before[~in_service] = None
    rank_before[~in_service] = None
    promotion = event == wv.PROMOTION
    if (promotion & ((wt_before != "officer") | (from_rank != rank_before))).any():
        return False  # promotion_from_current_rank
    if ((event == wv.WORKER_TYPE_CHANGE) & (wt == wt_before)).any():
        return False  # worker_type_change_changes_type
    same_post = (wt == wt_before) & (rank == rank_before)
    if (((event == wv.HOURS_CHANGE) | leaving) & ~same_post).any():
        return False  # hours_change_keeps_post, leaving_from_current_post
    before_wt = np.empty(n, dtype=object)
    before_rank = np.empty(n, dtype=object)
    before_wt[idx], before_rank[idx] = wt_before, rank_before
    ev.worker_type_before, ev.rank_before = before_wt.tolist(), before_rank.tolist()
    return True


def _first_joinings(ev: Events) -> dict[str, tuple[date, int]]:
    """Each person's first joining: (date, row), for messages about events before it."""
    out: dict[str, tuple[date, int]] = {}
    for i in ev.order:
        if ev.event[i] == wv.JOINING and ev.person_id[i] not in out:
            out[ev.person_id[i]] = (ev.event_date[i], ev.row[i])
    return out


def _label(ev: Events, i: int) -> str:
    return (f"person {ev.person_id[i]}: {ev.event[i]} on {ev.event_date[i].isoformat()} "
            f"(row {ev.row[i]})")
