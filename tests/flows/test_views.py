"""The flows pages and API: projections from the official stock on the public site, real
figures on the page, JSON equal to the service, bad input refused, HR extracts kept private."""

from __future__ import annotations

import warnings

import pytest
from lxml import html as lxml_html
from sqlalchemy.orm import Session

from parity.flows import outlooks, service, views
from parity.flows.defaults import RUNS
from parity.flows.importer import import_hr
from parity.flows.projection import Scenario
from parity.present.format import pct
from parity.present.responses import to_jsonable
from parity.store import make_engine
from tests.cli_runner import parity
from tests.web.conftest import client, page, session, text_of  # noqa: F401

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

QUICK = "runs=60&years=20"


def cells(row) -> list[str]:  # noqa: ANN001
    return [text_of(c) for c in row.xpath("th|td")]


def _national(session, **kw):  # noqa: ANN001, ANN003, ANN202, F811
    return service.public_projection(session, area="England and Wales", from_year=2023,
                                     years=20, runs=60, **kw)


def test_national_page_shows_the_projection_with_real_figures(client, session):  # noqa: F811
    doc = page(client.get(f"/flows?{QUICK}"))
    expected = _national(session)
    lede = text_of(doc.xpath("//p[@id='lede']")[0])
    # England and Wales, 31 March 2023, headcount: women are 29.7% of senior officers.
    assert "from 29.7% (headcount) on 31 March 2023" in lede
    assert pct(expected["years"][-1]["share_female"]["senior"]) in lede
    assert "not to reach their share of all officers within 20 years" in lede
    # Only scenarios whose results differ: with national default rates, giving women men's
    # promotion or leaving rates changes nothing, and the page says so.
    cards = doc.xpath("//ul[@id='scenario-cards']/li")
    distinct = views.distinct_scenarios(expected["scenarios"])
    assert [c.get("data-scenario") for c in cards] == [s["name"] for s in distinct]
    assert len(cards) < len(expected["scenarios"])
    assert "the same results as current rates" in text_of(doc.xpath("//p[@id='same-scenarios']")[0])
    assert len(doc.xpath("//div[@id='scenario-charts']//svg[@role='img']")) == len(distinct)
    rows = doc.xpath("//table[@id='scenarios']/tbody/tr")
    half = next(r for r in rows if r.get("data-scenario") == "recruits_half_women")
    sc = next(s for s in expected["scenarios"] if s["name"] == "recruits_half_women")
    assert pct(sc["years"][-1]["share_female"]["senior"]) in text_of(half)
    assert "Projections" in [a.text for a in doc.xpath("//nav//a")]


def test_page_json_and_api_equal_the_service(client, session):  # noqa: F811
    assert client.get(f"/flows.json?{QUICK}").json() == to_jsonable(_national(session))
    url = (f"/api/v1/flows/project?area=Kent&{QUICK}&recruit_share_female=0.5"
           "&equal_promotion=true&target=0.4")
    chosen = Scenario("chosen", "Chosen scenario", 0.5, True, False, 1.0)
    expected = service.public_projection(session, area="Kent", from_year=2023, years=20,
                                         runs=60, scenario=chosen, target=0.4)
    got = client.get(url).json()
    assert got == to_jsonable(expected)
    assert got["scenario"]["name"] == "chosen" and len(got["scenarios"]) == 6
    assert got["rates_source"] == "national defaults"
    page_json = client.get(f"/flows/projection.json?area=kent&{QUICK}&recruit_share_female=0.5"
                           "&equal_promotion=on&target=0.4").json()
    assert page_json == got
    chart = client.get(f"/api/v1/flows/chart?area=Wales&group=middle&{QUICK}").json()
    assert chart == to_jsonable(service.chart_data(service.public_projection(
        session, area="Wales", from_year=2023, years=20, runs=60), group="middle"))


def test_area_page_keeps_the_chosen_scenario_in_the_form(client):  # noqa: F811
    doc = page(client.get(f"/flows/projection?area=Dorset&{QUICK}&recruit_share_female=0.55"
                          "&equal_leaving=true&intake=1.2"))
    assert doc.xpath("//select[@id='f-area']/option[@selected]")[0].text == "Dorset"
    assert doc.xpath("//select[@id='f-recruit_share_female']/option[@selected]")[0].get(
        "value") == "0.55"
    assert doc.xpath("//select[@id='f-equal_leaving']/option[@selected]")[0].get(
        "value") == "true"
    cards = doc.xpath("//ul[@id='scenario-cards']/li[contains(@class, 'card--accent')]")
    assert cards[0].get("data-scenario") == "chosen"
    assert "Dorset" in text_of(doc.xpath("//h1")[0])


@pytest.mark.parametrize(("query", "words"), [
    ("runs=5000", "parameter runs: expected a number of runs from 1 to 1,000, got '5000'"),
    ("years=0", "parameter years"),
    ("area=Atlantis", "unknown area 'Atlantis'"),
    ("recruit_share_female=1.5", "parameter recruit_share_female"),
    ("equal_promotion=maybe", "expected true or false"),
    ("from=1990", "parameter from: expected a year from 2007 to 2023"),
    ("target=x", "parameter target"),
])
def test_bad_settings_are_a_400_with_the_reason(client, query, words):  # noqa: F811
    answer = client.get(f"/api/v1/flows/project?{query}")
    assert answer.status_code == 400
    assert words in answer.json()["error"]
    shown = client.get(f"/flows/projection?{query}")
    assert shown.status_code == 400 and words.lower() in text_of(page(shown)).lower()


def test_several_bad_settings_are_all_named(client):  # noqa: F811
    answer = client.get("/api/v1/flows/project?runs=0&years=x&intake=-1")
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "3 problems with the projection's settings"
    assert [p.split(":")[0] for p in body["problems"]] == [
        "parameter years", "parameter runs", "parameter intake"]


def test_force_panel_shows_the_projected_parity_year(client, session):  # noqa: F811
    doc = page(client.get("/forces/kent"))
    panel = doc.xpath("//section[@id='panel-flows']")[0]
    assert text_of(panel.xpath("h2")[0]) == "Projection to parity"
    expected = service.public_projection(session, area="kent", from_year=2023,
                                         years=outlooks.YEARS, runs=RUNS,
                                         side_by_side=False)
    text = text_of(panel)
    # Kent, 31 March 2023, headcount: 31.7% of senior officers are women.
    assert "from 31.7% to " + pct(expected["years"][-1]["share_female"]["senior"]) in text
    # the headline above is on FTE (31.4%); the panel says which measure its "from" figure uses
    assert "counted by headcount (people, where the figures above count full-time " in text
    lede = text_of(doc.xpath("//p[@class='lede']")[0])
    assert "31.4%" in lede and "FTE" in lede
    words = text_of(panel.xpath(".//p[@id='flows-panel-parity']")[0])
    assert words == (str(expected["parity_year"]) if expected["parity_year"]
                     else "not within 30 years")
    assert panel.xpath(".//svg[@role='img']")


def test_forces_page_lists_every_force(client, session):  # noqa: F811
    if client.app.state.engine.dialect.name != "sqlite":
        pytest.skip("44 projections: once is enough")
    doc = page(client.get("/flows/forces"))
    rows = doc.xpath("//table[@id='forces']/tbody/tr")
    assert len(rows) == 43
    kent = next(r for r in rows if r.get("data-force") == "kent")
    assert cells(kent)[:3] == ["Kent", "31.7%", "34.6%"]
    # City of London's senior share (32.3%) is already above its all-officer share (24.7%).
    city = next(r for r in rows if r.get("data-force") == "city-of-london")
    assert cells(city)[4:6] == ["2023", "100%"]
    expected = outlooks.forces_outlook(session, from_year=2023, years=30, runs=views.FORCES_RUNS)
    assert client.get("/flows/forces.json").json() == to_jsonable(expected)
    assert client.get("/api/v1/flows/forces?from=2023").json() == to_jsonable(expected)


def test_api_is_documented(client):  # noqa: F811
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/v1/flows/project", "/api/v1/flows/chart", "/api/v1/flows/forces"} <= set(paths)
    assert not any(p.startswith("/flows") for p in paths)


def test_api_equals_the_cli_for_an_area_without_an_extract(client, sqlite_url):  # noqa: F811
    if client.app.state.engine.dialect.name != "sqlite":
        pytest.skip("the CLI runs on SQLite here")
    out = parity("project", "--area", "Gwent", "--from", "2023", "--years", "10", "--runs",
                 "40", "--equal-leaving", "--json", db_url=sqlite_url)
    assert out.code == 0, out.stderr
    api = client.get("/api/v1/flows/project?area=Gwent&from=2023&years=10&runs=40"
                     "&equal_leaving=true").json()
    assert api == out.json()


# --- private data -------------------------------------------------------------------------------

@pytest.fixture
def with_extract(sqlite_url, synth_files):  # noqa: ANN001, ANN201
    """A database whose Dyfed-Powys HR history (synthetic) is held, and an app on it."""
    engine = make_engine(sqlite_url)
    with Session(engine) as s:
        import_hr(s, path=synth_files["dyfed-powys"], force="dyfed-powys")
        s.commit()
    with TestClient(views_app(sqlite_url)) as c, Session(engine) as s:
        yield c, s
    engine.dispose()


def views_app(url: str):  # noqa: ANN201
    from parity.web.app import create_app

    return create_app(url)


def test_public_pages_never_use_a_force_extract(with_extract):
    app, s = with_extract
    own = service.project(s, area="Dyfed-Powys", from_year=2023, years=10, runs=40)
    assert own["rates_source"].startswith("Dyfed-Powys HR extract")
    public = app.get("/api/v1/flows/project?area=Dyfed-Powys&years=10&runs=40").json()
    assert public["rates_source"] == "national defaults"
    assert public["rates"] != own["rates"]
    assert public == to_jsonable(service.public_projection(
        s, area="Dyfed-Powys", from_year=2023, years=10, runs=40))
    for url in ("/flows/projection?area=Dyfed-Powys&runs=40", "/forces/dyfed-powys"):
        text = app.get(url).text
        assert "HR extract" not in text and "national defaults" in text
    assert not [r.path for r in app.app.routes if "private" in getattr(r, "path", "")]


def test_private_fragment_shows_a_force_own_flows_suppressed(with_extract):
    _, s = with_extract
    flows = service.flows(s, force_id="dyfed-powys", year=2022)
    fragment = lxml_html.fromstring(str(views.private_flows_fragment(
        s, force_id="Dyfed-Powys", year=2022)))
    rows = fragment.xpath("//table[@id='flows-table']/tbody/tr")
    assert len(rows) == 2 * len(flows["ranks"])
    constables_women = cells(rows[0])
    cell = flows["ranks"][0]["female"]
    assert constables_women[:3] == ["Constable", "Women", f"{cell['start']:,}"]
    assert pct(cell["leaving_rate"]) in constables_women
    small = [(r, sex) for r in flows["ranks"] for sex in ("female", "male")
             if r[sex]["suppressed"]]
    assert small, "Dyfed-Powys has ranks of fewer than 10 women"
    assert text_of(fragment).count("[c]") >= len(small) * 8
    assert fragment.xpath("//table[@id='flows-reconciliation']//tr")
    assert fragment.xpath("//table[@id='flows-pipeline']/tbody/tr")
