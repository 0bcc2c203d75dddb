"""Writing a force's validated events in bulk: a large force's history is a few hundred
thousand rows, and the import writes them in its caller's transaction (all-or-nothing).

Few of an event's cells vary row by row: the row number, the person id and the date. The rest
— sex, event, worker type, rank, the rank a promotion is from, FTE, leaving reason — come from
one of a few hundred combinations (`Events.combos`), and where the person was before from a
few dozen posts (`Events.posts`). So each distinct combination, post and date is rendered
once, and each row only joins a few pieces:

- PostgreSQL: COPY in its binary format, made here (`store.bulk.copying`): 306,412 events
  in 0.07 s of CPU where psycopg's ``write_row`` took 0.43 s, and the server reads binary
  fields faster than text (dates, numbers).
- SQLite: one INSERT ... SELECT. The sqlite3 module's ``executemany`` costs about 3 µs a row
  (binding fifteen values; 306,412 events: 0.9 s of CPU), where SQLite's own insert costs a
  fraction of that. The rows go in instead as one byte string a chunk, a record per row of
  fixed-width fields (row number, a number for the combination and post, date and year,
  person id), which SQLite reads back over a counter, taking each combination's cells from a
  small temporary table (306,412 events: 0.45 s). The index of events is kept up to date
  as the rows go in, in file order (mostly year by year): dropping it and building it again
  after, as the executemany did, no longer saves anything (0.75 s of CPU against 0.70 s).
- Any other engine: SQLAlchemy's executemany.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from itertools import repeat
from typing import Any

from sqlalchemy import Connection, insert

from parity.calendar import flows_year, flows_years
from parity.flows.models import HrEvent
from parity.flows.validation import Events
from parity.store.bulk import copying, indexes_after
from parity.store.version import mark_written

EVENT_COLUMNS = (
    "source_id", "source_row", "force_id", "person_id", "sex", "event", "event_date", "year",
    "worker_type", "rank", "from_rank", "fte", "leaving_reason", "worker_type_before",
    "rank_before",
)
# The cells a combination and a post before give, in `Events.combos` order, then the post's
COMBO_COLUMNS = ("sex", "event", "worker_type", "rank", "from_rank", "fte", "leaving_reason",
                 "worker_type_before", "rank_before")
# COPY's columns: first the constants and those a combination and post give, then the others
COPY_COLUMNS = ("source_id", "force_id", *COMBO_COLUMNS, "source_row", "event_date", "year",
                "person_id")
CHUNK = 100_000  # rows a COPY chunk or an SQLite statement takes


@contextmanager
def insert_events(connection: Connection, ev: Events, *, source_id: int,
                  force_id: str) -> Iterator[None]:
    """Insert the events `ev` (as `validation.check_sequences` left them: numbered
    combinations and posts) for `force_id` from source `source_id`, in the connection's
    transaction, by the engine's fastest path. On PostgreSQL the block runs while the server
    takes the rows, and leaving it waits until it has them all; elsewhere the rows are in
    before the block runs."""
    dialect = connection.dialect.name
    if dialect == "postgresql" and connection.dialect.driver == "psycopg":
        encoding = connection.connection.driver_connection.info.encoding  # type: ignore[union-attr]
        # a first extract fills an empty table: indexed once it is in (`indexes_after`)
        with indexes_after(connection, HrEvent.__table__), \
                copying(connection, HrEvent.__table__, COPY_COLUMNS,  # type: ignore[arg-type]
                        binary=True) as send:
            for chunk in _copy_chunks(ev, source_id=source_id, force_id=force_id,
                                      encoding=encoding):
                send(chunk)
            yield
        return
    if dialect == "sqlite":
        _insert_sqlite(connection, ev, source_id=source_id, force_id=force_id)
    else:
        n = len(ev)
        year_of = {d: flows_year(d) for d in set(ev.event_date)}
        rows = zip(repeat(source_id, n), ev.row, repeat(force_id, n), ev.person_id, ev.sex,
                   ev.event, ev.event_date, [year_of[d] for d in ev.event_date],
                   ev.worker_type, ev.rank, ev.from_rank, ev.fte, ev.leaving_reason,
                   ev.worker_type_before, ev.rank_before, strict=True)
        connection.execute(insert(HrEvent), [dict(zip(EVENT_COLUMNS, r, strict=True))
                                             for r in rows])
    yield


def _table(np: Any, values: list, at: Any) -> list:
    """``values[i]`` for each i in the numpy array `at`, as a list (looked up in C)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out[at].tolist()


def _copy_chunks(ev: Events, *, source_id: int, force_id: str,
                 encoding: str) -> Iterator[bytes]:
    """The events in COPY's binary format (`COPY_COLUMNS`), `CHUNK` rows a chunk, text in
    `encoding` (the connection's). A row joins three pieces: the fields its combination and
    post before give (made once each), its row number, date and year (made for all rows at
    once with numpy), and its person id (made once per person)."""
    import numpy as np  # deferred: numpy costs ~0.2 s at start-up

    def text(value: str | None) -> bytes:
        if value is None:
            return _NULL
        data = value.encode(encoding)
        return struct.pack(">i", len(data)) + data

    posts = [*ev.posts, (None, None)]  # the last is what -1 (not in service) picks
    pairs, kind = _distinct(np, ev.combo * len(posts) + (ev.post_before + 1),
                            len(ev.combos) * len(posts))
    leads = []
    for pair in pairs.tolist():
        sex, event, worker_type, rank, from_rank, fte, reason = ev.combos[pair // len(posts)]
        before = posts[pair % len(posts) - 1]
        leads.append(struct.pack(">hii", len(COPY_COLUMNS), 4, source_id) + b"".join(
            map(text, (force_id, sex, event, worker_type, rank, from_rank)))
            + struct.pack(">id", 8, fte) + b"".join(map(text, (reason, *before))))
    lead = _table(np, leads, kind)
    people = [p.encode(encoding) for p in dict.fromkeys(ev.person_id)]  # in `person_code` order
    size = np.fromiter(map(len, people), dtype=np.int64, count=len(people))
    fixed = np.empty(len(ev), dtype=np.dtype([
        ("row_size", ">i4"), ("row", ">i4"), ("date_size", ">i4"), ("date", ">i4"),
        ("year_size", ">i4"), ("year", ">i4"), ("person_size", ">i4")]))
    fixed["row_size"], fixed["date_size"], fixed["year_size"] = 4, 4, 4
    fixed["row"] = ev.row
    fixed["date"] = ev.ordinal - _DATE_EPOCH
    fixed["year"] = flows_years(ev.ordinal)
    fixed["person_size"] = size[ev.person_code]
    middle = fixed.view(f"V{fixed.itemsize}").tolist()
    who = _table(np, people, ev.person_code)
    for start in range(0, len(ev), CHUNK):
        part = slice(start, start + CHUNK)
        pieces: list[bytes] = [b""] * (3 * len(lead[part]))
        pieces[0::3], pieces[1::3], pieces[2::3] = lead[part], middle[part], who[part]
        if start == 0:
            pieces[0] = _SIGNATURE + pieces[0]
        if start + CHUNK >= len(ev):
            pieces.append(_TRAILER)
        yield b"".join(pieces)


def _distinct(np: Any, keys: Any, size: int) -> tuple[Any, Any]:
    """The distinct values of `keys` (a numpy array of whole numbers from 0 to `size` - 1) in
    ascending order, and each key's index among them: `numpy.unique`'s answer, from a table
    instead of a sort when `size` is small."""
    if size > 4 * len(keys) + 1024:
        distinct, index = np.unique(keys, return_inverse=True)
        return distinct, index.reshape(-1)
    seen = np.zeros(size, dtype=bool)
    seen[keys] = True
    return np.flatnonzero(seen), (np.cumsum(seen) - 1)[keys]


# COPY's binary format: a signature, flags and header extension; a row's field count and each
# field's size (-1: NULL) and bytes, big-endian; -1 as a field count to end
_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_TRAILER = struct.pack(">h", -1)
_NULL = struct.pack(">i", -1)
_DATE_EPOCH = date(2000, 1, 1).toordinal()  # PostgreSQL's dates count days from it


def _insert_sqlite(connection: Connection, ev: Events, *, source_id: int,
                   force_id: str) -> None:
    import numpy as np  # deferred: numpy costs ~0.2 s at start-up

    raw = connection.connection.driver_connection
    assert raw is not None
    mark_written(connection)  # the statements below go past SQLAlchemy's events
    n = len(ev)
    # a number per (combination, post before): the cells of both, in a temporary table
    posts = [*ev.posts, (None, None)]  # the last is what -1 (not in service) picks
    pairs, kind = _distinct(np, ev.combo * len(posts) + (ev.post_before + 1),
                            len(ev.combos) * len(posts))
    raw.execute("DROP TABLE IF EXISTS temp.hr_import_kinds")
    raw.execute("CREATE TEMP TABLE hr_import_kinds (id INTEGER PRIMARY KEY, sex TEXT, "
                "event TEXT, worker_type TEXT, rank TEXT, from_rank TEXT, fte REAL, "
                "leaving_reason TEXT, worker_type_before TEXT, rank_before TEXT)")
    raw.executemany("INSERT INTO hr_import_kinds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        (i, *ev.combos[p // len(posts)], *posts[p % len(posts) - 1])
        for i, p in enumerate(pairs.tolist())])
    # a record per row: row number, kind, date and year (14 bytes), person id (padded)
    low = int(ev.ordinal.min())
    days, day = _distinct(np, ev.ordinal - low, int(ev.ordinal.max()) - low + 1)
    dates = [date.fromordinal(low + o) for o in days.tolist()]
    when = _fixed(np, [f"{d.isoformat()}{flows_year(d):04d}".encode() for d in dates])
    people = [p.encode() for p in dict.fromkeys(ev.person_id)]  # in `person_code` order
    who = _fixed(np, people, pad=b" ")
    fields = [_digits(np, np.asarray(ev.row, dtype=np.int64)), _digits(np, kind),
              when[day], who[ev.person_code]]
    widths = [f.shape[1] for f in fields]
    record = np.concatenate(fields, axis=1)
    w_row, w_kind, _, w_who = widths
    at = [sum(widths[:k]) + 1 for k in range(4)]  # each field's first byte, from 1
    width = sum(widths)

    def field(k: int, size: int, offset: int = 0) -> str:
        return f"substr(:data, n * {width} + {at[k] + offset}, {size})"

    # CROSS JOIN: the counter stays the outer loop, so the rows go in in file order
    sql = (
        "WITH RECURSIVE line(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM line "
        "WHERE n < :count - 1) "
        f"INSERT INTO hr_events ({', '.join(EVENT_COLUMNS)}) "
        f"SELECT :source_id, CAST({field(0, w_row)} AS INTEGER), :force_id, "
        f"rtrim(CAST({field(3, w_who)} AS TEXT), ' '), k.sex, k.event, "
        f"CAST({field(2, 10)} AS TEXT), CAST({field(2, 4, 10)} AS INTEGER), "
        "k.worker_type, k.rank, k.from_rank, k.fte, k.leaving_reason, "
        "k.worker_type_before, k.rank_before "
        "FROM line CROSS JOIN temp.hr_import_kinds AS k "
        f"ON k.id = CAST({field(1, w_kind)} AS INTEGER)")
    for start in range(0, n, CHUNK):
        part = record[start:start + CHUNK]
        raw.execute(sql, {"data": part.tobytes(), "count": len(part), "source_id": source_id,
                          "force_id": force_id})
    raw.execute("DROP TABLE temp.hr_import_kinds")


def _digits(np: Any, numbers: Any) -> Any:
    """Whole numbers 0 or more (a numpy array) as a 2-D array of ASCII digits, one row each,
    all as wide as the largest (zeros in front)."""
    width = len(str(int(numbers.max()))) if len(numbers) else 1
    out = np.empty((len(numbers), width), dtype=np.uint8)
    rest = numbers.copy()
    for k in range(width - 1, -1, -1):
        out[:, k] = 48 + rest % 10
        rest //= 10
    return out


def _fixed(np: Any, values: list[bytes], pad: bytes = b"") -> Any:
    """Byte strings as a 2-D array of bytes, one row each, padded with `pad` to the longest
    (all the same length when no pad is given)."""
    width = max(map(len, values), default=0)
    joined = b"".join(v.ljust(width, pad) if pad else v for v in values)
    return np.frombuffer(joined, dtype=np.uint8).reshape(len(values), width)
