"""Benchmark: `parity import workforce` as a user runs it, against the peers a user would pick.

The bundled Home Office table (2007-2023, 29,304 rows) imported by the whole command (a new
process, imports included) into a new database, alternately with a script doing the load the
way a user otherwise would (`_peers.py`): pandas + calamine read and `to_sql` (both engines),
and calamine + COPY (PostgreSQL). Medians and ratios printed (`_common.Contest`). Floors: the
SQLite command at most 1.5 s (the foundation issue); on PostgreSQL within 1.5x of calamine +
COPY (issue 13). The same command on a copy of the table (as a user downloads an edition: read
under the budget for untrusted spreadsheets) is timed too, and, for scale, a process that only
imports the command's modules. A representation query is timed in-process too (marked so;
floor < 20 ms).

    .venv/bin/python bench/bench_workforce.py [--runs 5] [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _common import (
    PARITY,
    PEERS,
    Contender,
    Contest,
    create_pg_database,
    drop_pg_database,
    sqlite_contest,
)

PG_ADMIN = os.environ.get("PARITY_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def time_queries(db: Path) -> list[float]:
    from parity.store import make_engine, open_session
    from parity.workforce import service

    engine = make_engine(f"sqlite:///{db}")
    areas = ["England and Wales", "Wales", "Metropolitan Police", "Kent", "Eastern", "Dyfed-Powys"]
    groups = ["all", "middle", "senior", "superintending", "chief_officer"]
    times = []
    with open_session(engine) as session:
        service.representation(session, area="Kent", year=2023)  # warm the connection
        for year in (2012, 2019, 2023):
            for area in areas:
                for group in groups:
                    start = time.perf_counter()
                    service.representation(session, area=area, year=year, group=group,
                                           measure="fte")
                    times.append(time.perf_counter() - start)
    return times


def _fresh_pg(name: str) -> None:
    drop_pg_database(PG_ADMIN, name)
    create_pg_database(PG_ADMIN, name)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    from parity.workforce.importer import DEFAULT_FILE

    table = str(DEFAULT_FILE)
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_contest("import workforce, the bundled table, SQLite (a new database file)",
                       Path(tmp), ["import", "workforce"], "pandas + calamine, to_sql (a script)",
                       ["sheet-pandas", table]).run(args.runs).print(floor=1.5)
        queries = time_queries(Path(tmp) / "parity.db")
        print(f"\nrepresentation query on SQLite, in-process ({len(queries)} queries): median "
              f"{statistics.median(queries) * 1000:.1f} ms, p95 "
              f"{sorted(queries)[int(len(queries) * 0.95)] * 1000:.1f} ms  [floor: < 20 ms]")
    if args.no_postgres:
        return
    names = [f"parity_bench_wf_{uuid.uuid4().hex[:8]}" for _ in range(4)]
    urls = [create_pg_database(PG_ADMIN, n) for n in names]
    # The same table as a user downloads it: a file of their own, read under the budget for
    # untrusted spreadsheets (`parity.budget`), which the bundled copy is spared.
    download = Path(tempfile.mkdtemp()) / Path(table).name
    download.write_bytes(Path(table).read_bytes())
    try:
        contest = Contest("import workforce, the bundled table, PostgreSQL (a new database)", [
            Contender("parity import workforce", [PARITY, "import", "workforce"],
                      env={"PARITY_DATABASE_URL": urls[0]},
                      before=lambda: _fresh_pg(names[0])),
            Contender("calamine + COPY (a script)",
                      [sys.executable, str(PEERS), "sheet-postgres", table,
                       urls[1].replace("+psycopg", "")], before=lambda: _fresh_pg(names[1])),
            Contender("pandas + calamine, to_sql (a script)",
                      [sys.executable, str(PEERS), "sheet-pandas", table, urls[2]],
                      before=lambda: _fresh_pg(names[2])),
            # what the command spends before any work: its modules, imported in a new process
            Contender("(the command's modules alone, no work)",
                      [sys.executable, "-c", "import parity.cli, parity.workforce.cli, "
                       "parity.workforce.importer, psycopg"]),
            Contender("parity import workforce (a downloaded copy)",
                      [PARITY, "import", "workforce", str(download)],
                      env={"PARITY_DATABASE_URL": urls[3]},
                      before=lambda: _fresh_pg(names[3])),
        ]).run(args.runs)
        contest.print()
        parity, copy = contest.contenders[0], contest.contenders[1]
        ratio = parity.median / copy.median
        print(f"  floor: within 1.5x of calamine + COPY: {'met' if ratio <= 1.5 else 'NOT met'} "
              f"(Parity/COPY {ratio:.2f}x)")
    finally:
        download.unlink()
        download.parent.rmdir()
        for name in names:
            drop_pg_database(PG_ADMIN, name)


if __name__ == "__main__":
    main()
