"""The flows domain on the web: projections to parity, public; a force's own flows, private.

Public pages and the JSON API show only projections built from public inputs — the official
Home Office officer stock and the national default rates (`service.public_projection`) — with
the scenario a reader chooses in the address (GET parameters; nothing is written). Nothing on
them is derived from a force's own HR extract, even where one is held.

- ``/flows`` (``.json``): England and Wales, with the scenarios side by side;
- ``/flows/projection?area=...`` (``.json``): any force, region, England or Wales;
- ``/flows/forces`` (``.json``): every force's projected parity year under current rates;
- ``/api/v1/flows/project``, ``/api/v1/flows/chart``, ``/api/v1/flows/forces``: the service
  documents as they are;
- ``force_panel``: the projected parity year on each force's page.

`private_flows_fragment` renders a force's own flows, pipeline and reconciliation (from
`service.flows`, suppressed) for the signed-in private area; it is deliberately not mounted
on any route here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from parity import vocabulary as wv
from parity.accounts import service as accounts
from parity.errors import InputError, Problem
from parity.flows import charts as fvis
from parity.flows import metrics, outlooks, service
from parity.flows.defaults import RUNS
from parity.flows.importer import import_hr
from parity.flows.projection import Scenario
from parity.forces import registry
from parity.present.charts import Bar, bar_chart
from parity.present.csrf import CsrfChecked
from parity.present.deps import NO_STORE, RequireUser, SessionDep, private_force
from parity.present.format import pct
from parity.present.responses import render_private, respond, to_jsonable
from parity.present.templating import templates_for
from parity.present.uploads import received
from parity.workforce import service as workforce

HERE = Path(__file__).parent / "templates"
templates = templates_for(HERE)
templates.env.globals["pct"] = pct
router = APIRouter()
nav = [{"label": "Projections", "path": "/flows"}]

DEFAULT_YEARS = 30
MAX_YEARS = 50
DEFAULT_RUNS = RUNS
MAX_RUNS = 1000  # a request runs up to six scenarios: at the cap, about a second
FORCES_RUNS = RUNS
GROUPS = ("senior", "all", "middle", "superintending", "chief_officer")
GROUP_LABELS = {
    "senior": "senior leaders (Chief Inspector and above)", "all": "all officers",
    "middle": "middle managers (Sergeant and Inspector)",
    "superintending": "superintending ranks", "chief_officer": "chief officers",
}
TRUE = {"1", "true", "yes", "on"}
FALSE = {"", "0", "false", "no", "off"}


@dataclass(frozen=True)
class Controls:
    """A projection asked for in the address, checked."""

    area: str
    from_year: int
    years: int
    runs: int
    seed: int
    recruit_share_female: float | None
    equal_promotion: bool
    equal_leaving: bool
    intake: float
    target: float | None
    group: str = "senior"

    def scenario(self):  # noqa: ANN201
        """The chosen `projection.Scenario`, named as the CLI names it."""
        custom = (self.recruit_share_female is not None or self.equal_promotion
                  or self.equal_leaving or self.intake != 1.0)
        if not custom:
            return Scenario()
        return Scenario("chosen", "Chosen scenario", self.recruit_share_female,
                        self.equal_promotion, self.equal_leaving, self.intake)

    def query(self, **changes: object) -> dict:
        """The GET parameters of these controls (with `changes`), for links."""
        out = {"area": self.area, "from": self.from_year, "years": self.years,
               "runs": self.runs, "recruit_share_female": self.recruit_share_female,
               "equal_promotion": self.equal_promotion, "equal_leaving": self.equal_leaving,
               "intake": self.intake, "target": self.target}
        out.update(changes)
        return {k: ("true" if v is True else v) for k, v in out.items()
                if v not in (None, False)}


def _number(problems: list[Problem], name: str, raw: str | None, kind: type, *,
            low: float, high: float, default: float | None, what: str) -> float | None:
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw.strip())
    except ValueError:
        problems.append(Problem(f"parameter {name}", f"expected {what}, got {raw!r}"))
        return default
    if not low <= value <= high:
        problems.append(Problem(f"parameter {name}", f"expected {what}, got {raw!r}"))
        return default
    return value


def _flag(problems: list[Problem], name: str, raw: str | None) -> bool:
    if raw is None or raw.strip().lower() in FALSE:
        return False
    if raw.strip().lower() in TRUE:
        return True
    problems.append(Problem(f"parameter {name}", f"expected true or false, got {raw!r}"))
    return False


def parse_controls(session: Session, *, area: str | None, from_year: str | None,
                   years: str | None, runs: str | None, seed: str | None,
                   recruit_share_female: str | None, equal_promotion: str | None,
                   equal_leaving: str | None, intake: str | None, target: str | None,
                   group: str | None = None) -> Controls:
    """The controls from the address, all checked at once: `InputError` naming every bad
    parameter (shares in [0, 1], runs 1 to 1,000, years 1 to 50)."""
    problems: list[Problem] = []
    held = workforce.years_available(session)
    if not held:
        raise InputError("no workforce data: run `parity import workforce` first")
    start = _number(problems, "from", from_year, int, low=held[0], high=held[-1],
                    default=held[-1], what=f"a year from {held[0]} to {held[-1]}")
    horizon = _number(problems, "years", years, int, low=1, high=MAX_YEARS,
                      default=DEFAULT_YEARS, what=f"a whole number of years from 1 to {MAX_YEARS}")
    n_runs = _number(problems, "runs", runs, int, low=1, high=MAX_RUNS, default=DEFAULT_RUNS,
                     what=f"a number of runs from 1 to {MAX_RUNS:,}")
    n_seed = _number(problems, "seed", seed, int, low=0, high=2**32 - 1, default=0,
                     what="a whole number from 0")
    share = _number(problems, "recruit_share_female", recruit_share_female, float, low=0,
                    high=1, default=None, what="a share of women from 0 to 1 (0.5 for half)")
    mult = _number(problems, "intake", intake, float, low=0, high=5, default=1.0,
                   what="a multiple of the leavers from 0 to 5 (1 keeps the strength steady)")
    goal = _number(problems, "target", target, float, low=0.01, high=1, default=None,
                   what="a share of women from 0.01 to 1")
    promo = _flag(problems, "equal_promotion", equal_promotion)
    leave = _flag(problems, "equal_leaving", equal_leaving)
    chosen_group = group or "senior"
    if chosen_group not in GROUPS:
        problems.append(Problem("parameter group", f"expected one of {', '.join(GROUPS)}, "
                                                   f"got {group!r}"))
        chosen_group = "senior"
    name = (area or "England and Wales").strip()
    try:
        name = workforce.resolve_area(name).name
    except InputError as exc:
        problems.append(Problem("parameter area", exc.reason))
    if len(problems) == 1:
        raise InputError(str(problems[0]))
    if problems:
        raise InputError(f"{len(problems)} problems with the projection's settings", problems)
    assert start is not None and horizon is not None and n_runs is not None  # defaults given
    assert n_seed is not None and mult is not None
    return Controls(name, int(start), int(horizon), int(n_runs), int(n_seed), share, promo,
                    leave, float(mult), goal, chosen_group)


def _controls(session: Session, request: Request, *, area: str | None = None) -> Controls:
    q = request.query_params
    return parse_controls(
        session, area=area if area is not None else q.get("area"), from_year=q.get("from"),
        years=q.get("years"), runs=q.get("runs"), seed=q.get("seed"),
        recruit_share_female=q.get("recruit_share_female"),
        equal_promotion=q.get("equal_promotion"), equal_leaving=q.get("equal_leaving"),
        intake=q.get("intake"), target=q.get("target"), group=q.get("group"))


def _project(session: Session, c: Controls) -> dict:
    return service.public_projection(session, area=c.area, from_year=c.from_year,
                                     years=c.years, scenario=c.scenario(), runs=c.runs,
                                     seed=c.seed, target=c.target)


def _choices(session: Session) -> dict:

    reg = registry()
    return {
        "years": list(reversed(workforce.years_available(session))),
        "areas": ["England and Wales", "England", "Wales", *reg.regions,
                  *[f.name for f in reg.territorial()]],
        "recruit_shares": [None, 0.3, 0.35, 0.4, 0.425, 0.45, 0.5, 0.55, 0.6],
        "intakes": [0.8, 0.9, 1.0, 1.1, 1.2, 1.5],
        "targets": [None, 0.3, 0.35, 0.4, 0.45, 0.5],
        "horizons": [10, 15, 20, 25, 30, 40, 50],
        "runs": [100, 200, 500, 1000],
        "groups": GROUP_LABELS,
    }


def distinct_scenarios(scenarios: list[dict]) -> list[dict]:
    """The scenarios whose results differ, in order, each with ``same_as``: the labels of
    the later scenarios whose every projected year matches it (with the national default
    rates, women's and men's rates are the same, so giving women men's rates changes
    nothing)."""
    shown: list[dict] = []
    keys: list[tuple] = []
    for sc in scenarios:
        key = (sc.get("parity_year"), sc.get("parity_probability"),
               tuple(tuple(sorted((k, round(v, 6)) for k, v in y["share_female"].items()
                                  if v is not None)) for y in sc.get("years", [])))
        if key in keys:
            shown[keys.index(key)]["same_as"].append(sc["label"])
            continue
        keys.append(key)
        shown.append({**sc, "same_as": []})
    return shown


def _projection_page(request: Request, session: Session, c: Controls, *,
                     national: bool) -> Response:
    result = _project(session, c)
    chart = service.chart_data(result, group=c.group)
    shown = distinct_scenarios(result.get("scenarios") or [])
    names = {sc["name"] for sc in shown}
    panels = [p for p in fvis.scenario_charts(chart, width=520, height=240)
              if p["scenario"] in names or not names]
    return respond(request, "flows_projection.html", result, templates=templates,
                   controls=c, choices=_choices(session), national=national,
                   shown=shown, panels=panels, chart=chart,
                   group_label=GROUP_LABELS[c.group],
                   medians=fvis.medians_chart(
                       chart, title=f"{result['area']}: projected share of women among "
                                    f"{GROUP_LABELS[c.group]}, every scenario", width=1060),
                   parity_words=fvis.parity_words, rank_labels=wv.OFFICER_RANKS)


@router.api_route("/flows", methods=["GET", "HEAD"], include_in_schema=False)
@router.api_route("/flows.json", methods=["GET", "HEAD"], include_in_schema=False)
def national_projection(request: Request, session: SessionDep) -> Response:
    """England and Wales projected from the official stock, scenarios side by side."""
    return _projection_page(request, session,
                            _controls(session, request, area="England and Wales"),
                            national=True)


@router.api_route("/flows/projection", methods=["GET", "HEAD"], include_in_schema=False)
@router.api_route("/flows/projection.json", methods=["GET", "HEAD"], include_in_schema=False)
def area_projection(request: Request, session: SessionDep) -> Response:
    """Any area projected from the official stock, scenarios side by side."""
    return _projection_page(request, session, _controls(session, request), national=False)


@router.api_route("/flows/forces", methods=["GET", "HEAD"], include_in_schema=False)
@router.api_route("/flows/forces.json", methods=["GET", "HEAD"], include_in_schema=False)
def forces_page(request: Request, session: SessionDep, year: str | None = None) -> Response:
    """Every force's projected parity year under current (national default) rates."""
    c = parse_controls(session, area=None, from_year=year, years=None, runs=None, seed=None,
                       recruit_share_female=None, equal_promotion=None, equal_leaving=None,
                       intake=None, target=None)
    outlook = outlooks.forces_outlook(session, from_year=c.from_year, years=DEFAULT_YEARS,
                                     runs=FORCES_RUNS)

    rows = sorted(outlook["forces"], key=lambda r: -(r["share_female_senior_end"] or 0))
    chart = bar_chart(
        [Bar(r["force"], r["share_female_senior_end"],
             href=f"/flows/projection?area={r['force']}") for r in rows],
        title=f"Projected senior share of women in {outlook['to_year']}, current rates",
        reference=("England and Wales", outlook["national"]["share_female_senior_end"]),
        width=1060)
    return respond(request, "flows_forces.html", outlook, templates=templates,
                   choices=_choices(session), chart=chart, parity_words=fvis.parity_words)


# --- JSON API ------------------------------------------------------------------------------------

@router.get("/api/v1/flows/project", tags=["flows"], summary="Projection to parity")
def api_project(
    session: SessionDep,
    area: str = Query("England and Wales", description="A force, region, `England`, `Wales` "
                      "or `England and Wales`."),
    from_: str | None = Query(None, alias="from", description="Start from the official stock "
                              "on 31 March of this year (default: the latest)."),
    years: str | None = Query(None, description=f"Years to project, 1 to {MAX_YEARS} "
                              f"(default {DEFAULT_YEARS})."),
    recruit_share_female: str | None = Query(None, description="Share of women among "
                                             "recruits, 0 to 1 (default: 0.425)."),
    equal_promotion: str | None = Query(None, description="`true`: women promoted at men's "
                                        "rates."),
    equal_leaving: str | None = Query(None, description="`true`: women leave at men's rates."),
    intake: str | None = Query(None, description="Intake as a multiple of the leavers "
                               "(default 1)."),
    target: str | None = Query(None, description="Parity target for the senior share "
                               "(default: the all-officer share of the year)."),
    runs: str | None = Query(None, description=f"Simulated runs, 1 to {MAX_RUNS:,} "
                             f"(default {DEFAULT_RUNS})."),
    seed: str | None = Query(None, description="Random seed (default 0)."),
) -> JSONResponse:
    """The document of `parity project --json` for the area, built from the official Home
    Office stock with the national default rates (never a force's own HR extract): per year
    the median share of women by rank group with the 5–95% band, the parity year, and the
    standard scenarios side by side. Shares are on headcount."""
    c = parse_controls(session, area=area, from_year=from_, years=years, runs=runs, seed=seed,
                       recruit_share_female=recruit_share_female,
                       equal_promotion=equal_promotion, equal_leaving=equal_leaving,
                       intake=intake, target=target)
    return JSONResponse(to_jsonable(_project(session, c)))


@router.get("/api/v1/flows/chart", tags=["flows"], summary="Projection chart data")
def api_chart(
    session: SessionDep,
    area: str = Query("England and Wales", description="As for `/api/v1/flows/project`."),
    group: str = Query("senior", description=f"Rank group: {', '.join(GROUPS)}."),
    from_: str | None = Query(None, alias="from", description="Start year (31 March)."),
    years: str | None = Query(None, description="Years to project."),
    target: str | None = Query(None, description="Parity target."),
    runs: str | None = Query(None, description="Simulated runs."),
    seed: str | None = Query(None, description="Random seed."),
) -> JSONResponse:
    """`service.chart_data` of the standard scenarios: per scenario the median share of women
    in the group with its 5–95% band and the parity year, and the reference line."""
    c = parse_controls(session, area=area, from_year=from_, years=years, runs=runs, seed=seed,
                       recruit_share_female=None, equal_promotion=None, equal_leaving=None,
                       intake=None, target=target, group=group)
    return JSONResponse(to_jsonable(service.chart_data(_project(session, c), group=c.group)))


@router.get("/api/v1/flows/forces", tags=["flows"], summary="Every force's parity outlook")
def api_forces(
    session: SessionDep,
    from_: str | None = Query(None, alias="from", description="Start year (31 March)."),
) -> JSONResponse:
    """`outlooks.forces_outlook`: for England and Wales and each force, the senior and
    all-officer shares now and projected in 30 years, and the parity year under current
    rates, equal rates and all three changes (500 runs, national default rates: `defaults.RUNS`)."""
    c = parse_controls(session, area=None, from_year=from_, years=None, runs=None, seed=None,
                       recruit_share_female=None, equal_promotion=None, equal_leaving=None,
                       intake=None, target=None)
    return JSONResponse(to_jsonable(outlooks.forces_outlook(
        session, from_year=c.from_year, years=DEFAULT_YEARS, runs=FORCES_RUNS)))


# --- panels and fragments ------------------------------------------------------------------------

def force_panel(session: Session, *, force_id: str, year: int) -> dict | None:
    """The force's projected parity year under current (national default) rates, from the
    official stock of 31 March `year`; None when the force has no figures that year."""
    try:
        result = outlooks.panel(session, area=force_id, from_year=year)
    except InputError:
        return None
    chart = service.chart_data(result)
    html = templates.env.get_template("flows_panel.html").render(
        data=result, row=outlooks.outlook_row(result), chart=fvis.scenario_charts(
            chart, width=460, height=230)[0],
        parity_words=fvis.parity_words)
    return {"title": "Projection to parity", "html": Markup(html)}


def private_flows_fragment(session: Session, *, force_id: str, year: int) -> Markup:
    """A force's own flows for one year — joiners, leavers, promotions and rates by rank and
    sex, women's rate over men's, the pipeline and the reconciliation with the official
    table — as an HTML fragment, from `service.flows` with every group of fewer than 10
    people suppressed (``[c]``, `parity.present.format.suppressed`).

    PRIVATE: built from the force's HR extract. For the signed-in private area only; not
    mounted on any public route. Raises `InputError` when the force has no flows that year.
    """
    data = service.flows(session, force_id=force_id, year=year, suppress=True)
    sizes = {row["rank"]: {s: (metrics.group_size(row[s]) if not row[s]["suppressed"] else None)
                           for s in metrics.FLOW_SEXES} for row in data["ranks"]}
    return Markup(templates.env.get_template("flows_private.html").render(
        data=data, sizes=sizes, years=service.flow_years(session, force_id=force_id),
        rank_labels=wv.OFFICER_RANKS))


# the private area: a force's own HR extract in, its flows out ---------------------------------
HR_SUFFIXES = (".csv", ".xlsx")  # what parity.flows.importer reads


@router.post("/private/forces/{force_id}/flows", dependencies=[CsrfChecked],
             include_in_schema=False)
def private_flows_upload(request: Request, force_id: str, user: RequireUser,
                         session: SessionDep,
                         extract: Annotated[UploadFile | None, File()] = None,
                         replace_shorter: Annotated[bool, Form()] = False) -> Response:
    force = private_force(user, force_id, allowed=accounts.can_see_force)
    try:
        with received(extract, field="extract", suffixes=HR_SUFFIXES) as path:
            import_hr(session, path=path, force=force.id, replace_shorter=replace_shorter)
        session.commit()
    except InputError as error:
        session.rollback()
        return render_private(request, templates, "private_upload_error.html", user, status=400,
                              force=force, what="HR extract", reason=error.reason,
                              messages=error.details())
    years = service.flow_years(session, force_id=force.id)
    target = f"/private/forces/{force.id}/flows" + (f"?year={years[-1]}" if years else "")
    return RedirectResponse(target, status_code=303, headers=NO_STORE)


@router.get("/private/forces/{force_id}/flows", include_in_schema=False)
def private_flows(request: Request, force_id: str, user: RequireUser, session: SessionDep,
                  year: int | None = None) -> Response:
    force = private_force(user, force_id, allowed=accounts.can_see_force)
    years = service.flow_years(session, force_id=force.id)
    if not years:
        raise InputError(f"no HR extract has been uploaded for {force.name}")
    year = year or years[-1]
    fragment = private_flows_fragment(session, force_id=force.id, year=year)
    return render_private(request, templates, "private_flows.html", user, force=force, fragment=fragment,
                   years=years, year=year)
