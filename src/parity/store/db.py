"""Engines and sessions. Nothing is created at import time: callers build the engine."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session

from parity.store.raw import DEFAULT_URL as DEFAULT_URL
from parity.store.raw import database_url

_MADE: weakref.WeakSet[Engine] = weakref.WeakSet()  # every engine made in this process


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """An engine for `url` (see `database_url`), with SQLite set up for safe concurrent use."""
    url = database_url(url)
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

    _MADE.add(engine)
    return engine


def dispose_engines() -> None:
    """Close the pooled connections of every engine made in this process (at a command's
    end: SQLite folds its write-ahead log into the database file as its last connection
    closes)."""
    for engine in list(_MADE):
        engine.dispose()


def open_session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = open_session(engine)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
