"""The published-returns checker never flags a correct return: 100,000 returns computed every way
the regulations allow (parity.context.returns_model.random_return), each checked by every rule.

    .venv/bin/python bench/bench_returns_checks.py [--count 100000] [--seed 1]

Prints the returns checked, the flags (must be 0), and for comparison how many the median rule
would flag if it took the four quarters as equal (no allowance for unequal quarters): the
false flags issue 12 reported.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter

import numpy as np

from parity.context.returns_checks import _impossible_median_with, check_return, upper_half_shares
from parity.context.returns_importer import FIGURES
from parity.context.returns_model import random_return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    flags: Counter[str] = Counter()
    equal_quarters = 0
    ties = Counter()
    started = time.perf_counter()
    for _ in range(args.count):
        record = random_return(rng)
        for failure in check_return(record):
            flags[failure.rule] += 1
        v = {k: record[FIGURES[k]] for k in FIGURES}
        gap = v["DiffMedianHourlyPercent"]
        if gap is not None and _impossible_median_with(v, gap, upper_half_shares(v)):
            equal_quarters += 1
        ties[len(set(record["quarter_sizes"]))] += 1
    elapsed = time.perf_counter() - started
    print(f"returns computed and checked: {args.count:,} in {elapsed:.1f} s "
          f"(load average {os.getloadavg()[0]:.1f})")
    print(f"  with quarters of unequal size: {args.count - ties[1]:,}")
    print(f"flags by any rule: {sum(flags.values())}" + (f" {dict(flags)}" if flags else ""))
    print(f"flags the median rule would raise with quarters taken as equal: {equal_quarters:,}")


if __name__ == "__main__":
    main()
