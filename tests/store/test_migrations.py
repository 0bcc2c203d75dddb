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


def test_cheap_revision_reading_agrees_with_alembic():
    from alembic.script import ScriptDirectory

    from parity.store.migrate import _config, applied_closure, head_revisions, revision_graph

    script = ScriptDirectory.from_config(_config())
    assert head_revisions() == frozenset(script.get_heads())
    assert set(revision_graph()) == {r.revision for r in script.walk_revisions()}
    for rev in script.walk_revisions():
        expected = {rev.revision}
        todo = list(rev._all_down_revisions)
        while todo:
            down = todo.pop()
            if down not in expected:
                expected.add(down)
                todo.extend(script.get_revision(down)._all_down_revisions)
        assert applied_closure(frozenset({rev.revision})) == expected
