"""A GET request never writes: the bundled data are loaded when ``parity serve`` starts and at
the start of the commands that need them, never inside a read (issue 10, item 5).

A fresh app, on a database with nothing loaded and on one with only the workforce table (the
case in which the commitments pages and every force page's panel used to load the bundled
national commitments), answers a walk of every public page and API answer; the number of
rows in every table is the same before and after, on both engines.
"""

from __future__ import annotations

import runpy
import shutil
import warnings
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from parity.bundled import load_bundled
from parity.store import session_scope
from parity.web.app import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

FORCES = ("kent", "metropolitan-police")


def _rows(engine) -> dict[str, int]:  # noqa: ANN001
    """Rows in every table of the database (the schema's version included)."""
    with engine.connect() as conn:
        return {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                for name in sorted(inspect(conn).get_table_names())}


# The route walker of the before/after snapshot of public output (one walker for both).
_public_routes = runpy.run_path(str(Path(__file__).resolve().parents[2] / "scripts"
                                    / "snapshot_public.py"))["public_routes"]


def _public_gets(app) -> list[str]:  # noqa: ANN001
    """Every public GET address of the app: each route without a parameter, each force route
    for `FORCES`, and each page's JSON form (signing in left out)."""
    out = [p for p in _public_routes(app, FORCES) if not p.startswith("/sign-")]
    pages = [p for p in out if not p.startswith("/api") and not p.endswith(".json")]
    out += [(p.rstrip("/") or "/index") + ".json" for p in pages]
    return list(dict.fromkeys(out))


def _url(request, kind: str, tmp_path) -> str:  # noqa: ANN001
    if request.param == "sqlite":
        path = tmp_path / f"{kind}.db"
        shutil.copy(request.getfixturevalue("sqlite_templates")[kind], path)
        return f"sqlite:///{path}"
    # The shared PostgreSQL databases: their teardown also fails if anything was committed.
    return request.getfixturevalue("pg_urls")[kind]


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_kind(request):  # noqa: ANN001, ANN201
    return request


@pytest.mark.parametrize("kind", ["empty", "workforce"])
def test_a_walk_of_the_public_pages_writes_nothing(engine_kind, kind, tmp_path):  # noqa: ANN001
    app = create_app(_url(engine_kind, kind, tmp_path))
    engine = app.state.engine
    before = _rows(engine)
    addresses = _public_gets(app)
    assert len(addresses) > 40, addresses  # the walk reaches every domain's pages
    statuses = {}
    with TestClient(app, raise_server_exceptions=False) as client:
        for address in addresses:
            statuses[address] = client.get(address).status_code
    after = _rows(engine)
    assert after == before, {t: (before[t], after[t]) for t in before if before[t] != after[t]}
    assert not [a for a, s in statuses.items() if s >= 500], statuses
    assert any(s == 200 for s in statuses.values())


def test_serve_start_up_loads_what_the_reads_need(sqlite_templates, tmp_path):  # noqa: ANN001
    """What ``parity serve`` does before it answers (`load_bundled`) is what the pages need:
    after it, the commitments page lists the bundled national commitments."""
    path = tmp_path / "served.db"
    shutil.copy(sqlite_templates["workforce"], path)
    app = create_app(f"sqlite:///{path}")
    with TestClient(app) as client:
        assert "national-2019-1" not in client.get("/commitments.json").text
        with session_scope(app.state.engine) as s:
            done = load_bundled(s, only={"commitments"})
        assert done == {"commitments": True}
        assert "national-2019-1" in client.get("/commitments.json").text
