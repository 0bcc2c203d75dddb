"""Benchmarks for the flows domain (prints real figures; no assertions).

1. Import the generated HR history of the largest force (Metropolitan Police, 31 March 2008
   to 2023: 15 flows years) into a database holding the official table. Target: under 5 s.
   A scale check imports the three largest forces' histories as one file.
2. `flows` for one force and year plus a 20-year projection with 1,000 simulated runs (the
   service calls the commands make; the projection computes the chosen scenario and the four
   standard ones side by side; also timed for the one scenario alone). Target: under 2 s.

Each figure is timed three times (the database reset between imports, untimed); the best and
the median are printed, because the machine may be shared.

Run: .venv/bin/python bench/bench_flows.py [--postgres ADMIN_URL]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from parity.flows import projection, service, synth
from parity.flows.importer import import_hr
from parity.store import make_engine, open_session, upgrade
from parity.workforce.service import ensure_loaded

REPEAT = 3


def timed(label: str, func: Callable, *, target: float | None = None,
          setup: Callable | None = None, repeat: int = REPEAT):  # noqa: ANN201
    times, value = [], None
    for _ in range(repeat):
        if setup:
            setup()
        start = time.perf_counter()
        value = func()
        times.append(time.perf_counter() - start)
    best, median = min(times), statistics.median(times)
    ratio = f"  ({best / target:.0%} of the {target:g} s target)" if target else ""
    print(f"{label:<58} best {best:6.3f} s, median {median:6.3f} s{ratio}")
    return value


def _reset(session) -> None:  # noqa: ANN001
    for statement in ("DELETE FROM hr_events", "DELETE FROM hr_stocks",
                      "DELETE FROM sources WHERE kind = 'hr'"):
        session.execute(text(statement))
    session.commit()


def _importer(session, path: Path, force: str) -> Callable:  # noqa: ANN001
    def run():  # noqa: ANN202
        result = import_hr(session, path=path, force=force)
        session.commit()
        return result

    return run


def _merged_extract(session, work: Path, met: Path) -> Path:  # noqa: ANN001
    """The Met's history and those of the next two largest forces in one file (person ids
    prefixed): to show how the import scales."""
    out = work / "merged.csv"
    with open(out, "w", encoding="utf-8") as fh:
        for k, (force, path) in enumerate((("Metropolitan Police", met),
                                           ("West Midlands", work / "wm.csv"),
                                           ("Greater Manchester", work / "gm.csv"))):
            if not path.exists():
                synth.generate(session, force=force, from_year=2008, to_year=2023, seed=1,
                               out=path)
            with open(path, encoding="utf-8") as src:
                header = src.readline()
                if k == 0:
                    fh.write(header)
                for line in src:
                    fh.write(f"F{k}{line}")
    return out


def _queries(session, label: str) -> None:  # noqa: ANN001
    for force in ("Gwent", "Metropolitan Police"):
        def both(force: str = force):  # noqa: ANN202
            service.flows(session, force_id=force, year=2023)
            return service.project(session, area=force, from_year=2023, years=20, runs=1000,
                                   seed=1)

        def single(force: str = force):  # noqa: ANN202
            import numpy as np

            service.flows(session, force_id=force, year=2023)
            area = service.registry().area(force)
            rates = service.projection_rates(session, area=area, from_year=2023)
            stock, _ = service._start_stock(session, area.force_ids, 2023)
            sims = projection.simulate(np.asarray(stock), rates, projection.Scenario(),
                                       years=20, runs=1000, seed=1)
            return projection.summarise(sims, from_year=2023)

        timed(f"flows + project 20 y x 1,000 runs, 5 scenarios: {force}{label}", both,
              target=2.0)
        timed(f"flows + project 20 y x 1,000 runs, 1 scenario: {force}{label}", single,
              target=2.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="also time on PostgreSQL: an admin URL such as "
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test (a scratch database "
                        "is created there and dropped)")
    args = parser.parse_args()
    print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs")
    work = Path(tempfile.mkdtemp(prefix="bench-flows-"))
    engine = make_engine(f"sqlite:///{work / 'bench.db'}")
    upgrade(engine)
    try:
        with open_session(engine) as s:
            ensure_loaded(s)
            s.commit()
            met = work / "met.csv"
            made = timed("generate Met history 2008-2023 (synth hr)",
                         lambda: synth.generate(s, force="Metropolitan Police", from_year=2008,
                                                to_year=2023, seed=1, out=met), repeat=1)
            print(f"  {made.people:,} people, {made.events:,} events, "
                  f"{met.stat().st_size / 1e6:.1f} MB")
            timed("import hr: Met, 15 years (SQLite)", _importer(s, met, "met"), target=5.0,
                  setup=lambda: _reset(s))
            big = _merged_extract(s, work, met)
            lines = sum(1 for _ in open(big, encoding="utf-8")) - 1
            timed(f"import hr: scale check, {lines:,} events in one file (SQLite)",
                  _importer(s, big, "West Midlands"), target=5.0, setup=lambda: _reset(s))
            _reset(s)
            gwent = work / "gwent.csv"
            synth.generate(s, force="Gwent", from_year=2008, to_year=2023, seed=1, out=gwent)
            _importer(s, gwent, "Gwent")()
            _importer(s, met, "met")()
            _queries(s, "")
        if args.postgres:
            _postgres(args.postgres, met, work / "gwent.csv")
    finally:
        engine.dispose()
        shutil.rmtree(work, ignore_errors=True)


def _postgres(admin_url: str, met: Path, gwent: Path) -> None:
    from _common import create_pg_database, drop_pg_database

    name = f"parity_bench_flows_{os.getpid()}"
    url = create_pg_database(admin_url, name)
    try:
        pg = make_engine(url)
        upgrade(pg)
        with open_session(pg) as s:
            ensure_loaded(s)
            s.commit()
            timed("import hr: Met, 15 years (PostgreSQL)", _importer(s, met, "met"),
                  target=5.0, setup=lambda: _reset(s))
            _importer(s, gwent, "Gwent")()
            _queries(s, " (PostgreSQL)")
        pg.dispose()
    finally:
        drop_pg_database(admin_url, name)


if __name__ == "__main__":
    main()
