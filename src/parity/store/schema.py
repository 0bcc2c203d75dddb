"""The schema of a blank database, written out as SQL for each engine.

A command's first use of a new database makes every table (`parity.store.migrate.upgrade`).
Making them from the models means defining every domain's mapped classes first and sending
one statement at a time: about half a second of a first import on PostgreSQL, longer than the
import itself. So the statements the models give are written out here, once, in
``schema/<engine>.sql``, with the stamp of every migration head, and a blank database gets
them as one script. The files are generated, never edited: after a change to a model (and its
migration), ``python -m parity.store.schema`` writes them again, and a test fails until it
has (`rendered` equals the file), while another holds a database made from them (by
`parity.store.migrate`) equal to one made by running every migration.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import Column, MetaData, String, Table, create_mock_engine

from parity.store.base import Base
from parity.store.migrate import SEPARATOR, import_all_models, schema_file, stamp_revisions

ENGINES = ("postgresql", "sqlite")
HEADER = ("-- Parity's schema for a blank {engine} database, made from the models by\n"
          "-- `python -m parity.store.schema`: generated, not edited (docs/store.md).\n")


def rendered(engine: str) -> str:
    """The script for `engine` ("postgresql" or "sqlite"), from the models: every table,
    index and trigger as `create_all` makes them, then Alembic's version table stamped with
    every branch head (`parity.store.migrate.stamp_revisions`)."""
    import_all_models()
    statements: list[str] = []
    url = "postgresql+psycopg://" if engine == "postgresql" else "sqlite://"

    def collect(sql, *_args, **_kwargs) -> None:  # noqa: ANN001
        compiled = str(sql.compile(dialect=mock.dialect)).strip()
        statements.append("\n".join(line.rstrip() for line in compiled.splitlines()))

    mock = create_mock_engine(url, collect)
    Base.metadata.create_all(mock, checkfirst=False)  # type: ignore[arg-type]
    version = Table("alembic_version", MetaData(),
                    Column("version_num", String(32), primary_key=True, nullable=False))
    version.create(mock)  # type: ignore[arg-type]
    statements = _indexes_sorted(statements)
    for revision in sorted(stamp_revisions()):
        assert "'" not in revision
        statements.append(f"INSERT INTO alembic_version (version_num) VALUES ('{revision}')")
    return HEADER.format(engine=engine) + SEPARATOR + SEPARATOR.join(statements) + "\n"


def _indexes_sorted(statements: list[str]) -> list[str]:
    """`statements` with each table's run of CREATE INDEX in name order (a table keeps its
    indexes in a set: `create_all` makes them in an order that changes between runs)."""
    out: list[str] = []
    run: list[str] = []
    for statement in [*statements, ""]:
        if statement.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX")):
            run.append(statement)
            continue
        out += sorted(run)
        run = []
        if statement:
            out.append(statement)
    return out


def write() -> list[Path]:
    written = []
    for engine in ENGINES:
        path = schema_file(engine)
        path.parent.mkdir(exist_ok=True)
        path.write_text(rendered(engine), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write():
        sys.stdout.write(f"wrote {path}\n")
