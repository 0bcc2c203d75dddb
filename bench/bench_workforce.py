"""Benchmark: the whole `parity import workforce` command against reading the table with pandas.

Prints, for the bundled 2007-2023 table (29,304 rows):
- the wall time of the whole command (process start, parse, validate, store) on a fresh SQLite
  file, best and median of several runs;
- the time pandas + odfpy take merely to read the same sheet;
- the ratio; and the time of one representation query (the function, not the process start)
  on SQLite with the full table loaded, median and 95th percentile over many areas and groups.

Floors from the foundation issue: the command at most 1.5 s; at least 15 times less than the
pandas read; a representation query under 20 ms.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
CPU_TIMES: dict[bool, list[float]] = {}  # CPU seconds of each command (steadier than wall time)


def time_import_command(tmp: Path, *, migrated: bool) -> list[float]:
    """Wall times of the whole command; on a new file, or on an empty database whose schema
    was created beforehand (outside the timing) as any earlier command would have."""
    from parity.store import make_engine, upgrade

    times = []
    for i in range(RUNS):
        db = tmp / f"bench{i}{'m' if migrated else ''}.db"
        if migrated:
            engine = make_engine(f"sqlite:///{db}")
            upgrade(engine)
            engine.dispose()
        env = {**os.environ, "PARITY_DATABASE_URL": f"sqlite:///{db}"}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "parity", "import", "workforce"], env=env,
                       check=True, capture_output=True)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        CPU_TIMES.setdefault(migrated, []).append(
            after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return times


def time_pandas_read() -> float:
    import pandas as pd

    from parity.workforce.importer import DEFAULT_FILE

    start = time.perf_counter()
    frame = pd.read_excel(DEFAULT_FILE, sheet_name="Data", engine="odf")
    elapsed = time.perf_counter() - start
    assert len(frame) == 29304, len(frame)
    return elapsed


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


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        fresh = time_import_command(tmp_path, migrated=False)
        command = time_import_command(tmp_path, migrated=True)
        best, median = min(command), statistics.median(command)
        print(f"parity import workforce (whole command, empty migrated SQLite, {RUNS} runs): "
              f"best {best:.2f} s, median {median:.2f} s  [floor: <= 1.5 s]")
        print(f"  the same on a new SQLite file (the schema created in the same run): best "
              f"{min(fresh):.2f} s, median {statistics.median(fresh):.2f} s")
        print(f"  CPU time of the command (user + system): median "
              f"{statistics.median(CPU_TIMES[True]):.2f} s on the migrated database, "
              f"{statistics.median(CPU_TIMES[False]):.2f} s on a new file")
        queries = time_queries(tmp_path / "bench0.db")
        q_median = statistics.median(queries) * 1000
        q_p95 = sorted(queries)[int(len(queries) * 0.95)] * 1000
        print(f"representation query on SQLite ({len(queries)} queries): median {q_median:.1f} ms, "
              f"p95 {q_p95:.1f} ms  [floor: < 20 ms]")
    pandas_time = time_pandas_read()
    print(f"pandas.read_excel(engine='odf') of the same sheet: {pandas_time:.2f} s")
    print(f"ratio pandas read / parity import: {pandas_time / median:.1f}x (median), "
          f"{pandas_time / best:.1f}x (best)  [floor: >= 15x]; on a new file "
          f"{pandas_time / statistics.median(fresh):.1f}x (median)")
    print(f"machine load average while measuring: {os.getloadavg()[0]:.2f} "
          f"(on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
