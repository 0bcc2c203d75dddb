"""One view, two formats: a page as HTML, or the same figures as JSON.

Datasette's convention: the JSON of a page is at the same address with ``.json`` added to the
path (``/league.json?year=2023``), or with ``?format=json``. `respond` picks the format and
`to_jsonable` turns the service's results into JSON unchanged (NaN and infinities become
null, tuples lists, dates ISO strings).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates

from parity.present.deps import NO_STORE
from parity.present.jsonable import to_jsonable as to_jsonable  # the one home: jsonable.py


def wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json") or request.query_params.get("format") == "json"


def json_url(request: Request) -> str:
    """The address of the JSON version of the page being shown."""
    query = request.url.query
    path = request.url.path.rstrip("/") or "/index"
    return f"{path}.json" + (f"?{query}" if query else "")


def respond(request: Request, template: str, payload: Any, *,
            templates: Jinja2Templates, status_code: int = 200,
            **context: Any) -> Response:
    """`payload` as JSON if the request asks for JSON, else `template` rendered with
    ``data=payload``, ``json_url`` and `context`."""
    if wants_json(request):
        return JSONResponse(to_jsonable(payload), status_code=status_code)
    return templates.TemplateResponse(
        request, template, {"data": payload, "json_url": json_url(request), **context},
        status_code=status_code,
    )


def render_private(request: Request, templates: Jinja2Templates, template: str, user: Any,
                   status: int = 200, **context: Any) -> Response:
    """A page of the private area: `template` with the signed-in `user` and their CSRF token,
    never to be cached."""
    return templates.TemplateResponse(
        request, template, {"user": user, "csrf_token": user.csrf_token, **context},
        status_code=status, headers=NO_STORE)
