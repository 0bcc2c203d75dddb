"""Web pages and JSON API of the context domain: published pay gap returns, recorded crime
and the joined views, mounted by `parity.web.extensions` without editing ``parity/web``.

Pages (each also JSON with ``.json`` added to the path, or ``?format=json``):

- ``/context/paygap``: police forces' published pay gaps side by side for a snapshot year,
  with the reporting gaps and the checker's totals (police returns and every employer);
- ``/context/paygap/<force>``: a force's published returns year by year (the six figures),
  its position among police forces and against the public sector, late submissions and
  the checker's findings;
- ``/context/crime``: recorded crime in every force area for an offence and period;
- ``/context/crime/<force>``: recorded crime in a force's area, edition by edition;
- ``/context``: every police force side by side (workforce, pay gap, crime) for a year;
- ``/context/forces/<force>``: the joined timeline of one force.

The JSON API under ``/api/v1/context`` returns exactly what the service functions return
(the same documents as the matching ``--json`` commands). Everything only reads; if the
published returns or the crime tables are not in the database the pages say how to import
them (``parity import paygap-returns``, ``parity import crime``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from parity import calendar
from parity.context import service
from parity.context.charts import install
from parity.context.crime_importer import OFFENCE_LABELS
from parity.context.returns_checks import RULES
from parity.errors import InputError
from parity.forces import registry
from parity.present.deps import SessionDep
from parity.present.responses import respond, to_jsonable
from parity.present.templating import templates_for
from parity.workforce import service as workforce

HERE = Path(__file__).parent / "templates"
router = APIRouter()
nav = [{"label": "Published pay gaps", "path": "/context/paygap"},
       {"label": "Recorded crime", "path": "/context/crime"}]
templates = templates_for(HERE)

install(templates.env)
templates.env.globals["force_name"] = lambda force_id: registry().get(force_id).name


# --- helpers ---------------------------------------------------------------------------------

def _force_or_404(name: str):  # noqa: ANN202
    try:
        return registry().get(name)
    except KeyError:
        pass
    try:
        return registry().force(name)
    except InputError as exc:
        raise HTTPException(status_code=404, detail=exc.reason) from exc


def _force_or_400(name: str):  # noqa: ANN202
    try:
        return registry().get(name)
    except KeyError:
        return registry().force(name)


def _require_returns(session: Session) -> None:
    if not service.holds_returns(session):
        raise InputError("no published pay gap returns held: run `parity import "
                         "paygap-returns` first")


def _require_crime(session: Session) -> None:
    if not service.holds_crime(session):
        raise InputError("no recorded crime held: run `parity import crime` first")


def _snapshot_year(session: Session, year: int | None) -> int:
    _require_returns(session)
    held = service.snapshot_years(session)
    if year is None:
        found = service.latest_complete_year(session)
        return found if found is not None else held[-1]
    if year not in held:
        raise InputError(f"no pay gap returns for snapshot year {year}; held: "
                         + ", ".join(str(y) for y in held))
    return year


def _period(session: Session, period: date | None) -> date:
    _require_crime(session)
    held = service.crime_periods(session)
    if period is None:
        return held[-1]
    if period not in held:
        raise InputError(f"no recorded crime for the 12 months ending {period:%d %B %Y}; "
                         "held: " + ", ".join(f"{p:%Y-%m-%d}" for p in held))
    return period


def _redirect(request: Request, path: str) -> RedirectResponse:
    suffix = ".json" if request.url.path.endswith(".json") else ""
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"{path}{suffix}{query}", status_code=307)


def force_href(force_id: str) -> str:
    return f"/forces/{force_id}"


# --- pages -----------------------------------------------------------------------------------

@router.get("/context", include_in_schema=False)
@router.get("/context.json", include_in_schema=False)
def national_page(request: Request, session: SessionDep, year: int | None = None) -> Response:
    """Every police force side by side for a year: workforce, published pay gap, crime."""
    _require_returns(session)
    data = service.national_context(session, year=year)
    return respond(request, "context_national.html", data, templates=templates,
                   years=service.snapshot_years(session))


@router.get("/context/paygap", include_in_schema=False)
@router.get("/context/paygap.json", include_in_schema=False)
def paygap_national(request: Request, session: SessionDep, year: int | None = None,
                    field: str = "DiffMedianHourlyPercent") -> Response:
    """Police forces' published pay gaps for a year, with the checker's totals."""
    snapshot = _snapshot_year(session, year)
    league = service.paygap_league(session, snapshot_year=snapshot, field=field)
    police = service.paygap_checks(session, snapshot_year=snapshot, police_only=True)
    data = {
        "snapshot_year": snapshot, "reporting_year": league["reporting_year"],
        "partial": snapshot in service.partial_years(session), "field": field,
        "league": league,
        "checks_police": {
            "summary": service.paygap_check_totals(session, snapshot_year=snapshot,
                                                   police_only=True),
            "failures": police["failures"]},
        "checks_all_employers": service.paygap_check_totals(session, snapshot_year=snapshot),
        "years": service.snapshot_years(session),
    }
    return respond(request, "paygap_national.html", data, templates=templates,
                   rules=_rules())


@router.get("/context/paygap/{force_id}", include_in_schema=False)
@router.get("/context/paygap/{force_id}.json", include_in_schema=False)
def paygap_force(request: Request, session: SessionDep, force_id: str,
                 field: str = "DiffMedianHourlyPercent") -> Response:
    """A force's published returns year by year, its position, late returns and findings."""
    force = _force_or_404(force_id)
    if force.id != force_id:
        return _redirect(request, f"/context/paygap/{force.id}")
    _require_returns(session)
    checks = service.paygap_checks(session, force_id=force.id)
    data = {
        "force_id": force.id, "force": force.name, "field": field,
        "history": service.paygap_history(session, force_id=force.id),
        "positions": service.paygap_positions(session, force_id=force.id, field=field),
        "late_submissions": service.late_submissions(session, force_id=force.id),
        "checks": {"summary": checks["summary"], "failures": checks["failures"]},
    }
    return respond(request, "paygap_force.html", data, templates=templates, rules=_rules())


@router.get("/context/crime", include_in_schema=False)
@router.get("/context/crime.json", include_in_schema=False)
def crime_national(request: Request, session: SessionDep,
                   offence: str = "sexual_offences", period: date | None = None) -> Response:
    """Recorded crime in every force area for one offence and period, lowest rate first."""
    period_end = _period(session, period)
    data = service.crime_league(session, offence=offence, period_end=period_end)
    return respond(request, "crime_national.html", data, templates=templates,
                   periods=service.crime_periods(session), offences=_offence_choices())


@router.get("/context/crime/{force_id}", include_in_schema=False)
@router.get("/context/crime/{force_id}.json", include_in_schema=False)
def crime_force(request: Request, session: SessionDep, force_id: str) -> Response:
    """Recorded crime in a force's area, edition by edition, beside England and Wales."""
    force = _force_or_404(force_id)
    if force.id != force_id:
        return _redirect(request, f"/context/crime/{force.id}")
    _require_crime(session)
    data = {"force_id": force.id, "force": force.name,
            "periods": service.crime_history(session, force_id=force.id),
            "latest": service.crime_snapshot(session, force_id=force.id)}
    workforce_year = workforce.latest_year(session)
    data["against_workforce"] = (service.period_against_workforce(
        data["latest"]["period_end"], calendar.snapshot_date(workforce_year))
        if workforce_year else None)
    return respond(request, "crime_force.html", data, templates=templates)


@router.get("/context/forces/{force_id}", include_in_schema=False)
@router.get("/context/forces/{force_id}.json", include_in_schema=False)
def force_timeline(request: Request, session: SessionDep, force_id: str) -> Response:
    """A force's workforce representation, published pay gap and recorded crime by year."""
    force = _force_or_404(force_id)
    if force.id != force_id:
        return _redirect(request, f"/context/forces/{force.id}")
    _require_returns(session)
    data = service.force_context(session, force_id=force.id)
    return respond(request, "context_force.html", data, templates=templates,
                   positions=service.paygap_positions(session, force_id=force.id))


def _rules() -> dict[str, str]:
    return {name: rule.description for name, rule in RULES.items()}


def _offence_choices() -> dict[str, str]:
    return {o: OFFENCE_LABELS[o] for o in service.CONTEXT_OFFENCES}


# --- force panel -------------------------------------------------------------------------------

def force_panel(session: Session, *, force_id: str, year: int) -> dict | None:
    """The force's latest published pay gap (the complete year at or before `year`) with its
    position among police forces, and recorded crime in its area (the latest edition ending
    on or before 31 March of `year`) beside England and Wales. None when neither is held for
    that year (before 2017/18 and March 2018)."""
    has_returns, has_crime = service.holds_returns(session), service.holds_crime(session)
    if not (has_returns or has_crime):
        return None
    force = registry().get(force_id)
    paygap = None
    if has_returns:
        snapshot = service.latest_complete_year(session, on_or_before=year)
        if snapshot is not None:
            history = service.paygap_history(session, force_id=force.id)  # read once
            paygap = {
                "comparison": service.paygap_comparison(session, force_id=force.id,
                                                        snapshot_year=snapshot),
                "history": [h for h in history if h["snapshot_year"] == snapshot][0],
                "late_submissions": service.late_submissions(session, force_id=force.id,
                                                             history=history),
            }
    crime = None
    if has_crime:
        earlier = [p for p in service.crime_periods(session) if p <= calendar.snapshot_date(year)]
        if earlier:
            crime = service.crime_snapshot(session, force_id=force.id, period_end=earlier[-1])
            crime["against_workforce"] = service.period_against_workforce(
                earlier[-1], calendar.snapshot_date(year))
    if paygap is None and crime is None:
        return None
    html = templates.env.get_template("context_panel.html").render(
        force=force, paygap=paygap, crime=crime, year=year)
    return {"title": "Published pay gap and recorded crime", "html": html}


# --- JSON API ----------------------------------------------------------------------------------

api = APIRouter(prefix="/api/v1/context", tags=["context"])

Force = Annotated[str, Query(description="A force, in any publisher's spelling.")]
OptionalForce = Annotated[str | None, Query(description="A force, in any publisher's "
                                                        "spelling.")]
Field = Annotated[str, Query(description="A Gender Pay Gap Service field, e.g. "
                                         "DiffMedianHourlyPercent.",
                             json_schema_extra={"enum": list(service.SERVICE_FIELDS)})]
SnapshotYear = Annotated[int | None, Query(description="Snapshot year (2022 for the 2022/23 "
                                                       "return); default: the latest "
                                                       "complete year.")]
Offence = Annotated[str, Query(description="An offence group.",
                               json_schema_extra={"enum": list(service.CONTEXT_OFFENCES)})]


@api.get("/paygap/history", summary="A force's published pay gap returns, year by year")
def api_paygap_history(session: SessionDep, force: Force) -> list[dict[str, Any]]:
    """As `parity paygap history --force FORCE --json`: one item per snapshot year held,
    with the fourteen figures under the service's field names, `reported`, `partial` and
    `submitted_late`."""
    _require_returns(session)
    return to_jsonable(service.paygap_history(session, force_id=_force_or_400(force).id))


@api.get("/paygap/compare", summary="A force's figure against police forces and the public "
                                    "sector")
def api_paygap_compare(session: SessionDep, force: Force,
                       field: Field = "DiffMedianHourlyPercent",
                       year: SnapshotYear = None) -> dict[str, Any]:
    """As `parity paygap compare --json`: count, quartiles, median, minimum, maximum and the
    force's position (1 = lowest figure) and percentile."""
    snapshot = _snapshot_year(session, year)
    return to_jsonable(service.paygap_comparison(session, force_id=_force_or_400(force).id,
                                                 field=field, snapshot_year=snapshot))


@api.get("/paygap/positions", summary="A force's position among police forces, every year")
def api_paygap_positions(session: SessionDep, force: Force,
                         field: Field = "DiffMedianHourlyPercent") -> list[dict[str, Any]]:
    """The comparison of `/paygap/compare` for every snapshot year held."""
    _require_returns(session)
    return to_jsonable(service.paygap_positions(session, force_id=_force_or_400(force).id,
                                                field=field))


@api.get("/paygap/league", summary="Police forces' published figure side by side")
def api_paygap_league(session: SessionDep, year: SnapshotYear = None,
                      field: Field = "DiffMedianHourlyPercent") -> dict[str, Any]:
    """Lowest figure first, with the forces that did not report and the police and public
    sector distributions."""
    snapshot = _snapshot_year(session, year)
    return to_jsonable(service.paygap_league(session, snapshot_year=snapshot, field=field))


@api.get("/paygap/checks", summary="The checker re-run on the returns held")
def api_paygap_checks(session: SessionDep, force: OptionalForce = None,
                      year: SnapshotYear = None, police_only: bool = False) -> dict[str, Any]:
    """`{"summary", "failures"}`: returns checked and failing per rule and per year, and each
    failure (rule, year, employer, numbers). A force's returns, a year's, or police forces'
    only; without `force` or `police_only` give a `year` (a whole year is ten thousand
    returns)."""
    if force is None and year is None and not police_only:
        raise InputError("give a force, a year or police_only=true (every return held is "
                         "62,000 returns: use `parity paygap check` for that)")
    if year is not None:
        year = _snapshot_year(session, year)
    force_id = _force_or_400(force).id if force else None
    return to_jsonable(service.paygap_checks(session, force_id=force_id, snapshot_year=year,
                                             police_only=police_only))


@api.get("/paygap/reporting-gaps", summary="Police forces without a return, per year")
def api_reporting_gaps(session: SessionDep) -> dict[str, Any]:
    """{snapshot year: ids of police forces with no return that year}."""
    _require_returns(session)
    return to_jsonable(service.reporting_gaps(session))


@api.get("/crime", summary="Police recorded crime: a force area, or every force area")
def api_crime(session: SessionDep, force: OptionalForce = None,
              offence: Offence = "sexual_offences",
              period: Annotated[date | None, Query(description="End of the 12 months (e.g. "
                                                               "2019-12-31); default: the "
                                                               "latest held.")] = None
              ) -> dict[str, Any]:
    """With `force`, as `parity crime --force FORCE --json` (`{"force_id", "periods"}`);
    without, as `parity crime --offence OFFENCE --json` (every force area side by side)."""
    _require_crime(session)
    if force:
        force_id = _force_or_400(force).id
        return to_jsonable({"force_id": force_id,
                            "periods": service.crime_history(session, force_id=force_id)})
    return to_jsonable(service.crime_league(session, offence=offence,
                                            period_end=_period(session, period)))


@api.get("", summary="Workforce, published pay gap and recorded crime together")
def api_context(session: SessionDep, force: OptionalForce = None,
                year: Annotated[int | None, Query(description="For every force side by side: "
                                                              "as at 31 March of this year.")]
                = None) -> dict[str, Any]:
    """As `parity context --json`: with `force` its timeline of 31 March years, without it
    every police force side by side."""
    _require_returns(session)
    if force:
        return to_jsonable(service.force_context(session, force_id=_force_or_400(force).id))
    return to_jsonable(service.national_context(session, year=year))


router.include_router(api)
