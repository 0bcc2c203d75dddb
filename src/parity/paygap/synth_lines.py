"""Synthetic pay lines: the synthetic payroll's people as a payroll exports them.

`synth_pay_lines(session, force=, year=, out=FOLDER)` writes, into a folder:

- ``pay-lines.csv`` — one row per pay element per person per period: March (the relevant pay
  period) and February; basic pay, London or South East allowances for officers, location
  and shift allowances for staff, on-call, overtime, salary sacrifice, tax, National
  Insurance and pension deductions, expenses, arrears, sick and maternity pay for people on
  reduced pay for leave, bonus and service critical skills payments through the year; some
  people hold two posts (two staff contracts; an officer who is also a special constable);
- ``columns.yaml`` — the mapping of its columns; ``codes.csv`` — the pay code table (the police
  defaults); ``period-totals.csv`` — the payroll's own March totals per code;
- ``one-row.csv`` — the same people as a one-row-per-employee extract, built from the values
  the lines were made to add up to (not by collapsing them), so that computing both must give
  the same six figures.

Headcounts, pay scales, allowances, bonuses and leave come from `parity.paygap.synth`
(official figures and labelled assumptions, decision 0304); the shares of each extra line
(overtime, sacrifice, two posts ...) are assumptions in ``synth_assumptions.yaml``
(``pay_lines``). Deterministic for a seed; whole-array numpy.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parity.errors import InputError
from parity.paygap import synth
from parity.paygap.codes import HERE

COLUMN_NAMES = {"person": "Employee Number", "post": "Assignment", "sex": "Gender",
                "code": "Element", "amount": "Amount", "period_start": "Period Start",
                "period_end": "Period End", "paid_on": "Payment Date",
                "weekly_hours": "Weekly Hours", "worker_type": "Staff Group", "grade": "Grade"}
ALLOWANCE_CODES = {"london_weighting": "LONDON_WEIGHTING", "london_allowance": "LONDON_ALLOWANCE",
                   "south_east_allowance": "SE_ALLOWANCE"}
LEAVE_CODES = ("SICK_HALF", "SMP", "SSP", "MATERNITY_HALF", "SPP")
SACRIFICE_CODES = ("SACRIFICE_CYCLE", "SACRIFICE_CAR", "SACRIFICE_CHILDCARE")


def _pence(values: np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(values, dtype=float) * 100.0).astype(np.int64)


class _Lines:
    """Pay lines gathered as arrays, one `add` per kind of line."""

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {k: [] for k in (
            "who", "post", "code", "pence", "month", "paid", "hours", "seq")}
        self.codes: list[str] = []

    def add(self, who: np.ndarray, code: str | np.ndarray, pence: np.ndarray, *, month: int,
            seq: int, post: np.ndarray | int = 0, hours: np.ndarray | None = None,
            paid_month: np.ndarray | None = None) -> None:
        n = len(who)
        if not n:
            return
        if isinstance(code, str):
            code = np.full(n, self._code(code), dtype=np.int32)
        self.parts["who"].append(who)
        self.parts["code"].append(code)
        self.parts["pence"].append(np.broadcast_to(pence, n).astype(np.int64))
        self.parts["month"].append(np.full(n, month, dtype=np.int32))
        self.parts["paid"].append(np.full(n, month, dtype=np.int32) if paid_month is None
                                  else paid_month.astype(np.int32))
        self.parts["post"].append(np.broadcast_to(np.asarray(post, dtype=np.int8), n))
        self.parts["hours"].append(np.full(n, np.nan) if hours is None else hours)
        self.parts["seq"].append(np.full(n, seq, dtype=np.int32))

    def _code(self, code: str) -> int:
        if code not in self.codes:
            self.codes.append(code)
        return self.codes.index(code)

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) for k, v in self.parts.items()}


def _month_bounds(snapshot: date, back: int) -> tuple[date, date]:
    """The calendar month `back` months before the snapshot's (0: March itself)."""
    import calendar

    month = snapshot.month - back
    year = snapshot.year
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def build(columns: dict, parts: dict, *, seed: int) -> tuple[pa.Table, pa.Table, pa.Table]:
    """(pay lines, one-row extract, the payroll's March totals per code) from the synthetic
    payroll's columns and pay components (`synth.generate(..., parts=)`)."""
    config = synth.assumptions()["pay_lines"]
    rng = np.random.default_rng(seed + 17)
    n = len(parts["basic"])
    snapshot: date = parts["snapshot"]
    officer = parts["officer"]
    fte = parts["fte"]
    on_leave = parts["factor"] < 1.0
    hours = columns["weekly_hours"].to_numpy()
    ordinary = _pence(columns["ordinary_pay"].to_numpy())
    everyone = np.arange(n)
    lines = _Lines()

    # Ordinary pay in March: allowances, on-call and leave pay carved out of the month's pay,
    # the rest is basic pay; salary sacrifice is added to basic and taken off by its own line.
    carved = np.zeros(n, dtype=np.int64)
    working = ~on_leave
    seq = 10
    for key, amount in parts["allowances"].items():
        who = np.flatnonzero(officer & working)
        pence = _pence(amount * fte[who] / 12.0)
        lines.add(who, ALLOWANCE_CODES[key], pence, month=0, seq=seq)
        carved[who] += pence
        seq += 1
    for code, yearly in (("LOCATION_ALLOWANCE", parts["location"]),
                         ("SHIFT_ALLOWANCE", parts["shift"])):
        who = np.flatnonzero(working & (yearly > 0))
        pence = _pence(yearly[who] * fte[who] / 12.0)
        lines.add(who, code, pence, month=0, seq=seq)
        carved[who] += pence
        seq += 1
    who = np.flatnonzero(officer & working & (rng.random(n) < config["on_call_share"]))
    pence = _pence(20.0 * rng.integers(1, 8, len(who)))
    lines.add(who, "ON_CALL", pence, month=0, seq=seq)
    carved[who] += pence
    who = np.flatnonzero(on_leave)
    leave_code = np.array([lines._code(c) for c in LEAVE_CODES], dtype=np.int32)[
        rng.integers(0, len(LEAVE_CODES), len(who))]
    pence = ordinary[who] * 2 // 5
    lines.add(who, leave_code, pence, month=0, seq=seq + 1)
    carved[who] += pence
    sacrifice = np.zeros(n, dtype=np.int64)
    who = np.flatnonzero(rng.random(n) < config["sacrifice_share"])
    sacrifice[who] = _pence(rng.choice(config["sacrifice_amounts"], len(who)))
    basic = ordinary - carved + sacrifice

    # Two staff contracts: the basic pay and hours split between two posts.
    two = (~officer) & working & (rng.random(n) < config["two_posts_share"]) & (hours >= 8)
    first_hours = np.where(two, np.floor(hours * 0.6 * 4) / 4, hours)
    second_hours = np.where(two, hours - first_hours, 0.0)
    first_basic = np.where(two, basic * 3 // 5, basic)
    lines.add(everyone, "BASIC", first_basic, month=0, seq=1, hours=first_hours)
    who = np.flatnonzero(two)
    lines.add(who, "BASIC", basic[who] - first_basic[who], month=0, seq=50, post=1,
              hours=second_hours[who])
    who = np.flatnonzero(sacrifice > 0)
    sacrifice_codes = np.array([lines._code(c) for c in SACRIFICE_CODES], dtype=np.int32)[
        rng.integers(0, len(SACRIFICE_CODES), len(who))]
    lines.add(who, sacrifice_codes, -sacrifice[who], month=0, seq=30)
    # Officers who are also special constables: a second post with expenses and no hours.
    who = np.flatnonzero(officer & (rng.random(n) < config["special_constable_share"]))
    lines.add(who, "EXPENSES", _pence(rng.uniform(5, 60, len(who))), month=0, seq=60, post=2)

    # Lines that count nowhere: deductions at source, overtime, expenses, arrears.
    gross = ordinary.astype(float)
    lines.add(everyone, "TAX", -_pence(gross / 100.0 * 0.14), month=0, seq=40)
    lines.add(everyone, "NI", -_pence(gross / 100.0 * 0.07), month=0, seq=41)
    lines.add(everyone, "PENSION_EE", -_pence(gross / 100.0 * np.where(officer, 0.125, 0.06)),
              month=0, seq=42)
    for code, share, low, high in (("OVERTIME", config["overtime_share"], 40, 900),
                                   ("EXPENSES", config["expenses_share"], 5, 150),
                                   ("BACK_PAY", config["back_pay_share"], 10, 400)):
        who = np.flatnonzero(rng.random(n) < share)
        lines.add(who, code, _pence(rng.uniform(low, high, len(who))), month=0, seq=43)
    # February: the period before, as an extract of the last two periods holds it.
    lines.add(everyone, "BASIC", basic, month=1, seq=0, hours=first_hours)
    lines.add(everyone, "TAX", -_pence(gross / 100.0 * 0.14), month=1, seq=1)
    lines.add(everyone, "NI", -_pence(gross / 100.0 * 0.07), month=1, seq=2)
    lines.add(everyone, "PENSION_ER", _pence(gross / 100.0 * np.where(officer, 0.31, 0.18)),
              month=1, seq=3)
    who = np.flatnonzero(rng.random(n) < config["overtime_share"])
    lines.add(who, "OVERTIME", _pence(rng.uniform(40, 900, len(who))), month=1, seq=4)

    # Bonuses: paid in March in one line, or through the year in their own months.
    bonus_total = _pence(columns["bonus_pay_12m"].to_numpy())
    critical = _pence(parts["critical"])
    in_march = parts["in_march"] & (bonus_total > 0)
    who = np.flatnonzero(in_march)
    bonus_codes = np.where(critical[who] * 2 > bonus_total[who], lines._code("CRITICAL_SKILLS"),
                           lines._code("BONUS")).astype(np.int32)
    lines.add(who, bonus_codes, bonus_total[who], month=0, seq=20)
    later = (bonus_total > 0) & ~in_march
    for code, amount in (("BONUS", bonus_total - critical), ("CRITICAL_SKILLS", critical)):
        who = np.flatnonzero(later & (amount > 0))
        back = rng.integers(1, 12, len(who))
        lines.add(who, code, amount[who], month=-1, seq=20, paid_month=back)

    table = _as_table(lines, columns, snapshot)
    days = parts["days"]
    bonus_march = np.where(in_march, (bonus_total / 100.0) * (days / 365.0), 0.0)
    one_row = pa.table({
        "employee_id": columns["employee_id"], "sex": columns["sex"],
        "ordinary_pay": pa.array(ordinary / 100.0),
        "bonus_pay_in_period": pa.array(bonus_march),
        "pay_period_days": columns["pay_period_days"],
        "weekly_hours": pa.array(0.0 + first_hours + second_hours),
        "full_pay": columns["full_pay"], "bonus_pay_12m": pa.array(bonus_total / 100.0),
        "worker_type": columns["worker_type"], "grade": columns["grade"],
    })
    march = pc.equal(table.column(COLUMN_NAMES["period_end"]),
                     pa.scalar(_month_bounds(snapshot, 0)[1], pa.date32()))
    in_march_lines = table.filter(march)
    totals = in_march_lines.group_by(COLUMN_NAMES["code"]).aggregate(
        [(COLUMN_NAMES["amount"], "sum")])
    totals = pa.table({"code": totals.column(0),
                       "amount": pc.round(totals.column(1), 2)}).sort_by("code")
    return table, one_row, totals


def _as_table(lines: _Lines, columns: dict, snapshot: date) -> pa.Table:
    a = lines.arrays()
    order = np.lexsort((a["seq"], a["month"] * -1, a["who"]))
    a = {k: v[order] for k, v in a.items()}
    month = a["month"]
    paid = a["paid"]
    bounds = {m: _month_bounds(snapshot, m) for m in range(0, 12)}
    # A bonus paid in an earlier month belongs to that month's period.
    effective = np.where(month < 0, paid, month)
    starts = np.array([np.datetime64(bounds[m][0]) for m in range(12)])
    ends = np.array([np.datetime64(bounds[m][1]) for m in range(12)])
    who = a["who"]
    person = columns["employee_id"].take(pa.array(who))
    post = pa.array(np.array(["", "-2", "-S"])[a["post"]])
    post = pc.binary_join_element_wise(person, post, "")
    return pa.table({
        COLUMN_NAMES["person"]: person,
        COLUMN_NAMES["post"]: post,
        COLUMN_NAMES["sex"]: columns["sex"].take(pa.array(who)),
        COLUMN_NAMES["code"]: pa.array(np.array(lines.codes)[a["code"]]),
        COLUMN_NAMES["amount"]: pa.array(a["pence"] / 100.0),
        COLUMN_NAMES["period_start"]: pa.array(starts[effective].astype("datetime64[D]")),
        COLUMN_NAMES["period_end"]: pa.array(ends[effective].astype("datetime64[D]")),
        COLUMN_NAMES["paid_on"]: pa.array(ends[effective].astype("datetime64[D]")),
        COLUMN_NAMES["weekly_hours"]: pa.array(a["hours"], from_pandas=True),
        COLUMN_NAMES["worker_type"]: columns["worker_type"].take(pa.array(who)),
        COLUMN_NAMES["grade"]: columns["grade"].take(pa.array(who)),
    })


def mapping_text() -> str:
    """The columns.yaml for the synthetic pay lines."""
    body = "\n".join(f"  {field}: {header}" for field, header in COLUMN_NAMES.items())
    return ("# Column mapping for Parity's synthetic pay lines (parity synth payroll --lines).\n"
            "name: synthetic pay lines\n"
            f"columns:\n{body}\n")


def synth_pay_lines(session, *, force: str, year: int, out: Path | str,  # noqa: ANN001
                    rows: int | None = None, seed: int = 0) -> dict:
    """Write the pay lines folder (see the module docstring); returns a summary."""
    import pyarrow.csv as pcsv

    from parity.paygap.service import force_stock

    if rows is not None and rows < 1:
        raise InputError(f"--rows must be at least 1, not {rows}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: with --lines, --out is a folder; this is a file")
    if not out.parent.is_dir():
        raise InputError(f"--out {out}: no such folder {str(out.parent)!r}")
    resolved, stock = force_stock(session, force=force, year=year)
    parts: dict = {}
    columns, summary = synth.generate(stock, force_id=resolved.id, year=year, rows=rows,
                                      seed=seed, parts=parts)
    table, one_row, totals = build(columns, parts, seed=seed)
    try:
        out.mkdir(exist_ok=True)
        pcsv.write_csv(table, out / "pay-lines.csv")
        pcsv.write_csv(one_row, out / "one-row.csv")
        pcsv.write_csv(totals, out / "period-totals.csv")
        (out / "columns.yaml").write_text(mapping_text(), encoding="utf-8")
        shutil.copyfile(HERE / "police_codes.csv", out / "codes.csv")
    except OSError as exc:
        raise InputError(f"--out {out}: cannot be written ({exc.strerror or exc})") from exc
    return {"force": resolved.name, "force_id": resolved.id, "year": year, "seed": seed,
            "snapshot": summary.snapshot, "people": summary.rows, "lines": table.num_rows,
            "folder": str(out), "files": ["pay-lines.csv", "columns.yaml", "codes.csv",
                                          "period-totals.csv", "one-row.csv"]}
