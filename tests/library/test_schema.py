"""The library's migration matches its models on both engines, and builds each engine's index.

The shared comparison (tests/store/test_migrations.py) sees the FTS5 table ``library_fts`` and
its shadow tables on SQLite, which no model describes; this test makes the same comparison
with exactly those names left out, so that anything else that differs still fails.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from parity.library.models import FTS_TABLES
from parity.store import Base
from parity.store.migrate import import_all_models


def _modelled(name, type_, parent_names) -> bool:  # noqa: ANN001
    return not (type_ == "table" and name in Base.metadata.info.get("unmodelled_tables", ()))


def test_models_match_migration_apart_from_the_fts_tables(db):
    import_all_models()
    context = MigrationContext.configure(db.connection(), opts={"include_name": _modelled})
    assert compare_metadata(context, Base.metadata) == []


def test_each_engine_has_its_full_text_index(db):
    conn = db.connection()
    if conn.dialect.name == "sqlite":
        names = set(inspect(conn).get_table_names())
        assert {"library_fts", "library_fts_data", "library_fts_idx"} <= names
        assert {n for n in names if n.startswith("library_fts")} == FTS_TABLES
    else:
        indexes = conn.execute(text(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'library_articles' "
            "AND indexname = 'ix_library_articles_search_vector'")).scalar()
        assert "gin" in indexes.lower()
        triggers = conn.execute(text(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'library_articles'::regclass "
            "AND NOT tgisinternal")).scalars().all()
        assert triggers == ["library_articles_search_vector"]
