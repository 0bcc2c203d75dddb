"""The best-practice library on the web: pages, the JSON API and the panel on each force's page.

Pages (each also JSON at the same address plus ``.json``, or with ``?format=json``):

- ``/library``: search (``?q=&force=&region=&theme=&from=&to=&page=``) with ranked hits and
  highlighted snippets; with filters but no words, the matching articles newest first; with
  neither, the shared practice theme by theme and the newest articles;
- ``/library/articles/<id>``: one article: its metadata, force and themes, its body (only ever
  the sanitised HTML of `service.safe_article_html`), the check of the workforce figures it
  quotes against the official figures, "more like this", and the commitments that cite it;
- ``/library/themes`` and ``/library/themes/<theme>``: browse by theme;
- ``/library/forces`` and ``/library/forces/<force>``: browse by force, with the figures
  checks of the force's articles.

The API under ``/api/v1/library`` returns exactly what the service functions return (the
same documents as ``parity library search|show|similar|check|themes --json``).

Text written by others reaches a page in two ways only, both safe: through autoescaping, or
as HTML that is sanitised here (`safe_snippet` keeps nothing but the ``<mark>`` tags it adds
itself) or by the service (`service.safe_article_html`, nh3). The pages only read.
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from parity.commitments import service as commitments
from parity.errors import InputError
from parity.forces import registry
from parity.library import check, service, tagging
from parity.library.claims import official_label
from parity.library.labels import long_date, theme_label, web_href
from parity.library.validation import BadFile, parse_date
from parity.present.charts import Bar, bar_chart
from parity.present.csrf import CsrfChecked
from parity.present.deps import NO_STORE, RequireUser, SessionDep
from parity.present.format import number
from parity.present.responses import respond, to_jsonable
from parity.present.templating import templates_for

TEMPLATES = Path(__file__).parent / "templates"
PAGE_SIZE = 20
SIMILAR = 5
PANEL_ARTICLES = 5

pages = APIRouter(prefix="/library", include_in_schema=False)
api = APIRouter(prefix="/api/v1/library", tags=["library"])
router = APIRouter()

nav = [{"label": "Library", "path": "/library"}]


# safe markup -----------------------------------------------------------------------------------
_MARKS = re.compile(r"(<mark>|</mark>)")


def safe_snippet(snippet: str | None) -> Markup:
    """A search snippet as HTML built here: every piece of text is escaped again and the only
    tags are the ``<mark>`` pairs put around matched words (balanced even when the snippet cuts
    one off). Whatever else the snippet holds, tags included, is shown as text."""
    out: list[str] = []
    open_mark = False
    for piece in _MARKS.split(snippet or ""):
        if piece == "<mark>":
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif piece == "</mark>":
            if open_mark:
                out.append("</mark>")
                open_mark = False
        elif piece:
            out.append(html_lib.escape(html_lib.unescape(piece), quote=False))
    if open_mark:
        out.append("</mark>")
    return Markup("".join(out))


templates = templates_for(TEMPLATES)
templates.env.filters["official_label"] = official_label
templates.env.filters["snippet"] = safe_snippet
templates.env.filters["web_href"] = web_href
templates.env.filters["long_date"] = long_date
templates.env.filters["theme_label"] = theme_label


# parameters ------------------------------------------------------------------------------------
Text = Annotated[str | None, Query()]
Page = Annotated[int, Query(ge=1, le=10_000, description="Page of results (20 a page).")]
Limit = Annotated[int, Query(ge=1, le=100, description="How many articles.")]
Offset = Annotated[int, Query(ge=0, description="Skip this many (for paging).")]
ForceQ = Annotated[str | None, Query(description="Only articles about this force (any "
                                                  "spelling the forces registry knows).")]
RegionQ = Annotated[str | None, Query(description="Only articles about forces in this region.")]
ThemeQ = Annotated[str | None, Query(description="Only articles with this theme (an id of "
                                                  "/api/v1/library/themes).")]
FromQ = Annotated[str | None, Query(alias="from", description="Published on or after "
                                                               "(e.g. 2021-01-01).")]
ToQ = Annotated[str | None, Query(alias="to", description="Published on or before.")]


def _blank(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _date(value: str | None, name: str) -> date | None:
    value = _blank(value)
    if value is None:
        return None
    try:
        return parse_date(value, key=name)
    except BadFile as exc:
        raise InputError(str(exc)) from exc


def _force_page(name: str):  # noqa: ANN202
    """The force of a page's path; an unknown one is a 404."""
    try:
        return registry().force(name)
    except InputError as exc:
        raise HTTPException(status_code=404, detail=exc.reason) from exc


def _query(request: Request, **changes: Any) -> str:
    """The request's query string with `changes` (None drops a parameter), encoded."""
    params = {k: v for k, v in request.query_params.items() if k != "format"}
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode([(k, v) for k, v in params.items() if v != ""])
    return f"?{query}" if query else ""


def _paging(request: Request, *, page: int, total: int) -> dict:
    pages_count = max(1, -(-total // PAGE_SIZE))
    return {"page": page, "pages": pages_count, "size": PAGE_SIZE,
            "first": (page - 1) * PAGE_SIZE + 1 if total else 0,
            "last": min(total, page * PAGE_SIZE),
            "previous": _query(request, page=page - 1 if page > 2 else None)
            if page > 1 else None,
            "next": _query(request, page=page + 1) if page < pages_count else None}


def _choices() -> dict:
    rules = tagging.load_rules()
    return {"forces": [(f.id, f.name) for f in registry().forces],
            "regions": list(registry().regions),
            "themes": [(t.id, t.label) for t in rules.themes]}


def _theme_chart(themes: list[dict], *, title: str, href_prefix: str = "/library/themes/"
                 ) -> Markup | None:
    bars = [Bar(t["label"], t["articles"], href=f"{href_prefix}{t['id']}") for t in themes]
    if not any(b.value for b in bars):
        return None
    return bar_chart(bars, title=title, fmt=lambda v: number(v), width=480)


# pages -----------------------------------------------------------------------------------------
@pages.get("")
@pages.get(".json")
def library_home(request: Request, session: SessionDep, q: Text = None, force: ForceQ = None,
                 region: RegionQ = None, theme: ThemeQ = None, date_from: FromQ = None,
                 date_to: ToQ = None, page: Page = 1) -> Response:
    """Search the library, or browse it with filters, or see what forces share by theme."""
    words, force, region, theme = _blank(q), _blank(force), _blank(region), _blank(theme)
    start, end = _date(date_from, "from"), _date(date_to, "to")
    filters = {"q": words, "force": force, "region": region, "theme": theme,
               "from": start.isoformat() if start else None,
               "to": end.isoformat() if end else None}
    offset = (page - 1) * PAGE_SIZE
    data: dict[str, Any] = {"filters": filters}
    if words:
        data["mode"] = "search"
        data["results"] = service.search(session, query=words, force=force, region=region,
                                         theme=theme, date_from=start, date_to=end,
                                         limit=PAGE_SIZE, offset=offset)
    elif any((force, region, theme, start, end)):
        data["mode"] = "browse"
        data["results"] = service.browse(session, force=force, region=region, theme=theme,
                                         date_from=start, date_to=end, limit=PAGE_SIZE,
                                         offset=offset)
    else:
        data["mode"] = "home"
        data["practice"] = service.shared_practice(session, per_theme=2)
        data["latest"] = service.browse(session, limit=8)
    paging = _paging(request, page=page, total=data["results"]["total"]) \
        if "results" in data else None
    chart = _theme_chart(data["practice"]["themes"], title="Articles by theme") \
        if data["mode"] == "home" else None
    return respond(request, "library_home.html", data, templates=templates,
                   choices=_choices(), paging=paging, chart=chart)


@pages.get("/articles/{ref}")
@pages.get("/articles/{ref}.json")
def article_page(request: Request, session: SessionDep, ref: str) -> Response:
    """One article: metadata, themes, force, the sanitised body, its figures check, more like
    this, and the commitments that cite it."""
    try:
        article = service.get_article(session, ref=ref)
    except InputError as exc:
        raise HTTPException(status_code=404, detail=exc.reason) from exc
    if str(article.id) != ref:
        suffix = ".json" if request.url.path.endswith(".json") else ""
        return RedirectResponse(f"/library/articles/{article.id}{suffix}", status_code=307)
    detail = service.article_detail(session, ref=article.id)
    try:
        similar = service.more_like_this(session, ref=article.id, limit=SIMILAR)
    except InputError:
        similar = None  # an article without words to compare
    data = {"article": detail, "check": service.check_figures(session, ref=article.id),
            "similar": similar, "cited_for": commitments.cited_for(session, ref=article.id)}
    body = Markup(service.safe_article_html(session, ref=article.id))
    return respond(request, "library_article.html", data, templates=templates, body=body,
                   check_chart=_check_chart(data["check"]))  # type: ignore[arg-type]


def _check_chart(check: dict) -> Markup | None:
    """Each checked claim's share beside the official one (the measure it was judged on)."""
    bars = []
    for i, claim in enumerate(check["claims"], start=1):
        if claim.get("share_official") is None:
            continue
        measure = "FTE" if claim["measure"] == "fte" else "headcount"
        bars.append(Bar(f"{i}. as written", claim["value"], highlight=True))
        bars.append(Bar(f"{i}. official ({measure})", claim["share_official"]))
    if not bars:
        return None
    return bar_chart(bars, title="The figures quoted beside the official figures",
                     width=480)


@pages.get("/themes")
@pages.get("/themes.json")
def themes_page(request: Request, session: SessionDep) -> Response:
    """Every theme, with its phrases, the commitments it serves and its number of articles."""
    data = service.themes(session)
    return respond(request, "library_themes.html", data, templates=templates,
                   chart=_theme_chart(data["themes"], title="Articles by theme"))


@pages.get("/themes/{theme}")
@pages.get("/themes/{theme}.json")
def theme_page(request: Request, session: SessionDep, theme: str, force: ForceQ = None,
               region: RegionQ = None, date_from: FromQ = None, date_to: ToQ = None,
               page: Page = 1) -> Response:
    """The articles of one theme, newest first, with filters."""
    try:
        rule = tagging.load_rules().get(theme)
    except InputError as exc:
        raise HTTPException(status_code=404, detail=exc.reason) from exc
    force, region = _blank(force), _blank(region)
    start, end = _date(date_from, "from"), _date(date_to, "to")
    results = service.browse(session, theme=rule.id, force=force, region=region,
                             date_from=start, date_to=end, limit=PAGE_SIZE,
                             offset=(page - 1) * PAGE_SIZE)
    data = {"theme": {"id": rule.id, "label": rule.label, "phrases": list(rule.phrases),
                      "min_mentions": rule.min_mentions,
                      "commitments": list(rule.commitments)},
            "filters": {"force": force, "region": region,
                        "from": start.isoformat() if start else None,
                        "to": end.isoformat() if end else None},
            "results": results}
    return respond(request, "library_theme.html", data, templates=templates,
                   choices=_choices(), paging=_paging(request, page=page,
                                                      total=results["total"]))


@pages.get("/forces")
@pages.get("/forces.json")
def forces_page(request: Request, session: SessionDep) -> Response:
    """Every force with its number of articles in the library."""
    data = service.counts_by_force(session)
    ranked = sorted((f for f in data["forces"] if f["articles"]),
                    key=lambda f: (-f["articles"], f["area"]))
    chart = bar_chart([Bar(f["area"], f["articles"], href=f"/library/forces/{f['force_id']}")
                       for f in ranked], title="Articles by force", fmt=lambda v: number(v),
                      width=480) if ranked else None
    return respond(request, "library_forces.html", data, templates=templates, chart=chart)


@pages.get("/forces/{force_id}")
@pages.get("/forces/{force_id}.json")
def force_page(request: Request, session: SessionDep, force_id: str, page: Page = 1
               ) -> Response:
    """A force's articles, newest first, its themes, and the checks of the figures its
    articles quote."""
    force = _force_page(force_id)
    if force.id != force_id:
        suffix = ".json" if request.url.path.endswith(".json") else ""
        return RedirectResponse(f"/library/forces/{force.id}{suffix}{_query(request)}",
                                status_code=307)
    results = service.browse(session, force=force.id, limit=PAGE_SIZE,
                             offset=(page - 1) * PAGE_SIZE)
    practice = service.shared_practice(session, force=force.id, per_theme=0)
    data = {"force": {"id": force.id, "name": force.name, "region": force.region},
            "results": results, "themes": practice["themes"],
            "checks": service.force_figures_checks(session, force=force.id, limit=5)}
    return respond(request, "library_force.html", data, templates=templates,
                   paging=_paging(request, page=page, total=results["total"]),
                   chart=_theme_chart(practice["themes"], title=f"{force.name}: articles "
                                      "by theme"))


# API -------------------------------------------------------------------------------------------
@api.get("/search", summary="Full-text search: ranked hits with highlighted snippets")
def api_search(session: SessionDep,
               q: Annotated[str, Query(min_length=1, description='Words (all must match), '
                                       '"a phrase", word* or a OR b.')],
               force: ForceQ = None, region: RegionQ = None, theme: ThemeQ = None,
               date_from: FromQ = None, date_to: ToQ = None, limit: Limit = 20,
               offset: Offset = 0) -> dict[str, Any]:
    """The same as ``parity library search --json``: ``{"query", "total", "hits"}``; each hit
    has ``id``, ``title``, ``url``, ``area``, ``force_id``, ``region``, ``published``,
    ``themes``, ``commitments``, ``description``, ``score`` and ``snippet`` (safe HTML: the
    text escaped, matches in ``<mark>``)."""
    return to_jsonable(service.search(
        session, query=q, force=_blank(force), region=_blank(region), theme=_blank(theme),
        date_from=_date(date_from, "from"), date_to=_date(date_to, "to"), limit=limit,
        offset=offset))


@api.get("/articles", summary="Articles newest first, filtered (no search words)")
def api_articles(session: SessionDep, force: ForceQ = None, region: RegionQ = None,
                 theme: ThemeQ = None, date_from: FromQ = None, date_to: ToQ = None,
                 limit: Limit = 20, offset: Offset = 0) -> dict[str, Any]:
    """`service.browse`: ``{"total", "articles": [...]}`` and the filters applied."""
    return to_jsonable(service.browse(
        session, force=_blank(force), region=_blank(region), theme=_blank(theme),
        date_from=_date(date_from, "from"), date_to=_date(date_to, "to"), limit=limit,
        offset=offset))


@api.get("/articles/{ref}", summary="One article, its tags and its sanitised HTML")
def api_article(session: SessionDep, ref: str) -> dict[str, Any]:
    """The same as ``parity library show --json`` (`service.article_detail`); ``html`` is the
    sanitised body. `ref`: the article's id or file name."""
    return to_jsonable(service.article_detail(session, ref=ref))


@api.get("/articles/{ref}/similar", summary="More like this")
def api_similar(session: SessionDep, ref: str, force: ForceQ = None, theme: ThemeQ = None,
                limit: Limit = 10) -> dict[str, Any]:
    """The same as ``parity library similar --json``: ``{"article", "words", "total",
    "hits"}``."""
    return to_jsonable(service.more_like_this(session, ref=ref, limit=limit,
                                              force=_blank(force), theme=_blank(theme)))


@api.get("/articles/{ref}/check", summary="The article's workforce figures, checked")
def api_check(session: SessionDep, ref: str) -> dict[str, Any]:
    """The same as ``parity library check --json``: each claim with the official figure it
    refers to and its verdict (``matches``, ``does not match``, ``cannot tell``)."""
    return to_jsonable(service.check_figures(session, ref=ref))


@api.get("/articles/{ref}/commitments", summary="The commitments that cite the article")
def api_cited_for(session: SessionDep, ref: str) -> list[dict[str, Any]]:
    """`service.cited_for`: ``[{ref, title, force_id, scope, note}]``."""
    return to_jsonable(commitments.cited_for(session, ref=ref))


@api.get("/themes", summary="The theme rules in force, with article counts")
def api_themes(session: SessionDep) -> dict[str, Any]:
    """The same as ``parity library themes --json``."""
    return to_jsonable(service.themes(session))


@api.get("/practice", summary="Shared practice: articles per theme and the newest of each")
def api_practice(session: SessionDep, force: ForceQ = None,
                 per_theme: Annotated[int, Query(ge=0, le=20)] = 3,
                 published_to: Annotated[str | None, Query(
                     description="Only articles published on or before this date.")] = None,
                 ) -> dict[str, Any]:
    """`service.shared_practice`."""
    return to_jsonable(service.shared_practice(session, per_theme=per_theme, force=_blank(force),
                                               published_to=_date(published_to,
                                                                  "published_to")))


@api.get("/forces", summary="Every force's number of articles")
def api_forces(session: SessionDep) -> dict[str, Any]:
    """`service.counts_by_force`."""
    return to_jsonable(service.counts_by_force(session))


@api.get("/forces/{force}/articles", summary="A force's newest articles")
def api_force_articles(session: SessionDep, force: str, limit: Limit = 20
                       ) -> list[dict[str, Any]]:
    """`service.articles_for_force`."""
    return to_jsonable(service.articles_for_force(session, force=force, limit=limit))


@api.get("/forces/{force}/checks", summary="The figures checks of a force's articles")
def api_force_checks(session: SessionDep, force: str,
                     limit: Annotated[int, Query(ge=1, le=50)] = 10) -> dict[str, Any]:
    """`service.force_figures_checks`: the checks of its newest articles that quote figures."""
    return to_jsonable(service.force_figures_checks(session, force=force, limit=limit))


@api.get("/commitments/{commitment}/articles",
         summary="Articles serving a HeForShe commitment theme")
def api_commitment_articles(session: SessionDep, commitment: str, force: ForceQ = None,
                            limit: Limit = 20) -> list[dict[str, Any]]:
    """`service.articles_for_commitment` ("senior representation", "middle management",
    "domestic and sexual abuse", "culture", "annual reporting")."""
    return to_jsonable(service.articles_for_commitment(session, commitment=commitment,
                                                       force=_blank(force), limit=limit))


# checking a draft, in the private area --------------------------------------------------------
private = APIRouter(prefix="/private/library", include_in_schema=False)
DRAFT_LIMIT = 50 * 1024 * 1024  # bytes: a 200-page PDF is a few megabytes


def _private(request: Request, user: Any, template: str, status: int = 200, **context: Any
             ) -> Response:
    response = templates.TemplateResponse(
        request, template, {"user": user, "csrf_token": user.csrf_token, **context},
        status_code=status)
    response.headers.update(NO_STORE)
    return response


@private.get("/check")
def draft_form(request: Request, user: RequireUser) -> Response:
    """The form: a draft (Markdown, HTML, text, DOCX or PDF), its force and date."""
    return _private(request, user, "library_draft.html", result=None, error=None,
                    forces=[f.name for f in registry().territorial()])


@private.post("/check", dependencies=[CsrfChecked])
def draft_check(request: Request, user: RequireUser, session: SessionDep,
                draft: Annotated[UploadFile | None, File()] = None,
                area: Annotated[str, Form(max_length=100)] = "",
                published: Annotated[str, Form(max_length=30)] = "") -> Response:
    """Each figure of the uploaded draft with what it is about and its verdict. The draft is
    read in memory and forgotten: nothing is stored."""
    forces = [f.name for f in registry().territorial()]
    try:
        if draft is None or not draft.filename:
            raise InputError("no file was chosen: choose a draft to check")
        data = draft.file.read(DRAFT_LIMIT + 1)
        if len(data) > DRAFT_LIMIT:
            raise InputError(f"{draft.filename}: larger than {DRAFT_LIMIT // 1024 // 1024} MB")
        if not data:
            raise InputError(f"{draft.filename}: the file is empty")
        day = None
        if published.strip():
            try:
                day = date.fromisoformat(published.strip())
            except ValueError as exc:
                raise InputError(f"date {published!r}: expected a date such as 2024-05-01"
                                 ) from exc
        result = check.check_document(session, name=draft.filename, data=data,
                                      area=area.strip() or None,
                                      published=day or date.today())
    except InputError as error:
        return _private(request, user, "library_draft.html", status=400, result=None,
                        error=error.reason, forces=forces)
    return _private(request, user, "library_draft.html", result=result, error=None,
                    forces=forces)


router.include_router(pages)
router.include_router(api)
router.include_router(private)


# the panel on a force's page -------------------------------------------------------------------
def force_panel(session: Session, *, force_id: str, year: int) -> dict | None:  # noqa: ARG001
    """The force's newest articles in the library (None when it has none)."""
    articles = service.articles_for_force(session, force=force_id, limit=PANEL_ARTICLES)
    if not articles:
        return None
    count = service.browse(session, force=force_id, limit=1)["total"]
    html = templates.env.get_template("force_panel.html").render(
        articles=articles, force_id=force_id, count=count)
    return {"title": "Shared practice", "html": html}

