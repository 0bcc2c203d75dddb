"""Benchmark: statutory pay gap figures from a 1,000,000-employee payroll CSV.

Three ways, side by side on the same file, each in its own process (so that peak memory is
each one's own): Parity (`read_payroll` + `six_figures`); the same rules in pandas, vectorised
as a competent analyst would write them; and the same rules as DuckDB SQL. Each reads the file,
checks it (duplicate ids, negative pay, zero hours or days, unreadable flags) and computes the
six figures with the quarters, ties at a boundary shared by the statutory rule. The script
checks that all three agree, then prints times, ratios and peak memory against the targets:
Parity within 2 s, at least 2x faster than pandas, at most 1.5x DuckDB's time, under 1.5 GB.

Timings exclude starting Python and importing the libraries (the same for all three). Each
peer runs `--repeat` times in each of `--rounds` processes, the rounds interleaved; the best
and median of all its runs are shown, and the best times are compared.

    .venv/bin/python bench/bench_paygap.py [--rows 1000000] [--rounds 3] [--repeat 2]
                                           [--file PATH]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KEYS = ("mean_hourly_gap_pct", "median_hourly_gap_pct", "mean_bonus_gap_pct",
        "median_bonus_gap_pct", "male_bonus_pct", "female_bonus_pct")
TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")


# ---------------------------------------------------------------- Parity
def run_parity(path: str) -> dict:
    from parity.paygap import metrics
    from parity.paygap.importer import read_payroll

    payroll = read_payroll(path)
    figures = metrics.six_figures(payroll)
    return {**{k: figures[k] for k in KEYS},
            "quarters": [[q["male_pct"], q["female_pct"]] for q in figures["quarters"]]}


# ---------------------------------------------------------------- pandas
def run_pandas(path: str, engine: str = "c") -> dict:
    import pandas as pd

    df = pd.read_csv(path, engine=engine, dtype={
        "employee_id": str, "sex": "category", "full_pay": "category",
        "worker_type": "category", "grade": "category"})
    flag = df["full_pay"].astype(str).str.strip().str.lower()
    problems = {
        "duplicate ids": int(df["employee_id"].duplicated().sum()),
        "negative pay": int((df[["ordinary_pay", "bonus_pay_in_period", "bonus_pay_12m"]]
                             .fillna(0) < 0).to_numpy().sum()),
        "zero hours or days": int(((df["weekly_hours"] <= 0) | (df["pay_period_days"] <= 0)
                                   | df["weekly_hours"].isna()
                                   | df["pay_period_days"].isna()).sum()),
        "bad flags": int((~flag.isin(TRUE_WORDS + FALSE_WORDS)).sum()),
    }
    if any(problems.values()):
        raise SystemExit(f"pandas peer: bad input {problems}")
    sex = df["sex"].astype(str).str.strip().str.upper()
    male = sex.isin(["M", "MALE"])
    female = sex.isin(["F", "FEMALE"])
    full = flag.isin(TRUE_WORDS)
    # The same rate reached by different sums is one rate (ties that differ in a float's last
    # bit): 9 decimal places here, 40 significant bits in Parity.
    rate = ((df["ordinary_pay"] + df["bonus_pay_in_period"].fillna(0)) * 7
            / df["pay_period_days"] / df["weekly_hours"]).round(9)
    return pandas_figures(rate, df["bonus_pay_12m"].fillna(0), male, female, full)


def pandas_figures(rate, bonus, male, female, full) -> dict:  # noqa: ANN001
    """The six figures and the quarters from pandas Series (one row per employee)."""
    import numpy as np
    import pandas as pd

    def gap(m: float, f: float) -> float:
        return (m - f) / m * 100

    pay = pd.DataFrame({"rate": rate[(male | female) & full], "male": male[(male | female) & full]})
    by_sex = pay.groupby("male")["rate"].agg(["mean", "median"])
    paid = bonus > 0
    bonus_by = pd.DataFrame({"bonus": bonus[(male | female) & paid],
                             "male": male[(male | female) & paid]}
                            ).groupby("male")["bonus"].agg(["mean", "median"])
    out = {
        "mean_hourly_gap_pct": gap(by_sex.loc[True, "mean"], by_sex.loc[False, "mean"]),
        "median_hourly_gap_pct": gap(by_sex.loc[True, "median"], by_sex.loc[False, "median"]),
        "mean_bonus_gap_pct": gap(bonus_by.loc[True, "mean"], bonus_by.loc[False, "mean"]),
        "median_bonus_gap_pct": gap(bonus_by.loc[True, "median"], bonus_by.loc[False, "median"]),
        "male_bonus_pct": (male & paid).sum() / male.sum() * 100,
        "female_bonus_pct": (female & paid).sum() / female.sum() * 100,
    }
    # Quarters: one row per distinct rate (its first position, size, men); each rate's people
    # are shared between the quarters its positions overlap, men by largest remainder.
    groups = pay.groupby("rate", sort=True)["male"].agg(size="size", men="sum")
    n = len(pay)
    size = groups["size"].to_numpy()
    men = groups["men"].to_numpy().astype(np.int64)
    start = np.cumsum(size) - size
    bounds = np.array([(k * n) // 4 for k in range(5)])
    seats = np.clip(np.minimum(start[:, None] + size[:, None], bounds[None, 1:])
                    - np.maximum(start[:, None], bounds[None, :4]), 0, None)
    floor = seats * men[:, None] // size[:, None]
    remainder = seats * men[:, None] % size[:, None]
    left = men - floor.sum(axis=1)
    order = np.argsort(-remainder, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(4)[None, :].repeat(len(order), 0), axis=1)
    men_in = floor + ((rank < left[:, None]) & (seats > 0))
    men_q, all_q = men_in.sum(axis=0), seats.sum(axis=0)
    out["quarters"] = [[m / a * 100, (a - m) / a * 100] for m, a in zip(men_q, all_q,
                                                                         strict=True)]
    return {k: (float(v) if not isinstance(v, list) else v) for k, v in out.items()}


# ---------------------------------------------------------------- DuckDB
DUCK_SQL = """
CREATE OR REPLACE TEMP TABLE payroll AS
SELECT employee_id,
       upper(trim(sex)) AS sex,
       lower(trim(full_pay)) AS flag,
       ordinary_pay, coalesce(bonus_pay_in_period, 0) AS bonus_in_period,
       pay_period_days, weekly_hours, coalesce(bonus_pay_12m, 0) AS bonus
FROM read_csv(?, header = true, columns = {
  'employee_id': 'VARCHAR', 'sex': 'VARCHAR', 'worker_type': 'VARCHAR', 'grade': 'VARCHAR',
  'start_date': 'DATE', 'fte': 'DOUBLE', 'weekly_hours': 'DOUBLE', 'pay_period_days': 'DOUBLE',
  'ordinary_pay': 'DOUBLE', 'bonus_pay_in_period': 'DOUBLE', 'full_pay': 'VARCHAR',
  'bonus_pay_12m': 'DOUBLE'});
"""
DUCK_CHECKS = """
SELECT (SELECT count(*) - count(DISTINCT employee_id) FROM payroll),
       count(*) FILTER (WHERE ordinary_pay < 0 OR bonus_in_period < 0 OR bonus < 0),
       count(*) FILTER (WHERE weekly_hours IS NULL OR weekly_hours <= 0
                        OR pay_period_days IS NULL OR pay_period_days <= 0),
       count(*) FILTER (WHERE flag IS NULL OR flag NOT IN ('true','t','yes','y','1',
                                                          'false','f','no','n','0'))
FROM payroll
"""
DUCK_FIGURES = """
WITH p AS (
  SELECT sex IN ('M', 'MALE') AS male, sex IN ('F', 'FEMALE') AS female,
         flag IN ('true','t','yes','y','1') AS is_full,
         (ordinary_pay + bonus_in_period) * 7 / pay_period_days / weekly_hours AS rate, bonus
  FROM payroll),
h AS (SELECT avg(rate) FILTER (WHERE male) AS mm, avg(rate) FILTER (WHERE female) AS fm,
             median(rate) FILTER (WHERE male) AS md, median(rate) FILTER (WHERE female) AS fd
      FROM p WHERE is_full AND (male OR female)),
b AS (SELECT avg(bonus) FILTER (WHERE male) AS mm, avg(bonus) FILTER (WHERE female) AS fm,
             median(bonus) FILTER (WHERE male) AS md, median(bonus) FILTER (WHERE female) AS fd
      FROM p WHERE bonus > 0 AND (male OR female)),
s AS (SELECT count(*) FILTER (WHERE male AND bonus > 0) * 100.0 / count(*) FILTER (WHERE male)
               AS male_bonus_pct,
             count(*) FILTER (WHERE female AND bonus > 0) * 100.0
               / count(*) FILTER (WHERE female) AS female_bonus_pct
      FROM p)
SELECT (h.mm - h.fm) / h.mm * 100, (h.md - h.fd) / h.md * 100,
       (b.mm - b.fm) / b.mm * 100, (b.md - b.fd) / b.md * 100,
       s.male_bonus_pct, s.female_bonus_pct
FROM h, b, s
"""
DUCK_QUARTERS = """
WITH fp AS (
  -- the same rate reached by different sums is one rate (to 9 decimal places; Parity keeps
  -- 40 significant bits): ties are found even where the floats differ in the last bit
  SELECT round((ordinary_pay + bonus_in_period) * 7 / pay_period_days / weekly_hours, 9)
           AS rate,
         sex IN ('M', 'MALE') AS male
  FROM payroll
  WHERE flag IN ('true','t','yes','y','1') AND sex IN ('M', 'MALE', 'F', 'FEMALE')),
n AS (SELECT count(*) AS n FROM fp),
g AS (SELECT rate, count(*) AS size, sum(male::BIGINT) AS men FROM fp GROUP BY rate),
pos AS (SELECT rate, size, men, sum(size) OVER (ORDER BY rate) - size AS start FROM g),
bounds AS (SELECT q, (q * n) // 4 AS lo, ((q + 1) * n) // 4 AS hi FROM n, range(4) t(q)),
seats AS (
  SELECT rate, size, men, q,
         greatest(0, least(start + size, hi) - greatest(start, lo)) AS seats
  FROM pos JOIN bounds ON start < hi AND start + size > lo),
shares AS (
  SELECT *, (seats * men) // size AS fl, (seats * men) % size AS rem FROM seats),
ranked AS (
  SELECT *, men - sum(fl) OVER (PARTITION BY rate) AS left_over,
         row_number() OVER (PARTITION BY rate ORDER BY rem DESC, q) AS rk
  FROM shares)
SELECT q, sum(fl + CASE WHEN rk <= left_over THEN 1 ELSE 0 END) AS men, sum(seats) AS people
FROM ranked GROUP BY q ORDER BY q
"""


def run_duckdb(path: str) -> dict:
    import duckdb

    con = duckdb.connect()
    con.execute(DUCK_SQL, [path])
    problems = con.execute(DUCK_CHECKS).fetchone()
    if any(problems):
        raise SystemExit(f"duckdb peer: bad input {problems}")
    row = con.execute(DUCK_FIGURES).fetchone()
    out = dict(zip(KEYS, (float(v) for v in row), strict=True))
    out["quarters"] = [[float(m) / p * 100, (p - float(m)) / p * 100]
                       for _, m, p in con.execute(DUCK_QUARTERS).fetchall()]
    con.close()
    return out


PEERS = {"parity": run_parity, "pandas": run_pandas, "duckdb": run_duckdb}


def child(peer: str, path: str, repeat: int, pandas_engine: str = "c") -> None:
    """Run one peer `repeat` times in this process; print times, peak memory and figures."""
    import resource

    if peer == "parity":
        import numpy  # noqa: F401
        import pyarrow as pa
        import pyarrow.compute  # noqa: F401
        import pyarrow.csv  # noqa: F401

        pa.array([0])  # pyarrow loads its pandas shim on first conversion: an import cost
        import parity.paygap.importer  # noqa: F401
        import parity.paygap.metrics  # noqa: F401
    elif peer == "pandas":
        import numpy  # noqa: F401
        import pandas  # noqa: F401
    else:
        import duckdb  # noqa: F401
    times, cpu, figures = [], [], None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        figures = run_pandas(path, pandas_engine) if peer == "pandas" else PEERS[peer](path)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(json.dumps({"times": times, "cpu": cpu, "peak_mb": peak_memory_mb(resource),
                      "figures": figures}))


def peak_memory_mb(resource) -> float:  # noqa: ANN001
    """This process's peak resident memory. VmHWM (Linux) is reset by exec, so it is this
    program's own; ru_maxrss can carry the parent's peak over a fork, so it is the fallback."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def agree(a: dict, b: dict, tol: float = 1e-9) -> list[str]:
    diffs = []
    for key in KEYS:
        if abs(a[key] - b[key]) > tol * max(1.0, abs(a[key])):
            diffs.append(f"{key}: {a[key]!r} vs {b[key]!r}")
    for i, (qa, qb) in enumerate(zip(a["quarters"], b["quarters"], strict=True)):
        if any(abs(x - y) > tol * 100 for x, y in zip(qa, qb, strict=True)):
            diffs.append(f"quarter {i}: {qa} vs {qb}")
    return diffs


def make_file(rows: int, out: Path) -> Path:
    """A synthetic extract (in its own process, so the parent stays small)."""
    from parity.paygap import service
    from parity.store import make_engine, open_session, upgrade

    engine = make_engine(f"sqlite:///{out.parent / 'bench.db'}")
    upgrade(engine)
    with open_session(engine) as s:
        service.synth_payroll(s, force="Metropolitan Police", year=2023, rows=rows, seed=42,
                              out=out)
        s.commit()
    engine.dispose()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs per process")
    parser.add_argument("--rounds", type=int, default=3, help="processes per peer")
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--pandas-engine", default="c", choices=["c", "pyarrow"],
                        help="pandas.read_csv engine for the pandas peer (default: c, the "
                             "default an analyst gets)")
    parser.add_argument("--child", choices=list(PEERS), help=argparse.SUPPRESS)
    parser.add_argument("--make", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, str(args.file), args.repeat, args.pandas_engine)
        return 0
    if args.make:
        make_file(args.rows, args.make)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        if args.file is None:
            start = time.perf_counter()
            path = Path(tmp) / f"payroll_{args.rows}.csv"
            subprocess.run([sys.executable, __file__, "--make", str(path), "--rows",
                            str(args.rows)], check=True)
            print(f"generated {args.rows:,} employees ({path.stat().st_size / 1e6:.0f} MB CSV) "
                  f"in {time.perf_counter() - start:.1f} s with `parity synth payroll`")
        else:
            path = args.file
        # Rounds interleave the peers, so that a busy moment on a shared machine does not
        # fall on one of them only; the best time of each peer over all rounds is compared.
        results: dict[str, dict] = {}
        for _ in range(args.rounds):
            for peer in PEERS:
                proc = subprocess.run([sys.executable, __file__, "--child", peer, "--file",
                                       str(path), "--repeat", str(args.repeat),
                                       "--pandas-engine", args.pandas_engine],
                                      capture_output=True, text=True, check=False)
                if proc.returncode:
                    print(proc.stderr, file=sys.stderr)
                    return 1
                got = json.loads(proc.stdout.strip().splitlines()[-1])
                if peer in results:
                    results[peer]["times"] += got["times"]
                    results[peer]["cpu"] += got["cpu"]
                    results[peer]["peak_mb"] = max(results[peer]["peak_mb"], got["peak_mb"])
                else:
                    results[peer] = got
    ok = True
    for peer in ("pandas", "duckdb"):
        diffs = agree(results["parity"]["figures"], results[peer]["figures"])
        print(f"parity vs {peer}: " + ("agree on all six figures and the quarters" if not diffs
                                       else "DISAGREE: " + "; ".join(diffs)))
        ok &= not diffs
    print(f"\n{'peer':<8} {'best s':>8} {'median s':>9} {'cpu s':>7} {'peak MB':>8}")
    best = {}
    for peer, r in results.items():
        times = sorted(r["times"])
        best[peer] = times[0]
        cpu = sorted(r["cpu"])[0]
        print(f"{peer:<8} {times[0]:>8.3f} {times[len(times) // 2]:>9.3f} {cpu:>7.3f} "
              f"{r['peak_mb']:>8.0f}")
    figures = results["parity"]["figures"]
    print("\nfigures: " + ", ".join(f"{k} {figures[k]:.3f}" for k in KEYS))
    checks = [
        ("Parity within 2 s", best["parity"] <= 2.0, f"{best['parity']:.3f} s"),
        ("Parity at least 2x faster than pandas", best["pandas"] / best["parity"] >= 2.0,
         f"pandas/parity = {best['pandas'] / best['parity']:.2f}x"),
        ("Parity at most 1.5x DuckDB's time", best["parity"] / best["duckdb"] <= 1.5,
         f"parity/duckdb = {best['parity'] / best['duckdb']:.2f}x"),
        ("Parity peak memory under 1.5 GB", results["parity"]["peak_mb"] <= 1536,
         f"{results['parity']['peak_mb']:.0f} MB"),
    ]
    print()
    for label, passed, detail in checks:
        print(f"{'PASS' if passed else 'MISS'}  {label}: {detail}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
