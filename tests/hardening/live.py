"""A real Parity server (uvicorn in a process of its own) on a copy of the workforce template,
with a Kent analyst and a coordinator: for the tests that a crash, a race or a hostile upload
must be shown against, not an in-process client."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from sqlalchemy.orm import Session

from parity.accounts import service as accounts
from parity.store import make_engine

PASSWORD = "a long enough test password"
USERS = {"kent@example.org": ("analyst", "Kent"), "coord@example.org": ("coordinator", None)}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Server:
    base: str
    process: subprocess.Popen

    def alive(self) -> bool:
        return self.process.poll() is None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def add_users(url: str) -> None:
    engine = make_engine(url)
    with Session(engine) as s:
        for email, (role, force) in USERS.items():
            if accounts.get_user(s, email=email) is None:
                accounts.add_user(s, email=email, role=role, force=force, password=PASSWORD)
        s.commit()
    engine.dispose()


@contextmanager
def running(url: str, *, workers_note: str = "") -> Iterator[Server]:
    """A server on 127.0.0.1 for the database at `url`, stopped (its own process only) on
    leaving the block."""
    add_users(url)
    port = free_port()
    code = ("import uvicorn; from parity.web.app import create_app; "
            f"uvicorn.run(create_app({url!r}), host='127.0.0.1', port={port}, "
            "log_level='warning')")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(server.base + "/api/openapi.json", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if not server.alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {process.stderr.read()!r}"
                                   if not server.alive() else "the server did not start")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def signed_in(server: Server, email: str = "kent@example.org") -> httpx.Client:
    """A client signed in as `email` (the form, then its post)."""
    client = httpx.Client(base_url=server.base, follow_redirects=False, timeout=60)
    token = csrf_of(client.get("/sign-in").text)
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD,
                                             "csrf_token": token})
    assert response.status_code == 303, response.text[:500]
    return client


def csrf_of(text: str) -> str:
    found = _CSRF.search(text)
    assert found, text[:500]
    return found.group(1)


def migrated_url(engine_name: str, folder) -> tuple[str, str | None]:  # noqa: ANN001
    """(URL, PostgreSQL database name to drop or None) of a new empty migrated database."""
    from parity.store import upgrade
    from tests.helpers import create_pg_database

    if engine_name == "sqlite":
        url = f"sqlite:///{folder / 'live.db'}"
        name = None
    else:
        name = f"parity_test_live_{free_port()}"
        url = create_pg_database(name)
    engine = make_engine(url)
    upgrade(engine, migrations_only=True)
    engine.dispose()
    return url, name
