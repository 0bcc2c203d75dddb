"""Benchmarks for the flows domain (prints real figures; no assertions).

1. Import the generated HR history of the largest force (Metropolitan Police, 31 March 2008
   to 2023: 15 flows years) into a database holding the official table. Target: under 5 s
   for "about 30,000 people, a few hundred thousand events". The generator's default history
   has about 130,000 events (a joining, promotions and a leaving per person, some hours
   changes); an HR system also records spells of other hours, so the extract timed against
   the target adds them (`SynthConfig.temporary_hours_share` 0.2: about 300,000 events). The
   same file is also imported through the command, `parity import hr`, from start-up to the
   reconciliation it prints.
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
    times, cpu, value = [], [], None
    for _ in range(repeat):
        if setup:
            setup()
        start, start_cpu = time.perf_counter(), _cpu()
        value = func()
        times.append(time.perf_counter() - start)
        cpu.append(_cpu() - start_cpu)
    best, median = min(times), statistics.median(times)
    ratio = f"  ({best / target:.0%} of the {target:g} s target)" if target else ""
    # CPU time of this process and the commands it ran (not the database server's): on a
    # shared machine it says how much of the wall time is waiting for a CPU.
    print(f"{label:<58} best {best:6.3f} s, median {median:6.3f} s, cpu {min(cpu):6.3f} s"
          f"{ratio}")
    return value


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


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


def _cli_importer(url: str, path: Path) -> Callable:
    """`parity import hr PATH --force met` in a new process, as a user runs it."""
    import subprocess
    import sys

    command = [str(Path(sys.executable).with_name("parity")), "import", "hr", str(path),
               "--force", "met", "--json"]

    def run():  # noqa: ANN202
        done = subprocess.run(command, env={**os.environ, "PARITY_DATABASE_URL": url},
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        return done

    return run


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
            timed("import hr: Met, 15 years, default history (SQLite)",
                  _importer(s, met, "met"), target=5.0, setup=lambda: _reset(s))
            big = work / "met-spells.csv"
            made = synth.generate(s, force="Metropolitan Police", from_year=2008, to_year=2023,
                                  seed=1, out=big,
                                  config=synth.SynthConfig(temporary_hours_share=0.2))
            print(f"  with spells of other hours: {made.people:,} people, {made.events:,} "
                  f"events, {big.stat().st_size / 1e6:.1f} MB")
            timed(f"import hr: Met, {made.events:,} events (SQLite)", _importer(s, big, "met"),
                  target=5.0, setup=lambda: _reset(s))
            timed(f"parity import hr: Met, {made.events:,} events (SQLite)",
                  _cli_importer(f"sqlite:///{work / 'bench.db'}", big), target=5.0,
                  setup=lambda: _reset(s))
            _reset(s)
            gwent = work / "gwent.csv"
            synth.generate(s, force="Gwent", from_year=2008, to_year=2023, seed=1, out=gwent)
            _importer(s, gwent, "Gwent")()
            _importer(s, big, "met")()
            _queries(s, "")
        if args.postgres:
            _postgres(args.postgres, met, big, work / "gwent.csv")
    finally:
        engine.dispose()
        shutil.rmtree(work, ignore_errors=True)


def _postgres(admin_url: str, met: Path, big: Path, gwent: Path) -> None:
    from _common import create_pg_database, drop_pg_database

    name = f"parity_bench_flows_{os.getpid()}"
    url = create_pg_database(admin_url, name)
    try:
        pg = make_engine(url)
        upgrade(pg)
        with open_session(pg) as s:
            ensure_loaded(s)
            s.commit()
            timed("import hr: Met, 15 years, default history (PostgreSQL)",
                  _importer(s, met, "met"), target=5.0, setup=lambda: _reset(s))
            timed("import hr: Met with spells of other hours (PostgreSQL)",
                  _importer(s, big, "met"), target=5.0, setup=lambda: _reset(s))
            timed("parity import hr: Met with spells of other hours (PostgreSQL)",
                  _cli_importer(url, big), target=5.0, setup=lambda: _reset(s))
            _importer(s, gwent, "Gwent")()
            _queries(s, " (PostgreSQL)")
        pg.dispose()
    finally:
        drop_pg_database(admin_url, name)


if __name__ == "__main__":
    main()
