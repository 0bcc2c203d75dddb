"""Benchmark: reading, checking and importing the bundled pay gap downloads and ONS tables.

First as a user feels it: the whole command `parity import paygap-returns` on a new SQLite
database (a new process, imports included), alternately with the peer an analyst would write
(pandas reads every CSV and XLSX download and `to_sql`s them; `_peers.py folder-pandas`),
`--runs` times, medians and ratios (`_common.Contest`). Then, in-process (marked so; best of
`--repeat`): reading and validating the seven downloads; the checker; importing them into a
fresh SQLite database (and a PostgreSQL one when PARITY_BENCH_PG is set to a server URL); the
six ONS editions; and a plain csv.reader pass over the CSV downloads as a floor.

    .venv/bin/python bench/bench_context_import.py [--repeat 3] [--runs 3]
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
import uuid
from pathlib import Path

from _common import sqlite_contest

from parity.context.crime_importer import DEFAULT_DIR as CRIME_DIR
from parity.context.crime_importer import import_crime
from parity.context.returns_checks import check_returns
from parity.context.returns_importer import (
    DEFAULT_DIR,
    import_paygap_returns,
    read_returns,
    return_files,
)
from parity.store import make_engine, open_session, upgrade

CPU: dict[str, float] = {}


def best(fn, repeat: int, label: str = "") -> float:  # noqa: ANN001
    """Best wall-clock time of `repeat` runs; the CPU time of that run goes in CPU[label]
    (on a shared machine the CPU time is the steadier figure)."""
    times = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    wall, cpu = min(times)
    CPU[label] = cpu
    return wall


def import_into(url: str, what) -> str:  # noqa: ANN001
    """'wall s / CPU s' for one import into a fresh database at `url`."""
    engine = make_engine(url)
    upgrade(engine)
    with open_session(engine) as s:
        start, cpu = time.perf_counter(), time.process_time()
        what(s)
        s.commit()
        took = f"{time.perf_counter() - start:6.2f} s / {time.process_time() - cpu:5.2f} s"
    engine.dispose()
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_contest("import paygap-returns, the seven bundled downloads, SQLite (a new "
                       "database)", Path(tmp), ["import", "paygap-returns"],
                       "pandas read + to_sql (a script)",
                       ["folder-pandas", str(DEFAULT_DIR)]).run(args.runs).print()
    print("\nin-process figures (imports and start-up left out):")
    files = return_files(DEFAULT_DIR)
    records: list[dict] = []

    def read_all() -> None:
        records.clear()
        for f in files:
            records.extend(read_returns(f).records)

    def csv_floor() -> None:
        for f in files:
            if f.suffix == ".csv":
                with open(f, encoding="utf-8-sig", newline="") as fh:
                    for _ in csv.reader(fh):
                        pass

    read = best(read_all, args.repeat, "read")
    floor = best(csv_floor, args.repeat, "floor")
    check = best(lambda: check_returns(records), args.repeat, "check")
    print(f"pay gap downloads: {len(files)} files, {len(records):,} returns (wall / CPU)")
    print(f"  read + validate        {read:6.2f} s / {CPU['read']:5.2f} s")
    print(f"  csv.reader floor (CSV) {floor:6.2f} s / {CPU['floor']:5.2f} s"
          f"  (read is {read / floor:.0f}x the bare CSV parse, which also skips the XLSX)")
    print(f"  check (9 rules)        {check:6.2f} s / {CPU['check']:5.2f} s"
          f"  ({len(records) / check:,.0f} returns/s)")
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = import_into(f"sqlite:///{Path(tmp) / 'bench.db'}",
                             lambda s: import_paygap_returns(s))
        crime = import_into(f"sqlite:///{Path(tmp) / 'crime.db'}", lambda s: import_crime(s))
    print(f"  import, SQLite         {sqlite}  (read + link employers + write)")
    print(f"ONS crime tables ({len(list(CRIME_DIR.glob('*.xlsx')))} editions)")
    print(f"  import, SQLite         {crime}")
    pg = os.environ.get("PARITY_BENCH_PG")
    if pg:
        from _common import create_pg_database, drop_pg_database

        name = f"parity_bench_{uuid.uuid4().hex[:8]}"
        url = create_pg_database(pg, name)
        try:
            took = import_into(url, lambda s: import_paygap_returns(s))
            print(f"pay gap import, PostgreSQL {took}  (COPY)")
        finally:
            drop_pg_database(pg, name)


if __name__ == "__main__":
    main()
