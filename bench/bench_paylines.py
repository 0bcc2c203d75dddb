"""Benchmark: the six figures from 2,500,000 pay lines (250,000 people, about ten lines each).

The whole command a user runs, each run a new process (imports included), timed from outside:
Parity (`parity paygap compute pay-lines.csv --columns columns.yaml --codes codes.csv --json`)
against a fair vectorised pandas implementation of the same collapse and figures
(`read_csv` with the C engine and column types given, a merge with the code table, group-bys
per post and per person, then the same figures as `bench_paygap.py`'s pandas peer). The two
run alternately, `--rounds` times each; medians and best times, peak memory (VmHWM of each
process), CPU time (user + system, all threads) and the ratios are printed, with the load
average before and after, and the figures compared. Floors (issue 17): Parity under
6 s and 2 GB, and at least 2x faster than pandas.

    .venv/bin/python bench/bench_paylines.py [--people 250000] [--rounds 3] [--folder DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEYS = ("mean_hourly_gap_pct", "median_hourly_gap_pct", "mean_bonus_gap_pct",
        "median_bonus_gap_pct", "male_bonus_pct", "female_bonus_pct")


def run_pandas(folder: Path) -> dict:
    """The collapse and the figures in pandas (posts combined; the synthetic lines' rules)."""
    import numpy as np
    import pandas as pd

    sys.path.insert(0, str(HERE))
    from bench_paygap import pandas_figures

    lines = pd.read_csv(folder / "pay-lines.csv", dtype={
        "Employee Number": str, "Assignment": str, "Gender": "category",
        "Element": "category", "Amount": float, "Weekly Hours": float,
        "Staff Group": "category", "Grade": "category"},
        parse_dates=["Period Start", "Period End", "Payment Date"])
    codes = pd.read_csv(folder / "codes.csv")
    snapshot = pd.Timestamp("2023-03-31")
    lines = lines.merge(codes[["code", "class", "bonus_period_days"]], left_on="Element",
                        right_on="code", how="left")
    if lines["class"].isna().any():
        raise SystemExit("pandas peer: unknown codes")
    lines["pence"] = (lines["Amount"] * 100).round().astype("int64")
    relevant = (lines["Period Start"] <= snapshot) & (lines["Period End"] >= snapshot)
    days = np.where(relevant, 30.44, 0.0)  # every relevant period of the file is a month
    cls = lines["class"]
    rel = lines[relevant]
    rcls = cls[relevant]
    pay = rel[rcls.isin(["ordinary", "leave", "sacrifice"])].groupby("Employee Number")[
        "pence"].sum()
    hours = rel[(rcls != "excluded")].groupby(["Employee Number", "Assignment"])[
        "Weekly Hours"].max().groupby(level=0).sum()
    leave = rel[rcls == "leave"].groupby("Employee Number").size()
    b = rel[rcls == "bonus"]
    b_in = ((b["pence"] / 100.0) * (days[relevant.to_numpy()][(rcls == "bonus").to_numpy()]
                                    / b["bonus_period_days"].fillna(30.44)))
    bonus_period = b_in.groupby(b["Employee Number"]).sum()
    window = (cls == "bonus") & (lines["Payment Date"] > snapshot - pd.DateOffset(years=1)) \
        & (lines["Payment Date"] <= snapshot)
    bonus_12m = lines[window].groupby("Employee Number")["pence"].sum() / 100.0
    sex = lines.groupby("Employee Number")["Gender"].first()
    people = pd.DataFrame({"pay": pay / 100.0}).join(hours.rename("hours")).join(
        bonus_period.rename("bonus_p")).join(bonus_12m.rename("bonus")).join(
        leave.rename("leave")).join(sex.astype(str).rename("sex"))
    people = people[people["hours"] > 0].fillna({"bonus_p": 0.0, "bonus": 0.0, "leave": 0})
    rate = ((people["pay"] + people["bonus_p"]) * 7 / 30.44 / people["hours"]).round(9)
    s = people["sex"].str.upper()
    return pandas_figures(rate, people["bonus"], s.isin(["M", "MALE"]),
                          s.isin(["F", "FEMALE"]), people["leave"] == 0)


def vmhwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(peer: str, folder: Path) -> None:
    """One whole run in this (new) process; the result and VmHWM on the last stderr line."""
    if peer == "pandas":
        figures = run_pandas(folder)
        sys.stdout.write(json.dumps(figures) + "\n")
    else:
        from parity.cli import main

        sys.argv = ["parity", "paygap", "compute", str(folder / "pay-lines.csv"), "--columns",
                    str(folder / "columns.yaml"), "--codes", str(folder / "codes.csv"),
                    "--json"]
        try:
            main()
        except SystemExit as exit_:
            if exit_.code:
                raise
    sys.stderr.write(f"\nVMHWM {vmhwm_mb():.0f}\n")


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run(peer: str, folder: Path) -> tuple[float, float, dict, float]:
    """(wall seconds, peak MB, figures, CPU seconds: user + system, every thread) of one
    whole run in a new process."""
    start, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run([sys.executable, __file__, "--child", peer, "--folder", str(folder)],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    used = _children_cpu() - cpu
    if proc.returncode:
        raise SystemExit(f"{peer} failed:\n{proc.stderr[-3000:]}")
    peak = float(proc.stderr.strip().splitlines()[-1].split()[1])
    doc = json.loads(proc.stdout)
    figures = {k: doc[k] for k in KEYS}
    figures["quarters"] = [[q["male_pct"], q["female_pct"]] for q in doc["quarters"]] \
        if peer == "parity" else doc["quarters"]
    return wall, peak, figures, used


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--child", choices=["parity", "pandas"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.folder)
        return 0
    print(f"load: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} "
          f"{os.getloadavg()[2]:.1f} on {os.cpu_count()} cores (uptime)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or Path(tmp) / "lines"
        if not (folder / "pay-lines.csv").exists():
            start = time.perf_counter()
            env = {**os.environ, "PARITY_DATABASE_URL": f"sqlite:///{Path(tmp) / 'b.db'}"}
            subprocess.run([sys.executable, "-m", "parity", "synth", "payroll", "--force",
                            "Metropolitan Police", "--year", "2023", "--rows",
                            str(args.people), "--seed", "42", "--lines", "--out", str(folder)],
                           check=True, env=env, stdout=subprocess.DEVNULL)
            print(f"generated in {time.perf_counter() - start:.1f} s")
        lines = sum(1 for _ in open(folder / "pay-lines.csv", "rb")) - 1
        size = (folder / "pay-lines.csv").stat().st_size / 1e6
        print(f"{lines:,} pay lines, {args.people:,} people ({size:.0f} MB CSV)")
        results: dict[str, list] = {"parity": [], "pandas": []}
        for _ in range(args.rounds):
            for peer in results:
                results[peer].append(run(peer, folder))
    ok = True
    a, b = results["parity"][0][2], results["pandas"][0][2]
    diffs = [k for k in KEYS if abs(a[k] - b[k]) > 1e-9 * max(1.0, abs(a[k]))]
    diffs += [f"quarter {i}" for i, (x, y) in enumerate(zip(a["quarters"], b["quarters"],
                                                             strict=True))
              if any(abs(p - q) > 1e-7 for p, q in zip(x, y, strict=True))]
    print("parity vs pandas: " + ("agree on all six figures and the quarters" if not diffs
                                  else "DISAGREE on " + ", ".join(diffs)))
    ok &= not diffs
    print(f"\n{'peer':<8} {'median s':>9} {'best s':>8} {'CPU s':>7} {'peak MB':>8}   "
          "(whole process; CPU: median user + system of all its threads)")
    median, cpu = {}, {}
    for peer, runs in results.items():
        walls = [r[0] for r in runs]
        median[peer] = statistics.median(walls)
        cpu[peer] = statistics.median(r[3] for r in runs)
        print(f"{peer:<8} {median[peer]:>9.2f} {min(walls):>8.2f} {cpu[peer]:>7.2f} "
              f"{max(r[1] for r in runs):>8.0f}")
    print(f"CPU time ratio pandas/parity: {cpu['pandas'] / cpu['parity']:.2f}x (the fairer "
          "comparison on a loaded machine; the floors below are on wall time)")
    print(f"load after: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} "
          f"{os.getloadavg()[2]:.1f}")
    print("\nfigures: " + ", ".join(f"{k} {a[k]:.3f}" for k in KEYS))
    ratio = median["pandas"] / median["parity"]
    peak = max(r[1] for r in results["parity"])
    for label, good in ((f"Parity under 6 s (median {median['parity']:.2f} s)",
                         median["parity"] < 6),
                        (f"Parity peak memory under 2 GB ({peak:.0f} MB)", peak < 2048),
                        (f"Parity at least 2x faster than pandas (pandas/parity = {ratio:.2f}x)",
                         ratio >= 2)):
        print(("PASS  " if good else "FAIL  ") + label)
        ok &= good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
