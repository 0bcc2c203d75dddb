"""Command: serve (the web pages and the JSON API, with uvicorn)."""

from __future__ import annotations

import os

import typer

from parity.present.commands import app, handles_input_errors, session


@app.command("serve")
@handles_input_errors
def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    load: bool = typer.Option(True, "--load/--no-load",
                              help="First import the bundled official data the database "
                                   "lacks (workforce, pay gap returns, crime, commitments)."),
    workers: int = typer.Option(1, "--workers", min=1, max=64,
                                help="Worker processes (uvicorn's); each keeps its own pages, and "
                                     "they share those they make after a change."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log",
                                    help="Log every request (one line each)."),
) -> None:
    """Serve the web pages and the open JSON API (docs at /api/docs)."""
    import uvicorn  # deferred: uvicorn costs ~0.3 s at start-up

    from parity.store import database_url  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.web.app import create_app  # deferred: loads fastapi (~0.5 s); `parity --help` stays fast

    if load:
        # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
        from parity.bundled import load_bundled

        with session() as s:
            load_bundled(s)
    options = {"host": host, "port": port, "log_level": "info", "access_log": access_log,
               **proxy_options(os.environ.get("PARITY_TRUSTED_PROXIES", ""))}
    if workers == 1:
        uvicorn.run(create_app(database_url()), **options)
        return
    # Several processes: each builds the app from the factory, on the same database.
    os.environ["PARITY_DATABASE_URL"] = database_url()
    os.environ["PARITY_WEB_WORKERS"] = str(workers)  # they share the pages they make
    uvicorn.run("parity.web.app:create_app", factory=True, workers=workers, **options)


def proxy_options(trusted: str) -> dict:
    """uvicorn's options for ``PARITY_TRUSTED_PROXIES``: the addresses (comma-separated) of the
    reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed. Unset, none is:
    the client address (which the sign-in throttle counts by) is the connection's own."""
    proxies = [p.strip() for p in trusted.split(",") if p.strip()]
    if not proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": proxies}
