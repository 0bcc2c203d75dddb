"""Benchmarks for the flows pages, API and report section (prints real figures; no asserts).

Times, on a SQLite database holding the bundled official table, through the in-process
client (the whole request: parsing, the projection, the template, the SVG):

1. the national projection page `/flows` with the defaults (500 runs, 30 years, five
   scenarios side by side) and the largest force's page (Metropolitan Police);
   target: under 1 s each;
2. `/api/v1/flows/project` at the cap (1,000 runs, 50 years, six scenarios); target: 3 s;
3. a force's page with the projection panel (200 runs, one scenario): the panel's cost;
4. `/flows/forces` (43 forces and England and Wales, three scenarios, 200 runs): the first
   request, then a cached one; target: 10 s, then 0.1 s;
5. the report's national section and one force's section (cached runs reused).

Best and median of three (caches cleared where the first request is measured), because
the machine may be shared.

Run: .venv/bin/python bench/bench_flows_web.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from _common import with_workforce
from sqlalchemy.orm import Session

from parity.flows import outlooks, report

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

REPEAT = 3


def timed(label: str, func: Callable, *, target: float | None = None,
          before: Callable | None = None) -> None:
    times = []
    for _ in range(REPEAT):
        if before:
            before()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    goal = f"   target {target:g} s" if target else ""
    print(f"{label:<72} best {min(times):6.3f} s   median {statistics.median(times):6.3f} s"
          f"{goal}")


def main() -> None:
    from parity.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = with_workforce(url)
        client = TestClient(create_app(url))

        def get(path: str) -> Callable:
            def run() -> None:
                answer = client.get(path)
                assert answer.status_code == 200, answer.text[:300]
            return run

        clear = outlooks._OUTLOOKS.clear
        timed("/flows (England and Wales, 500 runs, 30 years, 5 scenarios)", get("/flows"),
              target=1)
        timed("/flows/projection?area=Metropolitan Police (the same)",
              get("/flows/projection?area=Metropolitan%20Police"), target=1)
        timed("/api/v1/flows/project at the cap (1,000 runs, 50 years, 6 scenarios)",
              get("/api/v1/flows/project?runs=1000&years=50&recruit_share_female=0.45"),
              target=3)
        timed("/forces/kent with the projection panel (first time)", get("/forces/kent"),
              before=clear)
        timed("/flows/forces (44 areas x 3 scenarios x 200 runs), first request",
              get("/flows/forces"), target=10, before=clear)
        timed("/flows/forces, cached", get("/flows/forces"), target=0.1)
        with Session(engine) as s:
            timed("report section, national (first time)",
                  lambda: report.section(s, year=2023, force_id=None), before=clear)
            timed("report section, Kent (after the national one)",
                  lambda: report.section(s, year=2023, force_id="kent"))
        engine.dispose()


if __name__ == "__main__":
    main()
