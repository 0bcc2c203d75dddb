"""Fast bulk inserts, skipping the ORM's per-row work: COPY on PostgreSQL (psycopg), one
DB-API executemany elsewhere.

Importers validate everything first, then call `insert_rows` (rows as tuples) or `insert_dicts`
(rows as dicts) once inside their transaction, so an import stays all-or-nothing. An importer
that writes many rows of few distinct values can render COPY's data itself, each distinct
value once, and hand it to `copying` chunk by chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.orm import Session

from parity.store.raw import Raw
from parity.store.raw import indexes_after as raw_indexes_after
from parity.store.version import mark_written


@contextmanager
def _copy(connection: Connection, table: Table, columns: Sequence[str], *,
          binary: bool = False, queued: bool = False) -> Iterator[Any]:
    """psycopg's COPY FROM STDIN into `table`'s `columns`, in the connection's transaction
    (marked as a write to the data: COPY goes past SQLAlchemy's events); `queued`: sent by a
    thread of psycopg's while the block goes on, leaving the block waiting for the server."""
    mark_written(connection)
    quote = connection.dialect.identifier_preparer.quote
    driver = connection.connection.driver_connection
    assert driver is not None
    sql = (f"COPY {quote(table.name)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
           + (" (FORMAT BINARY)" if binary else ""))
    from psycopg.copy import QueuedLibpqWriter  # deferred: only PostgreSQL connections get here

    with driver.cursor() as cursor:  # type: ignore[attr-defined]
        with cursor.copy(sql, writer=QueuedLibpqWriter(cursor) if queued else None) as copy:
            yield copy


def _copy_rows(connection: Connection, table: Table, columns: Sequence[str],
               rows: Sequence[Sequence]) -> None:
    """PostgreSQL's COPY FROM STDIN of `rows` through psycopg (`_copy`)."""
    with _copy(connection, table, columns) as copy:
        for row in rows:
            copy.write_row(tuple(row))


def copies(connection: Connection) -> bool:
    """True where `insert_rows` loads with COPY (psycopg adapts each value itself; elsewhere
    the values go to the driver's executemany as they are)."""
    return connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg"


def insert_rows(connection: Connection, table: Table, columns: Sequence[str],
                rows: Sequence[Sequence]) -> int:
    """Insert `rows` (tuples in the order of `columns`) into `table`; returns the row count."""
    if not rows:
        return 0
    if copies(connection):
        _copy_rows(connection, table, columns, rows)
        return len(rows)
    style = connection.dialect.paramstyle
    marks = ", ".join("?" if style == "qmark" else "%s" for _ in columns)
    quote = connection.dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
           f"VALUES ({marks})")
    connection.exec_driver_sql(sql, [tuple(r) for r in rows])
    return len(rows)


def insert_dicts(session: Session, table: Table, rows: list[dict]) -> int:
    """Insert `rows` (dicts keyed by column name; missing keys are NULL) into `table`; returns
    the row count. Without COPY, one Core executemany with SQLAlchemy's type conversions."""
    if not rows:
        return 0
    connection = session.connection()
    if copies(connection):
        columns = [c.name for c in table.columns
                   if (c.name in rows[0] or not c.primary_key) and c.name != "id"]
        _copy_rows(connection, table, columns, [[row.get(c) for c in columns] for row in rows])
        return len(rows)
    # One executemany for the whole list (the ORM would split it by which columns are blank).
    session.execute(insert(table), rows)
    return len(rows)


@contextmanager
def indexes_after(connection: Connection, *tables: Table) -> Iterator[bool]:
    """Load empty tables first and index them after, on PostgreSQL: `parity.store.raw.
    indexes_after` on the connection's DB-API connection, in its transaction (306,412 HR
    events: the primary key kept during COPY cost 0.3 s of the server's time, built after
    0.1 s). The block is given True when it dropped anything."""
    raw = Raw.of_connection(connection)
    with raw_indexes_after(raw, [table.name for table in tables]) as deferred:
        yield deferred


@contextmanager
def copying_rows(connection: Connection, table: Table,
                 columns: Sequence[str]) -> Iterator[Callable[[Sequence], None]]:
    """As `copying`, for rows of Python values in the order of `columns` (psycopg adapts each
    value, as for `insert_rows`): the block is given a function that takes a row. The rows are
    turned into COPY's text in the calling thread, and sent by psycopg's while the block goes
    on; leaving the block waits until the server has them all. Nothing else may use the
    connection meanwhile."""
    with _copy(connection, table, columns, queued=True) as copy:
        yield copy.write_row


@contextmanager
def copying(connection: Connection, table: Table, columns: Sequence[str], *,
            binary: bool = False) -> Iterator[Callable[[bytes], None]]:
    """PostgreSQL's COPY FROM STDIN of data already in COPY's format (its text format, or
    with `binary` its binary format, signature and trailer included), fields in the order of
    `columns`: the block is given a function that queues a chunk of it. A thread of psycopg's
    sends the chunks while the block goes on (making the next chunk, or other work), and the
    server reads them as they come; leaving the block waits until it has them all. In the
    connection's transaction, marked as a write to the data (COPY goes past SQLAlchemy's
    events)."""
    with _copy(connection, table, columns, binary=binary, queued=True) as copy:
        yield copy.write
