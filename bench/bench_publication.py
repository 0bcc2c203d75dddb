"""Benchmark: publication day on the website: readers opening force pages the moment a new
edition of the Home Office table is imported, with the outlooks worked out ahead and without.

A new edition that adds a year changes every force's latest figures, and so every force page's
projection to parity (the public outlooks, `parity.flows.outlooks`): each page is made again
for the new data version, and each outlook is simulated once, then kept for every worker
(`parity.flows.simulations`). After the import, `parity.flows.warm` works the outlooks out in
the background (`PARITY_WARM`, on by default); this benchmark times the readers both ways.

Each round: a copy of a SQLite file holding the bundled data, served by `parity serve
--workers 2` on a free 127.0.0.1 port, its 44 force pages each opened once (as before the
publication); then the whole `parity import workforce` of the new edition (2024: the 2023 rows
with one more woman constable in each force), and at once `wrk` (50 connections, 2 threads)
over the 44 force pages for a bounded time. The two ways alternate, two rounds each by
default; printed: requests a second, the median, 95th and 99th percentile latency, errors.
Loopback only; the server is stopped at the end of each round.

    .venv/bin/python bench/bench_publication.py [--seconds S] [--rounds R] [--connections C]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _common import PARITY
from bench_web import free_port, get, load_bundled, start, stop

HOST = "127.0.0.1"
MAX_SECONDS = 60
WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def new_edition(folder: Path) -> Path:
    """The bundled table's 2023 rows as 2024, one more woman constable in each force: a new
    edition published 25 July 2024 (its date in the file name, as the Home Office names it)."""
    from python_calamine import CalamineWorkbook

    from parity.workforce.columns import DEFAULT_FILE

    rows = CalamineWorkbook.from_path(str(DEFAULT_FILE)).get_sheet_by_name("Data").to_python()
    header, body = rows[0], rows[1:]
    out = [header]
    for row in body:
        if int(row[0]) != 2023:
            continue
        row = [2024, *row[1:]]
        if row[4] == "Female" and row[5] == "Constable" and row[6] == "Police Officer":
            row[7], row[8] = float(row[7]) + 1, float(row[8]) + 1
        out.append(row)
    path = folder / "open-data-table-police-workforce-250724.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(out)
    return path


def force_paths() -> list[str]:
    from parity.forces import registry

    reg = registry()
    forces = [*reg.territorial(), *(f for f in reg.forces if f.kind == "national")]
    return [f"/forces/{f.id}" for f in forces]


def one_round(*, template: Path, edition: Path, folder: Path, warm: bool, seconds: float,
              connections: int, script: Path, paths: list[str], after: float) -> tuple:
    db = folder / "round.db"
    shutil.copy(template, db)
    kept = folder / "kept"
    shutil.rmtree(kept, ignore_errors=True)
    env = {"PARITY_DATABASE_URL": f"sqlite:///{db}", "PARITY_CACHE_DIR": str(kept),
           "PARITY_WARM": "on" if warm else "off"}
    port = free_port()
    base = f"http://{HOST}:{port}"
    server = start([PARITY, "serve", "--host", HOST, "--port", str(port), "--workers", "2",
                    "--no-load", "--no-access-log"], env, base + "/", "parity serve")
    try:
        for path in paths:  # the pages as readers saw them before the publication
            get(base + path)
        t = time.perf_counter()
        subprocess.run([PARITY, "import", "workforce", str(edition)],
                       env={**os.environ, **env}, check=True, stdout=subprocess.DEVNULL)
        imported = time.perf_counter() - t
        time.sleep(after)  # the announcement comes after the import: readers arrive then
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s",
                              "--timeout", "30s", "-s", str(script), base + paths[0]],
                             capture_output=True, text=True, timeout=seconds + 60,
                             check=True).stdout
        line = next(ln for ln in out.splitlines() if ln.startswith("RESULT "))
        requests, micros, p50, p95, p99, status, socket_errors = (int(x)
                                                                   for x in line.split()[1:])
        assert b"2024" in get(base + paths[0])[1], "the page does not show the new edition"
    finally:
        stop(server)
        # a warm-up still running works on this round's files: let it end
        deadline = time.monotonic() + 60
        while warm and time.monotonic() < deadline and subprocess.run(
                ["pgrep", "-f", "parity.flows.warm"], capture_output=True).returncode == 0:
            time.sleep(0.2)
    return (imported, requests / (micros / 1e6), p50 / 1000, p95 / 1000, p99 / 1000,
            status + socket_errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--after", type=float, default=15,
                        help="seconds between the import and the readers (0: at once)")
    args = parser.parse_args()
    seconds = max(1.0, min(args.seconds, MAX_SECONDS))
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    folder = Path(tempfile.mkdtemp(prefix="parity-bench-publication-"))
    try:
        template = folder / "bundled.db"
        load_bundled(f"sqlite:///{template}", "a new SQLite file")
        edition = new_edition(folder)
        paths = force_paths()
        script = folder / "pages.lua"
        script.write_text(WRK_SCRIPT % ", ".join(f'"{p}"' for p in paths))
        results: dict[bool, list[tuple]] = {True: [], False: []}
        for _ in range(max(1, min(args.rounds, 10))):
            for warm in (True, False):
                results[warm].append(one_round(
                    template=template, edition=edition, folder=folder, warm=warm,
                    seconds=seconds, connections=args.connections, script=script, paths=paths,
                    after=max(0.0, min(args.after, 300))))
        load = os.getloadavg()
        print(f"\nthe {len(paths)} force pages, {args.after:g} s after a new edition is imported: wrk "
              f"{args.connections} connections for {seconds:g} s, parity serve --workers 2, "
              f"SQLite; medians of {len(results[True])} rounds; load average "
              f"{load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} on {os.cpu_count()} cores")
        print(f"  {'':44} {'import s':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'p99 ms':>8} {'errors':>7}")
        for warm, label in ((True, "outlooks worked out ahead (PARITY_WARM on)"),
                            (False, "each worker works them out (PARITY_WARM=off)")):
            runs = results[warm]
            med = [statistics.median(r[i] for r in runs) for i in range(5)]
            errors = sum(r[5] for r in runs)
            print(f"  {label:44} {med[0]:9.2f} {med[1]:8.0f} {med[2]:8.1f} "
                  f"{med[3]:8.1f} {med[4]:8.1f} {errors:7d}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
