"""Commands: parity commitments list, show, add, set-target, record, link, withdraw, status,
review, history, import, export."""

from __future__ import annotations

from pathlib import Path

import typer

from parity import calendar
from parity.commitments.metrics import fmt_value
from parity.errors import InputError
from parity.forces import registry
from parity.present.commands import (
    JsonOption,
    ParityGroup,
    app,
    console,
    emit_json,
    handles_input_errors,
    session,
)

commitments_app = typer.Typer(
    help="Commitments: pledges with their indicators, baselines, targets and status.",
    no_args_is_help=True,
    cls=ParityGroup,
)
app.add_typer(commitments_app, name="commitments")

FORCE = typer.Option(None, "--force", help="A force, in any publisher's spelling.")
AS_OF = typer.Option(None, "--as-of", help="Report as of this date (YYYY-MM-DD): each "
                     "commitment as it stood then, and figures up to then.")
BY = typer.Option(None, "--by", help="Who makes the change (default: $PARITY_USER or login).")
INDICATOR = typer.Option(1, "--indicator", help="The indicator's position (1 = the first).")
STATUS_STYLE = {"on_track": "green", "at_risk": "yellow", "off_track": "red", "no_data": "magenta"}
PARAM = typer.Option(None, "--param", help="Other indicator parameters, key=value (e.g. "
                     "offence=sexual offences); repeat for more.")
LINK = typer.Option(None, "--link", help="A best-practice article (URL or library id); repeat.")
IMPORT_PATH = typer.Argument(..., help="A YAML or CSV file of commitments.")
OUT = typer.Option(..., "--out", help="The file to write ('-': standard output).")
SPARKS = "▁▂▃▄▅▆▇█"


def _force_id(name: str | None) -> str | None:
    if name is None:
        return None

    return registry().force(name).id


def esc(text: str) -> str:
    """User text made safe for Rich markup (titles may hold square brackets)."""
    from rich.markup import escape  # deferred: rich costs ~0.5 s at start-up

    return escape(text)


def _area_name(force: str | None) -> str:
    if force is None:
        return "England and Wales"

    return registry().force(force).name


def _fmt(value, unit) -> str:  # noqa: ANN001

    return fmt_value(value, unit or "value")


def sparkline(values: dict) -> str:
    """A small bar per year (lowest to highest value held)."""
    if not values:
        return ""
    ordered = [values[k] for k in sorted(values)]
    low, high = min(ordered), max(ordered)
    span = (high - low) or 1.0
    return "".join(SPARKS[min(7, int((v - low) / span * 7.999))] for v in ordered)


def _status(text: str | None) -> str:
    if text is None:
        return "context"
    return f"[{STATUS_STYLE.get(text, 'white')}]{text}[/]"


@commitments_app.command("list")
@handles_input_errors
def list_cmd(force: str = FORCE, as_of: str = AS_OF, as_json: bool = JsonOption) -> None:
    """List commitments: for a force, the national ones it adopted and its own."""
    from parity.commitments import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session(service.ensure_defaults) as s:
        items = service.list_commitments(s, force_id=_force_id(force), as_of=as_of)
    if as_json:
        emit_json(items)
        return
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    table = Table(title="Commitments" + (f" of {force}" if force else ""))
    for col in ("ref", "made", "scope", "theme", "title", "indicators", "owner"):
        table.add_column(col)
    for c in items:
        scope = "national (adopted)" if c["adopted"] else (c["force"] or "national")
        table.add_row(c["ref"], c["made"], scope, esc(c["theme"]), esc(c["title"]),
                      esc("; ".join(i["label"] for i in c["indicators"])) or "—",
                      esc(c["owner"] or ""))
    console().print(table)


@commitments_app.command("show")
@handles_input_errors
def show_cmd(ref: str = typer.Argument(..., help="The commitment's ref (e.g. national-2019-1)."),
             as_of: str = AS_OF, as_json: bool = JsonOption) -> None:
    """One commitment with its indicators and linked articles."""
    from parity.commitments import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session(service.ensure_defaults) as s:
        c = service.get_commitment(s, ref=ref, as_of=as_of)
    if as_json:
        emit_json(c)
        return
    out = console()
    out.print(f"[bold]{c['ref']}[/] (version {c['version']}): {esc(c['title'])}")
    out.print(esc(f"theme {c['theme']}; made {c['made']}; owner {c['owner'] or '—'}; "
                  f"{'force ' + c['force'] if c['force'] else 'national'}; state {c['state']}"))
    if c["summary"]:
        out.print(esc(c["summary"]))
    for i in c["indicators"]:
        target = (f"target {i['target_value']:g} by {i['target_date'] or 'no date'}"
                  if i["target_value"] is not None else "no numeric target")
        out.print(esc(f"  {i['position']}. {i['label']} [{i['kind']}, {i['role']}, "
                      f"{i['direction']}]; baseline {i['baseline_year'] or '—'}; {target}"))
    for link in c["links"]:
        out.print(esc(f"  action: {link['article']}"
                      + (f" ({link['note']})" if link["note"] else "")))


@commitments_app.command("add")
@handles_input_errors
def add_cmd(
    title: str = typer.Option(..., "--title"),
    theme: str = typer.Option(..., "--theme", help="e.g. senior representation, culture."),
    force: str = typer.Option(None, "--force", help="The force making it (omit: national)."),
    made: str = typer.Option(None, "--made", help="Date made, YYYY-MM-DD (default: today)."),
    owner: str = typer.Option(None, "--owner", help="Who answers for it (a role)."),
    summary: str = typer.Option(None, "--summary"),
    refines: str = typer.Option(None, "--refines", help="The national commitment it refines."),
    ref: str = typer.Option(None, "--ref", help="Its id (default: <force>-<n>)."),
    kind: str = typer.Option("representation", "--kind", help="representation, manual, paygap, "
                             "crime_rate or flow_rate."),
    label: str = typer.Option(None, "--label", help="The indicator's label (default: derived)."),
    group: str = typer.Option(None, "--group", help="representation: rank group (senior, "
                              "middle, all, ...)."),
    worker_type: str = typer.Option(None, "--worker-type", help="representation: officer, "
                                    "staff, pcso, special, designated, volunteer."),
    measure: str = typer.Option(None, "--measure", help="representation: fte or headcount."),
    param: list[str] = PARAM,
    role: str = typer.Option("measure", "--role", help="measure (judged) or context (shown)."),
    direction: str = typer.Option("up", "--direction", help="up or down."),
    baseline_year: int = typer.Option(None, "--baseline-year", help="31 March snapshot year."),
    baseline: float = typer.Option(None, "--baseline", help="An entered baseline value "
                                   "(default: taken from the data at the baseline year)."),
    baseline_evidence: str = typer.Option(None, "--baseline-evidence"),
    target: float = typer.Option(None, "--target", help="Target value (shares as fractions)."),
    target_date: str = typer.Option(None, "--target-date", help="YYYY-MM-DD."),
    link: list[str] = LINK,
    by: str = BY, as_json: bool = JsonOption,
) -> None:
    """Add a commitment with one indicator (more through `parity commitments import`)."""

    from parity.commitments import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.commitments.validation import parse_params

    try:
        params = parse_params(";".join(param or []))
    except ValueError as exc:
        raise InputError(f"--param: {exc}") from exc
    for key, value in (("group", group), ("worker_type", worker_type), ("measure", measure)):
        if value is not None:
            params[key] = value
    data = {
        "ref": ref, "scope": "force" if force else "national", "force": force,
        "refines": refines, "title": title, "theme": theme, "owner": owner,
        "made": made or calendar.today().isoformat(), "summary": summary,
        "indicators": [{
            "kind": kind, "label": label, "role": role, "params": params,
            "direction": direction, "baseline_year": baseline_year, "baseline_value": baseline,
            "baseline_evidence": baseline_evidence, "target_value": target,
            "target_date": target_date,
        }],
        "links": list(link or []),
    }
    with session(service.ensure_defaults) as s:
        added = service.add_commitment(s, data=data, by=by)
    if as_json:
        emit_json(added)
    else:
        console().print(esc(f"added {added['ref']}: {added['title']}"))


@commitments_app.command("set-target")
@handles_input_errors
def set_target_cmd(
    ref: str = typer.Argument(...), indicator: int = INDICATOR,
    target: float = typer.Option(..., "--target", help="Target value (shares as fractions)."),
    target_date: str = typer.Option(..., "--target-date", help="YYYY-MM-DD."),
    note: str = typer.Option(None, "--note", help="Why the target moved."),
    by: str = BY, as_json: bool = JsonOption,
) -> None:
    """Move an indicator's target (kept in history; earlier reports are unchanged)."""
    from parity.commitments import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session(service.ensure_defaults) as s:
        change = service.set_target(s, ref=ref, position=indicator, target_value=target,
                                    target_date=target_date, by=by, note=note)
    if as_json:
        emit_json(change)
    else:
        console().print(esc(change["summary"]) if change else "nothing changed")


@commitments_app.command("record")
@handles_input_errors
def record_cmd(
    ref: str = typer.Argument(...), indicator: int = INDICATOR, force: str = FORCE,
    year: int = typer.Option(..., "--year", help="31 March snapshot year the value is for."),
    value: float = typer.Option(..., "--value"),
    evidence: str = typer.Option(..., "--evidence", help="Where the figure comes from."),
    by: str = BY, as_json: bool = JsonOption,
) -> None:
    """Enter a value by hand (with its evidence) for a manual indicator."""
    from parity.commitments import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session(service.ensure_defaults) as s:
        row = service.record_value(s, ref=ref, position=indicator, force_id=_force_id(force),
                                   year=year, value=value, evidence=evidence, by=by)
    if as_json:
        emit_json(row)
    else:
        console().print(f"recorded {row['value']:g} for {row['ref']} (31 March {row['year']})")


@commitments_app.command("link")
@handles_input_errors
def link_cmd(ref: str = typer.Argument(...),
             article: str = typer.Argument(..., help="A URL or a library article id."),
             note: str = typer.Option(None, "--note"), by: str = BY,
             as_json: bool = JsonOption) -> None:
    """Cite a best-practice article as an action taken for a commitment."""
    from parity.commitments import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session(service.ensure_defaults) as s:
        change = service.link_article(s, ref=ref, article=article, note=note, by=by)
    if as_json:
        emit_json(change)
    else:
        console().print(esc(change["summary"]) if change else "already linked")


@commitments_app.command("withdraw")
@handles_input_errors
def withdraw_cmd(ref: str = typer.Argument(...), note: str = typer.Option(None, "--note"),
                 by: str = BY, as_json: bool = JsonOption) -> None:
    """Withdraw a commitment (kept with its history; earlier reports still show it)."""
    from parity.commitments import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session(service.ensure_defaults) as s:
        change = service.withdraw(s, ref=ref, by=by, note=note)
    if as_json:
        emit_json(change)
    else:
        console().print(esc(change["summary"]) if change else "already withdrawn")


@commitments_app.command("status")
@handles_input_errors
def status_cmd(force: str = FORCE, as_of: str = AS_OF, as_json: bool = JsonOption) -> None:
    """Each commitment's status for a force (or England and Wales): on_track, at_risk,
    off_track or no_data, with the reason."""
    from parity.commitments import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.workforce.service import ensure_loaded

    with session(ensure_loaded, service.ensure_defaults) as s:
        items = service.status(s, force_id=_force_id(force), as_of=as_of,
                               include_private=True)
    if as_json:
        emit_json(items)
        return
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    title = f"Commitments: {_area_name(force)}" + (f", as of {as_of}" if as_of else "")
    table = Table(title=title, show_lines=True)
    for col, ratio in (("commitment", 3), ("status", 1), ("baseline", 1), ("latest", 1),
                       ("target", 1), ("trend", 1), ("reason", 4)):
        table.add_column(col, ratio=ratio, overflow="fold")
    for item in items:
        shown = [i for i in item["indicators"] if i["role"] == "measure"] or item["indicators"]
        for n, i in enumerate(shown):
            base = (f"{_fmt(i['baseline'], i['unit'])} ({i['baseline_year']})"
                    if i["baseline"] is not None else "—")
            latest = (f"{_fmt(i['latest'], i['unit'])} ({i['latest_year']})"
                      if i["latest"] is not None else "—")
            target = (f"{_fmt(i['target'], i['unit'])} by {i['target_date'] or '—'}"
                      if i["target"] is not None else "—")
            head = f"[bold]{item['ref']}[/] {esc(item['title'])}\n" if n == 0 else ""
            table.add_row(f"{head}[dim]{esc(i['label'])}[/]",
                          _status(item["status"] if n == 0 else i["status"]), base, latest,
                          target, sparkline(i["values"]),
                          esc(item["reason"] if n == 0 else i["reason"]))
        if not shown:
            table.add_row(f"[bold]{item['ref']}[/] {esc(item['title'])}",
                          _status(item["status"]), "—", "—", "—", "", esc(item["reason"]))
    console().print(table)


@commitments_app.command("overview")
@handles_input_errors
def overview_cmd(as_of: str = AS_OF, as_json: bool = JsonOption) -> None:
    """Force by force: how many commitments are on track, at risk, off track or without data."""
    from parity.commitments import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.workforce.service import ensure_loaded

    with session(ensure_loaded, service.ensure_defaults) as s:
        rows = service.overview(s, as_of=as_of, include_private=True)
    if as_json:
        emit_json(rows)
        return
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    table = Table(title="Commitments, force by force" + (f", as of {as_of}" if as_of else ""))
    table.add_column("force")
    for status in STATUS_STYLE:
        table.add_column(status, justify="right")
    table.add_column("senior / middle")
    for row in rows:
        by_ref = {c["refines"] or c["ref"]: c["status"] for c in row["commitments"]}
        table.add_row(row["force"], *(str(row["counts"][k]) for k in STATUS_STYLE),
                      f"{_status(by_ref.get('national-2019-1'))} / "
                      f"{_status(by_ref.get('national-2022-1'))}")
    console().print(table)


@commitments_app.command("review")
@handles_input_errors
def review_cmd(force: str = FORCE,
               years: int = typer.Option(1, "--years", help="1 (annual) or 3 (three-year)."),
               as_of: str = AS_OF, as_json: bool = JsonOption) -> None:
    """What changed since the last 1-year or 3-year review: status, figures and the changes
    made to each commitment."""
    from parity.commitments import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.workforce.service import ensure_loaded

    with session(ensure_loaded, service.ensure_defaults) as s:
        items = service.review(s, force_id=_force_id(force), years=years, as_of=as_of,
                               include_private=True)
    if as_json:
        emit_json(items)
        return
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    table = Table(title=f"{years}-year review: {_area_name(force)}")
    for col in ("ref", "title", "then", "now", "figure then", "figure now", "changes made"):
        table.add_column(col)
    for r in items:
        table.add_row(
            r["ref"], esc(r["title"]), "new" if r["new"] else _status(r["previous_status"]),
            _status(r["status"]), _fmt(r["previous_latest"], r["unit"]),
            _fmt(r["latest"], r["unit"]),
            esc("\n".join(f"{c['effective_at']:%Y-%m-%d} {c['action']} ({c['changed_by']})"
                           for c in r["changes"])) or "—",
        )
    console().print(table)


@commitments_app.command("history")
@handles_input_errors
def history_cmd(ref: str = typer.Argument(..., help="The commitment's ref."),
                as_json: bool = JsonOption) -> None:
    """Every change to a commitment: who, when, what (and values entered by hand)."""
    from parity.commitments import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session(service.ensure_defaults) as s:
        entries = service.history(s, ref=ref)
    if as_json:
        emit_json(entries)
        return
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    table = Table(title=f"History of {ref}")
    for col in ("version", "when", "who", "action", "what"):
        table.add_column(col)
    for e in entries:
        table.add_row(str(e["version"] or ""), f"{e['effective_at']:%Y-%m-%d %H:%M}",
                      esc(e["changed_by"]), e["action"], esc(e["summary"]))
    console().print(table)


@commitments_app.command("import")
@handles_input_errors
def import_cmd(path: Path = IMPORT_PATH,
               fmt: str = typer.Option(None, "--format", help="yaml or csv (default: from the "
                                       "file's extension)."),
               by: str = BY, as_json: bool = JsonOption) -> None:
    """Import commitments (all-or-nothing; a ref already held is updated, with history)."""
    from parity.commitments import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.commitments.importer import import_commitments

    with session(service.ensure_defaults) as s:
        result = import_commitments(s, path=path, fmt=fmt, by=by)
    if as_json:
        emit_json(result.__dict__)
    elif result.status == "unchanged":
        console().print(f"{result.file}: already imported, nothing changed.")
    else:
        console().print(f"{result.file}: {len(result.added)} added, {len(result.updated)} "
                        f"updated, {len(result.unchanged)} unchanged.")


@commitments_app.command("export")
@handles_input_errors
def export_cmd(fmt: str = typer.Option("yaml", "--format", help="yaml or csv."),
               out: Path = OUT,
               force: str = FORCE) -> None:
    """Export commitments as YAML or CSV (a force's own with --force)."""
    from parity.commitments import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.commitments.importer import FORMATS, export_commitments, render

    if fmt not in FORMATS:
        raise InputError(f"--format must be yaml or csv, not {fmt!r}")
    with session(service.ensure_defaults) as s:
        items = export_commitments(s, force_id=force)
    text = render(items, fmt)
    if str(out) == "-":
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    console().print(f"wrote {len(items)} commitments to {out}", style="dim")
