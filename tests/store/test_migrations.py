"""The migrations build exactly the tables the models describe, on both engines."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from parity.store import Base
from parity.store.migrate import import_all_models, is_current


def test_models_match_migrations(db):
    import_all_models()
    conn = db.connection()
    diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_database_is_at_every_branch_head(db):
    engine = db.get_bind().engine if hasattr(db.get_bind(), "engine") else db.get_bind()
    assert is_current(engine)
