"""Migration workforce_0002 on a database holding figures from before editions: each file its
figures came from becomes an edition (dated from its name), with its rows; on both engines."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from parity.store import make_engine, upgrade
from parity.store.migrate import _config
from tests.helpers import create_pg_database, drop_pg_database


def _constables(conn, table: str, source_id: int, row: int, force: str, head: float) -> None:  # noqa: ANN001
    """One row of 2023's female constables (headcount and FTE `head`) into `table`."""
    conn.execute(text(
        f"INSERT INTO {table} (source_id, source_row, year, force_id, worker_type, rank, sex, "
        "headcount, fte) VALUES (:s, :r, 2023, :f, 'officer', 'constable', 'female', :h, :h)"),
        {"s": source_id, "r": row, "f": force, "h": head})


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request, tmp_path):  # noqa: ANN001, ANN201
    """An engine on a database migrated to workforce_0001 only (before editions)."""
    if request.param == "sqlite":
        yield make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        return
    name = f"parity_test_{uuid.uuid4().hex[:8]}_mig"
    engine = make_engine(create_pg_database(name))
    yield engine
    engine.dispose()
    drop_pg_database(name)


def test_held_figures_become_an_edition(old_database):  # noqa: ANN001
    from alembic import command

    engine = old_database
    with engine.begin() as conn:
        command.upgrade(_config(conn), "workforce_0001")
        conn.execute(text("INSERT INTO sources (id, kind, file_name, sha256, imported_at, "
                          "row_count) VALUES (1, 'workforce', "
                          "'open-data-table-police-workforce-260723.ods', :sha, :at, 2)"),
                     {"sha": "a" * 64, "at": datetime(2025, 1, 2, tzinfo=UTC)})
        conn.execute(text("INSERT INTO sources (id, kind, file_name, sha256, imported_at, "
                          "row_count) VALUES (2, 'workforce', 'scotland.csv', :sha, :at, 1)"),
                     {"sha": "b" * 64, "at": datetime(2025, 3, 4, tzinfo=UTC)})
        for sid, row, force, head in ((1, 2, "kent", 10.0), (1, 3, "essex", 20.0),
                                      (2, 2, "police-scotland", 30.0)):
            _constables(conn, "workforce_counts", sid, row, force, head)
    upgrade(engine, migrations_only=True)
    with engine.connect() as conn:
        editions = conn.execute(text("SELECT source_id, published, in_use FROM "
                                     "workforce_editions ORDER BY source_id")).all()
        rows = conn.execute(text("SELECT source_id, force_id, headcount FROM "
                                 "workforce_edition_counts ORDER BY source_id, force_id")).all()
    published = [e[1] if isinstance(e[1], date) else date.fromisoformat(str(e[1]))
                 for e in editions]
    assert published == [date(2023, 7, 26), date(2025, 3, 4)]  # from the name, else imported
    assert [bool(e[2]) for e in editions] == [False, False]
    assert [tuple(r) for r in rows] == [(1, "essex", 20.0), (1, "kent", 10.0),
                                        (2, "police-scotland", 30.0)]
    engine.dispose()


def test_held_current_figures_become_a_view_of_the_editions_rows(old_database):  # noqa: ANN001
    """workforce_0003: the current figures held as a copy become, force-year by force-year,
    the edition they were copied from (``workforce_current``), read through the view."""
    from alembic import command

    engine = old_database
    with engine.begin() as conn:
        command.upgrade(_config(conn), "workforce_0002")
        for sid, day in ((1, date(2023, 7, 26)), (2, date(2024, 7, 25))):
            conn.execute(text("INSERT INTO sources (id, kind, file_name, sha256, imported_at, "
                              "row_count) VALUES (:i, 'workforce', :f, :sha, :at, 2)"),
                         {"i": sid, "f": f"edition-{sid}.ods", "sha": str(sid) * 64,
                          "at": datetime(2025, 1, sid, tzinfo=UTC)})
            conn.execute(text("INSERT INTO workforce_editions (source_id, published, in_use) "
                              "VALUES (:i, :d, :u)"), {"i": sid, "d": day, "u": False})
        rows = ((1, 2, "kent", 10.0), (1, 3, "essex", 20.0), (2, 2, "kent", 11.0),
                (2, 3, "essex", 21.0))
        for sid, row, force, head in rows:
            _constables(conn, "workforce_edition_counts", sid, row, force, head)
        # held as current: Kent from the second edition, Essex from the first (as a choice
        # made with `parity editions use` would leave them)
        for sid, row, force, head in (rows[2], rows[1]):
            _constables(conn, "workforce_counts", sid, row, force, head)
    upgrade(engine, migrations_only=True)
    with engine.connect() as conn:
        current = conn.execute(text("SELECT year, force_id, source_id FROM workforce_current "
                                    "ORDER BY force_id")).all()
        figures = conn.execute(text("SELECT force_id, source_id, headcount FROM "
                                    "workforce_counts ORDER BY force_id")).all()
    assert [tuple(r) for r in current] == [(2023, "essex", 1), (2023, "kent", 2)]
    assert [tuple(r) for r in figures] == [("essex", 1, 20.0), ("kent", 2, 11.0)]
    engine.dispose()
