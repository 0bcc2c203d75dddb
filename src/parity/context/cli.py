"""Commands: import paygap-returns, import crime, paygap check, paygap history, paygap compare,
crime, context."""

from __future__ import annotations

from pathlib import Path

import typer

from parity import calendar
from parity.errors import InputError
from parity.forces import registry
from parity.present.commands import (
    JsonOption,
    app,
    console,
    emit_json,
    handles_input_errors,
    import_app,
    paygap_app,
    pct,
    session,
)

FORCE = typer.Option(..., "--force", help="A force, in any publisher's spelling.")
RETURNS_PATH = typer.Argument(None, help="A download (CSV or XLSX) or a folder of them; "
                              "default: the bundled downloads, 2017/18 to 2023/24.")
CRIME_PATH = typer.Argument(None, help="An ONS police force area data table (XLSX) or a "
                            "folder of editions; default: the six bundled editions.")
CHECK_PATH = typer.Argument(..., help="A pay gap service download (CSV or XLSX), or a folder "
                            "of them.")
SPARK = "▁▂▃▄▅▆▇█"


def _spark(values: list[float | None]) -> str:
    data = [v for v in values if v is not None]
    if not data:
        return ""
    low, high = min(data), max(data)
    span = (high - low) or 1.0
    return "".join(" " if v is None else SPARK[int((v - low) / span * (len(SPARK) - 1))]
                   for v in values)


def _num(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "—" if value is None else f"{value:,.{digits}f}{suffix}"


def _progress(total: int, label: str):  # noqa: ANN202
    from rich.console import Console  # deferred: rich costs ~0.5 s at start-up

    # deferred: rich costs ~0.5 s at start-up
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    err = Console(stderr=True)
    # Off when stderr is not a terminal: a redrawn bar there is only blank lines before any
    # error message.
    progress = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.description}"), console=err, transient=True,
                        disable=not err.is_terminal)
    return progress, progress.add_task("", total=total)


def _import_with_progress(total: int, label: str, run):  # noqa: ANN001, ANN202
    """`run(session, step)` in one committed session, with a progress bar of `total` files
    that `step(file_name)` advances; returns what `run` returns."""
    progress, task = _progress(total, label)
    with progress, session() as s:
        def step(name: str) -> None:
            progress.update(task, advance=1, description=name)

        result = run(s, step)
    return result


def _force_id(name: str) -> str:
    return registry().force(name).id


@import_app.command("paygap-returns")
@handles_input_errors
def import_paygap_returns_cmd(
    path: Path = RETURNS_PATH,
    as_json: bool = JsonOption,
) -> None:
    """Import the Gender Pay Gap Service's downloads (every employer's published returns)."""
    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.context.returns_importer import DEFAULT_DIR, import_paygap_returns, return_files

    target = path or DEFAULT_DIR
    files = return_files(target)
    result = _import_with_progress(
        len(files), "reading returns",
        lambda s, step: import_paygap_returns(s, path=target, progress=step))
    if as_json:
        emit_json(result.__dict__)
        return
    items = result.files or [result.__dict__]
    out = console()
    for item in items:
        if item["status"] == "unchanged":
            out.print(f"{item['file']}: already imported, nothing changed.")
        else:
            note = " (partial download)" if item["partial"] else ""
            out.print(f"{item['file']}: {item['rows']:,} returns for "
                      f"{calendar.reporting_year(item['snapshot_year'])}{note}, {item['forces']} police "
                      "forces matched"
                      + (f", replacing {item['replaced_rows']:,} earlier rows." if
                         item["replaced_rows"] else "."))
            if item.get("duplicate_rows"):
                rows = ", ".join(str(r) for r in item["duplicate_rows"][:10])
                out.print(f"  {len(item['duplicate_rows']):,} rows repeated an earlier row "
                          f"exactly and were stored once (rows {rows}"
                          + (", ..." if len(item["duplicate_rows"]) > 10 else "") + ").")


@import_app.command("crime")
@handles_input_errors
def import_crime_cmd(
    path: Path = CRIME_PATH,
    as_json: bool = JsonOption,
) -> None:
    """Import ONS police recorded crime by police force area."""
    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.context.crime_importer import DEFAULT_DIR, crime_files, import_crime

    target = path or DEFAULT_DIR
    files = crime_files(target)
    result = _import_with_progress(
        len(files), "reading editions",
        lambda s, step: import_crime(s, path=target, progress=step))
    if as_json:
        emit_json(result.__dict__)
        return
    out = console()
    for item in result.files or [result.__dict__]:
        if item["status"] == "unchanged":
            out.print(f"{item['file']}: already imported, nothing changed.")
        else:
            out.print(f"{item['file']}: year ending {item['period_end']:%B %Y}, "
                      f"{item['rows']:,} figures, {item['forces']} force areas"
                      + (f", replacing {item['replaced_rows']:,} earlier figures." if
                         item["replaced_rows"] else "."))


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
    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.context.returns_checks import RULES, check_returns, summarise

    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.context.returns_importer import read_returns, return_files

    if rule and rule not in RULES:
        raise InputError(f"unknown rule {rule!r}; expected one of {', '.join(RULES)}")
    files = return_files(file)
    records: list[dict] = []
    progress, task = _progress(len(files), "checking")
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
def history_cmd(force: str = FORCE, as_json: bool = JsonOption) -> None:
    """A force's published pay gap returns, year by year (service field names)."""
    from parity.context import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    force_id = _force_id(force)
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
        quarters = " ".join(_num(h[f"Female{q}Quartile"], 0)
                            for q in ("Lower", "LowerMiddle", "UpperMiddle", "Top"))
        table.add_row(h["reporting_year"] + (" (partial)" if h["partial"] else ""),
                      _num(h["DiffMeanHourlyPercent"], suffix="%"),
                      _num(h["DiffMedianHourlyPercent"], suffix="%"),
                      _num(h["DiffMeanBonusPercent"], suffix="%"),
                      _num(h["DiffMedianBonusPercent"], suffix="%"),
                      _num(h["MaleBonusPercent"], suffix="%"),
                      _num(h["FemaleBonusPercent"], suffix="%"), quarters,
                      "late" if h["submitted_late"] else "")
    out = console()
    out.print(table)
    medians = [h["DiffMedianHourlyPercent"] for h in history]
    out.print(f"median hourly gap {_spark(medians)}")


@paygap_app.command("compare")
@handles_input_errors
def compare_cmd(
    force: str = FORCE,
    field: str = typer.Option("DiffMedianHourlyPercent", "--field",
                              help="A service field, e.g. DiffMeanHourlyPercent."),
    year: int = typer.Option(None, "--year", help="Snapshot year (default: latest complete)."),
    as_json: bool = JsonOption,
) -> None:
    """A force's published figure against all police forces and the public sector."""
    from parity.context import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    force_id = _force_id(force)
    with session(service.ensure_loaded) as s:
        result = service.paygap_comparison(s, force_id=force_id, field=field, snapshot_year=year)
    if as_json:
        emit_json(result)
        return
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    table = Table(title=f"{result['force']}, {result['reporting_year']}: {field} "
                  f"= {_num(result['value'], 2)}")
    for col in ("compared with", "n", "q1", "median", "q3", "position", "percentile"):
        table.add_column(col, justify="right")
    for label, key in (("police forces", "police_forces"),
                       ("public administration", "public_administration")):
        c = result[key]
        table.add_row(label, f"{c['n']}", _num(c["q1"], 2), _num(c["median"], 2),
                      _num(c["q3"], 2), f"{c['position'] or '—'} of {c['of']}",
                      pct(c["percentile"], 0))
    console().print(table)


@app.command("crime")
@handles_input_errors
def crime_cmd(
    force: str = typer.Option(None, "--force", help="A force; without it, every force area "
                              "side by side for the latest period."),
    offence: str = typer.Option("sexual_offences", "--offence", help="For the national view: "
                                "sexual_offences, stalking_and_harassment, "
                                "violence_with_injury, violence_without_injury, total."),
    as_json: bool = JsonOption,
) -> None:
    """Police recorded crime in a force's area: counts, rates per 1,000, change on the year."""
    from parity.context import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    force_id = _force_id(force) if force else None
    service.check_offence(offence)  # refused with or without --force, never ignored
    with session(service.ensure_loaded) as s:
        if force_id is None:
            league = service.crime_league(s, offence=offence)
        else:
            history = service.crime_history(s, force_id=force_id)
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    if force_id is None:
        if as_json:
            emit_json(league)
            return
        table = Table(title=f"{league['label']}, 12 months ending "
                      f"{league['period_end']:%B %Y}: force areas, lowest rate first")
        for col in ("force", "offences", "per 1,000", "change on year"):
            table.add_column(col, justify="left" if col == "force" else "right")
        for row in league["forces"]:
            table.add_row(row["force"], _num(row["count"], 0), _num(row["rate"], 2),
                          _num(row["change_pct"], 1, "%"))
        console().print(table)
        return
    if as_json:
        emit_json({"force_id": force_id, "periods": history})
        return

    table = Table(title=f"{registry().get(force_id).name}: police recorded crime, 12 months "
                  "ending ...")
    table.add_column("offence")
    for item in history:
        table.add_column(item["year_ending"], justify="right", no_wrap=True)
    table.add_column("trend")
    for name in service.CONTEXT_OFFENCES:
        cells = [item["offences"][name] for item in history]
        table.add_row(
            cells[0]["label"] if cells else name,
            *(f"{_num(c['count'], 0)}\n{_num(c['rate'], 2)}/1,000\n"
              f"{_num(c['change_pct'], 1, '%')} on year" for c in cells),
            _spark([c["count"] for c in cells]),
        )
    console().print(table)
    console().print("Blank ('—') = not published (e.g. Greater Manchester, late 2019) or "
                    "suppressed (City of London rates; no rates for BTP).")


@app.command("context")
@handles_input_errors
def context_cmd(
    force: str = typer.Option(None, "--force", help="A force; without it, every force side "
                              "by side."),
    year: int = typer.Option(None, "--year", help="For the national view: as at 31 March of "
                             "this year (default: latest complete pay gap year)."),
    as_json: bool = JsonOption,
) -> None:
    """Workforce representation, published pay gap and recorded crime on one timeline."""
    from parity.context import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.workforce import service as workforce

    force_id = _force_id(force) if force else None
    with session(workforce.ensure_loaded, service.ensure_loaded) as s:
        result = (service.force_context(s, force_id=force_id) if force_id
                  else service.national_context(s, year=year))
    if as_json:
        emit_json(result)
        return
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    out = console()
    if force_id:
        table = Table(title=f"{result['force']}: as at 31 March of each year")
        for col in ("year", "women officers", "women senior", "median pay gap",
                    "women in top quarter", "sexual offences /1,000",
                    "stalking & harassment /1,000"):
            table.add_column(col, justify="right")
        for t in result["timeline"]:
            wf, pg, cr = t["workforce"] or {}, t["paygap"] or {}, t["crime"] or {}
            table.add_row(
                str(t["year"]), pct(wf.get("share_female_officers_all")),
                pct(wf.get("share_female_officers_senior")),
                _num(pg.get("DiffMedianHourlyPercent"), suffix="%") if pg.get("reported")
                else ("not yet filed" if pg.get("partial") else "no return") if pg else "—",
                _num(pg.get("FemaleTopQuartile"), suffix="%"),
                _num((cr.get("sexual_offences") or {}).get("rate"), 2),
                _num((cr.get("stalking_and_harassment") or {}).get("rate"), 2),
            )
        out.print(table)
        gaps = [(t["paygap"] or {}).get("DiffMedianHourlyPercent") for t in result["timeline"]]
        out.print(f"median pay gap {_spark(gaps)}")
        return
    years = result["years"]
    table = Table(title=f"Police forces side by side (workforce {years['workforce']}, pay gap "
                  f"{years['paygap_snapshot']}, crime year ending "
                  f"{years['crime_year_ending'] or '—'})")
    for col in ("force", "women officers", "women senior", "median gap", "mean gap",
                "sexual offences /1,000", "stalking /1,000", "violence w/ injury /1,000"):
        table.add_column(col, justify="right" if col != "force" else "left")
    for r in result["forces"]:
        table.add_row(r["force"], pct(r["share_female_officers_all"]),
                      pct(r["share_female_officers_senior"]),
                      _num(r["median_hourly_gap_pct"], suffix="%") if r["paygap_reported"]
                      else "no return",
                      _num(r["mean_hourly_gap_pct"], suffix="%"),
                      _num(r["sexual_offences_rate"], 2),
                      _num(r["stalking_and_harassment_rate"], 2),
                      _num(r["violence_with_injury_rate"], 2))
    out.print(table)
