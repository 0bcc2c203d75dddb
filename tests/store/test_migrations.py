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


def _schema(engine) -> dict:  # noqa: ANN001
    """Everything a schema holds that matters, reflected: tables with their columns, indexes,
    unique constraints and foreign keys; triggers, functions, views and FTS tables by name."""
    from sqlalchemy import inspect, text

    out: dict = {}
    with engine.connect() as conn:
        insp = inspect(conn)
        for table in insp.get_table_names():
            out[table] = {
                "columns": sorted((c["name"], str(c["type"]), c["nullable"])
                                  for c in insp.get_columns(table)),
                "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                                  for i in insp.get_indexes(table)),
                "unique": sorted(tuple(u["column_names"])
                                 for u in insp.get_unique_constraints(table)),
                "foreign": sorted((tuple(f["constrained_columns"]), f["referred_table"])
                                  for f in insp.get_foreign_keys(table)),
            }
        if conn.dialect.name == "sqlite":
            out["(objects)"] = sorted(conn.execute(text(
                "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'table', 'view')")).all())
        else:
            out["(objects)"] = sorted(conn.execute(text(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars()) + sorted(
                conn.execute(text("SELECT proname FROM pg_proc p JOIN pg_namespace n ON "
                                  "n.oid = p.pronamespace WHERE n.nspname = 'public'")).scalars()) + sorted(
                conn.execute(text("SELECT viewname FROM pg_views WHERE schemaname = 'public'"))
                .scalars())
    return out


def test_a_blank_database_built_from_the_models_equals_the_migrated_one(tmp_path):
    import uuid

    from parity.store import make_engine, upgrade
    from parity.store.migrate import current_revisions
    from tests.helpers import create_pg_database, drop_pg_database

    names = [f"parity_test_blank_{uuid.uuid4().hex[:8]}_{k}" for k in ("fast", "slow")]
    urls = {
        "sqlite": (f"sqlite:///{tmp_path / 'fast.db'}", f"sqlite:///{tmp_path / 'slow.db'}"),
        "postgresql": tuple(create_pg_database(n) for n in names),
    }
    try:
        for fast_url, slow_url in urls.values():
            fast, slow = make_engine(fast_url), make_engine(slow_url)
            upgrade(fast)
            upgrade(slow, migrations_only=True)
            assert _schema(fast) == _schema(slow)
            assert current_revisions(fast) == current_revisions(slow)  # as Alembic stamps
            fast.dispose()
            slow.dispose()
    finally:
        for n in names:
            drop_pg_database(n)


def test_the_written_schema_is_what_the_models_give_now():
    """`parity.store.schema`'s files are generated: a model changed without writing them
    again fails here (and the blank-database test above holds them to the migrations)."""
    import subprocess
    import sys

    from parity.store import migrate, schema

    for engine in schema.ENGINES:
        # in a new process: tests here add tables of their own to the models' metadata
        now = subprocess.run(
            [sys.executable, "-c", "import sys; from parity.store import schema; "
             f"sys.stdout.write(schema.rendered({engine!r}))"],
            capture_output=True, text=True, check=True, encoding="utf-8").stdout
        assert migrate.schema_file(engine).read_text(encoding="utf-8") == now, (
            f"{migrate.schema_file(engine).name} is out of date: run `python -m parity.store.schema`")
        made = migrate.schema_statements(engine)
        assert made is not None and any(s.startswith("CREATE VIEW workforce_counts") for s in made)
        assert made[-1].startswith("INSERT INTO alembic_version")
