"""Benchmarks for the flows domain (prints real figures; no assertions).

1. Import the generated HR history of the largest force (Metropolitan Police, 31 March 2008
   to 2023: 15 flows years) into a fresh SQLite database. Target: under 5 s.
2. `flows` for one force and year plus a 20-year projection with 1,000 simulated runs
   (the service calls the commands make; the projection computes the chosen scenario and the
   four standard ones side by side). Target: under 2 s.

Run: .venv/bin/python bench/bench_flows.py [--postgres URL]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from parity.flows import projection, service, synth
from parity.flows.importer import import_hr
from parity.store import make_engine, open_session, upgrade
from parity.workforce.service import ensure_loaded


def timed(label: str, func, target: float | None = None):  # noqa: ANN001, ANN201
    start = time.perf_counter()
    value = func()
    took = time.perf_counter() - start
    ratio = f"  ({took / target:.0%} of the {target:g} s target)" if target else ""
    print(f"{label:<62} {took:7.3f} s{ratio}")
    return value, took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="also time on PostgreSQL: an admin URL such as "
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test (a scratch database "
                        "is created there and dropped)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-flows-"))
    engine = make_engine(f"sqlite:///{work / 'bench.db'}")
    upgrade(engine)
    with open_session(engine) as s:
        ensure_loaded(s)
        s.commit()
        extract = work / "met.csv"
        made, _ = timed("generate Met history 2008-2023 (synth hr)",
                        lambda: synth.generate(s, force="Metropolitan Police", from_year=2008,
                                               to_year=2023, seed=1, out=extract))
        print(f"  {made.people:,} people, {made.events:,} events, "
              f"{extract.stat().st_size / 1e6:.1f} MB")

        def do_import():  # noqa: ANN202
            result = import_hr(s, path=extract, force="Metropolitan Police")
            s.commit()
            return result

        timed("import hr: Met, 15 years (SQLite)", do_import, target=5.0)
        big = _merged_extract(s, work, extract)
        lines = sum(1 for _ in open(big, encoding="utf-8")) - 1

        def do_big_import():  # noqa: ANN202
            result = import_hr(s, path=big, force="West Midlands")
            s.commit()
            return result

        timed(f"import hr: scale check, {lines:,} events in one file (SQLite)", do_big_import,
              target=5.0)
        gwent = work / "gwent.csv"
        synth.generate(s, force="Gwent", from_year=2008, to_year=2023, seed=1, out=gwent)
        import_hr(s, path=gwent, force="Gwent")
        s.commit()

    for force in ("Gwent", "Metropolitan Police"):
        with open_session(engine) as s:
            def both(force: str = force, s=s):  # noqa: ANN001, ANN202
                service.flows(s, force_id=force, year=2023)
                return service.project(s, area=force, from_year=2023, years=20, runs=1000,
                                       seed=1)

            timed(f"flows + project 20 y x 1,000 runs, 5 scenarios: {force}", both, target=2.0)
        with open_session(engine) as s:
            def single(force: str = force, s=s):  # noqa: ANN001, ANN202
                import numpy as np

                service.flows(s, force_id=force, year=2023)
                area = service.registry().area(force)
                rates = service.projection_rates(s, area=area, from_year=2023)
                stock, _ = service._start_stock(s, area.force_ids, 2023)
                sims = projection.simulate(np.asarray(stock), rates, projection.Scenario(),
                                           years=20, runs=1000, seed=1)
                return projection.summarise(sims, from_year=2023)

            timed(f"flows + project 20 y x 1,000 runs, 1 scenario: {force}", single,
                  target=2.0)

    if args.postgres:
        _postgres(args.postgres, extract)
    engine.dispose()
    shutil.rmtree(work, ignore_errors=True)


def _merged_extract(s, work: Path, met: Path) -> Path:  # noqa: ANN001
    """The Met's history and those of the next two largest forces in one file (person ids
    prefixed): a few hundred thousand events, to show how the import scales."""
    out = work / "merged.csv"
    with open(out, "w", encoding="utf-8") as fh:
        for k, (force, path) in enumerate((("Metropolitan Police", met),
                                           ("West Midlands", work / "wm.csv"),
                                           ("Greater Manchester", work / "gm.csv"))):
            if not path.exists():
                synth.generate(s, force=force, from_year=2008, to_year=2023, seed=1, out=path)
            with open(path, encoding="utf-8") as src:
                header = src.readline()
                if k == 0:
                    fh.write(header)
                for line in src:
                    fh.write(f"F{k}{line}")
    return out


def _postgres(admin_url: str, extract: Path) -> None:
    import os

    from sqlalchemy import create_engine, text

    name = f"parity_bench_flows_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        pg = make_engine(admin_url.rsplit("/", 1)[0] + "/" + name)
        upgrade(pg)
        with open_session(pg) as s:
            ensure_loaded(s)
            s.commit()

            def pg_import():  # noqa: ANN202
                result = import_hr(s, path=extract, force="Metropolitan Police")
                s.commit()
                return result

            timed("import hr: Met, 15 years (PostgreSQL)", pg_import, target=5.0)
            timed("flows + project 20 y x 1,000 runs, 5 scenarios: Met (PostgreSQL)",
                  lambda: (service.flows(s, force_id="met", year=2023),
                           service.project(s, area="met", from_year=2023, years=20)),
                  target=2.0)
        pg.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

if __name__ == "__main__":
    main()
