"""Benchmark the commitments pages, API, force panel and report section on SQLite with the
real workforce table and the bundled national commitments.

Prints the first request (which loads and commits the national commitments), then the median
and worst of a few in-process requests for each page, a force page with and without the
commitments panel's share, and the report section (national and one force), with the whole
report's HTML for scale. Run: ``.venv/bin/python bench/bench_commitments_web.py``.
"""

from __future__ import annotations

import statistics
import time
import warnings

from _common import sqlite_with_workforce, time_pages
from sqlalchemy.orm import Session

REPEAT = 5
PAGES = ["/commitments", "/commitments?as_of=2022-12-31", "/commitments/forces/kent",
         "/commitments/forces/kent/review", "/commitments/national-2019-1",
         "/commitments/national-2019-1?force=kent", "/commitments.json",
         "/api/v1/commitments/status?force=Kent", "/api/v1/commitments/overview",
         "/api/v1/commitments/summary", "/forces/kent"]


def main() -> None:
    _, url, engine = sqlite_with_workforce("parity-bench-cw-")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from parity.commitments import report, views
    from parity.web.app import create_app

    app = create_app(url)
    with TestClient(app) as client:
        t = time.perf_counter()
        assert client.get("/forces/kent").status_code == 200
        print(f"first /forces/kent (panel loads the defaults, not committed): "
              f"{(time.perf_counter() - t) * 1000:.0f} ms")
        t = time.perf_counter()
        assert client.get("/api/v1/commitments/status").status_code == 200
        print(f"first commitments read (loads and commits the defaults): "
              f"{(time.perf_counter() - t) * 1000:.0f} ms")
        time_pages(client, PAGES, repeat=REPEAT, width=48)

    with Session(engine) as s:
        times = []
        for _ in range(REPEAT):
            t = time.perf_counter()
            views.force_panel(s, force_id="kent", year=2023)
            times.append((time.perf_counter() - t) * 1000)
        print(f"force_panel (Kent, 2023): median {statistics.median(times):.1f} ms")
        t = time.perf_counter()
        report.section(s, year=2023, force_id=None)
        national_s = time.perf_counter() - t
        times = []
        for force_id in ("kent", "dyfed-powys", "metropolitan-police"):
            t = time.perf_counter()
            report.section(s, year=2023, force_id=force_id)
            times.append((time.perf_counter() - t) * 1000)
        print(f"report section: national {national_s:.2f} s; one force median "
              f"{statistics.median(times):.0f} ms")
        from parity.reports.service import build_report

        t = time.perf_counter()
        built = build_report(s, year=2023)
        print(f"whole report HTML (44 forces, with every domain's sections): "
              f"{time.perf_counter() - t:.2f} s ({len(built.html) / 1024:.0f} KiB)")
    engine.dispose()


if __name__ == "__main__":
    main()
