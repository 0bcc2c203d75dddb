"""Benchmark: commands that start at once (issue 13).

`parity --help` and `parity forces --json`, each a whole process as a user runs it, against
the same command with every domain's commands imported first (as `parity` started before
issue 13), `python -c pass` (the least any Python command can cost) and `sqlite3 -version`
where the SQLite shell is installed; run alternately, medians and ratios printed. Floor: both
Parity commands under 0.25 s.

Each contender runs once untimed first, with bytecode caching on (PYTHONDONTWRITEBYTECODE
unset), as an installed Parity starts: its modules compiled once, not on every run.

    .venv/bin/python bench/bench_cli.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from _common import PARITY, Contender, Contest, run_process

EAGER = ("import sys; from parity.cli import load_commands; from parity.present.commands import app; "
         "load_commands(); sys.argv[0] = 'parity'; app()")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    baseline = [Contender("python -c pass", [sys.executable, "-c", "pass"])]
    if shutil.which("sqlite3"):
        baseline.append(Contender("sqlite3 -version", ["sqlite3", "-version"]))
    for argv in (["--help"], ["forces", "--json"]):
        contenders = [
            Contender(f"parity {' '.join(argv)}", [PARITY, *argv], env={"COLUMNS": "100"}),
            Contender("the same, every domain imported", [sys.executable, "-c", EAGER, *argv],
                      env={"COLUMNS": "100"}),
            *[Contender(c.name, c.argv) for c in baseline],
        ]
        for c in contenders:  # untimed: writes the bytecode caches
            run_process(c.argv, env=c.env)
        contest = Contest(f"parity {' '.join(argv)}", contenders).run(args.runs)
        contest.print(floor=0.25)


if __name__ == "__main__":
    main()
