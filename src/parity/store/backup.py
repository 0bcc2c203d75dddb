"""Backing up and restoring the whole database, on either engine.

- `backup(url, path)`: SQLite through its online backup API (a consistent copy while the
  site keeps serving); PostgreSQL with ``pg_dump --format=custom`` (Debian package
  ``postgresql-client``, of the server's major version or newer).
- `restore(url, path)`: the reverse — SQLite's backup API from the file into the database
  (every table replaced, in one step); PostgreSQL with ``pg_restore --clean --if-exists
  --single-transaction`` (all or nothing). A file from the other engine, or not a backup at
  all, is refused before anything is touched (`InputError`).

Both return a summary: the file, its size, and the tables and rows it holds.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import func, inspect, select, table
from sqlalchemy.engine import make_url

from parity.errors import InputError, Problem
from parity.store.db import database_url, make_engine

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


def _engine_name(url: str) -> str:
    return make_url(url).get_backend_name()


def _sqlite_path(url: str) -> str:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise InputError(f"{url}: an in-memory database cannot be backed up or restored")
    return path


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise InputError(f"{name} is not installed: install the Debian package "
                         "postgresql-client (scripts/debian-packages.txt)")
    return found


def _run(args: list[str], what: str) -> None:
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()][:20]
        raise InputError(f"{what} failed (exit status {done.returncode})",
                         [Problem(Path(args[0]).name, line) for line in lines])


def table_rows(url: str) -> dict[str, int]:
    """Rows in every table of the database at `url`, by table name."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {name: conn.execute(select(func.count()).select_from(table(name))).scalar_one()
                    for name in sorted(inspect(conn).get_table_names())}
    finally:
        engine.dispose()


def backup(path: Path | str, *, url: str | None = None) -> dict:
    """Write a backup of the database at `url` (default: PARITY_DATABASE_URL) to `path`."""
    url = database_url(url)
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError(f"{path}: no such folder {str(path.parent)!r}")
    if path.exists() and path.is_dir():
        raise InputError(f"{path}: a folder; give the backup file's name")
    engine_name = _engine_name(url)
    if engine_name == "sqlite":
        source = sqlite3.connect(f"file:{_sqlite_path(url)}?mode=ro", uri=True)
        partial = path.with_name(path.name + ".partial")
        target = sqlite3.connect(partial)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        partial.replace(path)
    elif engine_name == "postgresql":
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
              f"--file={path}", _libpq_url(url)], "pg_dump")
    else:
        raise InputError(f"{engine_name}: backups are made for SQLite and PostgreSQL only")
    return {"file": str(path), "engine": engine_name, "bytes": path.stat().st_size,
            "tables": table_rows(url)}


def restore(path: Path | str, *, url: str | None = None) -> dict:
    """Replace every table of the database at `url` with those of the backup at `path`."""
    url = database_url(url)
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with path.open("rb") as fh:
        head = fh.read(16)
    engine_name = _engine_name(url)
    kind = "sqlite" if head == SQLITE_MAGIC else "postgresql" if head.startswith(PG_MAGIC) \
        else None
    if kind is None:
        raise InputError(f"{path.name}: not a Parity backup", [Problem(
            path.name, "expected a file written by 'parity backup' (an SQLite database or a "
                       "pg_dump custom archive)")])
    if kind != engine_name:
        raise InputError(f"{path.name}: a {kind} backup cannot be restored into {engine_name}",
                         [Problem(path.name, f"restore it into a {kind} database "
                                             "(PARITY_DATABASE_URL)")])
    if engine_name == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE "
                                                   "type = 'table'")}
            if "alembic_version" not in tables:
                raise InputError(f"{path.name}: an SQLite database, but not Parity's (no "
                                 "schema version)")
            target = sqlite3.connect(_sqlite_path(url))
            try:
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()
    else:
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", f"--dbname={_libpq_url(url)}", str(path)], "pg_restore")
    return {"file": str(path), "engine": engine_name, "tables": table_rows(url)}
