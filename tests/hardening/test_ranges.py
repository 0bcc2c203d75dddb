"""Every numeric parameter has a range checked at the edge (`parity.ranges`): a 400 with the
reason from the site and the API, exit status 2 from the command line; never a 500 or a
traceback. The OpenAPI document states the ranges and the 400 answer."""

from __future__ import annotations

import shutil
import warnings

import pytest

from parity.web.app import create_app
from tests.cli_runner import parity

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client(sqlite_templates, tmp_path_factory):  # noqa: ANN001, ANN201
    path = tmp_path_factory.mktemp("ranges") / "ranges.db"
    shutil.copy(sqlite_templates["workforce"], path)
    app = create_app(f"sqlite:///{path}")
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


@pytest.mark.parametrize("url", [
    "/api/v1/context?year=-1048576", "/api/v1/context?year=99999999999",
    "/context.json?year=-5", "/api/v1/representation?year=0", "/api/v1/league?year=20000",
    "/league?year=-1", "/context?year=" + "9" * 200,
])
def test_out_of_range_years_are_a_400_with_the_reason(client, url):
    response = client.get(url)
    assert response.status_code == 400, (url, response.status_code, response.text[:300])
    text = response.text
    assert "year: expected a whole number from 1900 to 2100" in text


def test_the_openapi_document_states_ranges_and_400_answers(client):
    spec = client.get("/api/openapi.json").json()
    representation = spec["paths"]["/api/v1/representation"]["get"]
    [year] = [p for p in representation["parameters"] if p["name"] == "year"]
    integer = next(s for s in year["schema"].get("anyOf", [year["schema"]])
                   if s.get("type") == "integer")
    assert (integer["minimum"], integer["maximum"]) == (1900, 2100)
    assert "400" in representation["responses"] and "422" not in representation["responses"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]


@pytest.mark.slow
@pytest.mark.parametrize("args", [["context", "--year", "-1048576"], ["context", "--year", "0"],
                                  ["league", "--year", "99999999999"],
                                  ["paygap", "compute", "missing.csv", "--bootstrap", "-5"]])
def test_out_of_range_options_exit_2_with_the_reason(sqlite_url, args):
    run = parity(*args, db_url=sqlite_url)
    assert run.code == 2, run.stderr
    assert "expected a whole number from" in run.stderr and "Traceback" not in run.stderr


def test_a_start_date_of_9999_12_31_is_refused_with_its_row(tmp_path):
    from parity.errors import InputError
    from parity.paygap import service as paygap
    from tests.hardening import damage as d
    from tests.hardening.conftest import payroll_rows

    rows = payroll_rows()
    rows[0].append("start_date")
    for row in rows[1:]:
        row.append("2010-04-01")
    rows[3][-1] = "9999-12-31"
    path = d.write(tmp_path / "payroll.csv", d.csv_bytes(rows))
    with pytest.raises(InputError) as refused:
        paygap.read_payroll(path)
    [problem] = refused.value.problems
    assert (problem.row, problem.column) == (4, "start_date")
    assert "expected a start date from 1900-01-01 to 2100-12-31" in problem.message
