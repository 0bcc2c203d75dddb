"""``parity import workforce`` on a connection of its own, without SQLAlchemy
(`parity.workforce.importer.import_file`, `parity.store.raw`), stores what a session's import
stores, on both engines; a database that needs a migration takes the usual way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from parity.store import make_engine, session_scope, upgrade
from parity.store.migrate import _config, current_revisions
from parity.workforce.importer import import_workforce
from tests.helpers import create_pg_database, drop_pg_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgresql"])
def two_databases(request, tmp_path):  # noqa: ANN001, ANN201
    """Two new, blank databases of one engine."""
    if request.param == "sqlite":
        yield [f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"]
        return
    names = [f"parity_test_{uuid.uuid4().hex[:8]}_load{k}" for k in "ab"]
    urls = [create_pg_database(n) for n in names]
    yield urls
    for n in names:
        drop_pg_database(n)


def _command(url: str, *args: str) -> tuple[int, str, str, bool]:
    """`parity import workforce ARGS --json` in a new process: exit status, stdout, stderr,
    and whether SQLAlchemy was loaded."""
    code = (f"import sys; sys.argv = ['parity', 'import', 'workforce', *{list(args)!r}, "
            "'--json']\nfrom parity.cli import main\ntry:\n    main()\nexcept SystemExit as e:\n"
            "    status = e.code\nelse:\n    status = 0\n"
            "sys.stderr.write(f\"\\nSQLALCHEMY {'sqlalchemy' in sys.modules}\\n\")\n"
            "sys.exit(status)\n")
    env = {**os.environ, "PARITY_DATABASE_URL": url, "PARITY_WARM": "off"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, env=env, cwd=ROOT)
    return run.returncode, run.stdout, run.stderr, "SQLALCHEMY True" in run.stderr


def _held(url: str) -> dict:
    engine = make_engine(url)
    with engine.connect() as conn:
        held = {
            "figures": conn.execute(text(
                "SELECT year, force_id, worker_type, rank, sex, headcount, fte, source_row "
                "FROM workforce_counts ORDER BY year, force_id, worker_type, rank, sex")).all(),
            "current": conn.execute(text(
                "SELECT year, force_id, source_id FROM workforce_current "
                "ORDER BY year, force_id")).all(),
            "sources": conn.execute(text(
                "SELECT id, kind, file_name, sha256, row_count, note FROM sources")).all(),
            "editions": [(sid, str(day), bool(in_use)) for sid, day, in_use in conn.execute(
                text("SELECT source_id, published, in_use FROM workforce_editions"))],
            "version": conn.execute(text("SELECT version FROM data_version")).scalar(),
        }
    engine.dispose()
    return held


def test_the_command_stores_without_sqlalchemy_what_a_session_stores(two_databases,  # noqa: ANN001
                                                                      shared_data):  # noqa: ANN001
    lean, usual = two_databases
    bulletin = shared_data / "home-office" / "police-workforce-sep19-tables.ods"
    status, out, err, loaded = _command(lean, str(bulletin))
    assert status == 2 and out == "" and "not a Home Office workforce open data table" in err
    assert not loaded
    refused = _held(lean)  # the schema is made; nothing else is written
    assert refused["figures"] == [] and refused["sources"] == [] and refused["version"] == 0

    status, out, err, loaded = _command(lean)
    assert status == 0, err
    assert not loaded, "the import loaded SQLAlchemy"
    result = json.loads(out)
    assert (result["status"], result["rows"], result["forces"]) == ("imported", 29_304, 44)
    assert result["current"] == ["the edition published 26 July 2023 "
                                 "(open-data-table-police-workforce-260723.ods)"]

    engine = make_engine(usual)
    upgrade(engine)
    with session_scope(engine) as s:
        import_workforce(s)
    engine.dispose()
    a, b = _held(lean), _held(usual)
    assert len(a["figures"]) == 29_304 and len(a["current"]) == 748
    assert a == b
    assert a["version"] == 1

    # the same file again: nothing written, the data version kept
    status, out, _err, loaded = _command(lean)
    assert status == 0 and json.loads(out)["status"] == "unchanged" and not loaded
    assert _held(lean) == a


def test_a_database_that_needs_a_migration_is_migrated_then_imported(tmp_path):  # noqa: ANN001
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        command.upgrade(_config(conn), "workforce_0002")  # before the current figures' view
    engine.dispose()
    status, out, err, loaded = _command(url)
    assert status == 0, err
    assert loaded  # the migration takes Alembic, and so SQLAlchemy
    assert json.loads(out)["rows"] == 29_304
    engine = make_engine(url)
    assert "workforce_0003" in current_revisions(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM workforce_counts")).scalar() == 29_304
    engine.dispose()


def test_sqlite_reads_a_force_from_the_small_table_first(wf_db):  # noqa: ANN001
    """The view starts from ``workforce_current`` on SQLite (CROSS JOIN), so a question
    about one force reads that force's rows, not every edition's (decision 0901)."""
    if wf_db.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans from its statistics")
    plan = [r[3] for r in wf_db.execute(text(
        "EXPLAIN QUERY PLAN SELECT year, sum(headcount) FROM workforce_counts "
        "WHERE force_id = 'kent' AND worker_type = 'officer' GROUP BY year"))]
    assert plan[0].startswith("SCAN w"), plan
    assert any(step.startswith("SEARCH c USING INDEX") for step in plan), plan


def test_imports_at_once_into_a_blank_database_make_one_edition(two_databases):  # noqa: ANN001
    """Four commands at once on a blank database: one makes the schema and imports, the others
    wait for it (an advisory lock on PostgreSQL, SQLite's write lock) and find the file held."""
    url = two_databases[0]
    code = "from parity.cli import main; main()"
    env = {**os.environ, "PARITY_DATABASE_URL": url, "PARITY_WARM": "off"}
    runs = [subprocess.Popen([sys.executable, "-c", code, "import", "workforce", "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                             cwd=ROOT) for _ in range(4)]
    answers = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err[-2000:]
        answers.append(json.loads(out)["status"])
    assert sorted(answers) == ["imported", "unchanged", "unchanged", "unchanged"]
    held = _held(url)
    assert len(held["figures"]) == 29_304 and len(held["sources"]) == 1 and held["version"] == 1
