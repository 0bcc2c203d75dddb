"""Benchmarks for the flows domain.

1. `parity import hr` of the generated HR history of the largest force (Metropolitan Police,
   31 March 2008 to 2023, with spells of other hours: about 306,000 events) into a database
   holding the official table, timed as a user runs it — the whole command in a new process,
   imports included — alternately with the peer a user would otherwise pick: a script that
   loads the same CSV into a table (plain SQLite `executemany`; psycopg COPY on PostgreSQL).
   Medians and ratios printed (`_common.Contest`). Floor (issue 13): under 3 s on both engines.
2. `flows` for one force and year plus a 20-year projection with 1,000 simulated runs, timed
   in-process (marked so; target under 2 s).

Run: .venv/bin/python bench/bench_flows.py [--runs 3] [--postgres ADMIN_URL]
     [--force Gwent --from 2015]  (a smaller history, for a quick run)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _common import PARITY, PEERS, Contender, Contest
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
                      "DELETE FROM sources WHERE kind LIKE 'hr%'"):
        session.execute(text(statement))
    session.commit()
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        # What autovacuum does between two imports (it is off on the test server): without it
        # each run would find the rows the runs before it deleted, still in the table and its
        # indexes, and be slower than the one before.
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM hr_events, hr_stocks, sources"))


def _importer(session, path: Path, force: str) -> Callable:  # noqa: ANN001
    def run():  # noqa: ANN202
        result = import_hr(session, path=path, force=force)
        session.commit()
        return result

    return run


def contest(label: str, url: str, peer_kind: str, peer_target: str, path: Path, session,  # noqa: ANN001
            runs: int, force: str = "Metropolitan Police") -> None:
    Contest(f"import hr, {label}", [
        Contender("parity import hr", [PARITY, "import", "hr", str(path), "--force", force,
                                       "--json"], env={"PARITY_DATABASE_URL": url},
                  before=lambda: _reset(session)),
        Contender(f"{'executemany' if peer_kind == 'sqlite' else 'psycopg COPY'} of the CSV "
                  "(a script)", [sys.executable, str(PEERS), f"csv-{peer_kind}", str(path),
                                 peer_target]),
    ]).run(runs).print(floor=3.0)


def _queries(session, label: str, big: str = "Metropolitan Police") -> None:  # noqa: ANN001
    for force in dict.fromkeys(("Gwent", big)):
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
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--force", default="Metropolitan Police", help="whose history to "
                        "generate (a smaller force for a quick run, e.g. Gwent)")
    parser.add_argument("--from", dest="from_year", type=int, default=2008)
    parser.add_argument("--postgres", help="also time on PostgreSQL: an admin URL such as "
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test (a scratch database "
                        "is created there and dropped)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-flows-"))
    engine = make_engine(f"sqlite:///{work / 'bench.db'}")
    upgrade(engine)
    try:
        with open_session(engine) as s:
            ensure_loaded(s)
            s.commit()
            big = work / "met-spells.csv"
            made = synth.generate(s, force=args.force, from_year=args.from_year, to_year=2023,
                                  seed=1, out=big,
                                  config=synth.SynthConfig(temporary_hours_share=0.2))
            print(f"generated {args.force}'s history {args.from_year}-2023 with spells of "
                  "other hours: "
                  f"{made.people:,} people, {made.events:,} events, "
                  f"{big.stat().st_size / 1e6:.1f} MB")
            contest(f"{made.events:,} events, SQLite", f"sqlite:///{work / 'bench.db'}",
                    "sqlite", str(work / "peer.db"), big, s, args.runs, args.force)
            _reset(s)
            gwent = work / "gwent.csv"
            synth.generate(s, force="Gwent", from_year=2008, to_year=2023, seed=1, out=gwent)
            _importer(s, gwent, "Gwent")()
            _importer(s, big, args.force)()
            _queries(s, " (in-process)", args.force)
        if args.postgres:
            _postgres(args.postgres, big, work / "gwent.csv", args.runs, args.force)
    finally:
        engine.dispose()
        shutil.rmtree(work, ignore_errors=True)


def _postgres(admin_url: str, big: Path, gwent: Path, runs: int,
              force: str = "Metropolitan Police") -> None:
    from _common import create_pg_database, drop_pg_database

    name, peer_name = f"parity_bench_flows_{os.getpid()}", f"parity_bench_flows_peer_{os.getpid()}"
    url = create_pg_database(admin_url, name)
    peer_url = create_pg_database(admin_url, peer_name).replace("+psycopg", "")
    try:
        pg = make_engine(url)
        upgrade(pg)
        with open_session(pg) as s:
            ensure_loaded(s)
            s.commit()
            contest("the same file, PostgreSQL", url, "postgres", peer_url, big, s, runs, force)
            _importer(s, gwent, "Gwent")()
            _queries(s, " (PostgreSQL, in-process)", force)
        pg.dispose()
    finally:
        drop_pg_database(admin_url, name)
        drop_pg_database(admin_url, peer_name)


if __name__ == "__main__":
    main()
