"""The reporting cycle on the web, in process, on both engines: role x route (no force reads
or changes another force's return, nothing public before acceptance), the form round trip,
the payroll that must agree or be explained, publication and its downloads."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from tests.accounts.webapp import csrf_of, signed_in_client
from tests.web.test_auth_private import payroll_rows, write_payroll

YEAR = 2023
FORM = {"paygap.mean_hourly_gap_pct": "12.3", "paygap.median_hourly_gap_pct": "14.1",
        "paygap.mean_bonus_gap_pct": "5", "paygap.median_bonus_gap_pct": "0",
        "paygap.male_bonus_pct": "3.2", "paygap.female_bonus_pct": "2.9",
        "paygap.female_lower_pct": "55", "paygap.female_lower_middle_pct": "44.1",
        "paygap.female_upper_middle_pct": "33", "paygap.female_upper_pct": "24.5",
        "narrative": "A year of steady progress in recruitment.",
        "signatory.name": "A. Person", "signatory.job_title": "Deputy Chief Constable"}
RETURN = f"/private/returns/{YEAR}/forces/kent"


def _post(client, path: str, data: dict | None = None, files=None):  # noqa: ANN001, ANN202
    token = csrf_of(client.get(RETURN if "/forces/" in path else "/private/returns"))
    return client.post(path, data={**(data or {}), "csrf_token": token}, files=files)


@pytest.fixture
def opened(app, coordinator):  # noqa: ANN001, ANN201
    response = _post(coordinator, "/private/returns/open",
                     {"year": str(YEAR), "deadline": "2026-12-31", "opens_on": "2026-11-01"})
    assert response.status_code == 303, response.text[:800]
    yield app
    from sqlalchemy import delete
    from sqlalchemy.orm import Session

    from parity.returns.models import ForceReturn, ReportingYear, ReturnEvent

    with Session(app.state.engine) as s:
        for model in (ReturnEvent, ForceReturn, ReportingYear):
            s.execute(delete(model))
        s.commit()


@pytest.fixture
def kent_lead(app):  # noqa: ANN001, ANN201
    with signed_in_client(app, "kent.lead@example.org") as c:
        yield c


@pytest.fixture
def essex(app):  # noqa: ANN001, ANN201
    with signed_in_client(app, "essex.analyst@example.org") as c:
        yield c


def test_no_force_reads_or_changes_another_forces_return(opened, kent_analyst, essex,
                                                          coordinator) -> None:
    assert _post(kent_analyst, RETURN, FORM).status_code == 303
    assert essex.get(RETURN).status_code == 403
    token = csrf_of(essex.get(f"/private/returns/{YEAR}/forces/essex"))
    for path in (RETURN, RETURN + "/submit", RETURN + "/payroll", RETURN + "/reopen"):
        response = essex.post(path, data={**FORM, "csrf_token": token, "comment": "x"})
        assert response.status_code in (400, 403), (path, response.status_code)
        assert "A year of steady progress" not in response.text
    # the analyst cannot submit or accept; the coordinator cannot edit a force's figures
    assert _post(kent_analyst, RETURN + "/submit").status_code == 403
    assert _post(kent_analyst, RETURN + "/accept").status_code == 403
    assert _post(coordinator, RETURN, FORM).status_code == 403
    # the coordinator's desk is the coordinator's
    assert essex.get(f"/private/returns/{YEAR}").status_code == 303
    assert "progress-kent" in coordinator.get(f"/private/returns/{YEAR}").text


def test_nothing_is_public_before_acceptance(opened, kent_analyst, kent_lead, coordinator,
                                             anon) -> None:
    _post(kent_analyst, RETURN, FORM)
    assert _post(kent_lead, RETURN + "/submit").status_code == 303
    for path in (f"/returns/{YEAR}", f"/returns/{YEAR}.json", f"/api/v1/returns/{YEAR}",
                 f"/returns/{YEAR}.csv"):
        assert "14.1" not in anon.get(path).text, path
    assert anon.get(f"/returns/{YEAR}/kent").status_code == 404
    assert anon.get(RETURN).status_code == 303  # to the sign-in page
    assert _post(coordinator, RETURN + "/accept").status_code == 303
    page = anon.get(f"/returns/{YEAR}/kent")
    assert page.status_code == 200
    assert "A. Person" in page.text and "14.1" in page.text
    api = anon.get(f"/api/v1/returns/{YEAR}").json()
    assert [r["force_id"] for r in api["returns"]] == ["kent"]
    assert len(api["not_published"]) == 47
    assert "computed_paygap" not in api["returns"][0]


def test_downloads_equal_the_page_and_cells_cannot_run(opened, kent_analyst, kent_lead,
                                                       coordinator, anon) -> None:
    _post(kent_analyst, RETURN, {**FORM, "signatory.name": "=HYPERLINK(\"x\")"})
    _post(kent_lead, RETURN + "/submit")
    _post(coordinator, RETURN + "/accept")
    csv_text = anon.get(f"/returns/{YEAR}.csv").text
    assert "'=HYPERLINK" in csv_text and "Kent" in csv_text
    book = load_workbook(io.BytesIO(anon.get(f"/returns/{YEAR}.xlsx").content))
    rows = list(book["Returns"].iter_rows(values_only=True))
    header, kent = rows[0], rows[1]
    assert kent[header.index("Median hourly pay gap (%)")] == 14.1
    assert kent[header.index("Signed off by")].startswith("'=")


def test_payroll_figures_must_agree_or_be_explained(opened, kent_analyst, kent_lead,
                                                    tmp_path) -> None:
    extract = write_payroll(tmp_path / "kent-payroll.csv", payroll_rows())
    with extract.open("rb") as f:
        response = _post(kent_analyst, RETURN + "/payroll",
                         files={"extract": ("kent-payroll.csv", f, "text/csv")})
    assert response.status_code == 303, response.text[:800]
    page = kent_analyst.get(RETURN).text
    computed = re.search(r'name="paygap.median_hourly_gap_pct" inputmode="decimal" '
                         r'value="([^"]*)"', page).group(1)
    assert computed, "the empty field was filled from the payroll"
    wrong = {**FORM, "paygap.median_hourly_gap_pct": f"{float(computed) + 2:.1f}"}
    _post(kent_analyst, RETURN, wrong)
    refused = _post(kent_lead, RETURN + "/submit")
    assert refused.status_code == 400 and "payroll gives" in refused.text
    _post(kent_analyst, RETURN, {**wrong, "paygap_reason": "A late correction to April pay."})
    assert _post(kent_lead, RETURN + "/submit").status_code == 303
    trail = kent_lead.get(RETURN).text
    assert "A late correction to April pay." in trail


def test_a_bad_figure_is_named_and_nothing_saved(opened, kent_analyst) -> None:
    response = _post(kent_analyst, RETURN, {**FORM, "paygap.female_upper_pct": "140"})
    assert response.status_code == 400
    assert "paygap.female_upper_pct" in response.text and "from 0 to 100" in response.text
    assert "Nothing has been saved yet." in kent_analyst.get(RETURN).text
