"""Schema migrations with Alembic, run from code.

Each domain owns a branch of migrations in ``migrations/versions`` (file names start with the
domain, ``branch_labels`` name it); `upgrade` brings every branch to its head. Commands call it
before they touch the database, so a fresh database needs no separate step.
"""

from __future__ import annotations

import ast
import importlib
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from parity.discovery import domain_modules
from parity.store.base import Base
from parity.store.raw import SCHEMA_LOCK, Raw, schema_statements
from parity.store.raw import SEPARATOR as SEPARATOR
from parity.store.raw import schema_file as schema_file

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(connection=None):  # noqa: ANN001, ANN202
    from alembic.config import Config  # deferred: alembic costs ~0.4 s at start-up

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def revision_graph() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """{revision: (what it revises, what it depends on)}, read from the migration files.

    Read with `ast`, without importing Alembic, so that the "is the schema current?" check every
    command makes stays cheap. A test holds it equal to Alembic's own reading of the files.
    """
    graph = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        values: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)
                    and node.targets[0].id in ("revision", "down_revision", "depends_on")):
                values[node.targets[0].id] = ast.literal_eval(node.value)
        if isinstance(values.get("revision"), str):
            graph[str(values["revision"])] = (_names(values.get("down_revision")),
                                              _names(values.get("depends_on")))
    return graph


def _names(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def head_revisions() -> frozenset[str]:
    """Every branch's head: the revisions no other revision revises."""
    graph = revision_graph()
    revised = {down for downs, _ in graph.values() for down in downs}
    return frozenset(rev for rev in graph if rev not in revised)


@lru_cache(maxsize=32)
def applied_closure(current: frozenset[str]) -> frozenset[str]:
    """The revisions `current` implies: each one and everything it revises or depends on."""
    graph, seen, todo = revision_graph(), set(), list(current)
    while todo:
        rev = todo.pop()
        if rev in seen:
            continue
        seen.add(rev)
        downs, depends = graph.get(rev, ((), ()))
        todo.extend(downs + depends)
    return frozenset(seen)


def is_current(engine: Engine) -> bool:
    """True when every branch head is applied (directly or as a dependency of another)."""
    return head_revisions() <= applied_closure(current_revisions(engine))


def current_revisions(engine: Engine) -> frozenset[str]:
    with engine.connect() as conn:
        if not _has_tables(conn, "alembic_version"):
            return frozenset()
        return frozenset(r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version")))


def _has_tables(conn, name: str | None = None) -> bool:  # noqa: ANN001
    """Whether the database holds a table (or the one named), asked of the catalogue directly
    (`parity.store.raw.Raw.has_tables`): the inspector compiles queries of its own on first
    use, tens of milliseconds of every command. Other engines: the inspector."""
    if conn.dialect.name in ("postgresql", "sqlite"):
        return Raw.of_connection(conn).has_tables(name)
    return inspect(conn).has_table(name) if name else bool(inspect(conn).get_table_names())


def upgrade(engine: Engine, *, migrations_only: bool = False) -> None:
    """Bring the database at `engine` to the latest schema (a no-op when it is there already).

    A blank database (no tables at all) is built straight from the models and stamped with
    every branch head: the same schema as running every migration (a test compares the two on
    both engines), without the cost of loading Alembic on a user's first command.
    ``migrations_only`` runs the migrations even then (the test suite builds its databases so).
    """
    if is_current(engine):
        return
    if not migrations_only and _is_blank(engine):
        _build_blank(engine)
        return
    from alembic import command  # deferred: alembic costs ~0.4 s at start-up

    with engine.begin() as conn:
        _forget_implied(conn)
        command.upgrade(_config(conn), "heads")


def stamp_revisions() -> frozenset[str]:
    """The heads a fully migrated database records, as Alembic writes them: every head but
    those another head depends on (``store_0001``)."""
    heads = head_revisions()
    implied = {rev for h in heads for rev in applied_closure(frozenset({h})) if rev != h}
    return frozenset(heads - implied)


def _forget_implied(conn) -> None:  # noqa: ANN001
    """Drop version rows that another row implies. Blank databases were once stamped with
    ``store_0001`` beside the revisions depending on it, a state Alembic refuses to upgrade
    from ("overlaps with other requested revisions")."""
    if not inspect(conn).has_table("alembic_version"):
        return
    current = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
    for rev in current:
        if any(rev in applied_closure(frozenset({other})) for other in current - {rev}):
            conn.execute(text("DELETE FROM alembic_version WHERE version_num = :v"), {"v": rev})


def _is_blank(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not _has_tables(conn)


def _build_blank(engine: Engine) -> None:
    """Every table of a blank database: from the script written out for its engine
    (`parity.store.schema`), sent at once, or else from the models."""
    script = schema_statements(engine.dialect.name)
    if script is not None:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                # one process at a time; another may have made it while this one waited
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                if _has_tables(conn):
                    return
                conn.exec_driver_sql(";\n".join(script))  # one round trip
            else:
                for statement in script:  # SQLite's driver runs one statement a call
                    conn.exec_driver_sql(statement)
        return
    from sqlalchemy import Column, MetaData, String, Table  # deferred: sqlalchemy costs ~0.3 s at start-up

    import_all_models()
    version = Table("alembic_version", MetaData(),
                    Column("version_num", String(32), primary_key=True, nullable=False))
    with engine.begin() as conn:
        Base.metadata.create_all(conn, checkfirst=False)  # blank: no table to look for
        version.create(conn)
        conn.execute(version.insert(), [{"version_num": rev} for rev in sorted(stamp_revisions())])


def import_all_models() -> None:
    """Import every domain's ``models`` module so that `Base.metadata` knows every table."""
    importlib.import_module("parity.store.models")
    importlib.import_module("parity.store.version")
    domain_modules("models")
