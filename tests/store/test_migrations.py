"""The migrations build exactly the tables the models describe, on both engines."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from parity.store import Base
from parity.store.migrate import import_all_models, is_current


def _not_full_text_index(obj, name, type_, reflected, compare_to):  # noqa: ANN001, ANN202
    # SQLite FTS5 virtual tables (and their shadow tables) are made by raw SQL in a migration
    # and have no model; by convention their names contain "_fts".
    return not (type_ == "table" and name and "_fts" in name)


def test_models_match_migrations(db):
    import_all_models()
    conn = db.connection()
    context = MigrationContext.configure(conn, opts={"include_object": _not_full_text_index})
    diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_database_is_at_every_branch_head(db):
    engine = db.get_bind().engine if hasattr(db.get_bind(), "engine") else db.get_bind()
    assert is_current(engine)
