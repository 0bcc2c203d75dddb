"""Writing a force's validated events in bulk: a large force's history is a few hundred
thousand rows, and the import writes them in its caller's transaction (all-or-nothing).

Few of an event's cells vary row by row: the row number, the person id and the date. The rest
— sex, event, worker type, rank, the rank a promotion is from, FTE, leaving reason — come from
one of a few hundred combinations (`Events.combos`), and where the person was before from a
few dozen posts (`Events.posts`). So each distinct combination, post and date is rendered
once, and each row only joins a few pieces:

- PostgreSQL: COPY, its text made here (`copy_text`); 306,412 events in 0.2 s of CPU where
  psycopg's ``write_row`` took 0.43 s.
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

from collections.abc import Iterator
from datetime import date
from itertools import repeat
from typing import Any

from sqlalchemy import Connection, insert

from parity.calendar import flows_year
from parity.flows.models import HrEvent
from parity.flows.validation import Events
from parity.store.bulk import copy_text, copy_value
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
COPY_COLUMNS = ("source_id", "force_id", *COMBO_COLUMNS[:7], "source_row", "person_id",
                "event_date", "year", *COMBO_COLUMNS[7:])
CHUNK = 100_000  # rows a COPY chunk or an SQLite statement takes


def insert_events(connection: Connection, ev: Events, *, source_id: int,
                  force_id: str) -> None:
    """Insert the events `ev` (as `validation.check_sequences` left them: numbered
    combinations and posts) for `force_id` from source `source_id`, in the connection's
    transaction, by the engine's fastest path."""
    dialect = connection.dialect.name
    if dialect == "postgresql" and connection.dialect.driver == "psycopg":
        copy_text(connection, HrEvent.__table__, COPY_COLUMNS,  # type: ignore[arg-type]
                  _copy_chunks(ev, source_id=source_id, force_id=force_id))
    elif dialect == "sqlite":
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


def _table(np: Any, values: list, at: Any) -> list:
    """``values[i]`` for each i in the numpy array `at`, as a list (looked up in C)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out[at].tolist()


def _copy_chunks(ev: Events, *, source_id: int, force_id: str) -> Iterator[str]:
    """The events in COPY's text format (`COPY_COLUMNS`), `CHUNK` rows a chunk: each row
    joins its combination's fields, row number, person id, date and year, and post before."""
    import numpy as np  # deferred: numpy costs ~0.2 s at start-up

    text = copy_value
    lead = _table(np, [f"{source_id}\t{text(force_id)}\t" + "\t".join(map(text, cells))
                       for cells in ev.combos], ev.combo)
    ordinals, day = np.unique(ev.ordinal, return_inverse=True)
    dates = [date.fromordinal(o) for o in ordinals.tolist()]
    when = _table(np, [f"{d.isoformat()}\t{flows_year(d)}" for d in dates], day.reshape(-1))
    # the last entry, NULLs, is what -1 (not in service) picks
    before = _table(np, [f"{text(wt)}\t{text(rank)}" for wt, rank in ev.posts] + ["\\N\t\\N"],
                    ev.post_before)
    people, joined = ev.person_id, "".join(ev.person_id)
    if any(c in joined for c in "\\\t\n\r"):
        people = [text(p) for p in people]
    line = "{}\t{}\t{}\t{}\t{}\n".format
    for start in range(0, len(ev), CHUNK):
        part = slice(start, start + CHUNK)
        yield "".join(map(line, lead[part], ev.row[part], people[part], when[part],
                          before[part]))


def _insert_sqlite(connection: Connection, ev: Events, *, source_id: int,
                   force_id: str) -> None:
    import numpy as np  # deferred: numpy costs ~0.2 s at start-up

    raw = connection.connection.driver_connection
    assert raw is not None
    mark_written(connection)  # the statements below go past SQLAlchemy's events
    n = len(ev)
    # a number per (combination, post before): the cells of both, in a temporary table
    pair = ev.combo * (len(ev.posts) + 1) + (ev.post_before + 1)
    pairs, kind = np.unique(pair, return_inverse=True)
    posts = [*ev.posts, (None, None)]
    raw.execute("DROP TABLE IF EXISTS temp.hr_import_kinds")
    raw.execute("CREATE TEMP TABLE hr_import_kinds (id INTEGER PRIMARY KEY, sex TEXT, "
                "event TEXT, worker_type TEXT, rank TEXT, from_rank TEXT, fte REAL, "
                "leaving_reason TEXT, worker_type_before TEXT, rank_before TEXT)")
    raw.executemany("INSERT INTO hr_import_kinds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        (i, *ev.combos[p // len(posts)], *posts[p % len(posts) - 1])
        for i, p in enumerate(pairs.tolist())])
    # a record per row: row number, kind, date and year (14 bytes), person id (padded)
    days, day = np.unique(ev.ordinal, return_inverse=True)
    dates = [date.fromordinal(o) for o in days.tolist()]
    when = _fixed(np, [f"{d.isoformat()}{flows_year(d):04d}".encode() for d in dates])
    _, first = np.unique(ev.person_code, return_index=True)
    who = _fixed(np, [ev.person_id[i].encode() for i in first.tolist()], pad=b" ")
    fields = [_digits(np, np.asarray(ev.row, dtype=np.int64)), _digits(np, kind.reshape(-1)),
              when[day.reshape(-1)], who[ev.person_code]]
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
