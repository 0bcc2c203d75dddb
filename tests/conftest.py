"""Shared fixtures: real databases on both engines, built once per test process.

- ``db``: an empty, migrated database, as a `Session`; parametrised over SQLite and PostgreSQL.
- ``wf_db``: the same with the bundled Home Office workforce table imported.

SQLite tests get their own copy of a migrated template file; PostgreSQL tests share a database
made for this test process and roll back after each test (commits inside become savepoints).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from parity.store import make_engine, upgrade

# No per-example deadlines: CI machines are shared and timings vary; speed is measured in bench/.
settings.register_profile("parity", deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.load_profile("parity")

ROOT = Path(__file__).resolve().parent.parent


def _find_shared_data() -> Path:
    if os.environ.get("PARITY_SHARED_DATA"):
        return Path(os.environ["PARITY_SHARED_DATA"])
    for parent in ROOT.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return ROOT.parent / "shared" / "data"


SHARED_DATA = _find_shared_data()
PG_ADMIN_URL = os.environ.get("PARITY_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ENGINES = ["sqlite", "postgresql"]


def _workforce_import(engine) -> None:  # noqa: ANN001
    from parity.workforce.importer import import_workforce

    with Session(engine) as s:
        import_workforce(s)
        s.commit()


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory) -> dict[str, Path]:  # noqa: ANN001
    base = tmp_path_factory.mktemp("templates")
    empty, loaded = base / "empty.db", base / "workforce.db"
    engine = make_engine(f"sqlite:///{empty}")
    upgrade(engine)
    engine.dispose()
    shutil.copy(empty, loaded)
    engine = make_engine(f"sqlite:///{loaded}")
    _workforce_import(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return {"empty": empty, "workforce": loaded}


def _create_pg_database(name: str) -> str:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _drop_pg_database(name: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_urls() -> Iterator[dict[str, str]]:
    tag = uuid.uuid4().hex[:8]
    names = {"empty": f"parity_test_{tag}_empty", "workforce": f"parity_test_{tag}_wf"}
    urls = {k: _create_pg_database(n) for k, n in names.items()}
    for key, url in urls.items():
        engine = make_engine(url)
        upgrade(engine)
        if key == "workforce":
            _workforce_import(engine)
        engine.dispose()
    yield urls
    for n in names.values():
        _drop_pg_database(n)


@pytest.fixture(scope="session")
def pg_engines(pg_urls) -> Iterator[dict]:  # noqa: ANN001
    engines = {k: make_engine(u) for k, u in pg_urls.items()}
    yield engines
    for e in engines.values():
        e.dispose()


def _session(request, kind: str, tmp_path: Path) -> Iterator[Session]:  # noqa: ANN001
    if request.param == "sqlite":
        path = tmp_path / f"{kind}.db"
        shutil.copy(request.getfixturevalue("sqlite_templates")[kind], path)
        engine = make_engine(f"sqlite:///{path}")
        session = Session(engine, expire_on_commit=False)
        yield session
        session.close()
        engine.dispose()
    else:
        engine = request.getfixturevalue("pg_engines")[kind]
        conn = engine.connect()
        outer = conn.begin()
        session = Session(bind=conn, join_transaction_mode="create_savepoint",
                          expire_on_commit=False)
        yield session
        session.close()
        outer.rollback()
        conn.close()


@pytest.fixture(params=ENGINES)
def db(request, tmp_path) -> Iterator[Session]:  # noqa: ANN001
    """An empty migrated database (SQLite, then PostgreSQL)."""
    yield from _session(request, "empty", tmp_path)


@pytest.fixture(params=ENGINES)
def wf_db(request, tmp_path) -> Iterator[Session]:  # noqa: ANN001
    """A database holding the bundled workforce table (SQLite, then PostgreSQL)."""
    yield from _session(request, "workforce", tmp_path)


@pytest.fixture
def sqlite_url(tmp_path, sqlite_templates) -> str:  # noqa: ANN001
    """A fresh SQLite database URL with the workforce table loaded (for CLI tests)."""
    path = tmp_path / "cli.db"
    shutil.copy(sqlite_templates["workforce"], path)
    return f"sqlite:///{path}"


@pytest.fixture
def shared_data() -> Path:
    """../shared/data beside the project (official files as published)."""
    assert SHARED_DATA.is_dir(), f"expected the shared data folder at {SHARED_DATA}"
    return SHARED_DATA
