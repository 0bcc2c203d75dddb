"""Helpers for the web tests of accounts (tests/web/test_auth*.py): an app with users in it.

The app is built once per module on a database of its own holding the workforce table (a copy
of the SQLite template, or the shared PostgreSQL workforce database with the accounts' tables
emptied afterwards), with four users:

- ``coord@example.org`` (coordinator), ``kent.lead@example.org`` (force lead, Kent),
  ``kent.analyst@example.org`` (analyst, Kent) and ``essex.analyst@example.org``;
  every password is `PASSWORD`.
"""

from __future__ import annotations

import re
import shutil
import warnings
from collections.abc import Iterator

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from parity.accounts import service
from parity.accounts.models import SignInCounter, User, UserSession
from parity.web.app import create_app
from tests.helpers import drop_pg_database, fresh_pg_with_workforce

PASSWORD = "a long enough test password"
USERS = {
    "coord@example.org": ("coordinator", None),
    "kent.lead@example.org": ("force_lead", "Kent Police"),
    "kent.analyst@example.org": ("analyst", "kent"),
    "essex.analyst@example.org": ("analyst", "Essex"),
}

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _empty_accounts(engine) -> None:  # noqa: ANN001
    with Session(engine) as s:
        for model in (UserSession, SignInCounter, User):
            s.execute(delete(model))
        s.commit()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def app(request, tmp_path_factory):  # noqa: ANN001, ANN201
    pg_name = None
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("auth") / "auth.db"
        shutil.copy(request.getfixturevalue("sqlite_templates")["workforce"], path)
        url = f"sqlite:///{path}"
    else:
        # A database of its own: uploads in the private area commit (an HR extract is
        # imported), which the shared test databases must never see.
        pg_name, url = fresh_pg_with_workforce("parity_test_auth")
    application = create_app(url)
    _empty_accounts(application.state.engine)
    with Session(application.state.engine) as s:
        for email, (role, force) in USERS.items():
            service.add_user(s, email=email, role=role, force=force, password=PASSWORD)
        s.commit()
    yield application
    _empty_accounts(application.state.engine)
    application.state.engine.dispose()
    if pg_name:
        drop_pg_database(pg_name)


@pytest.fixture
def anon(app) -> Iterator[TestClient]:  # noqa: ANN001
    """A client with no cookies that does not follow redirects."""
    with TestClient(app, follow_redirects=False) as c:
        yield c


def csrf_of(response) -> str:  # noqa: ANN001
    found = CSRF.search(response.text)
    assert found, response.text[:500]
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD):  # noqa: ANN201
    """Sign `client` in as a user would: the form, then its post."""
    token = csrf_of(client.get("/sign-in"))
    return client.post("/sign-in", data={"email": email, "password": password,
                                         "csrf_token": token})


def signed_in_client(app, email: str) -> TestClient:  # noqa: ANN001
    client = TestClient(app, follow_redirects=False)
    response = sign_in(client, email)
    assert response.status_code == 303, response.text[:500]
    return client


@pytest.fixture
def kent_analyst(app) -> Iterator[TestClient]:  # noqa: ANN001
    with signed_in_client(app, "kent.analyst@example.org") as c:
        yield c


@pytest.fixture
def coordinator(app) -> Iterator[TestClient]:  # noqa: ANN001
    with signed_in_client(app, "coord@example.org") as c:
        yield c


def walk_routes(application) -> list[tuple[str, frozenset[str]]]:  # noqa: ANN001
    """(path, methods) of every route of the app, through included routers (FastAPI keeps
    those as a branch of their own since 0.16x)."""
    out: list[tuple[str, frozenset[str]]] = []

    def walk(routes, prefix: str) -> None:  # noqa: ANN001
        for route in routes:
            original = getattr(route, "original_router", None)
            if original is not None:
                context = getattr(route, "include_context", None)
                walk(original.routes, prefix + getattr(context, "prefix", ""))
            elif getattr(route, "methods", None):
                out.append((prefix + route.path, frozenset(route.methods)))

    walk(application.routes, "")
    return out
