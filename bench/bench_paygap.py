"""Benchmark: statutory pay gap figures from a 1,000,000-employee payroll CSV.

The whole command as a user runs it, `parity paygap compute FILE --json` (a new process:
start-up, imports, reading, checking, the figures, the JSON), against the same job as a script
a competent analyst would write with DuckDB SQL, Polars or pandas (a new process each, imports
included). Each reads the file, checks it (duplicate ids, negative pay, zero hours or days,
unreadable flags) and computes the six figures with the quarters, ties at a boundary shared by
the statutory rule. The script checks that all four agree, then runs them alternately
`--runs` times and prints medians, ratios and peak memory (`_common.Contest`) against the
floors of issue 13: no slower than the DuckDB whole command, peak memory under 500 MB.

    .venv/bin/python bench/bench_paygap.py [--rows 1000000] [--runs 5] [--file PATH]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import PARITY, Contender, Contest, run_process

KEYS = ("mean_hourly_gap_pct", "median_hourly_gap_pct", "mean_bonus_gap_pct",
        "median_bonus_gap_pct", "male_bonus_pct", "female_bonus_pct")
TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")


# ---------------------------------------------------------------- the quarters, for the peers
def quarters(rate, male) -> list[list[float]]:  # noqa: ANN001
    """Quarters as the statutory rule makes them: one row per distinct rate (its first position,
    size, men); each rate's people are shared between the quarters its positions overlap, men
    by largest remainder. Returns [[men %, women %]] lowest quarter first."""
    import numpy as np

    values, inverse, size = np.unique(rate, return_inverse=True, return_counts=True)
    men = np.bincount(inverse, weights=male.astype(np.int64)).astype(np.int64)
    n = len(rate)
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
    return [[float(m / a * 100), float((a - m) / a * 100)]
            for m, a in zip(men_q, all_q, strict=True)]


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
    out["quarters"] = quarters(pay["rate"].to_numpy(), pay["male"].to_numpy())
    return {k: (float(v) if not isinstance(v, list) else v) for k, v in out.items()}


# ---------------------------------------------------------------- Polars
def run_polars(path: str) -> dict:
    import polars as pl

    df = pl.read_csv(path, schema_overrides={
        "employee_id": pl.String, "sex": pl.String, "full_pay": pl.String,
        "worker_type": pl.String, "grade": pl.String, "start_date": pl.String,
        **{c: pl.Float64 for c in ("fte", "weekly_hours", "pay_period_days", "ordinary_pay",
                                   "bonus_pay_in_period", "bonus_pay_12m")}})
    flag = pl.col("full_pay").str.strip_chars().str.to_lowercase()
    checks = df.select(
        dup=pl.len() - pl.col("employee_id").n_unique(),
        neg=((pl.col("ordinary_pay") < 0) | (pl.col("bonus_pay_in_period").fill_null(0) < 0)
             | (pl.col("bonus_pay_12m").fill_null(0) < 0)).sum(),
        zero=((pl.col("weekly_hours").fill_null(0) <= 0)
              | (pl.col("pay_period_days").fill_null(0) <= 0)).sum(),
        flags=(~flag.is_in(TRUE_WORDS + FALSE_WORDS).fill_null(False)).sum(),
    ).row(0)
    if any(checks):
        raise SystemExit(f"polars peer: bad input {checks}")
    sex = pl.col("sex").str.strip_chars().str.to_uppercase()
    p = df.select(
        male=sex.is_in(["M", "MALE"]), female=sex.is_in(["F", "FEMALE"]),
        full=flag.is_in(TRUE_WORDS),
        rate=((pl.col("ordinary_pay") + pl.col("bonus_pay_in_period").fill_null(0)) * 7
              / pl.col("pay_period_days") / pl.col("weekly_hours")).round(9),
        bonus=pl.col("bonus_pay_12m").fill_null(0))
    pay = p.filter(pl.col("full") & (pl.col("male") | pl.col("female"))).sort("rate")
    h = pay.group_by("male").agg(mean=pl.col("rate").mean(), median=pl.col("rate").median())
    b = p.filter((pl.col("bonus") > 0) & (pl.col("male") | pl.col("female"))) \
        .group_by("male").agg(mean=pl.col("bonus").mean(), median=pl.col("bonus").median())

    def get(frame, male: bool, what: str) -> float:  # noqa: ANN001
        return float(frame.filter(pl.col("male") == male)[what][0])

    def gap(frame, what: str) -> float:  # noqa: ANN001
        return (get(frame, True, what) - get(frame, False, what)) / get(frame, True, what) * 100

    counts = p.select(men=pl.col("male").sum(), women=pl.col("female").sum(),
                      men_paid=(pl.col("male") & (pl.col("bonus") > 0)).sum(),
                      women_paid=(pl.col("female") & (pl.col("bonus") > 0)).sum()).row(0)
    return {"mean_hourly_gap_pct": gap(h, "mean"), "median_hourly_gap_pct": gap(h, "median"),
            "mean_bonus_gap_pct": gap(b, "mean"), "median_bonus_gap_pct": gap(b, "median"),
            "male_bonus_pct": counts[2] / counts[0] * 100,
            "female_bonus_pct": counts[3] / counts[1] * 100,
            "quarters": quarters(pay["rate"].to_numpy(), pay["male"].to_numpy())}


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


PEERS = {"duckdb": run_duckdb, "polars": run_polars, "pandas": run_pandas}


def child(peer: str, path: str, pandas_engine: str = "c") -> None:
    """Run one peer once in this process, as a script of its own; print its figures."""
    figures = run_pandas(path, pandas_engine) if peer == "pandas" else PEERS[peer](path)
    print(json.dumps(figures))


def parity_figures(out: bytes) -> dict:
    r = json.loads(out)
    return {**{k: r[k] for k in KEYS},
            "quarters": [[q["male_pct"], q["female_pct"]] for q in r["quarters"]]}


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
    from parity.workforce.service import ensure_loaded

    engine = make_engine(f"sqlite:///{out.parent / 'bench.db'}")
    upgrade(engine)
    with open_session(engine) as s:
        ensure_loaded(s)  # the official workforce the synthetic payroll is calibrated to
        service.synth_payroll(s, force="Metropolitan Police", year=2023, rows=rows, seed=42,
                              out=out)
        s.commit()
    engine.dispose()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="runs of each command")
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--pandas-engine", default="c", choices=["c", "pyarrow"],
                        help="pandas.read_csv engine for the pandas peer (default: c, the "
                             "default an analyst gets)")
    parser.add_argument("--child", choices=list(PEERS), help=argparse.SUPPRESS)
    parser.add_argument("--make", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, str(args.file), args.pandas_engine)
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
        contenders = [Contender("parity paygap compute --json",
                                [PARITY, "paygap", "compute", str(path), "--json"])]
        contenders += [Contender(f"{peer} (the same rules, a script)",
                                 [sys.executable, __file__, "--child", peer, "--file", str(path),
                                  "--pandas-engine", args.pandas_engine]) for peer in PEERS]
        # One untimed run each: the figures must agree (and the file is in the page cache).
        figures = {}
        for c in contenders:
            out = run_process(c.argv, stdout=subprocess.PIPE)[2]
            figures[c.name] = parity_figures(out) if c is contenders[0] else json.loads(out)
        ok = True
        ours = figures[contenders[0].name]
        for c in contenders[1:]:
            diffs = agree(ours, figures[c.name])
            print(f"parity vs {c.name.split()[0]}: " + (
                "agree on all six figures and the quarters" if not diffs
                else "DISAGREE: " + "; ".join(diffs)))
            ok &= not diffs
        contest = Contest(f"paygap compute, {args.rows:,} employees", contenders).run(args.runs)
    contest.print()
    parity, duck = contenders[0], contenders[1]
    print(f"  floor: no slower than the DuckDB whole command: "
          f"{'met' if parity.median <= duck.median else 'NOT met'} "
          f"(Parity/DuckDB {parity.median / duck.median:.2f}x)")
    peak = max(parity.peak_mb)
    print(f"  floor: peak memory under 500 MB: {'met' if peak < 500 else 'NOT met'} "
          f"({peak:.0f} MB)")
    print("\nfigures: " + ", ".join(f"{k} {ours[k]:.3f}" for k in KEYS))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
