"""Commands: import paygap-returns, import crime, crime, context (``parity paygap check``,
``history`` and ``compare``, on the published returns held here, are the pay gap's own:
`parity.paygap.cli`)."""

from __future__ import annotations

from pathlib import Path

import typer

from parity import calendar
from parity.forces import registry
from parity.present.commands import (
    JsonOption,
    app,
    console,
    emit_json,
    handles_input_errors,
    import_app,
    pct,
    progress_bar,
    session,
    spark,
)

FORCE = typer.Option(..., "--force", help="A force, in any publisher's spelling.")
RETURNS_PATH = typer.Argument(None, help="A download (CSV or XLSX) or a folder of them; "
                              "default: the bundled downloads, 2017/18 to 2023/24.")
CRIME_PATH = typer.Argument(None, help="An ONS police force area data table (XLSX) or a "
                            "folder of editions; default: the six bundled editions.")


def _num(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "—" if value is None else f"{value:,.{digits}f}{suffix}"


def _import_with_progress(total: int, label: str, run):  # noqa: ANN001, ANN202
    """`run(session, step)` in one committed session, with a progress bar of `total` files
    that `step(file_name)` advances; returns what `run` returns."""
    progress, task = progress_bar(total, label)
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
            spark([c["count"] for c in cells]),
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
        out.print(f"median pay gap {spark(gaps)}")
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
