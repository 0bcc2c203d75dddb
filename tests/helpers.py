"""Helpers the test modules and conftest files share: PostgreSQL databases of their own,
sessions on a copy of a SQLite template or rolled back on PostgreSQL, and the SQL statements
a block sends."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session

from parity.store import make_engine, upgrade

PG_ADMIN_URL = os.environ.get("PARITY_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def create_pg_database(name: str) -> str:
    """Create (afresh) the PostgreSQL database `name` on the test server; returns its URL."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(name: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def import_workforce_table(engine: Engine) -> None:
    """Import the bundled workforce table at `engine` and commit."""
    from parity.workforce.importer import import_workforce

    with Session(engine) as s:
        import_workforce(s)
        s.commit()


def fresh_pg_with_workforce(prefix: str) -> tuple[str, str]:
    """(name, URL) of a new PostgreSQL database ``<prefix>_<random>``, migrated, with the
    workforce table: for tests whose code commits (the shared test databases must not see it).
    Drop it with `drop_pg_database`."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    url = create_pg_database(name)
    engine = make_engine(url)
    upgrade(engine, migrations_only=True)
    import_workforce_table(engine)
    engine.dispose()
    return name, url


def sqlite_copy_session(template: Path, path: Path) -> Iterator[Session]:
    """A session on a copy of the SQLite file `template` made at `path`."""
    shutil.copy(template, path)
    engine = make_engine(f"sqlite:///{path}")
    session = Session(engine, expire_on_commit=False)
    yield session
    session.close()
    engine.dispose()


def rolled_back_session(engine: Engine) -> Iterator[Session]:
    """A session on `engine` inside a transaction rolled back at the end (commits inside
    become savepoints)."""
    conn = engine.connect()
    outer = conn.begin()
    session = Session(bind=conn, join_transaction_mode="create_savepoint",
                      expire_on_commit=False)
    yield session
    session.close()
    outer.rollback()
    conn.close()


@contextmanager
def statements_sent(engine: Engine) -> Iterator[list[str]]:
    """The SQL of every statement `engine` sends within the block, in order."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_rest) -> None:  # noqa: ANN001, ANN002
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)
