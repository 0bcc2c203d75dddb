"""Benchmark a force's own report against the national report, as a user runs them.

Each run is the whole command in a new process (imports included) on a SQLite database
holding the bundled data: `parity report build --force Kent` (HTML and the accompanying
tables, then with the PDF) and the national report's HTML, which a force would otherwise
have to build to get its pages. Medians of RUNS runs, alternated; ratios printed. The
machine's load is printed first and last: timings on the shared two-core machine vary with it.
Run: ``.venv/bin/python bench/bench_report.py [RUNS]`` (default 3).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
PARITY = str(Path(sys.executable).parent / "parity")


def run(args: list[str], url: str) -> float:
    env = {**os.environ, "PARITY_DATABASE_URL": url}
    started = time.perf_counter()
    subprocess.run([PARITY, *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def load() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="parity-bench-report-"))
    url = f"sqlite:///{folder / 'parity.db'}"
    print(f"load average (1, 5, 15 min) at start: {load()}")
    run(["import", "bundled"], url)
    commands = {
        "force report (HTML, tables)": ["report", "build", "--year", "2023", "--force", "Kent",
                                        "--out", str(folder / "kent")],
        "force report (HTML, tables, PDF)": ["report", "build", "--year", "2023", "--force",
                                             "Kent", "--out", str(folder / "kent"), "--pdf"],
        "national report (HTML, tables)": ["report", "build", "--year", "2023", "--out",
                                           str(folder / "national")],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(RUNS):
        for name, args in commands.items():
            times[name].append(run(args, url))
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, m in medians.items():
        print(f"{name:34} median {m:6.1f} s  (runs: "
              + ", ".join(f"{t:.1f}" for t in times[name]) + ")")
    national = medians["national report (HTML, tables)"]
    print(f"national HTML / force HTML: {national / medians['force report (HTML, tables)']:.1f}x")
    print(f"national HTML / force HTML and PDF: "
          f"{national / medians['force report (HTML, tables, PDF)']:.1f}x")
    print(f"load average at end: {load()}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
