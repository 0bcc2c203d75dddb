"""Commands: report build (the annual report, HTML and PDF)."""

from __future__ import annotations

from pathlib import Path

import typer

from parity.present.commands import JsonOption, app, console, emit_json, handles_input_errors, session

report_app = typer.Typer(help="The annual report: Gender Equality in UK Policing.",
                         no_args_is_help=True)
app.add_typer(report_app, name="report")
OUT = typer.Option(..., "--out", help="Folder to write the report into.")


@report_app.command("build")
@handles_input_errors
def build_cmd(
    year: int | None = typer.Option(None, "--year", help="As at 31 March of this year "
                                    "(default: the latest year held)."),
    force: str | None = typer.Option(None, "--force", help="Only this force's section (any "
                              "spelling); default: every force."),
    out: Path = OUT,
    pdf: bool = typer.Option(False, "--pdf", help="Also write the PDF."),
    as_json: bool = JsonOption,
) -> None:
    """Build the national report, with one section per force, as HTML (and PDF)."""
    from rich.console import Console  # deferred: rich costs ~0.5 s at start-up

    # deferred: rich costs ~0.5 s at start-up
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
        total = len(report_forces(force))
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[force]}"), console=err,
                      transient=True) as progress:
            task = progress.add_task("Force sections", total=total, force="")
            report = build_report(
                s, year=chosen, force=force,
                on_force=lambda name: progress.update(task, advance=1, force=name),
            )
    if pdf:
        with err.status("Writing the PDF..."):
            result = write_report(report, out_dir=out, pdf=True)
    else:
        result = write_report(report, out_dir=out)
    if as_json:
        emit_json(result)
        return
    console().print(f"Report for 31 March {result['year']}: {result['forces']} force "
                    f"section{'s' if result['forces'] != 1 else ''}.")
    console().print(f"  HTML: {result['html']}")
    if result["pdf"]:
        console().print(f"  PDF:  {result['pdf']} ({result['pages']} pages)")
