"""The public pages: national overview, forces, a force, league table, trends, about.

Each page is also JSON at the same address plus ``.json`` (see `parity.present.responses`): the
figures the page draws, straight from the services, so the page and its data never disagree.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from parity import vocabulary as v
from parity.errors import InputError
from parity.forces import force_or_error, registry
from parity.present.deps import SessionDep
from parity.present.responses import respond
from parity.present.templating import templates_for
from parity.store.version import current
from parity.workforce import charts, report, service
from parity.workforce import compare as finding

router = APIRouter(include_in_schema=False)
templates = templates_for(report.TEMPLATES, charts=charts)
# The site's home and the national pages: mounted, and listed in the navigation, first.
position = 0
nav = [("Overview", "/"), ("Forces", "/forces"), ("Compare", "/compare"), ("League table", "/league"),
       ("Trends", "/trend")]


def page(path: str):  # noqa: ANN201
    """A page's route: GET, and HEAD for link checkers and uptime monitors."""
    return router.api_route(path, methods=["GET", "HEAD"])


WORKER_LABELS = {
    "officer": "Police officers", "staff": "Police staff", "pcso": "PCSOs",
    "special": "Special constables", "designated": "Designated officers",
    "volunteer": "Police support volunteers",
}



def _choices(session) -> dict:  # noqa: ANN001
    reg = registry()
    return {
        "years": list(reversed(service.years_available(session))),
        "groups": v.GROUP_LABELS,
        "measures": {"fte": "FTE", "headcount": "Headcount"},
        "worker_types": WORKER_LABELS,
        "areas": ["England and Wales", "England", "Wales", *reg.regions,
                  *[f.name for f in reg.forces]],
    }


def force_href(force_id: str) -> str:
    return f"/forces/{force_id}"


@page("/")
@page("/index.json")
def home(request: Request, session: SessionDep, year: int | None = None) -> Response:
    """The national picture: women in each part of the workforce, trends and forces."""
    data = report.national_profile(session, year=year)
    return respond(request, "home.html", data, templates=templates, choices=_choices(session),
                   force_href=force_href, edition_note=service.source_note(session))


@page("/forces.json")
@page("/forces")
def forces(request: Request, session: SessionDep, year: int | None = None,
           q: str | None = None, sort: str = "force", order: str = "asc") -> Response:
    """Every force with its share of women among officers and in senior leadership; `q`
    keeps the forces whose name, region or other spelling contains it, `sort` and `order`
    order the table (`finding.SORTS`)."""
    year = service.year_or_latest(session, year)
    cache = _national(request, session, year)
    senior = {r["force_id"]: r for r in cache.league("senior")["forces"]}
    rows = []
    for r in sorted(cache.league("all")["forces"], key=lambda r: r["force"]):
        s = senior.get(r["force_id"], {})
        rows.append({"force_id": r["force_id"], "force": r["force"], "region": r["region"],
                     "share_female": r["share_female"],
                     "share_female_senior": s.get("share_female"),
                     "senior_position": s.get("position"), "senior_gap": r["senior_gap"]})
    rows = finding.sort_rows(finding.search(rows, q), sort, order)
    data = {"year": year, "measure": "fte", "q": q or "", "sort": sort, "order": order,
            "forces": rows,
            "england_and_wales": {"share_female": cache.league("all")["england_and_wales"]
                                  ["share_female"],
                                  "share_female_senior": cache.league("senior")
                                  ["england_and_wales"]["share_female"]}}
    return respond(request, "forces.html", data, templates=templates, force_href=force_href,
                   choices=_choices(session),
                   edition_note=service.source_note(session, years=[year]))


# The national figures every force page compares with (`report.NationalCache`), kept by the
# app for the data version they were read at: made once, not again for each of the 44 force
# pages a worker makes after the data change (about 65 ms a page, 4 December 2026).
def _national(request: Request, session: Session, year: int) -> report.NationalCache:
    stamp = current(session).stamp
    held = getattr(request.app.state, "national_figures", None)
    if held is None or held[0] != stamp:
        held = (stamp, {})  # another data version's figures are not asked for again
        request.app.state.national_figures = held
    return report.NationalCache(session, year=year, memory=held[1])


@page("/forces/{force_id}")
@page("/forces/{force_id}.json")
def force_page(request: Request, session: SessionDep, force_id: str,
               year: int | None = None) -> Response:
    """One force against England and Wales: by rank group over time, league, senior gap."""
    try:
        force = force_or_error(force_id)
    except InputError as exc:
        raise HTTPException(status_code=404, detail=exc.reason) from exc
    if force.id != force_id:
        return RedirectResponse(force_href(force.id), status_code=307)
    year = service.year_or_latest(session, year)
    cache = _national(request, session, year)
    # the same reads asked by several parts of the page (the domains' panels) read once
    with service.reads_kept():
        data = report.force_profile(session, force_id=force.id, year=year, national=cache)
        panels = _panels(request, session, force_id=force.id, year=data["year"])
    return respond(request, "force.html", data, templates=templates, choices=_choices(session),
                   force_href=force_href, league_senior=cache.league("senior"), panels=panels,
                   edition_note=service.source_note(session, force_ids=[force.id]))


def _panels(request: Request, session, *, force_id: str, year: int) -> list[dict]:  # noqa: ANN001
    """Other domains' panels for a force page (`parity.web.extensions`), in domain order."""
    out = []
    for domain, function in request.app.state.force_panels:
        panel = function(session, force_id=force_id, year=year)
        if panel is None:
            continue
        if not isinstance(panel, dict) or not panel.get("title") or "html" not in panel:
            raise TypeError(f"parity.{domain}.views.force_panel must return None or a dict "
                            "with 'title' and 'html'")
        out.append({"domain": domain, "title": str(panel["title"]),
                    "html": Markup(panel["html"])})
    return out


@page("/league.json")
@page("/league")
def league(request: Request, session: SessionDep, year: int | None = None,
           group: str = "all", measure: str = "fte", worker_type: str = "officer") -> Response:
    """Forces ranked by their share of women, with filters (exactly `service.league`)."""
    if worker_type != "officer":
        group = "all"
    if worker_type in v.HEADCOUNT_ONLY:
        measure = "headcount"
    data = service.league(session, year=service.year_or_latest(session, year), group=group, measure=measure,
                          worker_type=worker_type)
    return respond(request, "league.html", data, templates=templates, choices=_choices(session),
                   force_href=force_href,
                   edition_note=service.source_note(session, years=[data["year"]]))


@page("/trend.json")
@page("/trend")
def trend(request: Request, session: SessionDep, area: str = "England and Wales",
          group: str = "all", measure: str = "fte", worker_type: str = "officer",
          compare: str | None = Query(None, description="A second area to draw beside it.")
          ) -> Response:
    """An area's share of women year by year, beside England and Wales (or `compare`)."""
    if worker_type != "officer":
        group = "all"
    if worker_type in v.HEADCOUNT_ONLY:
        measure = "headcount"
    main = service.trend(session, area=area, group=group, measure=measure,
                         worker_type=worker_type)
    if not main["years"]:
        raise InputError(f"no workforce data for {main['area']}")
    other = compare or ("England and Wales" if main["area"] != "England and Wales" else None)
    comparison = (service.trend(session, area=other, group=group, measure=measure,
                                worker_type=worker_type) if other else None)
    data = {"trend": main, "comparison": comparison}
    return respond(request, "trend.html", data, templates=templates, choices=_choices(session),
                   edition_note=service.source_note(session))


@page("/compare")
@page("/compare.json")
def compare(request: Request, session: SessionDep,
            forces: list[str] = Query(default=[], description="Two to six forces."),
            year: int | None = None) -> Response:
    """Two to six forces side by side: workforce by rank group, pay gap, commitments. With
    fewer than two forces chosen, the page is the form to choose them."""
    chosen = [f for f in forces if f.strip()]
    data = finding.compare(session, chosen, year=year) if len(chosen) >= 2 else {
        "forces": [force_or_error(f).id for f in chosen], "year": None}
    return respond(request, "compare.html", data, templates=templates, force_href=force_href,
                   all_forces=[(f.id, f.name) for f in registry().forces],
                   limits=(finding.MIN_FORCES, finding.MAX_FORCES))


@page("/about")
def about(request: Request, session: SessionDep) -> Response:
    """Sources, licence and methods."""
    return respond(request, "about.html", {"years": service.years_available(session)},
                   templates=templates, edition_note=service.source_note(session))
