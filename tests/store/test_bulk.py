"""Loading empty tables first and indexing them after (`parity.store.bulk.indexes_after`), and
reading a spreadsheet in a thread while a command gets ready (`parity.tabular.read_sheets_soon`),
on the bundled workforce table."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import exc, func, select, text

from parity.errors import InputError
from parity.store.bulk import indexes_after, insert_rows
from parity.tabular import read_sheets, read_sheets_soon
from parity.workforce.columns import DEFAULT_FILE
from parity.workforce.importer import import_workforce
from parity.workforce.models import WorkforceCount, WorkforceCurrent, WorkforceEditionCount

TABLES = (WorkforceEditionCount.__table__, WorkforceCurrent.__table__)


def _catalogue(session) -> dict:  # noqa: ANN001
    """Every index and constraint of the workforce tables, as PostgreSQL defines them."""
    out = {}
    for table in ("workforce_current", "workforce_edition_counts"):
        out[table] = (
            sorted(session.execute(text(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = CAST(:t AS regclass)"), {"t": table}).all()),
            sorted(session.execute(text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = CAST(:t AS regclass)"), {"t": table}).all()),
        )
    return out


def test_a_first_import_on_postgresql_leaves_the_indexes_as_they_were(db):  # noqa: ANN001
    if db.get_bind().dialect.name != "postgresql":
        with indexes_after(db.connection(), *TABLES) as deferred:  # type: ignore[arg-type]
            assert deferred is False  # SQLite keeps its constraints in the table's definition
        return
    before = _catalogue(db)
    assert len(before["workforce_edition_counts"][0]) == 2  # the primary key and the unique one
    assert len(before["workforce_current"][1]) == 2  # the primary key and the foreign key
    with indexes_after(db.connection(), *TABLES) as deferred:  # type: ignore[arg-type]
        assert deferred is True
        during = _catalogue(db)
        # no index left, the primary keys included: nothing refers to these tables' rows
        assert during["workforce_current"] == ([], [])
        assert during["workforce_edition_counts"] == ([], [])
    assert _catalogue(db) == before
    result = import_workforce(db, path=DEFAULT_FILE)  # the importer's own use of it
    assert result.rows == 29_304
    assert _catalogue(db) == before
    assert db.scalar(select(func.count()).select_from(WorkforceCount)) == 29_304
    # a table holding rows keeps its indexes: nothing is dropped
    with indexes_after(db.connection(), *TABLES) as deferred:  # type: ignore[arg-type]
        assert deferred is False
        assert _catalogue(db) == before


def test_a_row_the_rebuilt_constraint_refuses_fails_the_load(db):  # noqa: ANN001
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite keeps its indexes throughout")
    before = _catalogue(db)
    source_id = db.execute(text(
        "INSERT INTO sources (kind, file_name, sha256, imported_at, row_count) "
        "VALUES ('workforce', 'x.ods', 'abc', now(), 2) RETURNING id")).scalar()
    row = (source_id, 2, 2023, "kent", "officer", "constable", "female", 10.0, 9.5)
    columns = ("source_id", "source_row", "year", "force_id", "worker_type", "rank", "sex",
               "headcount", "fte")
    savepoint = db.begin_nested()
    with pytest.raises(exc.IntegrityError, match="uq_workforce_edition_counts"):
        with indexes_after(db.connection(), WorkforceEditionCount.__table__):  # type: ignore[arg-type]
            insert_rows(db.connection(), WorkforceEditionCount.__table__,  # type: ignore[arg-type]
                        columns, [row, row])  # the same force, year, rank and sex twice
    savepoint.rollback()
    assert _catalogue(db) == before  # the failed block took its dropped indexes back with it
    assert db.scalar(select(func.count()).select_from(WorkforceEditionCount)) == 0


def test_a_spreadsheet_read_in_a_thread_is_the_one_read_in_place():
    read_sheets_soon(DEFAULT_FILE, bundled=True)
    soon = read_sheets(DEFAULT_FILE, bundled=True)
    now = read_sheets(DEFAULT_FILE, bundled=True)  # taken once: this one is read here
    assert [s.name for s in soon] == ["Notes", "Data"]
    assert [s.rows for s in soon] == [s.rows for s in now]
    assert len(soon[1].rows) == 29_305


def test_what_reading_in_a_thread_met_is_raised_where_the_sheets_are_taken(tmp_path):
    broken = tmp_path / "workforce.ods"
    broken.write_bytes(DEFAULT_FILE.read_bytes()[:40_000])  # a download cut short
    read_sheets_soon(broken)
    with pytest.raises(InputError, match="workforce.ods: not a readable spreadsheet"):
        read_sheets(broken)


def test_a_file_changed_after_its_reading_began_is_read_again(tmp_path):
    table = tmp_path / "table.ods"
    shutil.copy(DEFAULT_FILE, table)
    read_sheets_soon(table)
    cut = tmp_path / "cut.ods"
    cut.write_bytes(DEFAULT_FILE.read_bytes()[:40_000])
    shutil.copy(cut, table)  # another file under the same name: other size and time
    with pytest.raises(InputError, match="table.ods: not a readable spreadsheet"):
        read_sheets(table)



def test_a_key_another_table_refers_to_stays_while_its_table_fills(db):  # noqa: ANN001
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite keeps its indexes throughout")
    from parity.store.models import Source

    def keys() -> list[tuple[str, str]]:
        return sorted(db.execute(text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = CAST('sources' AS regclass) AND contype IN ('p', 'u')")).all())

    before = keys()
    assert ("pk_sources", "PRIMARY KEY (id)") in before  # hr_stocks.source_id refers to it
    assert db.scalar(select(func.count()).select_from(Source)) == 0
    with indexes_after(db.connection(), Source.__table__) as deferred:  # type: ignore[arg-type]
        assert deferred is True
        assert ("pk_sources", "PRIMARY KEY (id)") in keys()
    assert keys() == before
