"""Fixtures of the context tests: databases with the bundled pay gap downloads and ONS crime
tables imported (and the workforce table), built once per test process on both engines.

- ``ctx_db``: SQLite (a copy of a loaded template file per test), then PostgreSQL (one loaded
  database per process, rolled back after each test).
- ``ctx_sqlite_url``: a fresh copy of the loaded SQLite template, for CLI subprocess tests.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from parity.store import make_engine, upgrade
from tests.helpers import (
    create_pg_database,
    drop_pg_database,
    rolled_back_session,
    sqlite_copy_session,
)

DATA = Path(__file__).resolve().parents[2] / "src" / "parity" / "data"
RETURNS_DIR = DATA / "gender-pay-gap"
CRIME_DIR = DATA / "ons-crime"


def _load_context(engine) -> None:  # noqa: ANN001
    from parity.context.crime_importer import import_crime
    from parity.context.returns_importer import import_paygap_returns
    from parity.workforce.service import ensure_loaded

    with Session(engine) as s:
        ensure_loaded(s)
        import_paygap_returns(s)
        import_crime(s)
        s.commit()


@pytest.fixture(scope="session")
def ctx_sqlite_template(tmp_path_factory, sqlite_templates) -> Path:  # noqa: ANN001
    path = tmp_path_factory.mktemp("ctx") / "context.db"
    shutil.copy(sqlite_templates["workforce"], path)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    _load_context(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def ctx_pg_engine() -> Iterator:
    name = f"parity_test_{uuid.uuid4().hex[:8]}_ctx"
    url = create_pg_database(name)
    engine = make_engine(url)
    upgrade(engine)
    _load_context(engine)
    yield engine
    engine.dispose()
    drop_pg_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx_db(request, tmp_path) -> Iterator[Session]:  # noqa: ANN001
    """A database holding the bundled pay gap returns, ONS crime tables and workforce table."""
    if request.param == "sqlite":
        yield from sqlite_copy_session(request.getfixturevalue("ctx_sqlite_template"),
                                       tmp_path / "ctx.db")
    else:
        yield from rolled_back_session(request.getfixturevalue("ctx_pg_engine"))


@pytest.fixture
def ctx_sqlite_url(tmp_path, ctx_sqlite_template) -> str:  # noqa: ANN001
    path = tmp_path / "cli.db"
    shutil.copy(ctx_sqlite_template, path)
    return f"sqlite:///{path}"
