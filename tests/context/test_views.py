"""The context pages and API on the real published returns and ONS tables, in process (SQLite
and PostgreSQL): real figures on the pages, JSON equal to the services (and to the CLI's
``--json``), bad input a 400 with its reason, and the force panel."""

from __future__ import annotations

import json
import shutil
import warnings
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy.orm import Session

from parity.context import service
from parity.present.jsonable import to_jsonable
from tests.cli_runner import parity
from tests.web.conftest import page, text_of

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from parity.web.app import create_app


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(request, tmp_path_factory) -> Iterator[TestClient]:  # noqa: ANN001
    """The app on a database holding the workforce table, the published pay gap returns and
    the ONS crime tables."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("ctxweb") / "web.db"
        shutil.copy(request.getfixturevalue("ctx_sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("ctx_pg_engine").url.render_as_string(
            hide_password=False)
    with TestClient(create_app(url)) as c:
        yield c


@pytest.fixture
def session(client) -> Iterator[Session]:  # noqa: ANN001
    with Session(client.app.state.engine) as s:
        yield s


def same(payload) -> object:  # noqa: ANN001
    """A service result as written in JSON (as `parity ... --json` writes it)."""
    return json.loads(json.dumps(to_jsonable(payload)))


def cells(doc, row_id: str) -> list[str]:  # noqa: ANN001
    row = doc.xpath(f"//tr[@id='{row_id}']")[0]
    return [text_of(c) for c in row.xpath("./th|./td")]


def test_national_pay_gap_page(client, session):
    doc = page(client.get("/context/paygap"))
    lede = text_of(doc.xpath("//p[@id='lede']")[0])
    assert "2022/23" in text_of(doc.xpath("//p[@class='eyebrow']")[0])
    assert "the median police force published 19.2% (43 forces, from 0.0% to 33.1%)" in lede
    assert "5.0% across 507 public administration employers" in lede
    assert cells(doc, "row-kent") == ["32", "Kent", "21.5%", "12.8%", "28.0%"]
    assert cells(doc, "row-british-transport-police")[1] == "British Transport Police (late)"
    assert text_of(doc.xpath("//p[@id='not-reported']")[0]).startswith(
        "1 of 44 police forces had no return for 2022/23: Merseyside")
    assert text_of(doc.xpath("//*[@id='police-checked']")[0]) == "43"
    assert text_of(doc.xpath("//*[@id='police-failing']")[0]) == "0"
    assert text_of(doc.xpath("//*[@id='all-checked']")[0]) == "10,622"
    assert text_of(doc.xpath("//*[@id='all-impossible']")[0]) == "403"
    assert doc.xpath("//svg[@role='img']")
    data = client.get("/context/paygap.json").json()
    assert data["league"] == same(service.paygap_league(session, snapshot_year=2022))
    assert data["checks_all_employers"]["by_rule"]["figures_have_one_decimal_place"] == 3963


def test_the_checker_finds_the_two_police_problems_of_2020_21(client):
    doc = page(client.get("/context/paygap", params={"year": 2020}))
    rows = [[text_of(c) for c in tr.xpath("./th|./td")]
            for tr in doc.xpath("//table[@id='police-failures']/tbody/tr")]
    assert [(r[0], r[1]) for r in rows] == [
        ("Merseyside Police", "Required figures present"),
        ("North Wales Police", "Median gap not positive when women hold upper half")]
    assert "median gap of 17.3%" in rows[1][2] or "17.3" in rows[1][2]
    assert text_of(doc.xpath("//*[@id='police-failing']")[0]) == "2"
    gaps = text_of(doc.xpath("//p[@id='not-reported']")[0])
    assert gaps.startswith("2 of 44") and "City of London" in gaps and "Gloucestershire" in gaps


def test_a_force_pay_gap_history(client, session):
    doc = page(client.get("/context/paygap/kent"))
    assert text_of(doc.xpath("//p[@id='lede']")[0]) == (
        "Median hourly pay gap 21.5% in 2022/23: 32nd lowest of 43 police forces (median "
        "19.2%); public administration median 5.0%.")
    assert cells(doc, "pos-2017") == ["2017/18", "27.5%", "43rd of 44", "18.5%", "415th of 435",
                                      "7.7%"]
    assert cells(doc, "pos-2023")[:3] == ["2023/24 (partial)", "not yet filed", "—"]
    median = cells(doc, "row-DiffMedianHourlyPercent")
    assert median[0] == "Median hourly pay gap" and median[1:7] == [
        "27.5%", "28.6%", "28.7%", "25.0%", "21.9%", "21.5%"]
    assert cells(doc, "row-filed")[-1] == "not yet filed"
    assert text_of(doc.xpath("//p[@id='late']")[0]) == "No return flagged as submitted late."
    data = client.get("/context/paygap/kent.json").json()
    assert data["history"] == same(service.paygap_history(session, force_id="kent"))
    assert data["positions"] == same(service.paygap_positions(session, force_id="kent"))


def test_late_returns_and_findings_of_a_force(client):
    btp = page(client.get("/context/paygap/british-transport-police"))
    late = text_of(btp.xpath("//p[@id='late']")[0])
    assert "2017/18" in late and "2022/23" in late
    mersey = page(client.get("/context/paygap/merseyside"))
    findings = [text_of(tr.xpath("./th")[0])
                for tr in mersey.xpath("//table[@id='findings']/tbody/tr")]
    assert "2020/21" in findings and "2021/22" in findings
    assert cells(mersey, "row-DiffMedianHourlyPercent")[3] == ""  # no return for 2019/20


def test_force_addresses_take_any_spelling(client):
    moved = client.get("/context/paygap/Kent Police", follow_redirects=False)
    assert moved.status_code == 307 and moved.headers["location"] == "/context/paygap/kent"
    moved = client.get("/context/crime/Devon & Cornwall.json", follow_redirects=False)
    assert moved.headers["location"] == "/context/crime/devon-and-cornwall.json"
    missing = client.get("/context/forces/atlantis")
    assert missing.status_code == 404
    assert "unknown force 'atlantis'" in text_of(page(missing)).lower()


def test_recorded_crime_pages(client, session):
    doc = page(client.get("/context/crime"))
    lede = text_of(doc.xpath("//p[@id='lede']")[0])
    assert lede.startswith("England and Wales: 153,794 offences, 2.73 per 1,000 population "
                           "(+1.5% on the year)")
    assert cells(doc, "row-gloucestershire") == ["1", "Gloucestershire", "1,107", "1.75",
                                                 "+1.8%"]
    # not published: shown as missing, never as zero
    assert cells(doc, "row-greater-manchester") == ["—", "Greater Manchester", "—", "—", "—"]
    assert client.get("/context/crime.json").json() == same(service.crime_league(session))
    stalking = page(client.get("/context/crime", params={"offence": "stalking_and_harassment",
                                                         "period": "2018-03-31"}))
    assert "12 months ending March 2018" in text_of(stalking.xpath("//p[@class='eyebrow']")[0])

    kent = page(client.get("/context/crime/kent"))
    assert cells(kent, "latest-sexual_offences") == [
        "Sexual offences", "6,549", "3.55", "−8.8%", "39th of 41", "2.73", "+1.5%"]
    rows = kent.xpath("//table[@id='periods-sexual_offences']/tbody/tr")
    assert [text_of(c) for c in rows[-1].xpath("./th|./td")] == [
        "December 2019", "6,549", "3.55", "−8.8%", "−633"]
    gm = page(client.get("/context/crime/greater-manchester"))
    assert cells(gm, "latest-sexual_offences")[1:5] == ["—", "—", "—", "—"]
    # the England and Wales figure of that edition leaves Greater Manchester out, and says so
    assert "ending December 2019, leaves out Greater Manchester: no figures were published " \
        "for that area." in text_of(kent.xpath("//p[@id='unpublished']")[0])
    march = service.crime_snapshot(session, force_id="kent", period_end=date(2019, 3, 31))
    assert march["unpublished"] == []
    data = client.get("/context/crime/kent.json").json()
    assert data["periods"] == same(service.crime_history(session, force_id="kent"))
    assert data["latest"] == same(service.crime_snapshot(session, force_id="kent"))


def test_joined_views(client, session):
    doc = page(client.get("/context/forces/kent"))
    assert cells(doc, "t-2018") == ["2018", "27.9%", "24.0%", "28.6%", "14.0%", "25.8%",
                                    "3.56", "7.40", "10.80", "18.16"]
    assert cells(doc, "t-2023")[3] == "not yet filed"
    assert "the crime tables held cover the years ending March 2018 and March 2019" in \
        text_of(doc)
    assert client.get("/context/forces/kent.json").json() == \
        same(service.force_context(session, force_id="kent"))
    national = page(client.get("/context"))
    row = cells(national, "row-kent")
    assert row[0] == "Kent" and row[3:6] == ["21.5%", "12.8%", "28.0%"]
    assert cells(national, "row-merseyside")[3] == "no return"
    assert client.get("/context.json").json() == same(service.national_context(session))


def test_force_panel_on_the_force_page(client):
    doc = page(client.get("/forces/kent"))
    panel = doc.xpath("//section[@id='panel-context']")[0]
    assert text_of(panel.xpath("./h2")[0]) == "Published pay gap and recorded crime"
    assert text_of(panel.xpath(".//*[@id='panel-median-gap']")[0]) == "21.5%"
    crime = [[text_of(c) for c in tr.xpath("./th|./td")]
             for tr in panel.xpath(".//table[@id='panel-crime']/tbody/tr")]
    assert crime[0] == ["Sexual offences", "3.55", "2.73"]
    # the year chosen on the force page picks the pay gap and crime shown beside it
    earlier = page(client.get("/forces/kent", params={"year": 2019}))
    panel = earlier.xpath("//section[@id='panel-context']")[0]
    assert "2019/20" in text_of(panel) and "March 2019" in text_of(panel)
    before = page(client.get("/forces/kent", params={"year": 2012}))
    assert not before.xpath("//section[@id='panel-context']")


def test_api_equals_service(client, session):
    checks = {
        "/api/v1/context/paygap/history?force=Kent Police":
            service.paygap_history(session, force_id="kent"),
        "/api/v1/context/paygap/compare?force=kent&field=DiffMeanHourlyPercent&year=2021":
            service.paygap_comparison(session, force_id="kent", field="DiffMeanHourlyPercent",
                                      snapshot_year=2021),
        "/api/v1/context/paygap/positions?force=north-wales":
            service.paygap_positions(session, force_id="north-wales"),
        "/api/v1/context/paygap/league?year=2019":
            service.paygap_league(session, snapshot_year=2019),
        "/api/v1/context/paygap/checks?force=merseyside":
            service.paygap_checks(session, force_id="merseyside"),
        "/api/v1/context/paygap/checks?police_only=true&year=2020":
            service.paygap_checks(session, police_only=True, snapshot_year=2020),
        "/api/v1/context/paygap/reporting-gaps": service.reporting_gaps(session),
        "/api/v1/context/crime?offence=violence_with_injury&period=2019-03-31":
            service.crime_league(session, offence="violence_with_injury",
                                 period_end=service.crime_periods(session)[2]),
        "/api/v1/context?force=kent": service.force_context(session, force_id="kent"),
        "/api/v1/context?year=2019": service.national_context(session, year=2019),
    }
    for url, expected in checks.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.json() == same(expected), url
    assert "/api/v1/context/paygap/history" in client.get("/api/openapi.json").json()["paths"]


def test_api_is_the_cli_json(client, ctx_sqlite_url):
    if client.app.state.engine.dialect.name != "sqlite":
        pytest.skip("one engine is enough for the CLI comparison")
    run = parity("crime", "--force", "Greater Manchester", "--json", db_url=ctx_sqlite_url)
    assert run.code == 0, run.stderr
    assert client.get("/api/v1/context/crime", params={"force": "Greater Manchester"}).json() \
        == run.json()


def test_bad_input_is_a_400_with_the_reason(client):
    cases = {
        "/api/v1/context/paygap/league?year=1999":
            "no pay gap returns for snapshot year 1999; held: 2017, 2018",
        "/api/v1/context/paygap/league?field=Salary": "unknown pay gap field 'Salary'",
        "/api/v1/context/paygap/history?force=Atlantis": "unknown force 'Atlantis'",
        "/api/v1/context/crime?offence=burglary": "unknown offence 'burglary'",
        "/api/v1/context/crime?period=2019-01-01":
            "no recorded crime for the 12 months ending 01 January 2019",
        "/api/v1/context/paygap/checks": "give a force, a year or police_only=true",
        "/context/crime.json?period=not-a-date": "invalid request",
        "/context/paygap.json?year=2010": "no pay gap returns for snapshot year 2010",
        "/api/v1/context/paygap/compare?force=kent&year=2010":
            "no pay gap returns for snapshot year 2010",
        # the API refuses a year before every source, as the page does
        "/api/v1/context?year=1990": "no workforce, pay gap or crime figures on or before 1990",
        "/context.json?year=1990": "no workforce, pay gap or crime figures on or before 1990",
    }
    for url, reason in cases.items():
        response = client.get(url)
        assert response.status_code == 400, url
        assert response.json()["error"].startswith(reason), (url, response.json())
    html = client.get("/context/paygap", params={"field": "Salary"})
    assert html.status_code == 400
    assert "unknown pay gap field 'salary'" in text_of(page(html)).lower()


def test_pages_without_the_published_data(tmp_path, sqlite_templates):
    """Only the workforce table: the pages say what to import, the force page has no panel."""
    path = tmp_path / "web.db"
    shutil.copy(sqlite_templates["workforce"], path)
    with TestClient(create_app(f"sqlite:///{path}")) as bare:
        response = bare.get("/context/paygap.json")
        assert response.status_code == 400
        error = response.json()["error"]
        assert "pay gap returns held" in error and "parity " not in error
        response = bare.get("/api/v1/context/crime")
        error = response.json()["error"]
        assert "recorded crime held" in error and "parity " not in error
        doc = page(bare.get("/forces/kent"))
        assert not doc.xpath("//section[@id='panel-context']")
