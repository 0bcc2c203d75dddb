"""Benchmark of the library: import 10,000 generated front-matter articles, import saved HTML
pages, and search, on SQLite and on PostgreSQL. Prints the real figures and the targets.

    .venv/bin/python bench/bench_library.py [--count 10000] [--html 500] [--no-postgres]

Targets (issue 6): 10,000 Markdown articles imported in under 30 s; a search in under 50 ms
on each engine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _common import create_pg_database, drop_pg_database
from sqlalchemy import text
from sqlalchemy.orm import Session

from parity.library import service
from parity.library.importer import import_articles
from parity.library.samples import write_corpus
from parity.store import make_engine, upgrade

PG_ADMIN = os.environ.get("PARITY_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
QUERIES = [
    ("one word, many matches", dict(query="women")),
    ("two words", dict(query="menopause support")),
    ("phrase", dict(query='"flexible working"')),
    ("rare word", dict(query="soteria")),
    ("OR of three", dict(query="mentoring OR coaching OR sponsor")),
    ("word + force filter", dict(query="recruitment", force="Kent")),
    ("word + region + theme", dict(query="patrols", region="London", theme="vawg")),
    ("prefix", dict(query="promot*")),
]


def time_import(url: str, folder: Path) -> tuple[float, dict]:
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s:
        start = time.perf_counter()
        report = import_articles(s, path=folder)
        s.commit()
        elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed, {"imported": report.imported, "problems": len(report.problems)}


def time_command(url: str, folder: Path) -> float:
    """Wall time of the whole `parity import articles FOLDER` command (start-up, progress bar,
    commit), on a database that does not exist yet."""
    env = {**os.environ, "PARITY_DATABASE_URL": url}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "parity", "import", "articles", str(folder)],
                   env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def time_searches(url: str, repeats: int = 15) -> list[tuple[str, int, float, float]]:
    engine = make_engine(url)
    rows = []
    with Session(engine) as s:
        for label, kwargs in QUERIES:
            service.search(s, **kwargs)  # warm
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                result = service.search(s, **kwargs, limit=10)
                times.append((time.perf_counter() - start) * 1000)
            rows.append((label, result["total"], statistics.median(times), max(times)))
        some = service.search(s, query="menopause")["hits"][0]["id"]
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            service.more_like_this(s, ref=some)
            times.append((time.perf_counter() - start) * 1000)
        rows.append(("more like this", -1, statistics.median(times), max(times)))
    engine.dispose()
    return rows


def report_searches(engine_name: str, rows) -> None:  # noqa: ANN001
    print(f"\nsearch on {engine_name} (limit 10, median and max of 15 runs, target < 50 ms):")
    for label, total, median, worst in rows:
        found = f"{total:>6,} hits" if total >= 0 else "          "
        verdict = ("ok" if median < 50 else "SLOW") if total >= 0 else "(no target)"
        print(f"  {label:<24} {found}  median {median:6.1f} ms  max {worst:6.1f} ms  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--html", type=int, default=500)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="parity-bench-library-"))
    try:
        start = time.perf_counter()
        write_corpus(work / "md", count=args.count, seed=2024)
        print(f"generated {args.count:,} Markdown articles in {time.perf_counter() - start:.1f} s")
        sqlite_url = f"sqlite:///{work / 'bench.db'}"
        elapsed, info = time_import(sqlite_url, work / "md")
        rate = info["imported"] / elapsed
        print(f"SQLite: imported {info['imported']:,} Markdown articles in {elapsed:.1f} s "
              f"({rate:,.0f} a second; target < 30 s: {'ok' if elapsed < 30 else 'SLOW'})")
        size = (work / "bench.db").stat().st_size / 1e6
        print(f"        database file {size:.0f} MB")
        again, _ = time_import(sqlite_url, work / "md")
        print(f"        the same folder again (nothing changes): {again:.1f} s")
        command = time_command(f"sqlite:///{work / 'command.db'}", work / "md")
        print(f"        the whole command `parity import articles` on a new database: "
              f"{command:.1f} s ({'ok' if command < 30 else 'SLOW'})")

        write_corpus(work / "html", count=args.html, seed=99, html_share=1.0)
        elapsed_html, info_html = time_import(f"sqlite:///{work / 'html.db'}", work / "html")
        pages = info_html["imported"]
        print(f"SQLite: imported {pages:,} saved HTML pages in {elapsed_html:.1f} s "
              f"({pages / elapsed_html:,.0f} a second, with text extraction)")
        report_searches("SQLite", time_searches(sqlite_url))

        if not args.no_postgres:
            name = f"parity_bench_{uuid.uuid4().hex[:8]}"
            pg_url = create_pg_database(PG_ADMIN, name)
            try:
                elapsed, info = time_import(pg_url, work / "md")
                print(f"\nPostgreSQL: imported {info['imported']:,} Markdown articles in "
                      f"{elapsed:.1f} s ({info['imported'] / elapsed:,.0f} a second; target "
                      f"< 30 s: {'ok' if elapsed < 30 else 'SLOW'})")
                # What autovacuum does soon after a bulk load: statistics, visibility map.
                engine = make_engine(pg_url, isolation_level="AUTOCOMMIT")
                with engine.connect() as conn:
                    conn.execute(text("VACUUM (ANALYZE) library_articles"))
                engine.dispose()
                report_searches("PostgreSQL", time_searches(pg_url))
            finally:
                drop_pg_database(PG_ADMIN, name)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
