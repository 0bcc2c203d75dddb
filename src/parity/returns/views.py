"""The reporting cycle on the web: the forces' private forms, the coordinator's desk, publication.

Public (only accepted returns, as accepted; never the payroll behind them):

- ``/returns``: the reporting years and how many returns each has published;
- ``/returns/<year>``: every accepted return of the year (force, date accepted, signatory, the
  pay gap figures), and the forces whose return is not yet published; the same as
  ``.json``, ``.csv`` and ``.xlsx``;
- ``/returns/<year>/<force>``: one force's accepted return;
- ``/api/v1/returns/<year>``: the accepted returns as JSON.

Private (signed in; every form posts its CSRF token; never cached):

- ``/private/returns``: the coordinator's desk (open a year, each year's progress); a force
  user is taken to their force's return for the latest year;
- ``/private/returns/<year>``: progress force by force and the reminders to send;
- ``/private/returns/<year>/forces/<force>``: the return's form (or its content once submitted),
  its checks field by field, its audit trail, and the actions the user may take: save, compute
  the pay gap from a payroll, submit (force lead), return with a comment or accept
  (coordinator), reopen.

Who may do what is the service's decision (`service.NotAllowed` becomes a 403 here).
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response

from parity.accounts.service import SignedIn
from parity.errors import InputError
from parity.forces import registry
from parity.present import cells
from parity.present.csrf import CsrfChecked
from parity.present.deps import NO_STORE, RequireUser, SessionDep
from parity.present.responses import respond, to_jsonable
from parity.present.templating import templates_for
from parity.present.uploads import received
from parity.returns import service
from parity.returns.schemas import PAYGAP_FIELDS, STATE_LABELS, WORKFORCE_GROUPS

TEMPLATES = Path(__file__).parent / "templates"
templates = templates_for(TEMPLATES)
templates.env.globals.update(PAYGAP_FIELDS=PAYGAP_FIELDS, WORKFORCE_GROUPS=WORKFORCE_GROUPS,
                             STATE_LABELS=STATE_LABELS)

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/returns", tags=["returns"])
private = APIRouter(prefix="/private/returns", include_in_schema=False)
router = APIRouter()
nav = [{"label": "Returns", "path": "/returns"}]

Year = Annotated[int, PathParam(ge=2015, le=2100, description="The reporting year: figures as "
                                                               "at 31 March of this year.")]
PAYROLL_SUFFIXES = (".csv", ".xlsx", ".parquet")
CSV_COLUMNS = (("force", "Force"), ("nation", "Nation"), ("accepted_on", "Accepted on"),
               ("signatory_name", "Signed off by"), ("signatory_job_title", "Signatory's role"),
               *((f"paygap_{key}", label) for key, label, *_ in PAYGAP_FIELDS),
               ("commitment_values", "Commitment values given"),
               ("case_studies", "Case studies"))


def actor_of(user: SignedIn) -> service.Actor:
    return service.Actor(user.email, user.role, user.force_id)


# public ---------------------------------------------------------------------------------------
def _years_public(session) -> list[dict]:  # noqa: ANN001
    out = []
    for year in service.list_years(session):
        out.append({**year, "published": len(service.published_returns(session,
                                                                        year=year["year"]))})
    return out


@pages.get("/returns")
@pages.get("/returns.json")
def returns_home(request: Request, session: SessionDep) -> Response:
    return respond(request, "returns_home.html", {"years": _years_public(session)},
                   templates=templates)


def _table_rows(published: list[dict]) -> list[dict]:
    rows = []
    for item in published:
        row = {"force": item["force"], "nation": item["nation"],
               "accepted_on": item["accepted_on"],
               "signatory_name": item["signatory"].get("name"),
               "signatory_job_title": item["signatory"].get("job_title")}
        for key, *_ in PAYGAP_FIELDS:
            row[f"paygap_{key}"] = item["paygap"].get(key)
        row["commitment_values"] = len([c for c in item["commitments"]
                                        if c.get("value") is not None])
        row["case_studies"] = len(item["case_studies"])
        rows.append(row)
    return rows


def _download(rows: list[dict], fmt: str, name: str) -> Response:
    """The published returns as CSV or XLSX (cells that could run as formulas neutralised by
    `parity.present.cells`)."""
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    header = [label for _key, label in CSV_COLUMNS]
    table = [[row.get(key) for key, _label in CSV_COLUMNS] for row in rows]
    if fmt == "csv":
        return Response(cells.csv_text(header, table), media_type="text/csv; charset=utf-8",
                        headers=headers)
    with tempfile.TemporaryDirectory(prefix="parity-returns-") as folder:
        path = Path(folder) / f"{name}.xlsx"
        cells.write_xlsx(path, header, table, sheet="Returns")
        body = path.read_bytes()
    return Response(body, headers=headers, media_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))


def _year_public(session, year: int) -> dict:  # noqa: ANN001
    compiled = service.compile_year(session, year=year)
    if compiled is None:
        raise HTTPException(404, f"no returns are held for {year}")
    return compiled


@pages.get("/returns/{year}.{fmt}")
def returns_year_download(request: Request, year: Year, fmt: str,
                          session: SessionDep) -> Response:
    if fmt not in ("json", "csv", "xlsx"):
        raise HTTPException(404)
    compiled = _year_public(session, year)
    if fmt == "json":
        return respond(request, "returns_year.html", _public_year(compiled), templates=templates)
    return _download(_table_rows(compiled["returns"]), fmt, f"returns-{year}")


def _public_year(compiled: dict) -> dict:
    return {"year": compiled["year"], "returns": compiled["returns"],
            "not_published": [{"force": m["force"], "force_id": m["force_id"]}
                              for m in compiled["missing"]],
            "expected": compiled["expected"]}


@pages.get("/returns/{year}")
def returns_year(request: Request, year: Year, session: SessionDep) -> Response:
    compiled = _year_public(session, year)
    return respond(request, "returns_year.html", _public_year(compiled), templates=templates)


@pages.get("/returns/{year}/{force_id}")
def returns_force(request: Request, year: Year, force_id: str, session: SessionDep) -> Response:
    path_json = force_id.endswith(".json")
    found = service.published_return(session, year=year,
                                     force_id=force_id.removesuffix(".json"))
    if found is None:
        raise HTTPException(404, f"no accepted return of {year} for this force")
    if path_json:
        from fastapi.responses import JSONResponse

        return JSONResponse(to_jsonable(found))
    return respond(request, "returns_force.html", found, templates=templates)


@api.get("/{year}", summary="The accepted returns of a reporting year",
         responses={404: {"description": "the year has not been opened"}})
def api_returns(year: Year, session: SessionDep) -> dict:
    """Every force's accepted return for the year (as accepted: pay gap figures, commitment
    values, case studies, narrative, signatory and date), and the forces not yet published."""
    return to_jsonable(_public_year(_year_public(session, year)))


# private --------------------------------------------------------------------------------------
def _render(request: Request, template: str, user: SignedIn, status: int = 200,
            **context) -> Response:  # noqa: ANN003
    return templates.TemplateResponse(
        request, template, {"user": user, "csrf_token": user.csrf_token, **context},
        status_code=status, headers=NO_STORE)


def _allowed(call, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
    try:
        return call(*args, **kwargs)
    except service.NotAllowed as error:
        raise HTTPException(403, error.reason) from None


@private.get("")
def desk(request: Request, user: RequireUser, session: SessionDep) -> Response:
    years = service.list_years(session)
    if user.role != "coordinator":
        if not years or not user.force_id:
            return _render(request, "returns_none.html", user)
        return RedirectResponse(f"/private/returns/{years[-1]['year']}/forces/{user.force_id}",
                                status_code=303, headers=NO_STORE)
    progress = [service.progress(session, year=y["year"]) for y in years]
    return _render(request, "returns_desk.html", user, progress=progress)


@private.post("/open", dependencies=[CsrfChecked])
def open_year(request: Request, user: RequireUser, session: SessionDep,
              year: Annotated[int, Form(ge=2015, le=2100)],
              deadline: Annotated[date, Form()],
              opens_on: Annotated[date | None, Form()] = None,
              publication_date: Annotated[date | None, Form()] = None) -> Response:
    _allowed(service.open_year, session, year=year, deadline=deadline, opens_on=opens_on,
             publication_date=publication_date, actor=actor_of(user))
    session.commit()
    return RedirectResponse(f"/private/returns/{year}", status_code=303, headers=NO_STORE)


@private.get("/{year}")
def year_progress(request: Request, year: Year, user: RequireUser,
                  session: SessionDep) -> Response:
    if user.role != "coordinator":
        if not user.force_id:
            raise HTTPException(403, "the progress of every force is for the coordinator")
        return RedirectResponse(f"/private/returns/{year}/forces/{user.force_id}",
                                status_code=303, headers=NO_STORE)
    return _render(request, "returns_progress.html", user,
                   summary=service.progress(session, year=year),
                   rows=service.status(session, year=year),
                   reminders=service.reminders(session, year=year))


def _force_or_404(force_id: str):  # noqa: ANN202
    force = registry().find_force(force_id)
    if force is None or force.id != force_id:
        raise HTTPException(404, f"no force with the id {force_id!r}")
    return force


def _return_page(request: Request, user: RequireUser, session, year: int,  # noqa: ANN001
                 force_id: str, *, status: int = 200, problems: list[str] | None = None,
                 notice: str | None = None) -> Response:
    force = _force_or_404(force_id)
    found = _allowed(service.get_return, session, year=year, force_id=force.id,
                     actor=actor_of(user))
    trail = service.history(session, year=year, force_id=force.id, actor=actor_of(user))
    by_field: dict[str, list[dict]] = {}
    for finding in found["checks"]:
        by_field.setdefault(finding["field"], []).append(finding)
    return _render(request, "returns_form.html", user, status=status, force=force, data=found,
                   trail=trail, by_field=by_field, problems=problems or [], notice=notice,
                   can_edit=found["editable"] and user.role in service.FORCE_ROLES,
                   is_lead=user.role == "force_lead", is_coordinator=user.role == "coordinator")


@private.get("/{year}/forces/{force_id}")
def return_page(request: Request, year: Year, force_id: str, user: RequireUser,
                session: SessionDep) -> Response:
    return _return_page(request, user, session, year, force_id)


def content_from_form(form, asked: list[dict]) -> dict:  # noqa: ANN001
    """A return's content from the form's fields (names as in returns_form.html)."""
    get = lambda name: (form.get(name) or "").strip()  # noqa: E731
    content: dict = {"paygap": {key: get(f"paygap.{key}") or None for key, *_ in PAYGAP_FIELDS},
                     "paygap_reason": get("paygap_reason"), "narrative": get("narrative"),
                     "signatory": {"name": get("signatory.name"),
                                   "job_title": get("signatory.job_title")},
                     "commitments": [], "case_studies": []}
    for item in asked:
        stem = f"commitment.{item['ref']}.{item['position']}"
        if get(f"{stem}.value") or get(f"{stem}.evidence"):
            content["commitments"].append({"ref": item["ref"], "position": item["position"],
                                           "value": get(f"{stem}.value") or None,
                                           "evidence": get(f"{stem}.evidence")})
    for i in range(20):
        article, title, text = get(f"case.{i}.article"), get(f"case.{i}.title"), \
            get(f"case.{i}.text")
        if article or title or text:
            content["case_studies"].append({"article": article, "title": title, "text": text})
    if get("workforce.present"):
        content["workforce"] = {
            "as_at": get("workforce.as_at") or None, "source": get("workforce.source"),
            "measure": get("workforce.measure") or "headcount",
            "groups": {group: {sex: get(f"workforce.{group}.{sex}") or None
                               for sex in ("female", "male")}
                       for group, _label in WORKFORCE_GROUPS}}
    return content


def _refused(request: Request, user: SignedIn, session, year: int, force_id: str,  # noqa: ANN001
             error: InputError) -> Response:
    """A step that could not be taken: nothing of it kept, the return's page with the reasons."""
    session.rollback()
    return _return_page(request, user, session, year, force_id, status=400,
                        problems=[error.reason, *error.details()])


def _done(session, year: int, force_id: str, *, query: str = "") -> Response:  # noqa: ANN001
    """A step taken: committed, and back to the return's page."""
    session.commit()
    return RedirectResponse(f"/private/returns/{year}/forces/{force_id}{query}",
                            status_code=303, headers=NO_STORE)


@private.post("/{year}/forces/{force_id}", dependencies=[CsrfChecked])
async def save_return(request: Request, year: Year, force_id: str, user: RequireUser,
                      session: SessionDep) -> Response:
    force = _force_or_404(force_id)
    form = await request.form()
    asked = service.commitments_asked(session, force_id=force.id)
    try:
        _allowed(service.save_draft, session, year=year, force_id=force.id,
                 content=content_from_form(form, asked), actor=actor_of(user))
    except InputError as error:
        return _refused(request, user, session, year, force.id, error)
    return _done(session, year, force.id, query="?saved=1")


@private.post("/{year}/forces/{force_id}/payroll", dependencies=[CsrfChecked])
def return_payroll(request: Request, year: Year, force_id: str, user: RequireUser,
                   session: SessionDep,
                   extract: Annotated[UploadFile | None, File()] = None) -> Response:
    force = _force_or_404(force_id)
    try:
        with received(extract, field="extract", suffixes=PAYROLL_SUFFIXES) as path:
            _allowed(service.attach_payroll, session, year=year, force_id=force.id, path=path,
                     actor=actor_of(user))
    except InputError as error:
        return _refused(request, user, session, year, force.id, error)
    return _done(session, year, force.id)


ACTIONS = {"submit": service.submit, "return": service.send_back, "accept": service.accept,
           "reopen": service.reopen}


@private.post("/{year}/forces/{force_id}/{action}", dependencies=[CsrfChecked])
def return_action(request: Request, year: Year, force_id: str, action: str, user: RequireUser,
                  session: SessionDep,
                  comment: Annotated[str, Form(max_length=4000)] = "") -> Response:
    force = _force_or_404(force_id)
    call = ACTIONS.get(action)
    if call is None:
        raise HTTPException(404)
    kwargs = {"comment": comment} if action in ("return", "reopen", "accept") else {}
    try:
        _allowed(call, session, year=year, force_id=force.id, actor=actor_of(user), **kwargs)
    except InputError as error:
        return _refused(request, user, session, year, force.id, error)
    return _done(session, year, force.id)


router.include_router(pages)
router.include_router(api)
router.include_router(private)
