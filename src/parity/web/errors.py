"""The answer to a request that fails: JSON for the API and JSON views, else a page."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from parity.present.responses import wants_json
from parity.present.words import for_readers
from parity.web.site import templates


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or wants_json(request)


HEADINGS: dict[int, str] = {400: "There is a problem with this request", 404: "Page not found",
            403: "Not allowed", 413: "The upload is too large", 429: "Too many attempts"}


def error_page(request: Request, status: int, reason: str, details: list[str]) -> Response:
    """A 4xx answer: ``{"error", "problems"}`` for the API and JSON views, else a page with a
    plain heading, the reason and its details (escaped like everything else)."""
    reason, details = for_readers(reason), [for_readers(d) for d in details]
    if _is_api(request):
        return JSONResponse({"error": reason, "problems": details}, status_code=status)
    heading = HEADINGS.get(status, "Something went wrong")
    context = {"status": status, "title": heading, "reason": reason if reason != heading
               else None, "messages": details}
    return templates.TemplateResponse(request, "error.html", context, status_code=status)
