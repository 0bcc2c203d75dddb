"""Commands: parity returns open | status | show | history | reminders | published.

The coordinator's side of the annual reporting cycle from the command line; forces fill their
returns in the private area of the website. Who is acting is ``PARITY_USER`` (default: the login
name), as the coordinator.
"""

from __future__ import annotations

import getpass
import os
from datetime import date

import typer

from parity.commitments import service as commitments
from parity.errors import InputError, Problem
from parity.present.commands import (
    JsonOption,
    ParityGroup,
    app,
    console,
    emit_json,
    handles_input_errors,
    session,
)
from parity.returns import service
from parity.returns.service import Actor

returns_app = typer.Typer(help="The annual reporting cycle: open a year, follow every force's "
                               "return, remind, publish.", no_args_is_help=True, cls=ParityGroup)
app.add_typer(returns_app, name="returns")

YearOption = typer.Option(..., "--year", help="The reporting year: figures as at 31 March YEAR.")


def _date(value: str | None, option: str) -> date | None:
    return None if value is None else _day(value, option)


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{option}: expected a date as YYYY-MM-DD, found {value!r}", [
            Problem("command line", "expected YYYY-MM-DD", column=option)]) from None


def _coordinator():  # noqa: ANN202

    return Actor(os.environ.get("PARITY_USER") or getpass.getuser(), "coordinator")


@returns_app.command("open")
@handles_input_errors
def open_cmd(
    year: int = YearOption,
    deadline: str = typer.Option(..., "--deadline", help="Returns are due by this date "
                                                         "(YYYY-MM-DD)."),
    opens: str | None = typer.Option(None, "--opens", help="The date forces may start (default: "
                                                           "today)."),
    publication: str | None = typer.Option(None, "--publication",
                                           help="The planned publication date of the report."),
    case_studies: int = typer.Option(3, "--max-case-studies", help="Case studies a force may "
                                                                   "send (0 to 20)."),
    threshold: int = typer.Option(5, "--change-threshold",
                                  help="Flag pay gap figures that changed by more than this many "
                                       "percentage points since last year."),
    json_out: bool = JsonOption,
) -> None:
    """Open the reporting year (or change its dates): forces can then fill their returns."""

    with session() as s:
        year_dict = service.open_year(
            s, year=year, deadline=_day(deadline, "--deadline"),
            actor=_coordinator(),
            opens_on=_date(opens, "--opens"), publication_date=_date(publication, "--publication"),
            max_case_studies=case_studies, change_threshold_points=threshold)
    if json_out:
        emit_json(year_dict)
    else:
        console().print(f"The {year} reporting year is open from {year_dict['opens_on']}; "
                        f"returns are due by {year_dict['deadline']}.")


@returns_app.command("status")
@handles_input_errors
def status_cmd(year: int = YearOption, json_out: bool = JsonOption) -> None:
    """Every force with the state of its return: not started, draft, submitted, returned,
    accepted, and late once the deadline has passed."""
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up


    with session() as s:
        rows = service.status(s, year=year)
        summary = service.progress(s, year=year)
    if json_out:
        emit_json({"year": summary, "forces": rows})
        return
    counts = summary["counts"]
    table = Table(title=f"Returns for {year}: {counts['accepted']} accepted, "
                        f"{counts['submitted']} awaiting review, {summary['late']} late "
                        f"(due {summary['deadline']})")
    for column in ("Force", "State", "Submitted", "Accepted"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["force"], row["status_label"], (row["submitted_at"] or "")[:10],
                      (row["accepted_at"] or "")[:10])
    console().print(table)


@returns_app.command("show")
@handles_input_errors
def show_cmd(year: int = YearOption,
             force: str = typer.Option(..., "--force", help="The force (any spelling)."),
             json_out: bool = JsonOption) -> None:
    """One force's return as the coordinator sees it, with its checks."""

    with session(commitments.ensure_defaults) as s:  # its checks read the commitments
        found = service.get_return(s, year=year, force_id=force, actor=_coordinator())
    if json_out:
        emit_json(found)
        return
    out = console()
    out.print(f"{found['force']}, {year}: {found['status_label']}")
    for key, value in found["content"]["paygap"].items():
        out.print(f"  {key}: {'—' if value is None else value}")
    for finding in found["checks"]:
        out.print(f"  [{finding['severity']}] {finding['field']}: {finding['message']}")


@returns_app.command("history")
@handles_input_errors
def history_cmd(year: int = YearOption,
                force: str = typer.Option(..., "--force", help="The force (any spelling)."),
                json_out: bool = JsonOption) -> None:
    """A return's audit trail: who did what, when, and what changed."""

    with session() as s:
        events = service.history(s, year=year, force_id=force, actor=_coordinator())
    if json_out:
        emit_json(events)
        return
    for event in events:
        changed = ", ".join(event["changes"]) if event["changes"] else ""
        console().print(f"{event['at'][:16]}  {event['by']}  {event['action']}"
                        + (f": {event['comment']}" if event["comment"] else "")
                        + (f" [{changed}]" if changed else ""))


@returns_app.command("reminders")
@handles_input_errors
def reminders_cmd(year: int = YearOption, json_out: bool = JsonOption) -> None:
    """Whom to remind (forces not yet submitted), with their users' addresses and a text to
    send. Parity sends nothing itself."""

    with session() as s:
        items = service.reminders(s, year=year)
    if json_out:
        emit_json(items)
        return
    for item in items:
        console().print(f"To: {', '.join(item['emails']) or '(no users for this force)'}\n"
                        f"{item['text']}\n")


@returns_app.command("published")
@handles_input_errors
def published_cmd(year: int = YearOption, json_out: bool = JsonOption) -> None:
    """The accepted returns of a year, as the public site shows them."""

    with session() as s:
        items = service.published_returns(s, year=year)
    if json_out:
        emit_json(items)
        return
    for item in items:
        gap = item["paygap"].get("median_hourly_gap_pct")
        console().print(f"{item['force']}: accepted {item['accepted_on']}, signed by "
                        f"{item['signatory'].get('name')}; median hourly gap "
                        f"{'—' if gap is None else f'{gap:.1f}%'}")
