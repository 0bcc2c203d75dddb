"""Commands: report build (the annual report: HTML, accompanying tables, PDF), report
main-points (its main points with the figures each rests on)."""

from __future__ import annotations

from pathlib import Path

import typer

from parity.errors import InputError
from parity.present.commands import (
    JsonOption,
    ParityGroup,
    app,
    console,
    emit_json,
    handles_input_errors,
    session,
)

report_app = typer.Typer(help="The annual report: Gender Equality in UK Policing.",
                         no_args_is_help=True, cls=ParityGroup)
app.add_typer(report_app, name="report")
OUT = typer.Option(..., "--out", help="Folder to write the report into.")
ENGINES = ("auto", "chromium", "weasyprint")
DRAWN_BY = {"chromium": "headless Chromium", "weasyprint": "WeasyPrint"}


@report_app.command("build")
@handles_input_errors
def build_cmd(
    year: int | None = typer.Option(None, "--year", help="As at 31 March of this year "
                                    "(default: the latest year held)."),
    force: str | None = typer.Option(None, "--force", help="That force's own report (any "
                                     "spelling); default: the national report, every force."),
    out: Path = OUT,
    pdf: bool = typer.Option(False, "--pdf", help="Also write the PDF (tagged, PDF/UA-1)."),
    engine: str = typer.Option("auto", "--engine", help="What draws the PDF: auto "
                               "(chromium when a Chromium is installed, else weasyprint), "
                               "chromium (headless Chromium, several times faster) or "
                               "weasyprint (no browser needed); both tagged, PDF/UA-1."),
    previous: Path | None = typer.Option(None, "--previous", help="The previous edition's "
                                         "accompanying .xlsx, to list revisions (default: "
                                         "last year's in the --out folder, if there)."),
    as_json: bool = JsonOption,
) -> None:
    """Build the national report, with one section per force, as HTML with its
    accompanying tables (ODS and XLSX), and PDF; or one force's own report."""
    if engine not in ENGINES:
        raise InputError(f"--engine {engine}: expected auto, weasyprint or chromium")
    if pdf:
        # deferred: the engine's module is needed only with --pdf
        from parity.reports.chromium import chromium_path, find_chromium, start_early

        if engine == "auto":
            # Chromium draws the national report several times faster (decision 0800)
            engine = "chromium" if find_chromium() else "weasyprint"
        elif engine == "chromium":
            chromium_path()  # no Chromium: said before anything is built or written
        if engine == "chromium":
            start_early(out)  # the browser starts while the modules load and the report builds
    try:
        _build_and_write(year=year, force=force, out=out, pdf=pdf, engine=engine,
                         previous=previous, as_json=as_json)
    finally:
        if pdf and engine == "chromium":
            # deferred: imported above with --pdf
            from parity.reports.chromium import discard_early

            discard_early()


def _build_and_write(*, year: int | None, force: str | None, out: Path, pdf: bool, engine: str,
                     previous: Path | None, as_json: bool) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    # deferred: loads fastapi (~0.5 s); `parity --help` stays fast
    from parity.reports.service import build_report, report_forces, write_report

    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.workforce import service as workforce

    err = Console(stderr=True)
    with session() as s:
        # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
        from parity.bundled import load_bundled

        load_bundled(s)
        chosen = workforce.year_or_latest(s, year)
        if previous is not None and not previous.is_file():
            raise InputError(f"{previous}: no such file (expected the previous edition's "
                             "accompanying .xlsx)")
        if previous is None:
            name = f"gender-equality-in-uk-policing-{chosen - 1}.xlsx"
            previous = out / name if (out / name).is_file() else None
        total = len(report_forces(force))
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[force]}"), console=err,
                      transient=True) as progress:
            task = progress.add_task("Force sections", total=total, force="")
            report = build_report(
                s, year=chosen, force=force, previous=previous,
                on_force=lambda name: progress.update(task, advance=1, force=name),
            )
    if pdf:
        with err.status("Writing the PDF..."):
            result = write_report(report, out_dir=out, pdf=True, engine=engine)
    else:
        result = write_report(report, out_dir=out)
    if as_json:
        emit_json(result)
        return
    console().print(f"Report for 31 March {result['year']}: {result['forces']} force "
                    f"section{'s' if result['forces'] != 1 else ''}.")
    console().print(f"  HTML: {result['html']}")
    console().print(f"  Tables: {result['tables']['ods']} and .xlsx "
                    f"({len(result['tables']['numbered'])} tables and figures)")
    if result["pdf"]:
        console().print(f"  PDF:  {result['pdf']} ({result['pages']} pages, drawn by "
                        f"{DRAWN_BY[result['engine']]})")


@report_app.command("main-points")
@handles_input_errors
def main_points_cmd(
    year: int | None = typer.Option(None, "--year", help="As at 31 March of this year "
                                    "(default: the latest year held)."),
    as_json: bool = JsonOption,
) -> None:
    """The report's main points, each with the figures it rests on."""
    # deferred: loads sqlalchemy and the domains (~0.5 s); `parity --help` stays fast
    from parity.reports.main_points import main_points

    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.workforce import service as workforce

    with session() as s:
        # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
        from parity.bundled import load_bundled

        load_bundled(s)
        chosen = year or workforce.latest_year(s)
        if chosen is None or chosen not in workforce.years_available(s):
            raise InputError(f"no workforce data for 31 March {year}" if year else
                             "no workforce data: run `parity import workforce` first")
        points = main_points(s, year=chosen)
    if as_json:
        emit_json({"year": chosen, "main_points": [p.as_dict() for p in points]})
        return
    for i, p in enumerate(points, start=1):
        console().print(f"{i}. {p.text}")
        console().print("   [dim]" + "; ".join(f"{f['label']}: {f['shown']}"
                                               for f in p.figures) + "[/dim]")
