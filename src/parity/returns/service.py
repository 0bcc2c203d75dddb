"""The annual reporting cycle: reads and writes of reporting years and forces' returns.

Every front end (``parity returns ...``, the private area, the public pages and API, the report)
calls only these functions; they never commit (the caller owns the transaction).

- The coordinator opens a year: `open_year` (opening date, deadline, publication date).
- `status(session, year=)`: every force with its state — ``not_started``, ``draft``,
  ``submitted``, ``returned``, ``accepted`` — and ``late`` once the deadline has passed without a
  submission; `progress` counts them; `reminders` lists whom to remind, with a text to send.
- A force's users fill its return: `save_draft`, `attach_payroll` (the statutory figures computed
  from the force's payroll, kept as figures only); `check_return` lists what is missing or does
  not agree with the data, each finding with the field it belongs to.
- Sign-off: the force lead `submit`s (refused while an error remains; a pay gap figure that
  differs from the payroll's needs a stated reason, recorded); the coordinator `send_back`s it
  with a comment or `accept`s it; `reopen` takes a submitted or accepted return back to draft.
  Every step is a `ReturnEvent` (`history`).
- Publication: `published_returns` — accepted returns only, the content as accepted, its date and
  signatory; never the payroll behind it. `compile_year` gathers them for the national report.

Who may do what is decided here, not in the front ends: an `Actor` is a person with a role
(``coordinator``, ``force_lead``, ``analyst``) and, for force roles, a force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from parity import calendar
from parity.accounts import service as accounts
from parity.commitments import service as commitments
from parity.errors import InputError, Problem
from parity.forces import registry
from parity.forces.registry import ENGLAND_AND_WALES
from parity.paygap import service as paygap
from parity.returns import checks
from parity.returns.checks import commitments_asked, outside_home_office_table
from parity.returns.models import ForceReturn, ReportingYear, ReturnEvent
from parity.returns.schemas import (
    EDITABLE,
    PAYGAP_KEYS,
    SERVICE_NAMES,
    STATE_LABELS,
    WORKFORCE_GROUPS,
    changed_fields,
    clean_content,
    empty_content,
)
from parity.workforce import service as workforce

FORCE_ROLES = frozenset({"force_lead", "analyst"})


class NotAllowed(InputError):
    """The person may not do this to this return (their role, their force, or its state)."""


@dataclass(frozen=True)
class Actor:
    """Who is acting: an e-mail address (or login name), a role and, for force roles, a force."""

    who: str
    role: str
    force_id: str | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def _force(force_id: str):  # noqa: ANN202
    force = registry().find_force(force_id)
    if force is None:
        raise InputError(f"no force called {force_id!r}")
    return force


def expected_forces() -> list:
    """The forces that make a return: every force in the registry (the 43 of England and Wales,
    British Transport Police, and the UK forces outside the Home Office table)."""
    return list(registry().forces)


# reporting years ------------------------------------------------------------------------------
def _year_row(session: Session, year: int) -> ReportingYear:
    row = session.get(ReportingYear, int(year))
    if row is None:
        held = ", ".join(str(y) for y in session.scalars(select(ReportingYear.year)
                                                         .order_by(ReportingYear.year)))
        raise InputError(f"the {year} reporting year has not been opened"
                         + (f" (open: {held})" if held else ""))
    return row


def _year_dict(row: ReportingYear) -> dict:
    return {"year": row.year, "opens_on": row.opens_on.isoformat(),
            "deadline": row.deadline.isoformat(),
            "publication_date": row.publication_date.isoformat() if row.publication_date
            else None, "max_case_studies": row.max_case_studies,
            "change_threshold_points": row.change_threshold_points,
            "opened_by": row.opened_by, "snapshot": date(row.year, 3, 31).isoformat()}


def open_year(session: Session, *, year: int, deadline: date, actor: Actor,
              opens_on: date | None = None, publication_date: date | None = None,
              max_case_studies: int = 3, change_threshold_points: int = 5) -> dict:
    """Open (or change the dates of) the reporting year whose figures are as at 31 March
    `year`. Coordinators only. `opens_on` defaults to today."""
    if actor.role != "coordinator":
        raise NotAllowed("only the national coordinator opens a reporting year")
    opens_on = opens_on or calendar.today()
    problems = []
    if not 2015 <= int(year) <= 2100:
        problems.append(Problem("command line", f"expected a year from 2015 to 2100, got {year}",
                                column="year"))
    if deadline < opens_on:
        problems.append(Problem("command line", f"the deadline {deadline} is before the year "
                                f"opens ({opens_on})", column="deadline"))
    if publication_date is not None and publication_date < deadline:
        problems.append(Problem("command line", f"the publication date {publication_date} is "
                                f"before the deadline {deadline}", column="publication"))
    if not 0 <= max_case_studies <= 20:
        problems.append(Problem("command line", "expected 0 to 20 case studies",
                                column="max-case-studies"))
    if not 1 <= change_threshold_points <= 100:
        problems.append(Problem("command line", "expected a change threshold from 1 to 100 "
                                "percentage points", column="change-threshold"))
    if problems:
        raise InputError(f"cannot open the {year} reporting year", problems)
    row = session.get(ReportingYear, int(year))
    if row is None:
        row = ReportingYear(year=int(year), opened_by=actor.who, opened_at=_now())
        session.add(row)
    row.opens_on, row.deadline, row.publication_date = opens_on, deadline, publication_date
    row.max_case_studies, row.change_threshold_points = max_case_studies, change_threshold_points
    session.flush()
    return _year_dict(row)


def list_years(session: Session) -> list[dict]:
    return [_year_dict(r) for r in session.scalars(select(ReportingYear)
                                                   .order_by(ReportingYear.year))]


def get_year(session: Session, *, year: int) -> dict:
    return _year_dict(_year_row(session, year))


# returns --------------------------------------------------------------------------------------
def _return_row(session: Session, year: int, force_id: str) -> ForceReturn | None:
    return session.scalars(select(ForceReturn).where(ForceReturn.year == int(year),
                                                     ForceReturn.force_id == force_id)).first()


def _is_late(row: ForceReturn | None, year: ReportingYear, today: date) -> bool:
    state = row.state if row else "not_started"
    return today > year.deadline and state in ("not_started", "draft", "returned")


def _summary(force, row: ForceReturn | None, year: ReportingYear, today: date) -> dict:  # noqa: ANN001
    state = row.state if row else "not_started"
    late = _is_late(row, year, today)
    return {"force_id": force.id, "force": force.name, "nation": force.nation,
            "in_home_office_table": force.kind != "other_uk", "state": state, "late": late,
            "status": "late" if late else state,
            "status_label": STATE_LABELS["late" if late else state],
            "submitted_at": row.submitted_at.isoformat() if row and row.submitted_at else None,
            "accepted_at": row.accepted_at.isoformat() if row and row.accepted_at else None,
            "published": bool(row and row.accepted_at),
            "updated_at": row.updated_at.isoformat() if row else None}


def status(session: Session, *, year: int, today: date | None = None) -> list[dict]:
    """Every force with the state of its return for `year`, by force name."""
    year_row = _year_row(session, year)
    today = today or calendar.today()
    rows = {r.force_id: r for r in session.scalars(select(ForceReturn)
                                                   .where(ForceReturn.year == year_row.year))}
    return [_summary(f, rows.get(f.id), year_row, today)
            for f in sorted(expected_forces(), key=lambda f: f.name)]


def progress(session: Session, *, year: int, today: date | None = None) -> dict:
    """How many forces are in each state (``late`` counted apart), with the year's dates."""
    rows = status(session, year=year, today=today)
    counts = {state: 0 for state in ("not_started", "draft", "submitted", "returned",
                                     "accepted")}
    for row in rows:
        counts[row["state"]] += 1
    return {**get_year(session, year=year), "forces": len(rows), "counts": counts,
            "late": sum(r["late"] for r in rows), "share_accepted": counts["accepted"] / len(rows)}


def _can_read(actor: Actor, force_id: str) -> bool:
    return actor.role == "coordinator" or (actor.role in FORCE_ROLES
                                           and actor.force_id == force_id)


def _check_force_actor(actor: Actor, force_id: str, *, lead: bool = False) -> None:
    if actor.role not in FORCE_ROLES or actor.force_id != force_id:
        raise NotAllowed("only the force's own users fill in its return")
    if lead and actor.role != "force_lead":
        raise NotAllowed("only the force's lead signs off and submits its return")


def _event(session: Session, row: ForceReturn, actor: Actor, action: str, *,
           comment: str | None = None, changes: dict | None = None) -> None:
    session.add(ReturnEvent(return_id=row.id, at=_now(), by=actor.who, action=action,
                            comment=comment or None, changes=changes or None))


def get_return(session: Session, *, year: int, force_id: str, actor: Actor) -> dict:
    """A force's return for `year` as its users and the coordinator see it: the content (empty
    when not started), the figures computed from its payroll, the checks, and the state."""
    force = _force(force_id)
    if not _can_read(actor, force.id):
        raise NotAllowed("a force's return is for its own users and the coordinator")
    year_row = _year_row(session, year)
    row = _return_row(session, year_row.year, force.id)
    out = _summary(force, row, year_row, calendar.today())
    out.update({"year": year_row.year, "deadline": year_row.deadline.isoformat(),
                "content": row.content if row else empty_content(),
                "computed_paygap": row.computed_paygap if row else None,
                "editable": (row is None or row.state in EDITABLE),
                "asks_workforce": force.kind == "other_uk",
                "commitments_asked": commitments_asked(session, force_id=force.id),
                "max_case_studies": year_row.max_case_studies})
    out["checks"] = check_return(session, year=year_row.year, force_id=force.id,
                                 content=out["content"], computed=out["computed_paygap"])
    return out


def _writable(session: Session, year: int, force_id: str, actor: Actor) -> ForceReturn:
    force = _force(force_id)
    _check_force_actor(actor, force.id)
    year_row = _year_row(session, year)
    if calendar.today() < year_row.opens_on:
        raise NotAllowed(f"the {year} reporting year opens on {year_row.opens_on}")
    row = _return_row(session, year_row.year, force.id)
    if row is None:
        row = ForceReturn(year=year_row.year, force_id=force.id, state="draft",
                          content=empty_content(), updated_at=_now())
        session.add(row)
        session.flush()
    elif row.state not in EDITABLE:
        raise NotAllowed(f"the return is {STATE_LABELS[row.state].lower()}: it can be changed "
                         "only after it is reopened")
    return row


def save_draft(session: Session, *, year: int, force_id: str, content: dict,
               actor: Actor) -> dict:
    """Save a force's return as a draft (creating it on first save): the content checked field
    by field (`schemas.clean_content`), the changes recorded in the audit trail."""
    cleaned = clean_content(content)
    year_row = _year_row(session, year)
    if len(cleaned["case_studies"]) > year_row.max_case_studies:
        raise InputError("too many case studies", [Problem(
            "return", f"at most {year_row.max_case_studies} case studies, found "
            f"{len(cleaned['case_studies'])}", column="case_studies")])
    if not outside_home_office_table(force_id):
        cleaned["workforce"] = None
    row = _writable(session, year, force_id, actor)
    changes = changed_fields(row.content, cleaned)
    if changes:
        row.content = cleaned
        row.updated_at = _now()
        _event(session, row, actor, "saved", changes=changes)
    session.flush()
    return {"changed": sorted(changes), "state": row.state}


def computed_fields(figures: dict) -> dict[str, float | None]:
    """The return's pay gap keys from `paygap.service.compute_figures`'s result, rounded to one
    decimal place as the service fields are."""
    fields = paygap.service_fields(figures)
    return {key: fields.get(SERVICE_NAMES[key]) for key in PAYGAP_KEYS}


def attach_payroll(session: Session, *, year: int, force_id: str, path: Path | str,
                   actor: Actor) -> dict:
    """Compute the statutory figures from the force's payroll extract at `path` and keep them
    (the figures and the counts of people, never the extract) beside the return; empty pay gap
    fields of the return are filled from them."""
    row = _writable(session, year, force_id, actor)
    payroll = paygap.read_payroll(path)
    figures = paygap.compute_figures(payroll, snapshot=date(int(year), 3, 31))
    computed = {"fields": computed_fields(figures), "counts": figures.get("counts", {}),
                "file": Path(str(path)).name, "computed_at": _now().isoformat()}
    content = dict(row.content)
    entered = dict(content.get("paygap") or {})
    filled = [k for k in PAYGAP_KEYS if entered.get(k) is None
              and computed["fields"][k] is not None]
    for key in filled:
        entered[key] = computed["fields"][key]
    content["paygap"] = entered
    changes = changed_fields(row.content, content)
    row.content, row.computed_paygap, row.updated_at = content, computed, _now()
    _event(session, row, actor, "payroll computed",
           comment=f"pay gap figures computed from {computed['file']}", changes=changes)
    session.flush()
    return {"computed": computed["fields"], "filled": filled}


def check_return(session: Session, *, year: int, force_id: str, content: dict,
                 computed: dict | None) -> list[dict]:
    """What stands between a return and its submission (`checks.check_return`)."""
    return checks.check_return(session, year_row=_year_row(session, year), force_id=force_id,
                               content=content, computed=computed)


# sign-off -------------------------------------------------------------------------------------
def _existing(session: Session, year: int, force_id: str) -> ForceReturn:
    row = _return_row(session, int(year), _force(force_id).id)
    if row is None:
        raise InputError(f"{_force(force_id).name} has not started its {year} return")
    return row


def submit(session: Session, *, year: int, force_id: str, actor: Actor) -> dict:
    """The force lead submits the return: refused while a check finds an error; the warnings
    and any reason for pay gap figures that differ from the payroll's are recorded."""
    _check_force_actor(actor, _force(force_id).id, lead=True)
    row = _existing(session, year, force_id)
    if row.state not in EDITABLE:
        raise NotAllowed(f"the return is {STATE_LABELS[row.state].lower()}")
    found = check_return(session, year=row.year, force_id=row.force_id, content=row.content,
                         computed=row.computed_paygap)
    errors = [f for f in found if f["severity"] == "error"]
    if errors:
        raise InputError(f"the return cannot be submitted: {len(errors)} problem(s)",
                         [Problem("return", f["message"], column=f["field"]) for f in errors])
    reason = (row.content.get("paygap_reason") or "").strip()
    warnings = [f"{f['field']}: {f['message']}" for f in found if f["severity"] == "warning"]
    row.state, row.submitted_by, row.submitted_at = "submitted", actor.who, _now()
    row.updated_at = row.submitted_at
    _event(session, row, actor, "submitted",
           comment=(f"Reason the pay gap figures differ from the payroll's: {reason}"
                    if reason and any("payroll gives" in w for w in warnings) else None),
           changes={"warnings": warnings} if warnings else None)
    session.flush()
    return {"state": row.state, "warnings": warnings}


def _coordinator(actor: Actor, what: str) -> None:
    if actor.role != "coordinator":
        raise NotAllowed(f"only the national coordinator {what}")


def _submitted(session: Session, year: int, force_id: str, verb: str) -> ForceReturn:
    """The force's return, which must be awaiting the coordinator to be `verb` (accepted ...)."""
    row = _existing(session, year, force_id)
    if row.state != "submitted":
        raise NotAllowed(f"only a submitted return can be {verb}; this one is "
                         f"{STATE_LABELS[row.state].lower()}")
    return row


def _required_comment(comment: str | None, reason: str, what: str) -> str:
    """The comment a step needs, trimmed to 4,000 characters; `InputError` when it is blank."""
    text = (comment or "").strip()
    if not text:
        raise InputError(reason, [Problem("return", f"a comment is needed to {what}",
                                          column="comment")])
    return text[:4000]


def send_back(session: Session, *, year: int, force_id: str, actor: Actor, comment: str) -> dict:
    """The coordinator returns a submitted return to the force, with a comment (required)."""
    _coordinator(actor, "returns a return to a force")
    row = _submitted(session, year, force_id, "returned")
    text = _required_comment(comment, "say what the force should change", "return a return")
    row.state, row.updated_at = "returned", _now()
    _event(session, row, actor, "returned", comment=text)
    session.flush()
    return {"state": row.state}


def accept(session: Session, *, year: int, force_id: str, actor: Actor,
           comment: str | None = None) -> dict:
    """The coordinator accepts a submitted return: it is published as it stands (content, date,
    signatory), and the commitment values in it are recorded with the commitments."""
    _coordinator(actor, "accepts a return")
    row = _submitted(session, year, force_id, "accepted")
    recorded = []
    for item in row.content.get("commitments") or []:
        if item.get("value") is None:
            continue
        commitments.record_value(session, ref=item["ref"], position=item.get("position", 1),
                                 force_id=row.force_id, year=row.year, value=item["value"],
                                 evidence=item.get("evidence") or "force's annual return",
                                 by=actor.who)
        recorded.append(item["ref"])
    row.state, row.accepted_by, row.accepted_at = "accepted", actor.who, _now()
    row.published, row.updated_at = dict(row.content), row.accepted_at
    _event(session, row, actor, "accepted", comment=(comment or "").strip()[:4000] or None,
           changes={"commitment values recorded": recorded} if recorded else None)
    session.flush()
    return {"state": row.state, "commitment_values_recorded": recorded}


def reopen(session: Session, *, year: int, force_id: str, actor: Actor, comment: str) -> dict:
    """Take a submitted or accepted return back to draft so the force can change it (the force
    lead, or the coordinator); an accepted return stays published as accepted until the new
    version is accepted. The history is kept."""
    force = _force(force_id)
    if actor.role != "coordinator":
        _check_force_actor(actor, force.id, lead=True)
    row = _existing(session, year, force.id)
    if row.state not in ("submitted", "accepted"):
        raise NotAllowed(f"the return is {STATE_LABELS[row.state].lower()}: nothing to reopen")
    text = _required_comment(comment, "say why the return is reopened", "reopen a return")
    row.state, row.updated_at = "draft", _now()
    _event(session, row, actor, "reopened", comment=text)
    session.flush()
    return {"state": row.state}


def history(session: Session, *, year: int, force_id: str, actor: Actor) -> list[dict]:
    """The return's audit trail, oldest first: who did what, when, the comment and the fields
    that changed (with their old and new values)."""
    force = _force(force_id)
    if not _can_read(actor, force.id):
        raise NotAllowed("a force's return is for its own users and the coordinator")
    row = _return_row(session, int(year), force.id)
    if row is None:
        return []
    events = session.scalars(select(ReturnEvent).where(ReturnEvent.return_id == row.id)
                             .order_by(ReturnEvent.at, ReturnEvent.id))
    return [{"at": e.at.isoformat(), "by": e.by, "action": e.action, "comment": e.comment,
             "changes": e.changes or {}} for e in events]


def reminders(session: Session, *, year: int, today: date | None = None) -> list[dict]:
    """The forces to remind (not yet submitted or accepted), each with the addresses of its
    users and a text to send. Parity does not send them."""
    today = today or calendar.today()
    year_row = _year_row(session, year)
    users: dict[str, list[str]] = {}
    for user in accounts.list_users(session):
        if user.get("force_id"):
            users.setdefault(user["force_id"], []).append(user["email"])
    out = []
    for row in status(session, year=year, today=today):
        if row["state"] in ("submitted", "accepted"):
            continue
        days = (year_row.deadline - today).days
        when = (f"is due by {year_row.deadline:%d %B %Y} ({days} days from today)" if days > 0
                else "is due today" if days == 0
                else f"was due on {year_row.deadline:%d %B %Y} ({-days} days ago)")
        state = {"not_started": "has not been started", "draft": "is in draft",
                 "returned": "was returned to you with comments"}[row["state"]]
        text = (f"{row['force']}: your gender equality return for the year to 31 March {year} "
                f"{when}. It {state}. Please complete it in the private area of Parity and "
                "ask your force lead to submit it.")
        out.append({"force_id": row["force_id"], "force": row["force"], "state": row["state"],
                    "late": row["late"], "emails": sorted(users.get(row["force_id"], [])),
                    "text": text})
    return out


# publication ----------------------------------------------------------------------------------
def _published_dict(row: ForceReturn, force) -> dict:  # noqa: ANN001
    return {"year": row.year, "force_id": force.id, "force": force.name, "nation": force.nation,
            "accepted_on": row.accepted_at.date().isoformat() if row.accepted_at else None,
            "paygap_from_payroll": bool(row.computed_paygap)}


def _published_rows(session: Session, year: int) -> list[ForceReturn]:
    return list(session.scalars(select(ForceReturn).where(
        ForceReturn.year == int(year), ForceReturn.published.is_not(None))))


def published_returns(session: Session, *, year: int) -> list[dict]:
    """Every accepted return of `year` as published, by force name. A return reopened after
    acceptance stays published as it was last accepted until its new version is accepted."""
    reg = registry()
    out = []
    for row in _published_rows(session, year):
        item = _published_dict(row, reg.get(row.force_id))
        item.update(_published_content(row.published or {}))
        out.append(item)
    return sorted(out, key=lambda r: r["force"])


def published_return(session: Session, *, year: int, force_id: str) -> dict | None:
    force = _force(force_id)
    return next((r for r in published_returns(session, year=year) if r["force_id"] == force.id),
                None)


def _published_content(content: dict) -> dict:
    return {"signatory": dict(content.get("signatory") or {}),
            "paygap": dict(content.get("paygap") or {}),
            "commitments": list(content.get("commitments") or []),
            "case_studies": list(content.get("case_studies") or []),
            "narrative": content.get("narrative") or "",
            "workforce": content.get("workforce")}


def compile_year(session: Session, *, year: int) -> dict | None:
    """What the national report takes from the cycle for `year`: the accepted returns, the forces
    that have not had one accepted (by state), and the UK totals of the returns' workforce
    figures where every force outside the Home Office table has given them. None when the year
    has not been opened."""
    if session.get(ReportingYear, int(year)) is None:
        return None
    published = published_returns(session, year=year)
    states = status(session, year=year)
    missing = [r for r in states if not r["published"]]
    outside = [f for f in expected_forces() if f.kind == "other_uk"]
    given = {r["force_id"]: r["workforce"] for r in published if r.get("workforce")}
    compiled = {"year": year, "returns": published, "missing": missing,
                "outside_table": [{"force_id": f.id, "force": f.name,
                                   "workforce": given.get(f.id)} for f in outside],
                "outside_table_complete": all(f.id in given for f in outside),
                "expected": len(states)}
    compiled["uk_total"] = uk_total(session, compiled)
    return compiled


def uk_total(session: Session, compiled: dict) -> dict | None:
    """Women's share of officers across the UK by rank group: the Home Office figures for England
    and Wales with British Transport Police, plus each outside force's own figures — only when
    every force outside the table has given its figures, all on one measure; else None. Each
    group names its sources."""
    outside = [item["workforce"] for item in compiled["outside_table"]]
    if not compiled["outside_table_complete"] or len({w["measure"] for w in outside}) != 1:
        return None
    measure = outside[0]["measure"]
    out: dict = {"measure": measure, "groups": {}, "sources": [
        f"Home Office, Police workforce, England and Wales, 31 March {compiled['year']} "
        "(the 43 territorial forces and British Transport Police)",
        *(f"{item['force']}: {item['workforce']['source']}, as at {item['workforce']['as_at']}"
          for item in compiled["outside_table"])]}
    for group, _label in WORKFORCE_GROUPS:
        try:
            official = workforce.representation(
                session, area=ENGLAND_AND_WALES, year=compiled["year"], group=group,
                measure=measure, include_btp=True)
        except InputError:
            return None
        women, men = official["female"], official["male"]
        for figures in outside:
            given = figures["groups"][group]
            women += given["female"] or 0
            men += given["male"] or 0
        out["groups"][group] = {"female": women, "male": men,
                                "share_female": women / (women + men) if women + men else None}
    return out
