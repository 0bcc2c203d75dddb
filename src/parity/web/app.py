"""The application factory: ``create_app(database_url)`` builds the engine and the app.

Nothing touches a database at import time. The factory brings the schema up to date, mounts
the static files, every domain's ``views.router`` and ``api.router`` (`parity.web.extensions`:
workforce's pages and JSON API first; ``/api/v1``, OpenAPI at ``/api/openapi.json``, docs
drawn on the server at ``/api/docs``), signing in and the private area's frame
(`parity.web.auth`). Every response carries a strict Content-Security-Policy: no scripts at
all, styles and images from this site only. Public answers are kept per data version and
carry ETag, Last-Modified and Cache-Control (`parity.web.caching`).
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

import parity
from parity.errors import InputError
from parity.present.downloads import Downloads
from parity.ranges import document, out_of_range
from parity.store import make_engine, upgrade
from parity.web import auth, caching, errors, extensions
from parity.web.extensions import NavEntry
from parity.web.site import templates

STATIC = Path(__file__).parent / "static"

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'none'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
TAIL_NAV = (NavEntry("API", "/api/docs"), NavEntry("About the data", "/about"),
            NavEntry("Sign in", "/sign-in"))


OPEN_SUFFIXES = (".json", ".csv", ".xlsx")


def open_data(path: str) -> bool:
    """The open API and every page's data (JSON, CSV, XLSX): readable by any web page (CORS
    for GET; no credentials are ever allowed cross-origin)."""
    return (path.startswith("/api/") and not path.startswith("/api/docs")) \
        or path.endswith(OPEN_SUFFIXES)


def create_app(database_url: str | None = None) -> FastAPI:
    """The Parity web app on `database_url` (default: ``PARITY_DATABASE_URL``, else
    ./parity.db), with its schema migrated."""
    # A connection for each of the thread pool's 40 threads running the views (and the
    # sign-in check's own): with SQLAlchemy's default (5 + 10) requests queued for a
    # connection under 50 readers and timed out after 30 s (bench/soak_web.py, 2026-12-03).
    engine = make_engine(database_url, pool_size=20, max_overflow=40)
    upgrade(engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):  # noqa: ANN202
        yield
        engine.dispose()
        caching.dispose(_app)

    app = FastAPI(
        title="Parity API",
        version=parity.__version__ if hasattr(parity, "__version__") else "1",
        summary="Open data on gender equality in the police forces of England and Wales.",
        description="Every figure is computed from official statistics published under the "
                    "Open Government Licence v3.0. Shares are fractions in [0, 1] under keys "
                    "named `share_*`. Each page of the site is also JSON: add `.json` to its "
                    "path.",
        docs_url=None, redoc_url=None, openapi_url="/api/openapi.json", lifespan=lifespan,
    )
    app.state.engine = engine
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    nav: list[NavEntry] = []
    found = extensions.discover()
    for ext in found:
        app.include_router(ext.router)
        if ext.api is not None:
            app.include_router(ext.api)
        nav.extend(ext.nav)
    app.state.nav = (*nav, *TAIL_NAV)
    app.state.force_panels = tuple((e.domain, e.force_panel) for e in found if e.force_panel)

    auth.install(app)

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request) -> Response:
        return templates.TemplateResponse(request, "api_docs.html",
                                          {"spec": app.openapi()})

    # Innermost: a page's tables and an API answer as CSV and XLSX (present/downloads.py).
    app.add_middleware(Downloads, routes_of=app)

    @app.middleware("http")
    async def parameters_in_range(request: Request, call_next):  # noqa: ANN001, ANN202
        reasons = out_of_range(request.query_params)
        if reasons:
            return errors.error_page(request, 400, "a parameter is out of range", reasons)
        return await call_next(request)

    openapi = app.openapi
    app.openapi = lambda: app.openapi_schema or document(openapi())  # type: ignore[method-assign]

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # noqa: ANN001, ANN202
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.method in ("GET", "HEAD") and open_data(request.url.path):
            response.headers.setdefault("Access-Control-Allow-Origin", "*")
        return response

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> Response:
        return errors.error_page(request, 400, exc.reason, exc.details())

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        messages = [f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}"
                    for e in exc.errors()]
        return errors.error_page(request, 400, "invalid request", messages)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = str(exc.detail or "")
        generic = detail in {"", "Not Found", "Method Not Allowed"}
        reason = errors.HEADINGS.get(exc.status_code, detail) if generic else detail
        response = errors.error_page(request, exc.status_code, reason, [])
        response.headers.update(exc.headers or {})  # a 405 says which methods are allowed
        return response

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        # Outside the middleware stack: the headers are set here. Nothing about the error
        # (type, message, traceback) reaches the client; the server log has it.
        response = errors.error_page(request, 500, "an internal error; it has been logged", [])
        response.headers.update(SECURITY_HEADERS)
        return response

    caching.install(app, engine)  # last: the outermost middleware (parity.web.caching)
    return app
