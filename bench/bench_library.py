"""Benchmark of the library: import 10,000 generated front-matter articles and search, on
SQLite and on PostgreSQL.

The import is timed as a user runs it: the whole command `parity import articles FOLDER` on a
new database (a new process, imports included), alternately with the peer a user would
otherwise pick — a script that reads the same files, parses their front matter and loads
title and body into a full-text index (SQLite FTS5; on PostgreSQL, COPY and a GIN index on
the text search vector). Medians and ratios are printed (`_common.Contest`). Floors (issue 13):
under 3 s on SQLite, under 5 s on PostgreSQL. Searches are timed in-process (marked so;
issue 6: under 50 ms).

    .venv/bin/python bench/bench_library.py [--count 10000] [--runs 3] [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _common import PARITY, PEERS, Contender, Contest, create_pg_database, drop_pg_database

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


def time_searches(url: str, repeats: int = 15) -> list[tuple[str, int, float, float]]:
    from sqlalchemy.orm import Session

    from parity.library import service
    from parity.store import make_engine

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
    print(f"\nsearch on {engine_name}, in-process (limit 10, median and max of 15 runs, "
          "target < 50 ms):")
    for label, total, median, worst in rows:
        found = f"{total:>6,} hits" if total >= 0 else "          "
        verdict = ("ok" if median < 50 else "SLOW") if total >= 0 else "(no target)"
        print(f"  {label:<24} {found}  median {median:6.1f} ms  max {worst:6.1f} ms  {verdict}")


def _fresh_file(path: Path) -> None:
    path.unlink(missing_ok=True)


def _fresh_pg(name: str) -> None:
    drop_pg_database(PG_ADMIN, name)
    create_pg_database(PG_ADMIN, name)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="parity-bench-library-"))
    try:
        from parity.library.samples import write_corpus

        start = time.perf_counter()
        write_corpus(work / "md", count=args.count, seed=2024)
        print(f"generated {args.count:,} Markdown articles in {time.perf_counter() - start:.1f} s")
        ours, theirs = work / "parity.db", work / "fts5.db"
        Contest(f"import articles, {args.count:,} articles, SQLite (a new database)", [
            Contender("parity import articles", [PARITY, "import", "articles", str(work / "md")],
                      env={"PARITY_DATABASE_URL": f"sqlite:///{ours}"},
                      before=lambda: _fresh_file(ours)),
            Contender("FTS5 load (a script)", [sys.executable, str(PEERS), "articles-sqlite",
                                               str(work / "md"), str(theirs)],
                      before=lambda: _fresh_file(theirs)),
        ]).run(args.runs).print(floor=3.0)
        report_searches("SQLite", time_searches(f"sqlite:///{ours}"))

        if not args.no_postgres:
            name, peer_name = (f"parity_bench_{uuid.uuid4().hex[:8]}" for _ in range(2))
            pg_url = create_pg_database(PG_ADMIN, name)
            peer_url = create_pg_database(PG_ADMIN, peer_name).replace("+psycopg", "")
            try:
                Contest(f"import articles, {args.count:,} articles, PostgreSQL (a new database)", [
                    Contender("parity import articles", [PARITY, "import", "articles",
                                                         str(work / "md")],
                              env={"PARITY_DATABASE_URL": pg_url}, before=lambda: _fresh_pg(name)),
                    Contender("COPY + GIN index (a script)", [
                        sys.executable, str(PEERS), "articles-postgres", str(work / "md"), peer_url],
                              before=lambda: _fresh_pg(peer_name)),
                ]).run(args.runs).print(floor=5.0)
                report_searches("PostgreSQL", time_searches(pg_url))
            finally:
                drop_pg_database(PG_ADMIN, name)
                drop_pg_database(PG_ADMIN, peer_name)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
