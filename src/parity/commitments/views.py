"""The commitments on the web: pages, the JSON API and the panel on each force's page.

Pages (each also JSON at the same address plus ``.json``, or with ``?format=json``; every one
takes ``?as_of=YYYY-MM-DD`` to show the commitments as they stood then, so a past report can
be reproduced):

- ``/commitments``: the national picture, force by force (a grid of statuses, the counts per
  status, a chart), and the national commitments measured for England and Wales;
- ``/commitments/forces/<force>``: one force's commitments, each with its status and reason,
  and each indicator's yearly values, trend, projection and target as a chart and a table;
- ``/commitments/forces/<force>/review``: the 1-year and the 3-year review;
- ``/commitments/<ref>`` (``?force=``): one commitment, its status and its change history.

The API under ``/api/v1/commitments`` returns exactly what the service functions return (the
same documents as ``parity commitments list|show|status|overview|review|history --json``).

The pages only read: the bundled national commitments are loaded when ``parity serve``
starts (`parity.bundled`), never by a request (docs/decisions/0006).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from parity import disclosure
from parity.accounts import service as accounts
from parity.commitments import charts, metrics, providers, service
from parity.errors import InputError
from parity.forces import force_or_error
from parity.present.deps import RequireUser, SessionDep, private_force
from parity.present.responses import render_private, respond, to_jsonable
from parity.present.templating import templates_for

TEMPLATES = Path(__file__).parent / "templates"
templates = templates_for(TEMPLATES)
templates.env.globals["commitment_charts"] = charts
templates.env.filters["status_label"] = charts.status_label
templates.env.filters["status_dot"] = charts.status_dot
templates.env.filters["value"] = lambda v, unit=None: metrics.fmt_value(v, unit or "value")
templates.env.filters["rate"] = lambda v, unit=None: \
    "—" if v is None else metrics.fmt_rate(v, unit or "value")
templates.env.filters["change"] = charts.fmt_change
templates.env.filters["unit_of"] = providers.unit_of
templates.env.filters["force_name"] = charts.force_name

pages = APIRouter(prefix="/commitments", include_in_schema=False)
api = APIRouter(prefix="/api/v1/commitments", tags=["commitments"])
router = APIRouter()

nav = [{"label": "Commitments", "path": "/commitments"}]


AsOf = Annotated[str | None, Query(
    description="Show the commitments as they stood at the end of this date (YYYY-MM-DD): "
                "each commitment as it was then, values entered by then and 31 March "
                "snapshots up to then. Default: now.")]
Force = Annotated[str | None, Query(description="A force, in any publisher's spelling; "
                                                "default: England and Wales.")]


def _as_of(text: str | None) -> str | None:
    text = (text or "").strip()
    if not text:
        return None
    service.cutoff(text)  # InputError (400) when it is not a date
    return text


def _force(force_id: str):  # noqa: ANN202

    return force_or_error(force_id)


def _force_page(force_id: str):  # noqa: ANN202
    """The force of a page's path; an unknown one is a 404 (as on the force pages)."""
    try:
        return _force(force_id)
    except InputError as exc:
        raise HTTPException(status_code=404, detail=exc.reason) from exc


def _query(request: Request) -> str:
    """The request's query string again (encoded), for a redirect."""
    query = urlencode([(k, v) for k, v in request.query_params.multi_items()])
    return f"?{query}" if query else ""


def _redirect(request: Request, path: str) -> RedirectResponse:
    """A temporary redirect to `path` (the JSON form for a ``.json`` request), with the query."""
    suffix = ".json" if request.url.path.endswith(".json") else ""
    return RedirectResponse(f"{path}{suffix}{_query(request)}", status_code=307)


def _as_of_label(as_of: str | None) -> str | None:
    """'31 March 2024' for an ``as_of`` (the day it ends)."""
    moment = service.cutoff(as_of) if as_of else None
    if moment is None:
        return None
    day = moment.date()
    return f"{day.day} {day:%B} {day.year}"


# pages ------------------------------------------------------------------------------------------
@pages.get("")
@pages.get(".json")
def commitments_home(request: Request, session: SessionDep,
                     as_of: AsOf = None) -> Response:
    """Every force's commitments and their status, and the national ones for England and
    Wales."""
    as_of = _as_of(as_of)
    data = {"as_of": as_of,
            "summary": service.status_summary(session, as_of=as_of),
            "status": service.status(session, as_of=as_of)}
    return respond(request, "commitments_home.html", data, templates=templates,
                   as_of_label=_as_of_label(as_of))


@pages.get("/forces/{force_id}")
@pages.get("/forces/{force_id}.json")
def force_commitments(request: Request, session: SessionDep, force_id: str,
                      as_of: AsOf = None) -> Response:
    """One force's commitments (the national ones it adopted and its own), with each
    indicator's figures, trend, projection and target."""
    force = _force_page(force_id)
    if force.id != force_id:
        return _redirect(request, f"/commitments/forces/{force.id}")
    as_of = _as_of(as_of)
    items = service.status(session, force_id=force.id, as_of=as_of)
    data = {"force": {"id": force.id, "name": force.name, "region": force.region},
            "as_of": as_of, "status": items}
    articles = service.articles_cited(session, [link for item in items
                                                for link in item["links"]])
    return respond(request, "commitments_force.html", data, templates=templates,
                   as_of_label=_as_of_label(as_of), articles=articles)


@pages.get("/forces/{force_id}/review")
@pages.get("/forces/{force_id}/review.json")
def force_review(request: Request, session: SessionDep, force_id: str,
                 as_of: AsOf = None) -> Response:
    """The 1-year and 3-year reviews of a force's commitments: status and latest figure then
    and now, and the changes made between."""
    force = _force_page(force_id)
    if force.id != force_id:
        return _redirect(request, f"/commitments/forces/{force.id}/review")
    as_of = _as_of(as_of)
    data = {"force": {"id": force.id, "name": force.name, "region": force.region},
            "as_of": as_of,
            "reviews": {str(years): service.review(session, force_id=force.id, years=years,
                                                   as_of=as_of) for years in (1, 3)}}
    return respond(request, "commitments_review.html", data, templates=templates,
                   as_of_label=_as_of_label(as_of))


def _status_of(session: Session, commitment: dict, *, force_id: str | None,
               as_of: str | None) -> dict | None:
    """The status of one commitment for the force it is measured for (its own force, the
    force asked for, or England and Wales for a national one)."""
    if commitment["scope"] == "force":
        if force_id is not None and force_id != commitment["force"]:
            raise InputError(f"{commitment['ref']} is a commitment of {commitment['force']}, "
                             f"not of {force_id}")
        force_id = commitment["force"]
    for item in service.status(session, force_id=force_id, as_of=as_of):
        if item["ref"] == commitment["ref"]:
            return item
    return None


@pages.get("/{ref}")
@pages.get("/{ref}.json")
def commitment_page(request: Request, session: SessionDep, ref: str,
                    as_of: AsOf = None, force: Force = None) -> Response:
    """One commitment: what it is, its status (for England and Wales, or `force`) and every
    change made to it."""
    as_of = _as_of(as_of)
    force_id = _force(force).id if force else None
    try:
        commitment = service.get_commitment(session, ref=ref, as_of=as_of)
    except InputError as exc:
        if exc.reason.startswith("unknown commitment"):
            raise HTTPException(status_code=404, detail=exc.reason) from exc
        raise
    data = {"as_of": as_of, "commitment": commitment,
            "status": _status_of(session, commitment, force_id=force_id, as_of=as_of),
            "history": service.history(session, ref=commitment["ref"])}
    refined_by = None
    if commitment["scope"] == "national" and force_id and data["status"] is None:
        refined_by = next((c for c in service.list_commitments(session, force_id=force_id,
                                                               as_of=as_of)
                           if c["refines"] == commitment["ref"]), None)
    return respond(request, "commitment.html", data, templates=templates,
                   as_of_label=_as_of_label(as_of), force_id=force_id, refined_by=refined_by,
                   articles=service.articles_cited(session, commitment["links"]))


# API ------------------------------------------------------------------------------------------
@api.get("", summary="Commitments (for a force: the national ones it adopted and its own)")
def api_list(session: SessionDep, force: Force = None,
             as_of: AsOf = None) -> list[dict[str, Any]]:
    """The same as ``parity commitments list --json``."""
    return to_jsonable(service.list_commitments(session, force_id=force, as_of=_as_of(as_of)))


@api.get("/status", summary="Each commitment's status, reason, figures and trend")
def api_status(session: SessionDep, force: Force = None,
               as_of: AsOf = None) -> list[dict[str, Any]]:
    """The same as ``parity commitments status --json``: ``status`` (on_track, at_risk,
    off_track, no_data), ``reason``, baseline, latest, target, progress and every
    indicator's yearly values, fitted trend and projection. Shares are fractions in [0, 1]."""
    return to_jsonable(service.status(session, force_id=force, as_of=_as_of(as_of)))


@api.get("/overview", summary="Force by force: the status of each commitment")
def api_overview(session: SessionDep, as_of: AsOf = None,
                 include_btp: bool = True) -> list[dict[str, Any]]:
    """The same as ``parity commitments overview --json``."""
    return to_jsonable(service.overview(session, as_of=_as_of(as_of), include_btp=include_btp))


@api.get("/summary", summary="The national picture: forces in each status")
def api_summary(session: SessionDep, as_of: AsOf = None,
                include_btp: bool = True) -> dict[str, Any]:
    """`service.status_summary`: the overview with counts per status, in total and for each
    national commitment."""
    return to_jsonable(service.status_summary(session, as_of=_as_of(as_of),
                                              include_btp=include_btp))


@api.get("/review", summary="The 1-year or 3-year review")
def api_review(session: SessionDep, force: Force = None,
               years: Annotated[int, Query(ge=1, le=20, description="1 (annual) or 3 "
                                           "(three-year)")] = 1,
               as_of: AsOf = None) -> list[dict[str, Any]]:
    """The same as ``parity commitments review --json``."""
    return to_jsonable(service.review(session, force_id=force, years=years,
                                      as_of=_as_of(as_of)))


@api.get("/{ref}", summary="One commitment, as it stood at a date")
def api_show(session: SessionDep, ref: str, as_of: AsOf = None) -> dict[str, Any]:
    """The same as ``parity commitments show --json``."""
    return to_jsonable(service.get_commitment(session, ref=ref, as_of=_as_of(as_of)))


@api.get("/{ref}/history", summary="Every change to a commitment")
def api_history(session: SessionDep, ref: str) -> list[dict[str, Any]]:
    """The same as ``parity commitments history --json``."""
    return to_jsonable(service.history(session, ref=ref))


router.include_router(pages)
router.include_router(api)


# the panel on a force's page --------------------------------------------------------------------
def force_panel(session: Session, *, force_id: str, year: int) -> dict | None:
    """The force's commitments in brief: how many in each status, and each one's status and
    reason, as of the eve of the snapshot after `year` (`service.as_of_for_year`)."""
    as_of = service.as_of_for_year(year)
    items = service.status(session, force_id=force_id, as_of=as_of)
    if not items:
        return None
    counts = {s: 0 for s in metrics.STATUSES}
    for item in items:
        counts[item["status"]] += 1
    html = templates.env.get_template("force_panel.html").render(
        items=items, counts=counts, force_id=force_id,
        as_of=as_of.isoformat() if as_of else None,
        as_of_label=f"{as_of.day} {as_of:%B} {as_of.year}" if as_of else None)
    return {"title": "Commitments", "html": html}


# the private area: a force's own commitments with the figures from its HR records -------------
def private_status(session: Session, *, force_id: str) -> list[dict]:
    """The force's commitments as `service.status(..., include_private=True)` gives them, each
    measured indicator of a private kind (``flow_rate``) marked with ``suppressed_years``: the
    years its source holds that have no figure because the group has fewer than 10 people
    (`parity.flows.service.rate_series` leaves them out), and the commitment with
    ``baseline_suppressed`` / ``latest_suppressed`` when its baseline or latest year is one.

    PRIVATE: for the signed-in private area only (docs/decisions/0404, 0405)."""
    items = service.status(session, force_id=force_id, include_private=True)
    for item in items:
        item["baseline_suppressed"] = item["latest_suppressed"] = False
        for indicator in item["indicators"]:
            indicator["suppressed_years"] = _suppressed_years(session, indicator,
                                                              force_id=item["force_id"])
        decider = next((i for i in item["indicators"] if i["role"] == "measure"
                        and i["status"] == item["status"]), None)
        if decider is None or not decider["suppressed_years"]:
            continue
        hidden = set(decider["suppressed_years"])
        item["baseline_suppressed"] = item["baseline"] is None and (
            item["baseline_year"] in hidden
            or (item["baseline_year"] is None and not decider["values"]))
        last = max(hidden | set(decider["values"]))
        item["latest_suppressed"] = last in hidden
    return items


def _suppressed_years(session: Session, indicator: dict, *, force_id: str | None) -> list[int]:
    provider = providers.REGISTRY.get(indicator["kind"])
    if provider is None or not provider.private or force_id is None:
        return []
    expected = getattr(provider, "expected", None)
    module = getattr(provider, "module", None)
    if expected is None or module is None:
        return []
    try:
        years = expected(importlib.import_module(module), session, force_id)
    except (ImportError, InputError):
        return []
    return sorted(y for y in years if y not in indicator["values"])


def private_fragment(session: Session, *, force_id: str) -> Markup:
    """A force's commitments with the figures from its own HR records, as an HTML fragment:
    each one's status, baseline, latest, target, target date and reason, figures resting on
    fewer than 10 people shown as ``[c]``.

    PRIVATE: not mounted on any public route."""
    items = private_status(session, force_id=force_id)
    counts = {s: 0 for s in metrics.STATUSES}
    for item in items:
        counts[item["status"]] += 1
    return Markup(templates.env.get_template("commitments_private.html").render(
        items=items, counts=counts, force_id=force_id, suppressed=disclosure.SUPPRESSED,
        minimum=disclosure.MINIMUM))


@router.get("/private/forces/{force_id}/commitments", include_in_schema=False)
def private_commitments(request: Request, force_id: str, user: RequireUser,
                        session: SessionDep) -> Response:
    force = private_force(user, force_id, allowed=accounts.can_see_force)
    return render_private(request, templates, "private_commitments.html", user, force=force,
                   fragment=private_fragment(session, force_id=force.id))
