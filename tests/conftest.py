"""Shared fixtures: real databases on both engines, built once per test process.

- ``db``: an empty, migrated database, as a `Session`; parametrised over SQLite and PostgreSQL.
- ``wf_db``: the same with the bundled Home Office workforce table imported.

SQLite tests get their own copy of a migrated template file; PostgreSQL tests share a database
made for this test process and roll back after each test (commits inside become savepoints).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import text
from sqlalchemy.orm import Session

from parity.store import make_engine, upgrade
from tests.helpers import (
    PG_ADMIN_URL,  # noqa: F401 - test modules import it from here too
    create_pg_database,
    drop_pg_database,
    import_workforce_table,
    rolled_back_session,
    sqlite_copy_session,
)

# No per-example deadlines or speed health checks: CI machines are shared and timings vary;
# speed is measured in bench/. The default profile draws the same examples on every run, so a
# test run's result depends on the code alone; PARITY_HYPOTHESIS=explore draws new examples
# each run, to hunt for counter-examples while developing.
settings.register_profile("parity", deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                 HealthCheck.too_slow])
settings.register_profile("explore", parent=settings.get_profile("parity"), derandomize=False,
                          max_examples=500)
settings.load_profile("explore" if os.environ.get("PARITY_HYPOTHESIS") == "explore"
                      else "parity")

ROOT = Path(__file__).resolve().parent.parent

# The date Parity takes as today (src/parity/calendar.py), fixed so that what is due or overdue -
# a commitment's status, a review - comes out the same whenever the tests run. Servers the
# tests start inherit it.
TODAY = "2026-11-28"
os.environ.setdefault("PARITY_TODAY", TODAY)
# Projections kept between processes (`parity.flows.simulations`) go to a folder of this run's
# own, not the user's cache; servers and commands the tests start inherit it.
os.environ.setdefault("PARITY_CACHE_DIR", tempfile.mkdtemp(prefix="parity-test-cache-"))
# no outlooks worked out ahead in the background after each import (tests/flows/test_warm.py
# starts one on purpose)
os.environ.setdefault("PARITY_WARM", "off")


def _find_shared_data() -> Path:
    """The official files the tests read as published: ``PARITY_SHARED_DATA`` if set, else the
    copies in ``tests/data`` (the files the tests need, shipped with the project)."""
    if os.environ.get("PARITY_SHARED_DATA"):
        return Path(os.environ["PARITY_SHARED_DATA"])
    return Path(__file__).resolve().parent / "data"


SHARED_DATA = _find_shared_data()
ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory) -> dict[str, Path]:  # noqa: ANN001
    base = tmp_path_factory.mktemp("templates")
    empty, loaded = base / "empty.db", base / "workforce.db"
    engine = make_engine(f"sqlite:///{empty}")
    upgrade(engine, migrations_only=True)
    engine.dispose()
    shutil.copy(empty, loaded)
    engine = make_engine(f"sqlite:///{loaded}")
    import_workforce_table(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return {"empty": empty, "workforce": loaded}


@pytest.fixture(scope="session")
def pg_urls() -> Iterator[dict[str, str]]:
    tag = uuid.uuid4().hex[:8]
    names = {"empty": f"parity_test_{tag}_empty", "workforce": f"parity_test_{tag}_wf"}
    urls = {k: create_pg_database(n) for k, n in names.items()}
    for key, url in urls.items():
        engine = make_engine(url)
        upgrade(engine, migrations_only=True)
        if key == "workforce":
            import_workforce_table(engine)
        engine.dispose()
    yield urls
    expected = {"empty": 0, "workforce": 1}
    polluted = {}
    for key, url in urls.items():
        engine = make_engine(url)
        with engine.connect() as conn:
            found = conn.execute(text("SELECT count(*) FROM sources")).scalar()
        engine.dispose()
        if found != expected[key]:
            polluted[key] = found
    for n in names.values():
        drop_pg_database(n)
    # Tests share these databases and must roll back; one that commits breaks others at random.
    assert not polluted, f"a test committed imports to the shared PostgreSQL databases: {polluted}"


@pytest.fixture(scope="session")
def pg_engines(pg_urls) -> Iterator[dict]:  # noqa: ANN001
    engines = {k: make_engine(u) for k, u in pg_urls.items()}
    yield engines
    for e in engines.values():
        e.dispose()


def _session(request, kind: str, tmp_path: Path) -> Iterator[Session]:  # noqa: ANN001
    if request.param == "sqlite":
        yield from sqlite_copy_session(request.getfixturevalue("sqlite_templates")[kind],
                                       tmp_path / f"{kind}.db")
    else:
        yield from rolled_back_session(request.getfixturevalue("pg_engines")[kind])


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
    """The folder of official files as published (see `_find_shared_data`)."""
    assert SHARED_DATA.is_dir(), f"expected the shared data folder at {SHARED_DATA}"
    return SHARED_DATA
