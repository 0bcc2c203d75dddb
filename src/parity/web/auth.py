"""Signing in and out, and who is signed in.

- ``GET /sign-in``, ``POST /sign-in`` (e-mail, password, CSRF token): on success a new
  server-side session (`parity.accounts.service.start_session`) whose random token goes in the
  ``parity_session`` cookie — HttpOnly, SameSite=Strict, Secure when served over https, for
  `SESSION_LIFETIME`; only the token's SHA-256 is stored. Repeated failures are throttled
  (429 with Retry-After).
- ``POST /sign-out`` (CSRF token): the session is deleted and the cookie cleared.
- `identify(request)`: the `SignedIn` user of the request's cookie, or None — installed as
  the app's ``identify`` hook, behind `parity.present.deps.RequireUser` (a page without a
  session redirects to the sign-in page (303), anything else is a 401).
- `body_limit`: a middleware refusing a POST without a Content-Length (411) or larger
  than ``app.state.max_upload_bytes`` (413) before anything reads it, and marking private
  answers ``Cache-Control: no-store``.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from parity.accounts import service
from parity.accounts.service import SignedIn
from parity.present import csrf
from parity.present.csrf import CsrfChecked
from parity.present.deps import NO_STORE, SessionDep, SignInRequired, signed_in
from parity.web import errors, private
from parity.web.site import templates

COOKIE = "parity_session"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # the largest force's whole HR history as CSV is ~10 MB
PRIVATE_PREFIXES = ("/private", "/sign-in", "/sign-out")

router = APIRouter(include_in_schema=False)


def identify(request: Request) -> SignedIn | None:
    """Who is signed in with the request's session cookie (the app's ``identify`` hook, asked
    once per request by `parity.present.deps.signed_in`)."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    with Session(request.app.state.engine) as s:
        return service.session_for_token(s, token=token)


def sign_in_required(request: Request, _exc: SignInRequired) -> Response:
    if request.method in {"GET", "HEAD"} and not request.url.path.endswith(".json"):
        target = quote(request.url.path, safe="/")
        return RedirectResponse(f"/sign-in?next={target}", status_code=303, headers=NO_STORE)
    return JSONResponse({"error": "sign in first", "problems": []}, status_code=401,
                        headers=NO_STORE)


def _safe_next(value: str | None) -> str:
    """Where to go after signing in: a path of the private area only (no open redirect)."""
    if (value and (value == "/private" or value.startswith("/private/"))
            and not any(bad in value for bad in ("//", "\\", "..", "\r", "\n"))):
        return value
    return "/private"


def _sign_in_page(request: Request, *, status: int = 200, error: str | None = None,
                  email: str = "", next_path: str = "/private",
                  headers: dict | None = None) -> Response:
    token = csrf.anonymous_token(request)
    response = templates.TemplateResponse(
        request, "sign_in.html", {"csrf_token": token, "error": error, "email": email,
                                  "next": _safe_next(next_path)},
        status_code=status, headers={**NO_STORE, **(headers or {})})
    csrf.set_anonymous(request, response, token)
    return response


@router.get("/sign-in")
def sign_in_form(request: Request, next: str | None = None) -> Response:  # noqa: A002
    if signed_in(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _sign_in_page(request, next_path=next or "/private")


@router.post("/sign-in", dependencies=[CsrfChecked])
def sign_in(request: Request, session: SessionDep,
            email: Annotated[str, Form(max_length=320)] = "",
            password: Annotated[str, Form(max_length=service.MAX_PASSWORD_LENGTH)] = "",
            next: Annotated[str, Form(max_length=500)] = "/private") -> Response:  # noqa: A002
    client = request.client.host if request.client else "unknown"
    try:
        user = service.authenticate(session, email=email, password=password, client=client)
    except service.ThrottledError as exc:
        session.commit()
        return _sign_in_page(request, status=429, error=str(exc), email=email, next_path=next,
                             headers={"Retry-After": str(exc.retry_after)})
    except service.SignInError as exc:
        session.commit()
        return _sign_in_page(request, status=400, error=str(exc), email=email, next_path=next)
    token = service.start_session(session, user=user)
    session.commit()
    response = RedirectResponse(_safe_next(next), status_code=303, headers=NO_STORE)
    response.set_cookie(COOKIE, token, max_age=int(service.SESSION_LIFETIME.total_seconds()),
                        path="/", httponly=True, samesite="strict", secure=csrf.is_https(request))
    response.delete_cookie(csrf.COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.post("/sign-out", dependencies=[CsrfChecked])
def sign_out(request: Request, session: SessionDep) -> Response:
    service.end_session(session, token=request.cookies.get(COOKIE))
    session.commit()
    response = RedirectResponse("/", status_code=303, headers=NO_STORE)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict",
                           secure=csrf.is_https(request))
    return response


async def body_limit(request: Request, call_next):  # noqa: ANN001, ANN201
    """Refuse a POST without a Content-Length (411) or with a body over
    ``app.state.max_upload_bytes`` (413) before anything reads the body; mark every answer
    of the private area and the sign-in pages (errors too) as never to be cached."""
    if request.method in {"POST", "PUT", "PATCH"}:
        length = request.headers.get("content-length", "")
        limit = request.app.state.max_upload_bytes
        status, reason = None, ""
        if not length.isdigit():
            status, reason = 411, "a Content-Length header is required"
        elif int(length) > limit:
            size = f"{limit / 1024 / 1024:g} MB" if limit >= 1024 * 1024 else f"{limit:,} bytes"
            status, reason = 413, f"the upload is larger than the limit of {size}"
        if status is not None:
            response = errors.error_page(request, status, reason, [])
            response.headers["Connection"] = "close"
            return response
    response = await call_next(request)
    if request.url.path.startswith(PRIVATE_PREFIXES):
        response.headers.update(NO_STORE)
    return response


def install(app, *, max_upload_bytes: int = MAX_UPLOAD_BYTES) -> None:  # noqa: ANN001
    """Add signing in and out, the private area and the body limit to `app`."""
    app.state.identify = identify
    app.state.max_upload_bytes = max_upload_bytes
    app.include_router(router)
    app.include_router(private.router)
    app.add_exception_handler(SignInRequired, sign_in_required)
    app.middleware("http")(body_limit)
