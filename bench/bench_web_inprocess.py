"""Benchmark the web pages, the API and the annual report on SQLite with the real table.

Prints, for each page, the median and worst of a few in-process requests, then the time to
build the whole report (HTML, 44 force sections) and to lay out its PDF. Run:
``.venv/bin/python bench/bench_web_inprocess.py`` (the load on a served app: ``bench_web.py``).
"""

from __future__ import annotations

import sys
import time
import warnings

from _common import sqlite_with_workforce, time_pages
from sqlalchemy.orm import Session

REPEAT = 5
PAGES = ["/", "/forces", "/forces/metropolitan-police", "/league?group=senior", "/trend",
         "/api/v1/representation?area=Kent&group=senior", "/api/v1/trend", "/api/v1/league",
         "/api/v1/overview", "/index.json"]


def main() -> None:
    folder, url, engine = sqlite_with_workforce("parity-bench-web-")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from parity.web.app import create_app

    started = time.perf_counter()
    app = create_app(url)
    print(f"create_app: {time.perf_counter() - started:.3f} s")
    with TestClient(app) as client:
        time_pages(client, PAGES, repeat=REPEAT, width=52)

    from parity.reports.service import build_report, write_report

    with Session(engine) as s:
        t = time.perf_counter()
        one = build_report(s, year=2023, force="Kent", with_national=True)
        one_s = time.perf_counter() - t
        t = time.perf_counter()
        report = build_report(s, year=2023)
        html_s = time.perf_counter() - t
    t = time.perf_counter()
    written = write_report(report, out_dir=folder / "report", pdf=True)
    pdf_s = time.perf_counter() - t
    print(f"report HTML, national + 1 force: {one_s:.2f} s ({len(one.html) / 1024:.0f} KiB)")
    print(f"report HTML, national + {len(report.force_ids)} forces: {html_s:.2f} s "
          f"({len(report.html) / 1024:.0f} KiB); per extra force "
          f"{(html_s - one_s) / (len(report.force_ids) - 1) * 1000:.0f} ms")
    print(f"report PDF: {pdf_s:.2f} s for {written['pages']} pages "
          f"({pdf_s / written['pages'] * 1000:.0f} ms a page; PDF/HTML time ratio "
          f"{pdf_s / html_s:.1f})")
    engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
