"""The public site with every bundled data set loaded (workforce, pay gap returns, recorded
crime, national commitments), on each engine, built once per module."""

from __future__ import annotations

import shutil
import uuid
import warnings
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from parity.bundled import load_bundled
from parity.store import make_engine, upgrade
from parity.web.app import create_app
from tests.helpers import create_pg_database, drop_pg_database


def _bundled(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        load_bundled(session)
    engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request, tmp_path_factory) -> Iterator[TestClient]:  # noqa: ANN001
    """A client of the app on a database holding every bundled data set."""
    name = None
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("site") / "site.db"
        shutil.copy(request.getfixturevalue("sqlite_templates")["workforce"], path)
        url = f"sqlite:///{path}"
    else:
        name = f"parity_test_site_{uuid.uuid4().hex[:8]}"
        url = create_pg_database(name)
    _bundled(url)
    app = create_app(url)
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()
    if name:
        drop_pg_database(name)
