"""Web fixtures: the app on each engine (read-only, built once per module) and HTML parsing."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator

import pytest
from lxml import html as lxml_html
from sqlalchemy.orm import Session

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from parity.web.app import create_app


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(request, tmp_path_factory) -> Iterator[TestClient]:  # noqa: ANN001
    """A client of the app on a database holding the bundled workforce table."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("web") / "web.db"
        shutil.copy(request.getfixturevalue("sqlite_templates")["workforce"], path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_urls")["workforce"]
    app = create_app(url)
    with TestClient(app) as c:
        yield c


@pytest.fixture
def session(client) -> Iterator[Session]:  # noqa: ANN001
    """A session on the same database as the app, to compare pages with the services."""
    with Session(client.app.state.engine) as s:
        yield s


def page(response):  # noqa: ANN001, ANN201
    """The parsed HTML of a response (lxml), after checking it is a page."""
    assert response.headers["content-type"].startswith("text/html"), response.text[:200]
    return lxml_html.fromstring(response.text)


def text_of(element) -> str:  # noqa: ANN001
    return " ".join(element.text_content().split())
