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

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any

from parity import calendar
from parity import vocabulary as wv
from parity.errors import Problem
from parity.tabular import Columns, cell_text

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
    # Filled by `check_columns` or else `check_sequences` (numpy arrays in file order): a
    # number per person (in order of first appearance), the date as a proleptic ordinal, and
    # a number per combination of the other cells, `combos` holding each one's (sex, event,
    # worker_type, rank, from_rank, fte, leaving_reason); the import reuses them.
    person_code: Any = None
    ordinal: Any = None
    combo: Any = None
    combos: list[tuple] = field(default_factory=list)
    # Filled by `check_sequences` when no rule is broken: where the person was before each
    # row as a number into `posts` ((worker_type, rank) pairs), -1 when not in service.
    post_before: Any = None
    posts: list[tuple[str, str]] = field(default_factory=list)

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




def check_columns(sheet: Columns, problems: Problems, *, header: int = 0,
                  today: date | None = None) -> Events:
    """Tier 1: every cell of every data row. Row `header` (0-based) of `sheet` is the header;
    the rows below it are the data. Problems are added to `problems`; the rows that pass are
    returned. A date after `today` (default: the system date) is an error
    (``date_not_in_future``), and so is one before 1900 (``date_not_before_1900``).

    A large extract has hundreds of thousands of rows, but its cells other than person id
    and date take few distinct values: each distinct combination of them is checked once,
    each distinct person id and date once, and the rows then whole columns at a time. Only a
    row with a problem is visited on its own, to name the problem (in row order: the cells'
    problems, then the person id's, then the date's).
    """
    import numpy as np  # deferred: numpy costs ~0.2 s at start-up

    out = Events()
    if sheet.height <= header:
        problems.add(None, None, "the file is empty; expected a header row with the columns "
                     + ", ".join(wv.COLUMNS))
        return out
    first_row = header + 1
    names = [column_key(h) for h in sheet.row(header)]
    where = {name: names.index(name) for name in wv.COLUMNS if name in names}
    repeated = [name for name in where if names.count(name) > 1]
    if repeated:  # which copy holds the values is anyone's guess
        for name in repeated:
            problems.add(first_row, name, "the column appears more than once; expected it once")
        return out
    missing = [c for c in wv.COLUMNS if c in wv.REQUIRED_COLUMNS and c not in where]
    if missing:
        problems.add(first_row, None, f"missing column(s) {', '.join(missing)}; expected "
                     f"{', '.join(wv.COLUMNS)} (found {', '.join(h for h in names if h)})")
        return out
    if "leaving_reason" not in where:
        problems.add(first_row, None, "missing column leaving_reason (needed for leavings)")
    if "from_rank" not in where:
        problems.add(first_row, None, "missing column from_rank (needed for promotions)")
    n = sheet.height - header - 1

    def codes(j: int) -> Any:
        return sheet.codes[j][header + 1:]

    # each distinct combination of the cells other than person id and date, checked once
    field_columns = [where["sex"], where["event"], where["worker_type"], where["rank"],
                     where.get("from_rank"), where["fte"], where.get("leaving_reason")]
    key, size = np.zeros(n, dtype=np.int64), 1
    for j in field_columns:
        if j is None:
            continue
        distinct = len(sheet.values[j])
        if size * distinct >= 2 ** 62:  # numbered again from 0 before the key overflows
            key = np.unique(key, return_inverse=True)[1].reshape(-1)
            size = int(key.max()) + 1
        key, size = key * distinct + codes(j), size * distinct
    _, first, combo = np.unique(key, return_index=True, return_inverse=True)
    combo = combo.reshape(-1)
    checked = [_check_fields(*(sheet.values[j][sheet.codes[j][header + 1 + r]]
                                if j is not None else None for j in field_columns))
               for r in first.tolist()]
    faulty = np.fromiter((bool(faults) for _, faults in checked), dtype=bool,
                         count=len(checked))
    # each distinct person id and date, checked once
    person, raw_day = codes(where["person_id"]), codes(where["date"])
    people = [p.strip() if isinstance(p, str) else _text(p) for p in sheet.values[where["person_id"]]]
    length = np.fromiter(map(len, people), dtype=np.int64, count=len(people))
    dates = sheet.values[where["date"]]
    days = [parse_date(value) for value in dates]
    latest = today or calendar.today()
    bad_day = np.fromiter((d is None or not EARLIEST <= d <= latest for d in days), dtype=bool,
                          count=len(days))
    # a row with no person id and nothing in any cell is skipped
    no_person = (length == 0)[person]
    blank = no_person.copy()
    if blank.any():
        for j, values in enumerate(sheet.values):
            empty = np.fromiter((not _text(v) for v in values), dtype=bool, count=len(values))
            blank &= empty[codes(j)]
    bad = (faulty[combo] | no_person | (length > 64)[person] | bad_day[raw_day]) & ~blank
    add = problems.add
    for r in np.flatnonzero(bad).tolist():
        number = first_row + 1 + r
        for column, message in checked[combo[r]][1]:
            add(number, column, message)
        who, day = people[person[r]], days[raw_day[r]]
        if not who:
            add(number, "person_id", "missing person id")
        elif len(who) > 64:
            add(number, "person_id", "person id longer than 64 characters")
        if day is None:
            add(number, "date", f"not a date: {_text(dates[raw_day[r]])!r} (expected YYYY-MM-DD)")
        elif day < EARLIEST:
            add(number, "date", f"{day.isoformat()} is before {EARLIEST.isoformat()}; expected "
                "a date in a serving person's history (date_not_before_1900)")
        elif day > latest:
            add(number, "date", f"{day.isoformat()} is after today, {latest.isoformat()} "
                "(date_not_in_future)")
    kept = np.flatnonzero(~bad & ~blank)
    _fill(out, kept, first_row=first_row, checked=checked, combo=combo[kept],
          people=people, person=person[kept], days=days, day=raw_day[kept], np=np)
    return out


def _fill(out: Events, kept: Any, *, first_row: int, checked: list, combo: Any, people: list,
          person: Any, days: list, day: Any, np: Any) -> None:
    """`out`'s columns for the `kept` rows (data row indices), from the checked combinations
    (`combo`: each kept row's), distinct person ids and dates; and each row's person as a
    number (in order of first appearance) and its date as an ordinal, for tier 2."""

    def column(values: list, at: Any) -> list:
        table = np.empty(len(values), dtype=object)
        table[:] = values
        return table[at].tolist()

    out.row = (kept + first_row + 1).tolist()
    used = np.zeros(len(checked), dtype=bool)  # the combinations of the kept rows, numbered again
    used[combo] = True
    combo = (np.cumsum(used) - 1)[combo]
    values = [cells for (cells, _), kept_one in zip(checked, used.tolist(), strict=True) if kept_one]

    def field(k: int) -> list:
        return column([cells[k] for cells in values], combo)

    out.sex, out.event, out.worker_type, out.rank, out.from_rank = (field(k) for k in range(5))
    out.fte = np.asarray([cells[5] for cells in values], dtype=float)[combo].tolist()
    out.leaving_reason = field(6)
    out.combo, out.combos = combo, values
    number: dict[str, int] = {}
    canonical = np.fromiter((number.setdefault(p, len(number)) for p in people),
                            dtype=np.int64, count=len(people))[person]
    out.person_id = column(list(number), canonical)
    _, firsts = np.unique(canonical, return_index=True)
    renumber = np.zeros(len(number), dtype=np.int64)
    renumber[canonical[np.sort(firsts)]] = np.arange(len(firsts))
    out.person_code = renumber[canonical]
    out.event_date = column(days, day)
    ordinals = np.fromiter((d.toordinal() if d is not None else 0 for d in days),
                           dtype=np.int64, count=len(days))
    out.ordinal = ordinals[day]


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
    person_code, ordinal = ev.person_code, ev.ordinal  # made by `check_columns`, if it ran
    if person_code is None or ordinal is None:
        # a number per person (in order of first appearance) and per date, looked up in C
        codes = {p: i for i, p in enumerate(dict.fromkeys(ev.person_id))}
        person_code = np.fromiter(map(codes.__getitem__, ev.person_id), dtype=np.int64,
                                  count=n)
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
    # the numbered combinations and posts held before, as `_sequences_hold` leaves them
    # when it passes: the import writes from them
    _combos(ev, np)
    posts: dict[tuple[str, str], int] = {}
    ev.post_before = np.fromiter(
        (-1 if wt is None else posts.setdefault((wt, rank), len(posts))
         for wt, rank in zip(ev.worker_type_before, ev.rank_before, strict=True)),
        dtype=np.int64, count=n)
    ev.posts = list(posts)


def _sequences_hold(ev: Events, np) -> bool:  # noqa: ANN001
    """Tier 2 on whole columns (numpy, in person-date-row order): True, with
    ``worker_type_before`` and ``rank_before`` filled, when no rule is broken. Where one is,
    False: the walk in `check_sequences` then names each problem with the person's state.

    With no rule broken, a person is in service after each event but a leaving, and holds
    the post (worker type and rank) that event gives; so before each row the person holds
    what the previous row of the same person gave, unless that row was a leaving (or there is
    none). The cells are compared as numbers: each combination's sex, event and post."""
    n = len(ev)
    if not n:
        return True
    combo, combos = _combos(ev, np)
    posts: dict[tuple[str, str], int] = {}
    sexes: dict[str, int] = {}
    post = np.array([posts.setdefault((c[2], c[3]), len(posts)) for c in combos], dtype=np.int64)
    # the post a promotion is from (-2, matching nothing, when it names none)
    from_post = np.array([posts.setdefault(("officer", c[4]), len(posts)) if c[4] is not None
                          else -2 for c in combos], dtype=np.int64)
    sex_code = np.array([sexes.setdefault(c[0], len(sexes)) for c in combos], dtype=np.int64)
    event_code = np.array([wv.EVENTS.index(c[1]) for c in combos], dtype=np.int64)
    types: dict[str, int] = {}
    post_type = np.array([types.setdefault(wt, len(types)) for wt, _ in posts], dtype=np.int64)
    idx = np.asarray(ev.order)
    people, row_combo = ev.person_code[idx], combo[idx]
    event, sex, held = event_code[row_combo], sex_code[row_combo], post[row_combo]
    first = np.ones(n, dtype=bool)
    first[1:] = people[1:] != people[:-1]
    starts = np.flatnonzero(first)
    if (sex != np.repeat(sex[starts], np.diff(np.append(starts, n)))).any():
        return False  # sex_is_constant
    kind = {name: event == wv.EVENTS.index(name) for name in wv.EVENTS}
    joining, leaving = kind[wv.JOINING], kind[wv.LEAVING]
    prev_leaving = np.empty(n, dtype=bool)
    prev_leaving[0] = True
    prev_leaving[1:] = leaving[:-1]
    in_service = ~first & ~prev_leaving  # before the row
    if (joining & in_service).any() or (~joining & ~in_service).any():
        return False  # no_joining_while_in_service, no_event_after_leaving, starts_with_joining
    before = np.full(n, -1, dtype=np.int64)
    before[1:] = held[:-1]
    before[~in_service] = -1
    if (kind[wv.PROMOTION] & (from_post[row_combo] != before)).any():
        return False  # promotion_from_current_rank
    if (kind[wv.WORKER_TYPE_CHANGE] & (before >= 0)
            & (post_type[held] == post_type[before])).any():
        return False  # worker_type_change_changes_type
    if ((kind[wv.HOURS_CHANGE] | leaving) & (held != before)).any():
        return False  # hours_change_keeps_post, leaving_from_current_post
    ev.post_before = np.empty(n, dtype=np.int64)
    ev.post_before[idx] = before
    ev.posts = list(posts)
    # the last entry of each, None, is what -1 (not in service) picks
    wt_of, rank_of = np.empty(len(posts) + 1, dtype=object), np.empty(len(posts) + 1, dtype=object)
    wt_of[:-1], rank_of[:-1] = [wt for wt, _ in posts], [rank for _, rank in posts]
    ev.worker_type_before = wt_of[ev.post_before].tolist()
    ev.rank_before = rank_of[ev.post_before].tolist()
    return True


def _combos(ev: Events, np) -> tuple[Any, list[tuple]]:  # noqa: ANN001
    """`ev.combo` and `ev.combos`, made from the lists if `check_columns` did not."""
    if ev.combo is None:
        keys = list(zip(ev.sex, ev.event, ev.worker_type, ev.rank, ev.from_rank, ev.fte,
                        ev.leaving_reason, strict=True))
        number = {key: i for i, key in enumerate(dict.fromkeys(keys))}
        ev.combo = np.fromiter(map(number.__getitem__, keys), dtype=np.int64, count=len(keys))
        ev.combos = list(number)
    return ev.combo, ev.combos


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
