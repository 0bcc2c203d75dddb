"""The statutory figures from pay lines: read, classify, collapse, compute, audit.

`figures_from_lines(path, columns=..., codes=..., ...)` is what ``parity paygap compute FILE
--columns map.yaml --codes codes.csv`` and the private web page call: it returns the same dict
as `service.compute_figures` on a one-row extract, plus ``pay_lines`` (lines read, posts rule,
people left out and why, unknown codes treated as excluded, and the reconciliation per pay
code). `write_lines_audit` writes the per-employee audit a payroll team reconciles, with every
text cell that a spreadsheet could run as a formula neutralised.

Pay lines are private: nothing here stores them (decision 0301).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from parity import disclosure
from parity.errors import InputError, Problem
from parity.paygap import metrics, service
from parity.paygap.codes import CodeTable, load_codes
from parity.paygap.collapse import Collapsed, _date, collapse
from parity.paygap.paylines import Mapping, PayLines, read_lines, read_mapping
from parity.paygap.service import write_table
from parity.paygap.validation import column_key
from parity.tabular import decode_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def infer_lines_snapshot(lines: PayLines) -> date:
    """The latest 31 March on or before the latest pay period end in the lines."""
    latest = _date(int(lines.period_end.max()))
    year = latest.year if (latest.month, latest.day) >= (3, 31) else latest.year - 1
    return date(year, 3, 31)


def read_totals(path: Path | str) -> dict[str, float]:
    """The payroll's own totals per pay code for the relevant pay period (CSV: ``code``,
    ``amount``), to reconcile against."""

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such totals file")
    rows = list(csv.reader(io.StringIO(decode_text(path.read_bytes(), path.name), newline="")))
    keys = [column_key(h) for h in rows[0]] if rows else []
    if "code" not in keys or "amount" not in keys:
        raise InputError(f"{path.name}: expected columns code and amount",
                         [Problem(path.name, "expected a header: code, amount", row=1)])
    at_code, at_amount = keys.index("code"), keys.index("amount")
    totals: dict[str, float] = {}
    problems = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        code = row[at_code].strip() if at_code < len(row) else ""
        text = row[at_amount].strip().replace(",", "").lstrip("£") if at_amount < len(row) else ""
        try:
            totals[code] = totals.get(code, 0.0) + float(text)
        except ValueError:
            problems.append(Problem(path.name, f"expected an amount in pounds, found {text!r}",
                                    row=number, column="amount"))
    if problems:
        raise InputError(f"{path.name}: the totals file has {len(problems)} problem(s)", problems)
    return totals


def collapse_file(path: Path | str, *, columns: Path | str | Mapping,
                  codes: Path | str | CodeTable, snapshot: date | None = None,
                  posts: str = "combined", unknown: str = "stop",
                  totals: Path | str | dict[str, float] | None = None,
                  detail: bool = False, groups: bool = True) -> tuple[Collapsed, bool]:
    """Read pay lines through the mapping (a file, or a checked `Mapping`) and collapse them;
    (collapsed, inferred). Without `groups` the worker type and grade columns are not read
    (the six figures do not use them; figures by group, the adjusted gap and the audit do)."""
    mapping = columns if isinstance(columns, Mapping) else read_mapping(columns)
    table = codes if isinstance(codes, CodeTable) else load_codes(codes)
    their_totals = totals if totals is None or isinstance(totals, dict) else read_totals(totals)
    lines = read_lines(path, mapping, skip=() if groups else ("worker_type", "grade"))
    inferred = snapshot is None
    when = snapshot or infer_lines_snapshot(lines)
    return collapse(lines, table, snapshot=when, posts=posts, unknown=unknown,
                    totals=their_totals, detail=detail), inferred


def figures_from_lines(path: Path | str, *, columns: Path | str | Mapping,
                       codes: Path | str | CodeTable, snapshot: date | None = None, posts: str = "combined",
                       unknown: str = "stop", totals: Path | str | None = None,
                       by: str | None = None, adjusted: bool = False, bootstrap: int = 200,
                       progress=None, audit: Path | str | None = None) -> dict:  # noqa: ANN001
    """The statutory figures from pay lines (see the module docstring)."""
    collapsed, inferred = collapse_file(path, columns=columns, codes=codes, snapshot=snapshot,
                                        posts=posts, unknown=unknown, totals=totals,
                                        detail=audit is not None,
                                        groups=bool(by or adjusted or audit is not None))
    return figures_of(collapsed, inferred=inferred, by=by, adjusted=adjusted,
                      bootstrap=bootstrap, progress=progress, audit=audit)


def figures_of(collapsed: Collapsed, *, inferred: bool = False, by: str | None = None,
               adjusted: bool = False, bootstrap: int = 200, progress=None,  # noqa: ANN001
               audit: Path | str | None = None) -> dict:
    """The figures of an extract already collapsed (`collapse_file`), with ``pay_lines``."""
    when = date.fromisoformat(collapsed.snapshot)
    result = service.compute_figures(collapsed.payroll, snapshot=when, by=by,
                                     adjusted=adjusted, bootstrap=bootstrap, progress=progress)
    result["snapshot_inferred"] = inferred
    result["pay_lines"] = summary(collapsed)
    if audit is not None:
        result["audit_file"] = str(audit)
        result["audit_rows"] = write_lines_audit(collapsed, audit)
    return result


def summary(collapsed: Collapsed) -> dict:
    """What `figures_from_lines` adds under ``pay_lines``."""
    return {"lines": collapsed.lines, "lines_in_period": collapsed.lines_in_period,
            "posts": collapsed.posts, "employees": len(collapsed.payroll),
            "left_out": collapsed.left_out, "unknown_codes": collapsed.unknown_codes,
            "reconciliation": collapsed.reconciliation}


def shown_lines(summary: dict, *, minimum: int = disclosure.MINIMUM) -> dict:
    """`summary` (``pay_lines``) as it may be shown: in the reconciliation and the unknown
    codes, a code's people and money withheld (None, ``suppressed`` set) where it rests on
    fewer than `minimum` people (the under-10 rule of `parity.disclosure`)."""
    money = ("total_gbp", "period_gbp", "bonus_12m_gbp", "payroll_period_gbp",
             "difference_gbp")

    def row(r: dict) -> dict:
        if disclosure.publishable(r.get("people"), minimum=minimum):
            return dict(r)
        return {**r, "people": None, "suppressed": True, **{k: None for k in money if k in r}}

    return {**summary, "reconciliation": [row(r) for r in summary.get("reconciliation", [])],
            "unknown_codes": [row(u) for u in summary.get("unknown_codes", [])]}


def audit_lines_table(collapsed: Collapsed) -> pa.Table:
    """Per relevant employee: the person, posts, lines used by class (and with ``detail``
    each code, class and amount), then the one-row audit: ordinary pay, hours, hourly rate,
    quarter, bonus, full-pay status and why."""
    base = metrics.audit_table(collapsed.payroll)
    extra = {k: v for k, v in collapsed.employees.items()}
    columns = {"employee_id": base.column("employee_id"), "person": extra.pop("person")}
    for name, values in extra.items():
        columns[name] = pa.array(values) if not isinstance(values, pa.Array) else values
    for name in base.column_names[1:]:
        columns[name] = base.column(name)
    return pa.table(columns)


def neutralised(table: pa.Table) -> pa.Table:
    """Text cells that a spreadsheet would run as a formula (starting =, +, -, @, tab or
    carriage return) get a leading apostrophe; numbers are left as numbers."""
    out = {}
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_dictionary(column.type):
            column = column.cast(pa.string())
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            text = pc.fill_null(column, "")
            risky = pc.or_(pc.starts_with(text, FORMULA_START[0]),
                           pc.starts_with(text, FORMULA_START[1]))
            for start in FORMULA_START[2:]:
                risky = pc.or_(risky, pc.starts_with(text, start))
            column = pc.if_else(risky, pc.binary_join_element_wise("'", text, ""), text)
        out[name] = column
    return pa.table(out)


def write_lines_audit(collapsed: Collapsed, out: Path | str) -> int:
    """Write the audit (CSV) to `out`; returns its rows. Private: it names every employee."""
    return write_table(neutralised(audit_lines_table(collapsed)), out)
