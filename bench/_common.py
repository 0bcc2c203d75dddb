"""Pieces the bench scripts share (they run as ``.venv/bin/python bench/<script>.py``, so this
folder is on the import path): a SQLite database with the workforce table, a PostgreSQL
database of the script's own, and timing a list of pages in-process."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from parity.store import make_engine, upgrade


def with_workforce(url: str) -> Engine:
    """An engine on the database at `url`, migrated, with the bundled workforce table imported
    (committed)."""
    from parity.workforce.importer import import_workforce

    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s:
        import_workforce(s)
        s.commit()
    return engine


def sqlite_with_workforce(prefix: str) -> tuple[Path, str, Engine]:
    """(folder, URL, engine) of a new SQLite file in a temporary folder named from `prefix`,
    migrated, with the bundled workforce table imported."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    url = f"sqlite:///{folder / 'bench.db'}"
    return folder, url, with_workforce(url)


def create_pg_database(admin_url: str, name: str) -> str:
    """Create the PostgreSQL database `name` on the server of `admin_url`; returns its URL."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def time_pages(client, pages: Iterable[str], *, repeat: int, width: int) -> None:  # noqa: ANN001
    """Print, for each page, the median and worst of `repeat` requests and its size, after a
    heading; every answer must be 200."""
    print(f"{'page':{width}} {'median ms':>10} {'worst ms':>9} {'KiB':>6}")
    for page in pages:
        times, size = [], 0
        for _ in range(repeat):
            t = time.perf_counter()
            response = client.get(page)
            times.append((time.perf_counter() - t) * 1000)
            size = len(response.content)
            assert response.status_code == 200, page
        print(f"{page:{width}} {statistics.median(times):10.1f} {max(times):9.1f} "
              f"{size / 1024:6.1f}")
