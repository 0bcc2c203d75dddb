"""The data version: a stamp in the store that changes whenever the data change.

Every figure Parity shows is computed from its tables, and those change only when data are
written: an import, a commitment's change, a return, an article. The web keeps what it has
computed (and tells browsers and proxies what they may keep, `parity.web.caching`) for as
long as the data version stays the same.

One row, ``data_version`` (id 1): ``version`` counts the changes, ``stamp`` is a random token
new at each change (so a database restored from a backup, or another database altogether,
never passes for this one at the same count) and ``changed_at`` is the Unix time of the
change.

Every writer goes through one place without knowing it: SQLAlchemy events on every engine
note a connection that wrote to a data table (an INSERT, UPDATE, DELETE or COPY on any table
but the accounts' and the store's own, `UNTRACKED`); when such a transaction commits — a
`Session` commit (a savepoint's too), or a connection's own — the version is bumped inside
that same transaction, so the new figures and the new version become visible together, and a
transaction that rolls back changes neither. COPY goes past SQLAlchemy's events: the bulk
loader (`parity.store.bulk`) calls `mark_written` itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import DDL, BigInteger, Connection, Engine, Integer, String, event, text
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.pool import Pool

from parity.store.base import Base
from parity.store.raw import DATA_VERSION, WROTE, Raw

TABLE = DATA_VERSION
# Tables whose writes change no figure: sign-in and sessions, and the store's own books.
UNTRACKED = frozenset({TABLE, "alembic_version", "users", "user_sessions",
                       "sign_in_counters"})
HAS_TABLE = "parity_has_data_version"
BUMPED = "parity_bumped_data_version"
SAVEPOINTS = "parity_wrote_before_savepoints"
_WRITE = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM"
    r"|TRUNCATE(?:\s+TABLE)?|COPY)\s+(?:ONLY\s+)?[\"`\[]?(\w+)", re.IGNORECASE)


class DataVersion(Base):
    """The one row saying which version of the data the store holds."""

    __tablename__ = TABLE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    stamp: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[int] = mapped_column(BigInteger, default=0)


# A database built from the models (not the migrations) gets its row as the table is created.
event.listen(DataVersion.__table__, "after_create",
             DDL(f"INSERT INTO {TABLE} (id, version, stamp, changed_at) "
                 "VALUES (1, 0, 'initial', 0)"))


@dataclass(frozen=True)
class Version:
    """The data version as read: the count, the stamp, and when it last changed (UTC)."""

    version: int
    stamp: str
    changed_at: datetime


NONE = Version(0, "none", datetime.fromtimestamp(0, UTC))


def current(bind: Session | Connection | Engine) -> Version:
    """The data version of the database behind `bind` (`NONE` before any is recorded)."""
    sql = text(f"SELECT version, stamp, changed_at FROM {TABLE} WHERE id = 1")
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            row = conn.execute(sql).first()
    else:
        row = bind.execute(sql).first()
    if row is None:
        return NONE
    return Version(int(row[0]), str(row[1]), datetime.fromtimestamp(int(row[2]), UTC))


def is_write(statement: str) -> str | None:
    """The table a statement writes to, if it writes to a data table; else None."""
    match = _WRITE.match(statement)
    if match is None:
        return None
    table = match.group(1).lower()
    # Alembic's copy of a table being altered (SQLite) moves rows, it changes no figure.
    return None if table in UNTRACKED or table.startswith("_alembic_tmp_") else table


def mark_written(connection: Connection) -> None:
    """Note that `connection`'s transaction wrote data (for writes SQLAlchemy does not see)."""
    connection.info[WROTE] = True


# In-process changes: a count the web's cache compares, so that a change made in this
# process is seen by its next request at once (other processes' changes within a second).
_local_changes = 0


def local_changes() -> int:
    return _local_changes


def _bump(connection: Connection) -> None:
    """Count one change in the transaction of `connection`, on its DB-API connection (so that
    no SQLAlchemy event, and no flush, runs inside a commit): `parity.store.raw.Raw.
    bump_version`, as the import that writes without SQLAlchemy counts its own."""
    raw = Raw(connection.connection.dbapi_connection, connection.dialect.name)
    info = connection.info
    if not info.get(HAS_TABLE):
        if not raw.has_tables(TABLE):  # a database older than the table: nothing to count in
            return
        info[HAS_TABLE] = True
    raw.bump_version()


@event.listens_for(Engine, "before_cursor_execute")
def _note_write(conn, _cursor, statement, _params, _context, _many) -> None:  # noqa: ANN001
    if WROTE not in conn.info and is_write(statement):
        conn.info[WROTE] = True


@event.listens_for(Session, "before_commit")
def _session_commit(session: Session) -> None:
    if not session.in_transaction():
        return
    if session.new or session.dirty or session.deleted:
        session.flush()
    for connection in _connections(session):
        if connection.info.pop(WROTE, False):
            _bump(connection)
            session.info[BUMPED] = True


@event.listens_for(Session, "after_commit")
def _session_committed(session: Session) -> None:
    global _local_changes
    if session.info.pop(BUMPED, False):
        _local_changes += 1


@event.listens_for(Session, "after_rollback")
def _session_rolled_back(session: Session) -> None:
    session.info.pop(BUMPED, None)


def _connections(session: Session) -> list[Connection]:
    transaction = session.get_transaction()
    if transaction is None:
        return []
    # The connections the transaction has opened (one per engine; Parity uses one).
    return [entry[0] for entry in transaction._connections.values()]  # noqa: SLF001


@event.listens_for(Engine, "commit")
def _connection_commit(conn: Connection) -> None:
    """A write committed outside a Session (``engine.begin()``): counted here."""
    global _local_changes
    if conn.info.pop(WROTE, False):
        _bump(conn)
        _local_changes += 1


@event.listens_for(Engine, "rollback")
def _connection_rollback(conn: Connection) -> None:
    conn.info.pop(WROTE, None)
    conn.info.pop(SAVEPOINTS, None)


@event.listens_for(Engine, "savepoint")
def _savepoint(conn: Connection, name: str) -> None:
    conn.info.setdefault(SAVEPOINTS, {})[name] = conn.info.get(WROTE, False)


@event.listens_for(Engine, "rollback_savepoint")
def _savepoint_rolled_back(conn: Connection, name: str, _context: object) -> None:
    """Back to what was written before the savepoint (its own writes are undone)."""
    if conn.info.get(SAVEPOINTS, {}).pop(name, False):
        conn.info[WROTE] = True
    else:
        conn.info.pop(WROTE, None)


@event.listens_for(Pool, "checkin")
def _checked_in(_dbapi_connection, record) -> None:  # noqa: ANN001
    if record is not None:
        record.info.pop(WROTE, None)
        record.info.pop(SAVEPOINTS, None)
