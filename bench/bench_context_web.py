"""Benchmark: the context pages, API and report section on SQLite.

Builds a SQLite database with the bundled workforce table, pay gap downloads and ONS tables
(or uses PARITY_BENCH_DB, a SQLite URL that already holds them), then prints wall-clock and
CPU times (best of `--repeat`) of each page in process, of the force page with and without
the context panel's share, and of the annual report's HTML for all 44 forces with the context
section against the same build without it.

    .venv/bin/python bench/bench_context_web.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings
from pathlib import Path

from sqlalchemy.orm import Session

from parity.store import make_engine, upgrade


def best(fn, repeat: int) -> tuple[float, float]:  # noqa: ANN001
    """(wall, CPU) seconds of the fastest of `repeat` runs."""
    runs = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        runs.append((time.perf_counter() - start, time.process_time() - cpu))
    return min(runs)


def database(folder: Path) -> str:
    url = os.environ.get("PARITY_BENCH_DB")
    if url:
        return url
    url = f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    from parity.context.service import ensure_loaded
    from parity.workforce.service import ensure_loaded as workforce_loaded

    with Session(engine) as s:
        workforce_loaded(s)
        ensure_loaded(s)
        s.commit()
    engine.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from parity.reports import sections
    from parity.reports.service import build_report
    from parity.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        url = database(Path(tmp))
        print(f"database ready in {time.perf_counter() - start:.1f} s")
        client = TestClient(create_app(url))
        pages = ["/context/paygap", "/context/paygap?year=2020", "/context/paygap/kent",
                 "/context/crime", "/context/crime/kent", "/context", "/context/forces/kent",
                 "/forces/kent", "/api/v1/context/paygap/history?force=kent",
                 "/api/v1/context/crime", "/api/v1/context?force=kent"]
        print(f"{'page':48} {'wall':>8} {'CPU':>8}")
        for page in pages:
            assert client.get(page).status_code == 200, page
            wall, cpu = best(lambda p=page: client.get(p), args.repeat)
            print(f"{page:48} {wall:8.3f} {cpu:8.3f}")

        engine = make_engine(url)
        found = sections.discover()
        without = {k: v for k, v in found.items() if k != "context"}
        with Session(engine) as s:
            def report(functions: dict) -> None:
                original = sections.discover
                sections.discover = lambda: functions  # type: ignore[assignment]
                try:
                    build_report(s, year=2023)
                finally:
                    sections.discover = original  # type: ignore[assignment]

            with_ctx = best(lambda: report(found), args.repeat)
            without_ctx = best(lambda: report(without), args.repeat)
        engine.dispose()
        print(f"{'report HTML, 44 forces, with context section':48} {with_ctx[0]:8.3f} "
              f"{with_ctx[1]:8.3f}")
        print(f"{'report HTML, 44 forces, without it':48} {without_ctx[0]:8.3f} "
              f"{without_ctx[1]:8.3f}")
        print(f"context section's share of the build (CPU): "
              f"{with_ctx[1] - without_ctx[1]:.2f} s, ratio {with_ctx[1] / without_ctx[1]:.2f}")


if __name__ == "__main__":
    main()
