"""Commands: paygap compute (statutory figures from a payroll extract), synth payroll; and on the
pay gap returns employers publish (held by `parity.context`): paygap check, paygap history,
paygap compare."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from parity.errors import InputError
from parity.forces import registry
from parity.present.commands import (
    JsonOption,
    bar,
    console,
    emit_json,
    handles_input_errors,
    paygap_app,
    pct,
    progress_bar,
    session,
    spark,
    synth_app,
)


def _snapshot(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"--snapshot {value!r} is not a date; expected YYYY-MM-DD") from exc


FILE = typer.Argument(..., help="The payroll extract: CSV, XLSX or Parquet.")
SNAPSHOT = typer.Option(None, "--snapshot", help="Snapshot date, YYYY-MM-DD (default: the 31 "
                        "March after the latest start date); dates length of service.")
BY = typer.Option(None, "--by", help="Also give figures by worker_type or grade (groups under "
                  "10 men or 10 women suppressed).")
AUDIT = typer.Option(None, "--audit", help="Write the per-employee audit trail (CSV) here. "
                     "Private: it names every employee.")
ADJUSTED = typer.Option(False, "--adjusted", help="Add the adjusted gap (Oaxaca-Blinder on "
                        "grade, hours and length of service).")
BOOTSTRAP = typer.Option(200, "--bootstrap", help="Bootstrap resamples for the adjusted gap's "
                         "uncertainty.")
FORCE = typer.Option(..., "--force", help="A force name (any alias).")
PUBLISHER_FORCE = typer.Option(..., "--force", help="A force, in any publisher's spelling.")
CHECK_PATH = typer.Argument(..., help="A pay gap service download (CSV or XLSX), or a folder "
                            "of them.")
YEAR = typer.Option(..., "--year", help="Snapshot year (31 March).")
OUT = typer.Option(..., "--out", help="The file to write: .csv, .parquet or .xlsx.")
ROWS = typer.Option(None, "--rows", help="Scale to this many employees (default: the force's "
                    "real headcount).")
SEED = typer.Option(0, "--seed", help="Random seed (same seed, same file).")
COLUMNS = typer.Option(None, "--columns", help="Pay lines: the column mapping file (YAML) "
                       "naming the export's person, post, code, amount, period and hours "
                       "columns. Without it FILE is a one-row-per-employee extract.")
CODES = typer.Option(None, "--codes", help="Pay lines: the pay code table (CSV/XLSX: code, "
                     "description, class), or 'police' for the documented police defaults.")
POSTS = typer.Option("combined", "--posts", help="Pay lines: a person with several posts is "
                     "one employee with pay and hours summed (combined) or one per post "
                     "(separate).")
UNKNOWN_CODES = typer.Option("stop", "--unknown-codes", help="Pay lines: stop on codes not in "
                             "the table (default), or treat them as excluded (as-excluded; "
                             "reported).")
TOTALS = typer.Option(None, "--totals", help="Pay lines: the payroll's own totals per code "
                      "for the relevant pay period (CSV: code, amount), to reconcile against.")
LINES = typer.Option(False, "--lines", help="Write pay lines (pay-lines.csv, columns.yaml, "
                     "codes.csv, period-totals.csv) and one-row.csv into --out, a folder.")


def _num(value: float | None, unit: str = "%", digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}{unit}"


@paygap_app.command("compute")
@handles_input_errors
def compute_cmd(
    file: Path = FILE, snapshot: str = SNAPSHOT, by: str = BY, audit: Path = AUDIT,
    adjusted: bool = ADJUSTED, bootstrap: int = BOOTSTRAP, as_json: bool = JsonOption,
    columns: Path = COLUMNS, codes: str = CODES, posts: str = POSTS,
    unknown_codes: str = UNKNOWN_CODES, totals: Path = TOTALS,
) -> None:
    """The six statutory gender pay gap figures from a payroll extract or pay lines."""
    from parity.tabular import arrow_without_pandas  # deferred: loads yaml; `--help` stays fast

    arrow_without_pandas()  # before pyarrow is loaded: no DataFrame here
    from parity.paygap import service  # deferred: loads pyarrow (~0.3 s); `parity --help` stays fast

    if by is not None and by not in service.BY_CHOICES:
        raise InputError(f"--by {by!r}: expected worker_type or grade")
    when = _snapshot(snapshot)
    if audit is not None:
        service.check_output(audit, what="--audit", not_over=file)
    if columns is not None or codes is not None:
        # deferred: the pay lines' reader (~80 ms), only for pay lines
        from parity.paygap.lines_cli import compute_lines

        compute_lines(file, columns=columns, codes=codes, posts=posts, unknown=unknown_codes,
                      totals=totals, snapshot=when, by=by, adjusted=adjusted,
                      bootstrap=bootstrap, audit=audit, as_json=as_json, show=_show)
        return
    payroll = service.read_payroll(file)
    if adjusted:
        from rich.console import Console  # deferred: rich costs ~0.5 s at start-up
        from rich.progress import Progress  # deferred: rich costs ~0.5 s at start-up

        with Progress(console=Console(stderr=True), transient=True) as bar_:
            task = bar_.add_task("adjusted gap: bootstrap", total=bootstrap)
            result = service.compute_figures(
                payroll, snapshot=when, by=by, adjusted=True, bootstrap=bootstrap,
                progress=lambda done: bar_.update(task, completed=done))
    else:
        result = service.compute_figures(payroll, snapshot=when, by=by)
    if audit is not None:
        result["audit_file"] = str(audit)
        result["audit_rows"] = service.write_audit(payroll, audit)
    if as_json:
        emit_json(result)
        return
    _show(result)


def _show(r: dict) -> None:
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    out = console()
    c = r["counts"]
    table = Table(title=f"Gender pay gap — {r['file']} ({c['employees']:,} employees; "
                        f"{c['full_pay_male']:,} men and {c['full_pay_female']:,} women on "
                        "full pay)")
    for col in ("figure", "value", "service field"):
        table.add_column(col, justify="right" if col == "value" else "left")
    fields = r["service_fields"]
    for label, key, field in (
        ("Mean hourly pay gap", "mean_hourly_gap_pct", "DiffMeanHourlyPercent"),
        ("Median hourly pay gap", "median_hourly_gap_pct", "DiffMedianHourlyPercent"),
        ("Mean bonus gap", "mean_bonus_gap_pct", "DiffMeanBonusPercent"),
        ("Median bonus gap", "median_bonus_gap_pct", "DiffMedianBonusPercent"),
        ("Men paid a bonus", "male_bonus_pct", "MaleBonusPercent"),
        ("Women paid a bonus", "female_bonus_pct", "FemaleBonusPercent"),
    ):
        table.add_row(label, _num(r[key], digits=2), f"{field} = {_num(fields[field], '')}")
    out.print(table)
    if r["pence_per_pound"] is not None:
        out.print(f"Women are paid {r['pence_per_pound']:.0f}p for every £1 men are paid "
                  f"(median hourly pay; {r['pence_per_pound_mean']:.0f}p on the mean).")
    quarters = Table(title="Pay quarters (lowest first)")
    for col in ("quarter", "women", "", "men", "hourly range", "mean gap", "median gap"):
        # Wrapped, never cut short with an ellipsis, in a narrow terminal.
        quarters.add_column(col, justify="left" if col in ("quarter", "") else "right",
                            overflow="fold")
    for q in r["quarters"]:
        share = None if q["female_pct"] is None else q["female_pct"] / 100
        rng = "—" if q["min_hourly_gbp"] is None else \
            f"£{q['min_hourly_gbp']:.2f}–£{q['max_hourly_gbp']:.2f}"
        quarters.add_row(q["quarter"], _num(q["female_pct"]), bar(share, 8),
                         _num(q["male_pct"]), rng, _num(q["mean_hourly_gap_pct"]),
                         _num(q["median_hourly_gap_pct"]))
    out.print(quarters)
    if c["other_sex"]:
        values = ", ".join(f"{k!r}: {v}" for k, v in r["other_sex_values"].items())
        out.print(f"[yellow]{c['other_sex']} employee(s) neither male nor female ({values}) are "
                  "left out of every figure.[/yellow]")
    if c["not_full_pay"]:
        out.print(f"{c['not_full_pay']} employee(s) on reduced pay for leave are left out of the "
                  "hourly figures and quarters, and kept in the bonus figures.")
    if "groups" in r:
        groups = Table(title=f"By {r['by']}")
        for col in (r["by"], "mean gap", "median gap", "mean bonus gap", "men bonus",
                    "women bonus"):
            groups.add_column(col, justify="left" if col == r["by"] else "right",
                              overflow="fold")
        for g in r["groups"]:
            if g["suppressed"]:
                mark = "" if g["reason"].startswith("fewer") else " (2)"
                groups.add_row(g[r["by"]], f"suppressed{mark}", "", "", "", "")
            else:
                groups.add_row(g[r["by"]], _num(g["mean_hourly_gap_pct"]),
                               _num(g["median_hourly_gap_pct"]), _num(g["mean_bonus_gap_pct"]),
                               _num(g["male_bonus_pct"]), _num(g["female_bonus_pct"]))
        out.print(groups)
        if any(g["suppressed"] for g in r["groups"]):
            out.print("suppressed: fewer than 10 men or 10 women; (2): also suppressed, so that "
                      "a smaller suppressed group cannot be worked out from the totals.")
    if "adjusted" in r:
        a = r["adjusted"]
        out.print(f"Adjusted gap ({a['employees']:,} employees; {', '.join(a['covariates'][:3])}"
                  f"{' ...' if len(a['covariates']) > 3 else ''}):")
        for part in ("gap", "explained", "unexplained"):
            p = a[part]
            ci = f" (95% CI {p['ci_low']:.4f} to {p['ci_high']:.4f})" if "ci_low" in p else ""
            out.print(f"  {part:<12} {p['log_points']:+.4f} log points ≈ {p['pct']:.1f}%{ci}")
    if "audit_file" in r:
        out.print(f"Audit trail: {r['audit_rows']:,} rows written to {r['audit_file']}")


@synth_app.command("payroll")
@handles_input_errors
def synth_payroll_cmd(
    force: str = FORCE, year: int = YEAR, out: Path = OUT, rows: int = ROWS, seed: int = SEED,
    as_json: bool = JsonOption, lines: bool = LINES,
) -> None:
    """A synthetic payroll extract for a force and year (for demos, tests and benchmarks)."""
    from parity.paygap import service  # deferred: loads pyarrow (~0.3 s); `parity --help` stays fast
    from parity.paygap.lines_cli import synth_lines  # deferred: loads pyarrow

    if lines:
        synth_lines(force=force, year=year, out=out, rows=rows, seed=seed, as_json=as_json)
        return

    # deferred: the workforce service loads SQLAlchemy (~0.3 s), which `paygap compute` never needs
    from parity.workforce import service as workforce

    with session(workforce.ensure_loaded) as s:
        summary = service.synth_payroll(s, force=force, year=year, out=out, rows=rows, seed=seed)
    if as_json:
        emit_json(summary)
        return
    out_console = console()
    out_console.print(f"{summary['force']}, 31 March {year}: {summary['rows']:,} employees "
                      f"written to {summary['file']} (seed {seed}).")
    for key, basis in summary["pay_basis"].items():
        out_console.print(f"  {key.replace('_', ' ')}: {basis}")
    if summary["allowances"]:
        out_console.print("  allowances: " + ", ".join(
            f"{k.replace('_', ' ')} £{v:,.0f}" for k, v in summary["allowances"].items()))


@paygap_app.command("check")
@handles_input_errors
def check_cmd(
    file: Path = CHECK_PATH,
    rule: str = typer.Option(None, "--rule", help="Show only the returns failing this rule."),
    police_only: bool = typer.Option(False, "--police", help="Show only police forces' returns "
                                     "(the totals still cover every return)."),
    limit: int = typer.Option(40, "--limit", help="Failing returns shown in the table (the JSON "
                              "has them all)."),
    as_json: bool = JsonOption,
) -> None:
    """Check published returns: field rules, then cross-figure rules (impossible returns)."""
    # deferred: loads sqlalchemy (~0.3 s); `paygap compute` never needs it
    from parity.context.service import RULES, check_returns, read_returns, return_files, summarise

    if rule and rule not in RULES:
        raise InputError(f"unknown rule {rule!r}; expected one of {', '.join(RULES)}")
    files = return_files(file)
    records: list[dict] = []
    progress, task = progress_bar(len(files), "checking")
    with progress:
        for f in files:
            progress.update(task, description=f.name)
            records.extend(read_returns(f).records)
            progress.update(task, advance=1)
    failures = check_returns(records)
    summary = summarise(records, failures)
    shown = [f for f in failures if (not rule or f.rule == rule)
             and (not police_only or f.force_id)]
    if as_json:
        emit_json({"files": [f.name for f in files], **summary,
                   "failures": [f.__dict__ for f in shown]})
        return
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    out = console()
    table = Table(title=f"Failing returns ({len(shown):,}; first {min(limit, len(shown))})")
    for col in ("year", "employer", "rule", "numbers"):
        table.add_column(col)
    for failure in shown[:limit]:
        table.add_row(f"{failure.snapshot_year}", failure.employer_name[:40], failure.rule,
                      failure.message)
    out.print(table)
    totals = Table(title="Failing returns per rule and snapshot year")
    years = list(summary["by_year"])
    totals.add_column("rule")
    for y in years:
        totals.add_column(f"{y}/{(y + 1) % 100:02d}", justify="right")
    totals.add_column("all", justify="right")
    for name in RULES:
        totals.add_row(name, *(f"{summary['by_year'][y]['by_rule'][name]:,}" for y in years),
                       f"{summary['by_rule'][name]:,}")
    totals.add_row("returns checked", *(f"{summary['by_year'][y]['returns']:,}" for y in years),
                   f"{summary['returns']:,}")
    totals.add_row("returns failing any rule",
                   *(f"{summary['by_year'][y]['failing_returns']:,}" for y in years),
                   f"{summary['failing_returns']:,}")
    out.print(totals)


@paygap_app.command("history")
@handles_input_errors
def history_cmd(force: str = PUBLISHER_FORCE, as_json: bool = JsonOption) -> None:
    """A force's published pay gap returns, year by year (service field names)."""
    from parity.context import service  # deferred: loads sqlalchemy (~0.3 s); `paygap compute` never needs it

    force_id = registry().force(force).id
    with session(service.ensure_loaded) as s:
        history = service.paygap_history(s, force_id=force_id)
    if as_json:
        emit_json(history)
        return
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    table = Table(title=f"{registry().get(force_id).name}: published gender pay gap returns "
                  "(snapshot 31 March)")
    for col in ("year", "mean gap", "median gap", "mean bonus gap", "median bonus gap",
                "men bonus", "women bonus", "women by quarter (low → top)", "late"):
        table.add_column(col, justify="right", no_wrap=col == "year")
    for h in history:
        if not h["reported"]:
            table.add_row(h["reporting_year"], "not yet filed" if h["partial"] else "no return",
                          *[""] * 7)
            continue
        quarters = " ".join(_num(h[f"Female{q}Quartile"], "", 0)
                            for q in ("Lower", "LowerMiddle", "UpperMiddle", "Top"))
        table.add_row(h["reporting_year"] + (" (partial)" if h["partial"] else ""),
                      _num(h["DiffMeanHourlyPercent"]),
                      _num(h["DiffMedianHourlyPercent"]),
                      _num(h["DiffMeanBonusPercent"]),
                      _num(h["DiffMedianBonusPercent"]),
                      _num(h["MaleBonusPercent"]),
                      _num(h["FemaleBonusPercent"]), quarters,
                      "late" if h["submitted_late"] else "")
    out = console()
    out.print(table)
    medians = [h["DiffMedianHourlyPercent"] for h in history]
    out.print(f"median hourly gap {spark(medians)}")


@paygap_app.command("compare")
@handles_input_errors
def compare_cmd(
    force: str = PUBLISHER_FORCE,
    field: str = typer.Option("DiffMedianHourlyPercent", "--field",
                              help="A service field, e.g. DiffMeanHourlyPercent."),
    year: int = typer.Option(None, "--year", help="Snapshot year (default: latest complete)."),
    as_json: bool = JsonOption,
) -> None:
    """A force's published figure against all police forces and the public sector."""
    from parity.context import service  # deferred: loads sqlalchemy (~0.3 s); `paygap compute` never needs it

    force_id = registry().force(force).id
    with session(service.ensure_loaded) as s:
        result = service.paygap_comparison(s, force_id=force_id, field=field, snapshot_year=year)
    if as_json:
        emit_json(result)
        return
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    table = Table(title=f"{result['force']}, {result['reporting_year']}: {field} "
                  f"= {_num(result['value'], '', 2)}")
    for col in ("compared with", "n", "q1", "median", "q3", "position", "percentile"):
        table.add_column(col, justify="right")
    for label, key in (("police forces", "police_forces"),
                       ("public administration", "public_administration")):
        c = result[key]
        table.add_row(label, f"{c['n']}", _num(c["q1"], "", 2), _num(c["median"], "", 2),
                      _num(c["q3"], "", 2), f"{c['position'] or '—'} of {c['of']}",
                      pct(c["percentile"], 0))
    console().print(table)
