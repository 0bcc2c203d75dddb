"""The private area (``/private``): a force's own extracts and the figures computed from them.

Every route needs a signed-in user (`parity.web.auth.RequireUser`); a force lead or analyst
sees only their own force, a coordinator every force. Every form posts a CSRF token. Nothing
here appears on the public pages or in the public API (``include_in_schema=False``), and
responses are never cached.

- ``GET /private``: the forces the user may see.
- ``GET /private/forces/<id>``: upload forms for the force's payroll and HR extracts, and the
  years of flows held.
- ``POST /private/forces/<id>/paygap``: a payroll extract in, the statutory pay gap figures out
  (`parity.paygap.service.compute_figures`); the extract is read and forgotten, not stored.
- ``POST /private/forces/<id>/flows``: an HR events extract, imported all-or-nothing
  (`parity.flows.importer.import_hr`, the same as ``parity import hr``).
- ``GET /private/forces/<id>/flows?year=``: joiners, leavers and promotions, rate ratios,
  the pipeline and the reconciliation (`parity.flows.views.private_flows_fragment`, from
  `parity.flows.service.flows`), groups of fewer than 10 people suppressed.
- ``GET /private/forces/<id>/commitments``: the force's commitments with the figures the
  public pages withhold (rates from its HR extract: `service.status(..., include_private=True)`
  via `parity.commitments.views.private_fragment`), groups of fewer than 10 people suppressed.

Bad uploads are a 400 page with the importer's reason and every problem (file, row, column),
the same messages as the CLI.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from parity.accounts import service as accounts
from parity.accounts.service import SignedIn
from parity.errors import InputError
from parity.forces import registry
from parity.reports.format import SUPPRESSION_MINIMUM
from parity.web.auth import NO_STORE, CsrfChecked, RequireUser
from parity.web.deps import SessionDep
from parity.web.templating import templates
from parity.web.uploads import received

router = APIRouter(prefix="/private", include_in_schema=False)
PAYROLL_SUFFIXES = (".csv", ".xlsx", ".parquet")  # what parity.paygap.importer reads
HR_SUFFIXES = (".csv", ".xlsx")  # what parity.flows.importer reads


def _render(request: Request, template: str, user: SignedIn, status: int = 200,
            **context) -> Response:  # noqa: ANN003
    return templates.TemplateResponse(
        request, template, {"user": user, "csrf_token": user.csrf_token, **context},
        status_code=status, headers=NO_STORE)


def _force_for(user: SignedIn, force_id: str):  # noqa: ANN202
    force = registry().find_force(force_id)
    if force is None or force.id != force_id:
        raise HTTPException(404, f"no force with the id {force_id!r}")
    if not accounts.can_see_force(user, force.id):
        raise HTTPException(403, "this force's private figures are for its own users")
    return force


def _flow_years(session, force_id: str) -> list[int]:  # noqa: ANN001
    from parity.flows import service as flows

    return flows.flow_years(session, force_id=force_id)


@router.get("")
def private_home(request: Request, user: RequireUser, session: SessionDep) -> Response:
    reg = registry()
    forces = [reg.get(f) for f in accounts.visible_force_ids(user)]
    if user.role != "coordinator" and len(forces) == 1:
        return RedirectResponse(f"/private/forces/{forces[0].id}", status_code=303,
                                headers=NO_STORE)
    from parity.flows import service as flows

    with_events = set(flows.forces_with_events(session))
    return _render(request, "private_home.html", user, forces=forces, with_events=with_events)


@router.get("/forces/{force_id}")
def private_force(request: Request, force_id: str, user: RequireUser,
                  session: SessionDep) -> Response:
    force = _force_for(user, force_id)
    return _render(request, "private_force.html", user, force=force,
                   flow_years=_flow_years(session, force.id))


def _upload_error(request: Request, user: SignedIn, force, error: InputError,  # noqa: ANN001
                  what: str) -> Response:
    return _render(request, "private_upload_error.html", user, status=400, force=force,
                   what=what, reason=error.reason, messages=error.details())


def paygap_shown(figures: dict, *, minimum: int = SUPPRESSION_MINIMUM) -> dict:
    """The pay gap figures with those resting on fewer than `minimum` women or men withheld
    (None, and the section's ``suppressed`` flag set)."""
    counts = figures.get("counts", {})
    hourly_ok = min(counts.get("full_pay_male", 0), counts.get("full_pay_female", 0)) >= minimum
    bonus_ok = min(counts.get("male_paid_bonus", 0), counts.get("female_paid_bonus", 0)) >= minimum
    everyone_ok = min(counts.get("male", 0), counts.get("female", 0)) >= minimum
    out = dict(figures)
    for key in ("mean_hourly_gap_pct", "median_hourly_gap_pct", "pence_per_pound",
                "pence_per_pound_mean", "male_mean_hourly_gbp", "female_mean_hourly_gbp",
                "male_median_hourly_gbp", "female_median_hourly_gbp"):
        if not hourly_ok:
            out[key] = None
    for key in ("mean_bonus_gap_pct", "median_bonus_gap_pct", "male_mean_bonus_gbp",
                "female_mean_bonus_gbp", "male_median_bonus_gbp", "female_median_bonus_gbp"):
        if not bonus_ok:
            out[key] = None
    if not everyone_ok or not bonus_ok:  # a share of women paid a bonus rests on both counts
        out["male_bonus_pct"] = out["female_bonus_pct"] = None
    out["quarters"] = [q if q.get("employees", 0) >= minimum and hourly_ok else
                       {"quarter": q.get("quarter"), "suppressed": True}
                       for q in figures.get("quarters", [])]
    out["suppressed"] = {"hourly": not hourly_ok, "bonus": not bonus_ok,
                         "everyone": not everyone_ok or not bonus_ok}
    out.pop("service_fields", None)
    out.pop("other_sex_values", None)
    return out


@router.post("/forces/{force_id}/paygap", dependencies=[CsrfChecked])
def private_paygap(request: Request, force_id: str, user: RequireUser,
                   extract: Annotated[UploadFile | None, File()] = None,
                   by: Annotated[str, Form(max_length=20)] = "") -> Response:
    force = _force_for(user, force_id)
    from parity.paygap import service as paygap

    try:
        with received(extract, field="extract", suffixes=PAYROLL_SUFFIXES) as path:
            payroll = paygap.read_payroll(path)
            figures = paygap.compute_figures(payroll, by=by or None)
    except InputError as error:
        return _upload_error(request, user, force, error, "payroll extract")
    data = paygap_shown(figures)
    return _render(request, "private_paygap.html", user, force=force, data=data,
                   minimum=SUPPRESSION_MINIMUM, chart=_quarters_chart(data))


def _quarters_chart(data: dict):  # noqa: ANN202
    """Women's share of each pay quarter (suppressed quarters: no data), against their share
    of everyone in the quarters."""
    from parity.reports.charts import Bar, bar_chart

    quarters = [q for q in data["quarters"] if not q.get("suppressed")]
    if not quarters:
        return None
    bars = [Bar(q["quarter"].replace("_", " ").capitalize(),
                None if q.get("suppressed") or q["female_pct"] is None
                else q["female_pct"] / 100) for q in data["quarters"]]
    women = sum(q["female"] for q in quarters)
    everyone = sum(q["employees"] for q in quarters)
    overall = women / everyone if everyone and len(quarters) == len(data["quarters"]) else None
    return bar_chart(bars, title="Share of women in each pay quarter, lowest pay first",
                     reference=("all quarters", overall) if overall is not None else None)


@router.post("/forces/{force_id}/flows", dependencies=[CsrfChecked])
def private_flows_upload(request: Request, force_id: str, user: RequireUser,
                         session: SessionDep,
                         extract: Annotated[UploadFile | None, File()] = None,
                         replace_shorter: Annotated[bool, Form()] = False) -> Response:
    force = _force_for(user, force_id)
    from parity.flows.importer import import_hr
    from parity.workforce.service import ensure_loaded

    try:
        with received(extract, field="extract", suffixes=HR_SUFFIXES) as path:
            ensure_loaded(session)
            import_hr(session, path=path, force=force.id, replace_shorter=replace_shorter)
        session.commit()
    except InputError as error:
        session.rollback()
        return _upload_error(request, user, force, error, "HR extract")
    years = _flow_years(session, force.id)
    target = f"/private/forces/{force.id}/flows" + (f"?year={years[-1]}" if years else "")
    return RedirectResponse(target, status_code=303, headers=NO_STORE)


@router.get("/forces/{force_id}/flows")
def private_flows(request: Request, force_id: str, user: RequireUser, session: SessionDep,
                  year: int | None = None) -> Response:
    force = _force_for(user, force_id)
    from parity.flows.views import private_flows_fragment

    years = _flow_years(session, force.id)
    if not years:
        raise InputError(f"no HR extract has been uploaded for {force.name}")
    year = year or years[-1]
    fragment = private_flows_fragment(session, force_id=force.id, year=year)
    return _render(request, "private_flows.html", user, force=force, fragment=fragment,
                   years=years, year=year)


@router.get("/forces/{force_id}/commitments")
def private_commitments(request: Request, force_id: str, user: RequireUser,
                        session: SessionDep) -> Response:
    force = _force_for(user, force_id)
    from parity.commitments.views import private_fragment

    return _render(request, "private_commitments.html", user, force=force,
                   fragment=private_fragment(session, force_id=force.id))
