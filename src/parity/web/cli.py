"""Command: serve (the web pages and the JSON API, with uvicorn)."""

from __future__ import annotations

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
    uvicorn.run(create_app(database_url()), host=host, port=port, log_level="info")
