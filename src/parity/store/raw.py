"""The store on a DB-API connection (psycopg or sqlite3), without SQLAlchemy.

A command that only loads a file needs no ORM: ``parity import workforce`` opens its own
connection here (`connect`), makes sure the schema is current (`ready`: a blank database gets
the written-out schema, `parity.store.schema`), writes, bumps the data version and commits,
without loading SQLAlchemy (about 0.25 s of a 0.5 s command on PostgreSQL, issue 13). Where
it cannot (a URL it does not open itself, a database that needs a migration) the command takes
the usual way, a `Session`, and the very same writing code runs on the session's connection
(`Raw.of`), in the session's transaction.

SQL here is written with ``?`` for each parameter; `Raw` turns it into psycopg's ``%s``.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DEFAULT_URL = "sqlite:///parity.db"
# The schema of a blank database written out for each engine (`parity.store.schema` writes it);
# a line between two statements (a trigger's body holds semicolons of its own).
SCHEMA = Path(__file__).parent / "schema"
SEPARATOR = "\n-- next statement\n"
DATA_VERSION = "data_version"
# A connection's info key: its transaction wrote data (`parity.store.version`).
WROTE = "parity_wrote_data"
# Keys of PostgreSQL advisory locks: one process at a time makes a blank database's schema;
# one at a time imports an edition of the workforce table (the next one then finds it held).
SCHEMA_LOCK = 7_283_001
WORKFORCE_LOCK = 7_283_002


def database_url(url: str | None = None) -> str:
    """The database URL: the argument, else ``PARITY_DATABASE_URL``, else ./parity.db (SQLite)."""
    return url or os.environ.get("PARITY_DATABASE_URL") or DEFAULT_URL


def shown_url(url: str) -> str:
    """`url` with its password, if any, hidden: for messages."""
    scheme, sep, rest = url.partition("://")
    user, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in user:
        return url
    return f"{scheme}://{user.split(':', 1)[0]}:***@{host}"


def schema_file(engine: str) -> Path:
    return SCHEMA / f"{engine}.sql"


def schema_statements(engine: str) -> list[str] | None:
    """The statements of the schema written out for `engine` ("postgresql", "sqlite"), or
    None when there is none."""
    path = schema_file(engine)
    if not path.exists():
        return None
    chunks = path.read_text(encoding="utf-8").split(SEPARATOR)
    return [c.strip() for c in chunks
            if any(line.strip() and not line.lstrip().startswith("--") for line in c.splitlines())]


def stamped(statements: list[str]) -> frozenset[str]:
    """The revisions the written-out schema stamps (its ``INSERT INTO alembic_version``)."""
    prefix = "INSERT INTO alembic_version (version_num) VALUES ('"
    return frozenset(s[len(prefix):-2] for s in statements if s.startswith(prefix))


def sha256_of(path: Path | str) -> str:
    """The SHA-256 of a file, in hex: how imports know a file they hold already."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Raw:
    """A DB-API connection, the engine's name ("postgresql" or "sqlite") and its placeholder;
    lent by a SQLAlchemy connection (`of`, `of_connection`), statements go through it (its
    events see them, its errors are SQLAlchemy's), all but COPY."""

    def __init__(self, dbapi: Any, engine: str, connection: Any = None):
        self.dbapi, self.engine, self.connection = dbapi, engine, connection
        self.postgres = engine == "postgresql"

    @classmethod
    def of_connection(cls, connection: Any) -> Raw:
        """The DB-API connection of a SQLAlchemy connection, in its transaction."""
        return cls(connection.connection.driver_connection, connection.dialect.name, connection)

    @classmethod
    def of(cls, session: Any, *, writes: bool = False) -> Raw:
        """The connection of a SQLAlchemy session, in its transaction (what the session holds
        unsaved is flushed first); `writes`: noted as a write to the data, so that the
        session's commit bumps the data version (COPY goes past SQLAlchemy's events)."""
        session.flush()
        connection = session.connection()
        if writes:  # as `parity.store.version.mark_written` notes it
            connection.info[WROTE] = True
        return cls.of_connection(connection)

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def all(self, sql: str, params: Sequence = ()) -> list[tuple]:
        if self.connection is not None:
            result = self.connection.exec_driver_sql(self._sql(sql), tuple(params))
            return [tuple(r) for r in result.all()] if result.returns_rows else []
        cursor = self.dbapi.cursor()
        try:
            cursor.execute(self._sql(sql), tuple(params))
            return [tuple(r) for r in cursor.fetchall()]
        finally:
            cursor.close()

    def one(self, sql: str, params: Sequence = ()) -> Any:
        """The first column of the first row (None when there is no row)."""
        rows = self.all(sql, params)
        return rows[0][0] if rows else None

    def run(self, sql: str, params: Sequence = ()) -> None:
        if self.connection is not None:
            self.connection.exec_driver_sql(self._sql(sql), tuple(params))
            return
        cursor = self.dbapi.cursor()
        try:
            cursor.execute(self._sql(sql), tuple(params))
        finally:
            cursor.close()

    def script(self, statements: list[str]) -> None:
        """Statements without parameters: at once on PostgreSQL (one round trip)."""
        if not statements:
            return
        if self.postgres:
            self.run(";\n".join(statements))
            return
        for statement in statements:  # sqlite3 runs one statement a call
            self.run(statement)

    def many(self, sql: str, rows: Sequence[Sequence]) -> None:
        if self.connection is not None:
            self.connection.exec_driver_sql(self._sql(sql), [tuple(r) for r in rows])
            return
        cursor = self.dbapi.cursor()
        try:
            cursor.executemany(self._sql(sql), rows)
        finally:
            cursor.close()

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
        """`rows` into `table`: COPY on PostgreSQL, one executemany on SQLite."""
        if not rows:
            return
        names = ", ".join(columns)
        if self.postgres:
            with self.dbapi.cursor() as cursor, \
                    cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        self.many(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in columns)})",
                  rows)

    def bump_version(self) -> None:
        """Count one change of the data, in this transaction (`parity.store.version`)."""
        self.run(f"UPDATE {DATA_VERSION} SET version = version + 1, stamp = ?, changed_at = ? "
                 "WHERE id = 1", (secrets.token_hex(16), int(time.time())))

    def has_tables(self, name: str | None = None) -> bool:
        if self.postgres:
            sql = ("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables "
                   "WHERE schemaname = current_schema()")
            and_name = " AND tablename = ?"
        else:
            sql = "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table'"
            and_name = " AND name = ?"
        return bool(self.one(sql + (and_name if name else "") + ")", (name,) if name else ()))

    def commit(self) -> None:
        if self.postgres:
            self.dbapi.commit()
        else:
            self.run("COMMIT")

    def rollback(self) -> None:
        if self.postgres:
            self.dbapi.rollback()
        elif self.dbapi.in_transaction:
            self.run("ROLLBACK")

    def begin(self) -> None:
        """Open the transaction (PostgreSQL opens one with the first statement). SQLite's
        takes the write lock at once (``BEGIN IMMEDIATE``): a second writer waits for the
        first to finish rather than fail half-way (sqlite3 waits up to 5 s)."""
        if not self.postgres:
            self.run("BEGIN IMMEDIATE")

    def lock(self, key: int) -> None:
        """On PostgreSQL, wait for and hold the advisory lock `key` until the transaction
        ends (SQLite's writers are one at a time already: `begin`)."""
        if self.postgres:
            self.run("SELECT pg_advisory_xact_lock(?)", (key,))


def connect(url: str | None = None) -> Raw | None:
    """A connection of its own to the database at `url` (`database_url`), or None for a URL
    this module does not open (a driver other than psycopg or sqlite3, an in-memory SQLite)."""
    url = database_url(url)
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            import psycopg  # deferred: only PostgreSQL needs it

            return Raw(psycopg.connect("postgresql://" + url[len(prefix):]), "postgresql")
    prefix = "sqlite:///"
    if url.startswith(prefix) and "?" not in url and len(url) > len(prefix):
        # as `parity.store.make_engine` sets SQLite up; transactions opened by `Raw.begin`
        dbapi = sqlite3.connect(url[len(prefix):], isolation_level=None,
                                check_same_thread=False)  # opened by a thread, used by another
        for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL"):
            dbapi.execute(f"PRAGMA {pragma}")
        return Raw(dbapi, "sqlite")
    return None


def ready(raw: Raw) -> bool:
    """True when the database holds the current schema, made here if it was blank (as
    `parity.store.migrate.upgrade` makes it, committed); False when it needs a migration,
    which only the usual way (Alembic) runs."""
    statements = schema_statements(raw.engine)
    if statements is None:
        return False
    heads = stamped(statements)
    if raw.has_tables("alembic_version"):
        held = frozenset(r[0] for r in raw.all("SELECT version_num FROM alembic_version"))
        if raw.postgres:
            raw.commit()  # the read's transaction ended: the import opens its own
        return held == heads
    if raw.has_tables():
        return False
    raw.begin()
    try:
        raw.lock(SCHEMA_LOCK)
        if raw.has_tables():  # made meanwhile, by another process that held the lock
            raw.rollback()
            return ready(raw)
        raw.script(statements)
        raw.commit()
    except BaseException:
        raw.rollback()
        raw.dbapi.close()
        raise
    return True


@contextmanager
def indexes_after(raw: Raw, tables: Sequence[str]) -> Iterator[bool]:
    """Load empty tables first and index them after, on PostgreSQL: for the block, each of
    `tables` that holds no row loses its secondary indexes and its primary key, unique and
    foreign-key constraints, made again, as they were, when the block ends (PostgreSQL's own
    advice for populating a table: one index build is several times quicker than keeping the
    index row by row, and one check of every foreign key at once quicker than a check per
    row). A key or unique constraint another table's foreign key rests on stays. The block is
    given True when it did so. All in the transaction: an error in the block, or a row the
    rebuilt constraints refuse, rolls everything back, the indexes included. On SQLite (which
    keeps its constraints in the table's definition), or for a table that holds rows,
    nothing changes."""
    if not raw.postgres:
        yield False
        return
    kept: list[str] = []  # the statements making them again
    for table in tables:
        if raw.one(f'SELECT EXISTS (SELECT 1 FROM "{table}")'):
            continue
        drops, makes = _secondary(raw, f'"{table}"')
        raw.script(drops)
        kept += makes
    yield bool(kept)
    raw.script(kept)


def _secondary(raw: Raw, table: str) -> tuple[list[str], list[str]]:
    """The statements dropping `table`'s primary key, unique and foreign-key constraints and
    its other secondary indexes, and those making them again, read from PostgreSQL's
    catalogue (so that they are the database's own, whatever made them). Indexes go after the
    data, then unique constraints and the primary key, foreign keys last."""
    constraints = raw.all(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = CAST(? AS regclass) AND contype IN ('u', 'p', 'f') "
        # a key another table's foreign key rests on stays
        "AND NOT (contype IN ('u', 'p') AND EXISTS (SELECT 1 FROM pg_constraint f "
        "WHERE f.contype = 'f' AND f.conindid = pg_constraint.conindid)) "
        "ORDER BY contype DESC, conname", (table,))
    indexes = raw.all(
        "SELECT CAST(i.indexrelid AS regclass)::text, pg_get_indexdef(i.indexrelid) "
        "FROM pg_index i WHERE i.indrelid = CAST(? AS regclass) AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
        "ORDER BY 1", (table,))
    drops = [f'ALTER TABLE {table} DROP CONSTRAINT "{n}"' for n, _, _ in constraints]
    drops += [f"DROP INDEX {index}" for index, _ in indexes]
    makes = [definition for _, definition in indexes]
    makes += [f'ALTER TABLE {table} ADD CONSTRAINT "{n}" {d}' for n, _, d in constraints]
    return drops, makes
