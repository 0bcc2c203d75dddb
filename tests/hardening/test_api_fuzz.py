"""Schemathesis against the published OpenAPI document (/api/openapi.json): every operation
with generated parameters, in and out of range, checked for server errors and for answers
that do not match the document (status codes, content types, schemas, bad input accepted). Derandomised and
bounded (`EXAMPLES` per operation) so the suite stays quick; ``PARITY_FUZZ_EXAMPLES=500``
explores further."""

from __future__ import annotations

import os
import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from parity.web.app import create_app

EXAMPLES = int(os.environ.get("PARITY_FUZZ_EXAMPLES", "6"))


@pytest.fixture(scope="module")
def app(sqlite_templates, tmp_path_factory):  # noqa: ANN001, ANN201
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    shutil.copy(sqlite_templates["workforce"], path)
    application = create_app(f"sqlite:///{path}")
    yield application
    application.state.engine.dispose()


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(scope="module")
def api_schema(app):  # noqa: ANN001, ANN201
    return schemathesis.openapi.from_asgi("/api/openapi.json", app)


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_document_says(case):
    # Every check but one: a well-formed request for a year or area with no figures is a 400
    # with the reason (bad input, as at the command line), which schemathesis would call a
    # valid request refused.
    case.call_and_validate(excluded_checks=[positive_data_acceptance], timeout=120)
