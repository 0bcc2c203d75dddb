"""Commands: import workforce, editions (list, diff, use), representation, trend, league,
overview."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from parity.errors import InputError
from parity.present.commands import (
    JsonOption,
    ParityGroup,
    app,
    bar,
    console,
    emit_json,
    handles_input_errors,
    import_app,
    pct,
    points,
    session,
    work_ahead,
)

# started once the official table held changes: the public outlooks worked out ahead
WARM = "parity.flows.warm"

MEASURE = typer.Option("fte", "--measure", help="fte or headcount.")
GROUP = typer.Option("all", "--group",
                     help="all, middle, senior, superintending, chief_officer, or a rank.")
WORKER = typer.Option("officer", "--worker-type",
                      help="officer, staff, pcso, special, designated or volunteer.")
BTP = typer.Option(False, "--include-btp", help="Add British Transport Police to national figures.")


@import_app.command("workforce")
@handles_input_errors
def import_workforce_cmd(
    path: Path = typer.Argument(None, help="The open data table (ODS, XLSX or CSV); default: the "
                                "bundled Home Office table, 31 March 2007 to 2023."),
    published: str = typer.Option(None, "--published", help="The day the edition was "
                                  "published, YYYY-MM-DD (default: the date in the file name)."),
    as_json: bool = JsonOption,
) -> None:
    """Import an edition of the Home Office police workforce open data table.

    Each import is an edition; the latest published edition gives the current figures of each
    force-year it covers, whatever the order of import (see `parity editions`)."""
    # deferred: columns pulls in the spreadsheet reader; only the import needs it
    from parity.workforce.columns import DEFAULT_FILE, read_soon

    day = _date(published) if published else None
    path = path or DEFAULT_FILE
    read_soon(path)  # on the other core, while the database module loads and connects
    # deferred: the reader and a DB-API connection of its own, no SQLAlchemy (issue 13)
    from parity.workforce.importer import import_file

    result = import_file(path, published=day)
    if result is None:  # a database that needs a migration first: the usual way
        from parity.workforce.importer import import_workforce  # deferred: as import_file

        with session() as s:
            result = import_workforce(s, path=path, published=day)
    if result.status == "imported":
        work_ahead(WARM)
    if as_json:
        emit_json(result.__dict__)
        return
    current = "; ".join(result.current) or "none"
    if result.status == "unchanged":
        _say(f"{result.file}: already held as {result.edition}; nothing changed. "
             f"Current figures: {current}.")
        return
    span = f"{result.years[0]}–{result.years[-1]}" if result.years else ""
    _say(f"{result.file}: imported {result.rows:,} rows ({result.forces} forces, {span}) as "
         f"{result.edition}"
         + (f", replacing {result.replaced_rows:,} earlier rows." if result.replaced_rows
            else "."))
    if result.not_current_force_years:
        _say(f"{result.not_current_force_years} of its force-years keep the figures "
             f"of a later or chosen edition. Current figures: {current}.")


def _say(line: str) -> None:
    """A line of plain text on stdout (Rich, the tables' printer, would cost this command
    more than its COPY)."""
    typer.echo(line)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"--published {text!r}: expected a date YYYY-MM-DD") from exc


editions_app = typer.Typer(help="Editions of the workforce open data table: list, compare, "
                           "choose which is current.", no_args_is_help=True, cls=ParityGroup)
app.add_typer(editions_app, name="editions")


@editions_app.command("list")
@handles_input_errors
def editions_list_cmd(as_json: bool = JsonOption) -> None:
    """The editions held, and which give the current figures."""
    from parity.workforce import editions  # deferred: loads sqlalchemy (~0.3 s)

    with session() as s:
        held = editions.list_editions(s)
    if as_json:
        emit_json({"editions": held})
        return
    if not held:
        raise InputError("no editions held: import one with `parity import workforce`")
    for e in held:
        status = ("current (chosen)" if e["in_use"] else "current") if e["current"] else "held"
        console().print(f"{e['id']:>4}  {e['published']}  {e['file']}  {e['first_year']}–"
                        f"{e['last_year']}, {e['rows']:,} rows  {status}"
                        + (f" for {e['current_force_years']} force-years" if e["current"] else ""))


@editions_app.command("diff")
@handles_input_errors
def editions_diff_cmd(
    old: str = typer.Argument(..., help="An edition: its id, publication date or file name."),
    new: str = typer.Argument(..., help="Another edition, compared with the first."),
    as_json: bool = JsonOption,
) -> None:
    """Every figure the second edition revises from the first (force, year, rank, worker type,
    sex, old, new)."""
    from parity.workforce import editions  # deferred: loads sqlalchemy (~0.3 s)

    with session() as s:
        d = editions.diff(s, old, new)
    if as_json:
        emit_json(d)
        return
    out = console()
    out.print(f"From {d['old']['name']} to {d['new']['name']}: {len(d['revised']):,} figures "
              "revised" + (f"; years added: {', '.join(map(str, d['years_added']))}"
                           if d["years_added"] else "")
              + (f"; years dropped: {', '.join(map(str, d['years_dropped']))}"
                 if d["years_dropped"] else ""))
    for r in d["revised"]:
        out.print(f"{r['force']}, {r['year']}, {r['worker_type']} / {r['rank']} / {r['sex']}, "
                  f"{r['measure']}: {_n(r['old'])} -> {_n(r['new'])}", highlight=False)


def _n(value: float | None) -> str:
    return "blank" if value is None else f"{value:g}"


@editions_app.command("use")
@handles_input_errors
def editions_use_cmd(
    edition: str = typer.Argument(..., help="An edition (id, publication date or file name), "
                                  "or 'latest' to go back to the latest published everywhere."),
    as_json: bool = JsonOption,
) -> None:
    """Make an edition's figures current for every force-year it covers, or go back to the
    latest published edition ('latest')."""
    from parity.workforce import editions  # deferred: loads sqlalchemy (~0.3 s)

    with session() as s:
        result = editions.use_edition(s, edition)
    work_ahead(WARM)
    if as_json:
        emit_json(result)
        return
    chosen = next((e for e in result["editions"] if e["in_use"]), None)
    console().print(f"Current figures now come from {chosen['name']} ({chosen['file']}) where it "
                    "covers them, the latest published edition elsewhere." if chosen else
                    "Current figures now come from the latest published edition everywhere.")


@app.command("representation")
@handles_input_errors
def representation_cmd(
    area: str = typer.Option("England and Wales", "--area", help="A force, region, or "
                             "'England and Wales'."),
    year: int = typer.Option(None, "--year", help="As at 31 March of this year (default: latest)."),
    group: str = GROUP, measure: str = MEASURE, worker_type: str = WORKER,
    include_btp: bool = BTP, as_json: bool = JsonOption,
) -> None:
    """The share of women for an area, year, rank group and worker type."""
    from parity.workforce import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session() as s:
        year = service.year_or_latest(s, year)
        r = service.representation(s, area=area, year=year, group=group, measure=measure,
                                   worker_type=worker_type, include_btp=include_btp)
    if as_json:
        emit_json(r)
        return
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    table = Table(title=f"{r['area']}, 31 March {r['year']}: {worker_type}s, {group} ({measure})")
    unit = "FTE" if measure == "fte" else "headcount"
    # a share and its interval on one measure: the interval is on headcount, so with FTE the
    # headcount share it surrounds is printed beside it, each labelled
    shares = [f"share of women ({unit})"] + (["share of women (headcount)"]
                                              if measure == "fte" else [])
    for col in ("women", "men", "other", "total", *shares, "95% interval (headcount)",
                "on year", "on 5 years"):
        table.add_column(col, justify="right")
    ci = (f"{pct(r['share_female_ci_low'])}–{pct(r['share_female_ci_high'])}"
          if r["share_female_ci_low"] is not None else "—")
    values = [pct(r["share_female"])] + ([pct(r["share_female_headcount"])]
                                         if measure == "fte" else [])
    table.add_row(f"{r['female']:,.1f}", f"{r['male']:,.1f}", f"{sum(r['other'].values()):,.1f}",
                  f"{r['total']:,.1f}", *values, ci,
                  points(r["share_female_change_1y"]), points(r["share_female_change_5y"]))
    console().print(table)
    console().print(f"women {bar(r['share_female'], 40)} {pct(r['share_female'])} ({unit})"
                    + (f"; headcount {pct(r['share_female_headcount'])}, 95% interval {ci}"
                       if measure == "fte" else f", 95% interval {ci}"))


@app.command("trend")
@handles_input_errors
def trend_cmd(
    area: str = typer.Option("England and Wales", "--area"),
    group: str = GROUP, measure: str = MEASURE, worker_type: str = WORKER,
    include_btp: bool = BTP, as_json: bool = JsonOption,
) -> None:
    """The share of women year by year."""
    from parity.workforce import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session() as s:
        t = service.trend(s, area=area, group=group, measure=measure, worker_type=worker_type,
                          include_btp=include_btp)
    if not t["years"]:
        raise InputError(f"no workforce data for {t['area']}: load a table with "
                         "`parity import workforce`")
    if as_json:
        emit_json(t)
        return
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    table = Table(title=f"{t['area']}: women among {worker_type}s, {group} ({measure})")
    for col, just in (("31 March", "right"), ("women", "right"), ("total", "right"),
                      ("share", "right"), ("change", "right"), ("", "left")):
        table.add_column(col, justify=just, no_wrap=(just == "right"))  # type: ignore[arg-type]
    for y in t["years"]:
        table.add_row(str(y["year"]), f"{y['female']:,.1f}", f"{y['total']:,.1f}",
                      pct(y["share_female"]), points(y["share_female_change_1y"]),
                      bar(y["share_female"], 30))
    console().print(table)


@app.command("league")
@handles_input_errors
def league_cmd(
    year: int = typer.Option(None, "--year", help="Default: the latest year held."),
    group: str = GROUP, measure: str = MEASURE, worker_type: str = WORKER,
    include_btp: bool = BTP, as_json: bool = JsonOption,
) -> None:
    """Forces ranked by their share of women."""
    from parity.workforce import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session() as s:
        year = service.year_or_latest(s, year)
        result = service.league(s, year=year, group=group, measure=measure,
                                worker_type=worker_type, include_btp=include_btp)
    if as_json:
        emit_json(result)
        return
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    table = Table(title=f"Forces by share of women, 31 March {year}: {worker_type}s, {group} "
                        f"({measure})")
    for col, just in (("#", "right"), ("force", "left"), ("women", "right"), ("total", "right"),
                      ("share", "right"), ("senior gap", "right"), ("", "left")):
        table.add_column(col, justify=just, no_wrap=(just == "right"))  # type: ignore[arg-type]
    for r in result["forces"]:
        table.add_row(str(r["position"]), r["force"], f"{r['female']:,.1f}", f"{r['total']:,.1f}",
                      pct(r["share_female"]), points(r["senior_gap"]), bar(r["share_female"], 25))
    n = result["england_and_wales"]
    table.add_row("", "England and Wales", f"{n['female']:,.1f}", f"{n['total']:,.1f}",
                  pct(n["share_female"]), "", bar(n["share_female"], 25), style="bold")
    console().print(table)


@app.command("overview")
@handles_input_errors
def overview_cmd(
    year: int = typer.Option(None, "--year", help="Default: the latest year held."),
    include_btp: bool = BTP, as_json: bool = JsonOption,
) -> None:
    """The national picture for a year."""
    from parity.workforce import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session() as s:
        o = service.overview(s, year=year, include_btp=include_btp)
    if as_json:
        emit_json(o)
        return
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    table = Table(title=f"Women in policing, England and Wales, 31 March {o['year']}",
                  caption="Full-time equivalents, except where headcount is marked; "
                          "on year: change in percentage points.")
    for col, just in (("", "left"), ("women", "right"), ("of", "right"), ("share", "right"),
                      ("on year", "right"), ("", "left")):
        table.add_column(col, justify=just, no_wrap=(just == "right"))  # type: ignore[arg-type]
    for line in o["lines"]:
        unit = "" if line["measure"] == "fte" else " (headcount)"
        table.add_row(line["label"] + unit, f"{line['female']:,.0f}", f"{line['total']:,.0f}",
                      pct(line["share_female"]), points(line["share_female_change_1y"]),
                      bar(line["share_female"], 25))
    out = console()
    out.print(table)
    for title, key in (("Highest senior share", "senior_highest"),
                       ("Lowest senior share", "senior_lowest")):
        names = ", ".join(f"{r['force']} {pct(r['share_female'])}" for r in o[key])
        out.print(f"[bold]{title}[/bold] (FTE, Chief Inspector and above): {names}")
    out.print("[dim]Source: Home Office, Police workforce open data table. Contains public "
              "sector information licensed under the Open Government Licence v3.0.[/dim]")
