"""Benchmark of the library's pages, API and report section: generate articles, import them
with the workforce table, and time each page in-process (the app's own TestClient), on SQLite
and on PostgreSQL. Prints medians and the slowest run.

    .venv/bin/python bench/bench_library_web.py [--count 5000] [--repeats 9] [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
import uuid
import warnings
from pathlib import Path

from _common import create_pg_database, drop_pg_database, with_workforce
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from parity.library import report
from parity.library.importer import import_articles
from parity.library.samples import write_corpus

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PG_ADMIN = os.environ.get("PARITY_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def load(url: str, folder: Path) -> float:
    engine = with_workforce(url)
    with Session(engine) as s:
        start = time.perf_counter()
        import_articles(s, path=folder)
        s.commit()
        elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


def pages(client: TestClient) -> list[tuple[str, str]]:
    hit = client.get("/api/v1/library/search", params={"q": "women", "limit": 1}).json()
    article = hit["hits"][0]["id"]
    return [
        ("home (shared practice)", "/library"),
        ("search, one word", "/library?q=women"),
        ("search, phrase + region + theme",
         "/library?q=%22flexible+working%22&region=South+East&theme=flexible_working"),
        ("search, page 5", "/library?q=women&page=5"),
        ("browse a theme", "/library/themes/recruitment"),
        ("themes", "/library/themes"),
        ("forces", "/library/forces"),
        ("a force (with figures checks)", "/library/forces/kent"),
        ("an article (check, more like this)", f"/library/articles/{article}"),
        ("API search", "/api/v1/library/search?q=menopause+support"),
        ("API force checks", "/api/v1/library/forces/kent/checks"),
        ("force page with panels", "/forces/kent"),
    ]


def time_pages(url: str, repeats: int) -> list[tuple[str, float, float]]:
    from parity.web.app import create_app

    rows = []
    with TestClient(create_app(url)) as client:
        for label, path in pages(client):
            assert client.get(path).status_code == 200, path  # warm
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                client.get(path)
                times.append(time.perf_counter() - start)
            rows.append((label, statistics.median(times) * 1000, max(times) * 1000))
        engine = client.app.state.engine
        with Session(engine) as s:
            for label, force_id in (("report section, national", None),
                                    ("report section, Kent", "kent")):
                times = []
                for _ in range(max(3, repeats // 3)):
                    start = time.perf_counter()
                    report.section(s, year=2023, force_id=force_id)
                    times.append(time.perf_counter() - start)
                rows.append((label, statistics.median(times) * 1000, max(times) * 1000))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="parity-bench-libweb-"))
    results: dict[str, list] = {}
    pg_name = None
    try:
        folder = work / "news"
        write_corpus(folder, count=args.count, seed=5, html_share=0.0)
        urls = {"SQLite": f"sqlite:///{work / 'bench.db'}"}
        if not args.no_postgres:
            pg_name = f"parity_bench_libweb_{uuid.uuid4().hex[:8]}"
            urls["PostgreSQL"] = create_pg_database(PG_ADMIN, pg_name)
        for engine_name, url in urls.items():
            elapsed = load(url, folder)
            if engine_name == "PostgreSQL":
                with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
                    conn.execute(text("VACUUM ANALYZE"))
            print(f"{engine_name}: imported {args.count:,} articles in {elapsed:.1f} s")
            results[engine_name] = time_pages(url, args.repeats)
        print(f"\nload average: {os.getloadavg()[0]:.1f}; medians of {args.repeats} requests "
              "(ms), slowest in brackets")
        names = list(results)
        print(f"{'what':<38}" + "".join(f"{n:>22}" for n in names))
        for i, (label, _, _) in enumerate(results[names[0]]):
            cells = "".join(f"{results[n][i][1]:>12.1f} ({results[n][i][2]:>6.1f})"
                            for n in names)
            print(f"{label:<38}{cells}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if pg_name:
            drop_pg_database(PG_ADMIN, pg_name)


if __name__ == "__main__":
    main()
