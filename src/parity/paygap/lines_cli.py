"""The pay-lines side of ``parity paygap compute`` and ``parity synth payroll --lines``.

Called from `parity.paygap.cli` when ``--columns`` / ``--codes`` or ``--lines`` is given; prints
the figures (the same table as a one-row extract), then what the collapse did and the
reconciliation per pay code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from parity.errors import InputError
from parity.paygap.fromlines import figures_from_lines
from parity.paygap.synth_lines import synth_pay_lines
from parity.present.commands import console, emit_json, session


def compute_lines(file: Path, *, columns: Path | None, codes: str | None, posts: str,
                  unknown: str, totals: Path | None, snapshot: date | None, by: str | None,
                  adjusted: bool, bootstrap: int, audit: Path | None, as_json: bool,
                  show: Callable[[dict], None]) -> None:
    if columns is None or codes is None:
        raise InputError("pay lines need both --columns (the mapping file) and --codes (the "
                         "pay code table, or 'police')")
    result = figures_from_lines(file, columns=columns, codes=codes, snapshot=snapshot,
                                posts=posts, unknown=unknown, totals=totals, by=by,
                                adjusted=adjusted, bootstrap=bootstrap, audit=audit)
    if as_json:
        emit_json(result)
        return
    show(result)
    show_lines(result["pay_lines"])


def _money(value: float | None) -> str:
    if value is None:
        return "—"
    return f"−£{-value:,.2f}" if value < 0 else f"£{value:,.2f}"


def show_lines(summary: dict) -> None:
    """What the collapse did, and the totals per pay code against the payroll's own."""
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    out = console()
    out.print(f"Pay lines: {summary['lines']:,} read, {summary['lines_in_period']:,} in the "
              f"relevant pay period; {summary['employees']:,} relevant employees (posts "
              f"{summary['posts']}).")
    for why, count in summary["left_out"].items():
        if count:
            out.print(f"  left out, {why}: {count:,}")
    if summary["unknown_codes"]:
        out.print("[yellow]Codes not in the code table, treated as excluded:[/yellow] " + ", ".join(
            f"{u['code']} ({u['lines']:,} lines, {u['people']:,} people, "
            f"{_money(u['total_gbp'])})" for u in summary["unknown_codes"]))
    rows = summary["reconciliation"]
    theirs = any("payroll_period_gbp" in r for r in rows)
    table = Table(title="Reconciliation per pay code (relevant pay period; bonus over 12 months)")
    heads = ["code", "class", "lines", "people", "period total", "bonus 12 months"]
    if theirs:
        heads += ["payroll's total", "difference"]
    for head in heads:
        table.add_column(head, justify="left" if head in ("code", "class") else "right",
                         overflow="fold")
    for r in rows:
        cells = [r["code"], r["class"], f"{r['lines']:,}", f"{r['people']:,}",
                 _money(r["period_gbp"]), _money(r["bonus_12m_gbp"])]
        if theirs:
            diff = r.get("difference_gbp")
            cells += [_money(r.get("payroll_period_gbp")),
                      "" if diff is None else ("[red]" if diff else "") + _money(diff)]
        table.add_row(*cells)
    out.print(table)
    if theirs:
        off = [r["code"] for r in rows if r.get("difference_gbp")]
        out.print("Every code agrees with the payroll's totals." if not off else
                  f"[red]{len(off)} code(s) differ from the payroll's totals: "
                  f"{', '.join(off)}[/red]")


def synth_lines(*, force: str, year: int, out: Path, rows: int | None, seed: int,
                as_json: bool) -> None:

    # deferred: the workforce service loads SQLAlchemy (~0.3 s), which `paygap compute` never needs
    from parity.workforce import service as workforce

    with session(workforce.ensure_loaded) as s:
        summary = synth_pay_lines(s, force=force, year=year, out=out, rows=rows, seed=seed)
    if as_json:
        emit_json(summary)
        return
    con = console()
    con.print(f"{summary['force']}, 31 March {year}: {summary['people']:,} people, "
              f"{summary['lines']:,} pay lines written to {summary['folder']} (seed {seed}):")
    for name in summary["files"]:
        con.print(f"  {name}")
