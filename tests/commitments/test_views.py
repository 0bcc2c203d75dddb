"""The commitments pages and API: real figures on the page, JSON equal to the services, bad
input as 400, reads that load nothing, and the force panel."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from parity.bundled import load_bundled
from parity.commitments import defaults, service
from parity.present.responses import to_jsonable
from parity.store import make_engine, session_scope
from parity.store.models import Source
from parity.web.app import CONTENT_SECURITY_POLICY, create_app
from tests.commitments.conftest import MENTORING_URL, at, kent_senior, mentoring_articles
from tests.helpers import drop_pg_database, fresh_pg_with_workforce
from tests.web import test_browser as browser_fixtures
from tests.web.conftest import page
from tests.web.test_browser import browser, server  # noqa: F401 - fixtures of the journey

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def text_of(element) -> str:  # noqa: ANN001
    """The words of an element, without the status marks' symbols (decorative SVG)."""
    return " ".join(" ".join(element.xpath(".//text()[not(ancestor::svg)]")).split())


def _kent_story(engine) -> None:  # noqa: ANN001
    """Kent refines the senior commitment with a 35% target (2020), moves it to 33% (June
    2023), cites an article, and records its 2023 annual report."""
    with Session(engine) as s:
        service.add_commitment(s, data=kent_senior(), by="analyst", at=at(2020, 6, 1))
        service.set_target(s, ref="kent-1", target_value=0.33, target_date="2025-03-31",
                           by="Chief Constable", at=at(2023, 6, 1), note="after review")
        service.link_article(s, ref="kent-1", article="https://example.org/mentoring",
                             by="analyst", note="reverse mentoring", at=at(2023, 7, 1))
        service.record_value(s, ref="national-2019-3", force_id="kent", year=2023, value=1,
                             evidence="Kent gender equality report 2023", by="analyst",
                             at=at(2023, 5, 1))
        s.commit()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(request, tmp_path_factory) -> Iterator[TestClient]:  # noqa: ANN001
    """The app on a database of its own: the workforce table, the national commitments
    (loaded at start-up, as ``parity serve`` does) and Kent's own commitment."""
    pg_name = None
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("cw") / "web.db"
        shutil.copy(request.getfixturevalue("sqlite_templates")["workforce"], path)
        url = f"sqlite:///{path}"
    else:
        pg_name, url = fresh_pg_with_workforce("parity_cw")
    app = create_app(url)
    with session_scope(app.state.engine) as s:
        load_bundled(s, only={"commitments"})
    with TestClient(app) as c:
        _kent_story(app.state.engine)
        yield c
    if pg_name:
        drop_pg_database(pg_name)


@pytest.fixture
def session(client) -> Iterator[Session]:  # noqa: ANN001
    with Session(client.app.state.engine) as s:
        yield s


def _sources(engine) -> int:  # noqa: ANN001
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(Source).where(
            Source.kind == defaults.KIND))


def test_reads_load_nothing_the_start_up_loads_them(sqlite_templates, tmp_path):
    shutil.copy(sqlite_templates["workforce"], tmp_path / "fresh.db")
    app = create_app(f"sqlite:///{tmp_path / 'fresh.db'}")
    with TestClient(app) as c:
        assert not page(c.get("/forces/kent")).xpath("//section[@id='panel-commitments']")
        assert c.get("/api/v1/commitments/status").json() == []
        assert _sources(app.state.engine) == 0  # no read loaded the national commitments
        with session_scope(app.state.engine) as s:  # what `parity serve` does at start-up
            load_bundled(s, only={"commitments"})
        assert _sources(app.state.engine) == 1
        doc = page(c.get("/forces/kent"))
        rows = doc.xpath("//section[@id='panel-commitments']//table[@id='commitments-panel']"
                         "/tbody/tr")
        assert len(rows) == 6  # the panel shows the six national commitments
        assert len(c.get("/api/v1/commitments/status").json()) == 6
        assert _sources(app.state.engine) == 1


def test_national_page_grid_and_counts(client, session):
    doc = page(client.get("/commitments"))
    summary = service.status_summary(session)
    assert summary["totals"] == {"on_track": 67, "at_risk": 4, "off_track": 18,
                                 "no_data": 175}
    cards = doc.xpath("//ul[@id='totals']/li")
    assert [text_of(c.xpath(".//p[@class='card__value']")[0]) for c in cards] == \
        ["67", "4", "18", "175"]
    assert [text_of(c.xpath(".//p[@class='card__label']")[0]) for c in cards] == \
        ["On track", "At risk", "Off track", "No data"]
    counts = {text_of(r[0]): [text_of(c) for c in r[1:]]
              for r in doc.xpath("//table[@id='national-counts']/tbody/tr")}
    assert counts["Senior representation (2019)"] == ["32", "2", "10", "0"]
    assert counts["Middle management (2022)"] == ["35", "1", "8", "0"]
    grid = doc.xpath("//table[@id='status-grid']/tbody/tr")
    assert len(grid) == 44  # 43 territorial forces and British Transport Police
    rows = {text_of(r[0]): [text_of(c) for c in r[1:]] for r in grid}
    # Kent's own commitment (kent-1) stands for the senior one: its target date (31 March
    # 2025) has passed with no figure for it; its 2023 report is at risk (earlier years blank)
    assert rows["Kent"] == ["At risk", "No data", "At risk", "On track", "No data",
                            "No data", "1", "2", "0", "3"]
    assert rows["Avon and Somerset"][3] == "Off track"
    link = grid[0].xpath(".//th/a")[0]
    assert link.get("href") == "/commitments/forces/avon-and-somerset"
    # the status chart is inline, accessible SVG stating the counts
    chart = doc.xpath("//svg[@role='img']")[0]
    desc = chart.xpath(".//*[local-name()='desc']")[0].text
    assert "senior representation (2019): 32 on track, 2 at risk, 10 off track" in desc
    # the national commitments measured for England and Wales, with real figures
    ew = {text_of(r[0]).split(" national-")[0]: [text_of(c) for c in r[1:]]
          for r in doc.xpath("//table[@id='england-and-wales']/tbody/tr")}
    senior = ew["Improve the gender imbalance at senior levels of policing"]
    assert senior[:4] == ["England and Wales", "On track", "26.2% (2019)", "29.7% (2023)"]
    assert "+0.90 pts a year since 2019" in senior[4]


def test_pages_are_their_json(client, session):
    assert client.get("/commitments.json").json() == to_jsonable(
        {"as_of": None, "summary": service.status_summary(session),
         "status": service.status(session)})
    kent = client.get("/commitments/forces/kent.json").json()
    assert kent == to_jsonable({"force": {"id": "kent", "name": "Kent",
                                          "region": "South East"},
                                "as_of": None, "status": service.status(session,
                                                                        force_id="kent")})
    assert client.get("/commitments/forces/kent?format=json").json() == kent
    one = client.get("/commitments/kent-1.json").json()
    assert one["commitment"] == to_jsonable(service.get_commitment(session, ref="kent-1"))
    assert one["history"] == to_jsonable(service.history(session, ref="kent-1"))
    assert one["status"]["ref"] == "kent-1" and one["status"]["area"] == "Kent"


def test_force_page_indicators_chart_and_reason(client):
    doc = page(client.get("/commitments/forces/kent"))
    assert text_of(doc.xpath("//h1")[0]) == "Commitments of Kent"
    brief = {text_of(r[0]).split(" kent-1")[0].split(" national-")[0]: [text_of(c)
             for c in r[1:]] for r in doc.xpath("//table[@id='commitments']/tbody/tr")}
    # kent-1 replaces the national senior commitment for Kent
    assert "Improve the gender imbalance at senior levels of policing" not in brief
    mine = brief["Women are 35% of senior officers by 2025"]
    assert mine[:4] == ["At risk", "22.9%", "31.4%", "33.0%"]
    assert mine[4] == ("The trend (+1.67 pts a year since 2019) reaches the target of 33.0% "
                       "by 31 March 2025 (projected 33.9%), but there is no figure for 2025, "
                       "so it cannot be confirmed.")
    section = doc.xpath("//section[@id='c-kent-1']")[0]
    values = {text_of(r[0]): [text_of(c) for c in r[1:]]
              for r in section.xpath(".//div[@class='split']//table/tbody/tr")}
    assert values["2023"] == ["31.4%", "30.6%"]
    assert values["2019 baseline"] == ["22.9%", "23.9%"]
    assert values["2018"] == ["24.0%", "—"]
    svg = section.xpath(".//svg[@role='img']")[0]
    legend = [t.text for t in svg.xpath(".//*[local-name()='text']")][:4]
    assert legend == ["Kent", "Trend since the baseline", "Projection to the target date",
                      "Target 33.0%"]
    desc = svg.xpath(".//*[local-name()='desc']")[0].text
    assert "target 33.0% by 2025-03-31" in desc and "projected 33.9%" in desc
    figures = [text_of(c) for c in section.xpath(".//table[contains(@class, "
                                                 "'indicator-figures')]/tbody/tr/td")]
    assert figures == ["22.9% (2019)", "31.4% (2023)", "33.0% by 2025-03-31", "84%",
                       "+1.67 pts a year", "33.9%", "+4.66 pts", "+4.42 pts"]
    assert section.xpath(".//a[@href='https://example.org/mentoring']")
    # any spelling of the force goes to its id, keeping the query
    response = client.get("/commitments/forces/Kent Police?as_of=2022-12-31",
                          follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/commitments/forces/kent?as_of=2022-12-31"


def test_as_of_reproduces_a_past_report(client, session):
    """Before June 2023 the target was 35%: the page as of 31 December 2022 says so."""
    past = client.get("/commitments/forces/kent.json", params={"as_of": "2022-12-31"}).json()
    assert past["status"] == to_jsonable(service.status(session, force_id="kent",
                                                        as_of="2022-12-31"))
    mine = next(i for i in past["status"] if i["ref"] == "kent-1")
    assert mine["target"] == 0.35 and mine["latest_year"] == 2022
    assert mine["status"] == "at_risk"
    doc = page(client.get("/commitments/forces/kent", params={"as_of": "2022-12-31"}))
    assert "31 December 2022" in text_of(doc.xpath("//p[@class='lede']")[0])
    row = next(r for r in doc.xpath("//table[@id='commitments']/tbody/tr")
               if "kent-1" in text_of(r[0]))
    assert [text_of(c) for c in row[1:5]] == ["At risk", "22.9%", "26.7%", "35.0%"]
    assert doc.xpath("//input[@name='as_of']")[0].get("value") == "2022-12-31"
    # before Kent made its commitment the national one stands
    early = client.get("/commitments/forces/kent.json", params={"as_of": "2020-01-01"}).json()
    assert [i["ref"] for i in early["status"]][0] == "national-2019-1"


def test_review_page(client, session):
    doc = page(client.get("/commitments/forces/kent/review", params={"as_of": "2023-12-31"}))
    one = {text_of(r[0]).split(" ")[-1]: r for r in
           doc.xpath("//table[@id='review-1']/tbody/tr")}
    changes = text_of(one["kent-1"][6])
    assert "2023-06-01: target moved (Chief Constable)" in changes
    assert "2023-07-01: article linked (analyst)" in changes
    assert [text_of(c) for c in one["kent-1"][1:6]] == ["At risk", "On track (changed)",
                                                        "26.7% (2022)", "31.4% (2023)",
                                                        "+4.66 pts"]
    three = {text_of(r[0]).split(" ")[-1]: r for r in
             doc.xpath("//table[@id='review-3']/tbody/tr")}
    # three years earlier (31 December 2020) kent-1 stood, measured on 2020's figure
    assert [text_of(c) for c in three["kent-1"][1:4]] == ["On track", "On track",
                                                          "27.0% (2020)"]
    data = client.get("/commitments/forces/kent/review.json",
                      params={"as_of": "2023-12-31"}).json()
    for years in (1, 3):
        assert data["reviews"][str(years)] == to_jsonable(service.review(
            session, force_id="kent", years=years, as_of="2023-12-31"))


def test_commitment_page_history(client):
    doc = page(client.get("/commitments/kent-1"))
    assert text_of(doc.xpath("//h1")[0]) == "Women are 35% of senior officers by 2025"
    history = [[text_of(c) for c in r] for r in doc.xpath("//table[@id='history']/tbody/tr")]
    assert [(h[0], h[1], h[3], h[4]) for h in history] == [
        ("1", "2020-06-01", "analyst", "created"),
        ("2", "2023-06-01", "Chief Constable", "target moved"),
        ("3", "2023-07-01", "analyst", "article linked")]
    assert "0.35 → 0.33 (after review)" in history[1][5]
    definition = {text_of(r[0]): text_of(r[1]) for r in
                  doc.xpath("//table[@id='definition']/tbody/tr")}
    assert definition["Scope"] == "Kent, refining national-2019-1"
    # a national commitment measured for a force that refines it points to the refinement
    doc = page(client.get("/commitments/national-2019-1", params={"force": "Kent"}))
    assert doc.xpath("//section[h2[@id='h-status']]//a[@href='/commitments/kent-1']")
    # values entered by hand are in the history
    doc = page(client.get("/commitments/national-2019-3"))
    actions = [text_of(r[4]) for r in doc.xpath("//table[@id='history']/tbody/tr")]
    assert actions == ["created", "value recorded"]


def test_api_is_the_service_output(client, session):
    cases = {
        "/api/v1/commitments?force=Kent": service.list_commitments(session, force_id="Kent"),
        "/api/v1/commitments/status?force=kent&as_of=2023-01-01":
            service.status(session, force_id="kent", as_of="2023-01-01"),
        "/api/v1/commitments/status": service.status(session),
        "/api/v1/commitments/overview?include_btp=false":
            service.overview(session, include_btp=False),
        "/api/v1/commitments/summary": service.status_summary(session),
        "/api/v1/commitments/review?force=Kent&years=3&as_of=2024-03-31":
            service.review(session, force_id="Kent", years=3, as_of="2024-03-31"),
        "/api/v1/commitments/kent-1?as_of=2023-01-01":
            service.get_commitment(session, ref="kent-1", as_of="2023-01-01"),
        "/api/v1/commitments/kent-1/history": service.history(session, ref="kent-1"),
    }
    for url, expected in cases.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.text[:300])
        assert response.json() == to_jsonable(expected), url
    spec = client.get("/api/openapi.json").json()
    assert "/api/v1/commitments/status" in spec["paths"]
    assert not any(p.startswith("/commitments") for p in spec["paths"])


def test_api_matches_the_command(client):
    from tests.cli_runner import parity

    url = str(client.app.state.engine.url.render_as_string(hide_password=False))
    if not url.startswith("sqlite"):
        pytest.skip("the command is run once, on SQLite")
    run = parity("commitments", "status", "--force", "Kent", "--as-of", "2023-12-31",
                 "--json", db_url=url)
    assert run.code == 0, run.stderr
    assert client.get("/api/v1/commitments/status",
                      params={"force": "Kent", "as_of": "2023-12-31"}).json() == run.json()


@pytest.mark.parametrize(("url", "status", "reason"), [
    ("/api/v1/commitments/status?as_of=31/12/2023", 400, "as of '31/12/2023': expected a date"),
    ("/commitments.json?as_of=yesterday", 400, "as of 'yesterday': expected a date"),
    ("/api/v1/commitments/status?force=Atlantis", 400, "unknown force 'Atlantis'"),
    ("/api/v1/commitments/review?years=0", 400, "invalid request"),
    ("/api/v1/commitments/no-such-ref", 400, "unknown commitment 'no-such-ref'"),
    ("/api/v1/commitments/kent-1?as_of=2019-01-01", 400, "kent-1 did not exist on 2019-01-01"),
    ("/commitments/kent-1.json?force=Dorset", 400, "kent-1 is a commitment of kent"),
    ("/commitments/forces/atlantis.json", 404, "unknown force 'atlantis'"),
    ("/commitments/no-such-ref.json", 404, "unknown commitment 'no-such-ref'"),
])
def test_bad_input(client, url, status, reason):
    response = client.get(url)
    assert response.status_code == status, response.text[:300]
    assert response.json()["error"].startswith(reason)


def test_bad_input_page(client):
    response = client.get("/commitments/forces/kent", params={"as_of": "<b>soon</b>"})
    assert response.status_code == 400
    doc = page(response)
    assert "expected a date" in text_of(doc.xpath("//main")[0])
    assert "<b>soon</b>" not in response.text


def test_force_panel_on_the_force_page(client):
    doc = page(client.get("/forces/kent"))
    panel = doc.xpath("//section[@id='panel-commitments']")[0]
    assert text_of(panel.xpath("./h2")[0]) == "Commitments"
    # the force page shows 2023: the commitments as they stood on 30 March 2024
    lead = text_of(panel.xpath(".//p")[0])
    assert lead.startswith("HeForShe commitments as they stood on 30 March 2024: 2 on track, "
                           "1 at risk, 0 off track, 3 without data")
    rows = {text_of(r[0]): text_of(r[1]) for r in panel.xpath(".//tbody/tr")}
    assert rows["Women are 35% of senior officers by 2025 kent-1"] == "On track"
    assert rows["Support the annual reporting of gender equality information national-2019-3"] \
        == "At risk"
    link = panel.xpath(".//a[text()='Women are 35% of senior officers by 2025']")[0]
    assert link.get("href") == "/commitments/forces/kent?as_of=2024-03-30#c-kent-1"


def test_as_of_for_year():
    assert service.as_of_for_year(2023, today=date(2026, 1, 1)) == date(2024, 3, 30)
    assert service.as_of_for_year(2023, today=date(2024, 3, 30)) is None
    assert service.as_of_for_year(2025, today=date(2026, 1, 1)) is None


def test_pages_are_safe_under_the_csp(client):
    for url in ("/commitments", "/commitments/forces/kent", "/commitments/forces/kent/review",
                "/commitments/kent-1", "/commitments/national-2019-1?force=kent"):
        response = client.get(url)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        doc = page(response)
        assert not doc.xpath("//script") and not doc.xpath("//*[@style]"), url
        assert not doc.xpath("//form[@method='post']"), url
        nav = [a.text for a in doc.xpath("//nav//a")]
        assert "Commitments" in nav, url


@pytest.mark.skipif(not (browser_fixtures.CHROMIUM and browser_fixtures.DRIVER),
                    reason="chromium and chromium-driver are not installed")
def test_journey_in_a_real_browser(server, browser, tmp_path, sqlite_url):  # noqa: ANN001, F811
    """Headless Chromium: every force -> Kent's commitments -> one commitment's history, and
    nothing refused by the Content-Security-Policy."""
    from selenium.webdriver.common.by import By

    engine = make_engine(sqlite_url)  # the server's database (started with --no-load)
    with session_scope(engine) as s:
        load_bundled(s, only={"commitments"})
    engine.dispose()
    browser.get(server + "/commitments")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Commitments, force by force"
    grid = browser.find_element(By.ID, "status-grid")
    assert len(grid.find_elements(By.CSS_SELECTOR, "tbody tr")) == 44
    chart = browser.find_element(By.CSS_SELECTOR, "svg.chart")
    assert chart.size["width"] > 300
    browser.save_screenshot(str(tmp_path / "commitments.png"))
    grid.find_element(By.LINK_TEXT, "Kent").click()
    browser_fixtures.wait_until(browser,
                                lambda: browser.current_url.endswith("/commitments/forces/kent"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Commitments of Kent"
    browser.save_screenshot(str(tmp_path / "kent.png"))
    browser.find_element(By.CSS_SELECTOR, "#c-national-2019-1 h2 a").click()
    browser_fixtures.wait_until(browser,
                                lambda: "national-2019-1?force=kent" in browser.current_url)
    rows = browser.find_elements(By.CSS_SELECTOR, "#history tbody tr")
    assert rows and "created" in rows[0].text
    browser.get(server + "/forces/kent")
    panel = browser.find_element(By.ID, "panel-commitments")
    assert "Commitments" in panel.text and "On track" in panel.text
    logs = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not logs, logs


def test_hr_figures_never_reach_the_pages_the_api_or_the_report(sqlite_templates, tmp_path,
                                                                dyfed_extract):
    """A force's commitment measured on its HR extract (private, docs/decisions/0404, 0405):
    the public pages, the API and the report read the same before and after the extract is
    imported, and say why no figure is shown."""
    from parity.commitments import report
    from parity.flows import service as flows
    from parity.flows.importer import import_hr

    shutil.copy(sqlite_templates["workforce"], tmp_path / "hr.db")
    app = create_app(f"sqlite:///{tmp_path / 'hr.db'}")
    urls = ("/commitments/forces/dyfed-powys", "/commitments/dyfed-powys-1",
            "/commitments/forces/dyfed-powys/review", "/forces/dyfed-powys", "/commitments",
            "/api/v1/commitments/status?force=dyfed-powys", "/api/v1/commitments/overview",
            "/commitments/forces/dyfed-powys.json")
    with TestClient(app) as c, Session(app.state.engine) as s:
        service.add_commitment(s, data={
            "ref": "dyfed-powys-1", "force": "Dyfed-Powys", "title": "Fewer women leave",
            "theme": "retention", "made": "2019-06-01",
            "indicators": [{"kind": "flow_rate", "direction": "down",
                            "params": {"rate": "leaving", "sex": "female", "rank": "all"},
                            "baseline_year": 2019, "target_value": 0.05,
                            "target_date": "2027-03-31"}]}, by="analyst", at=at(2019, 6, 1))
        s.commit()

        def shown() -> dict[str, str]:
            out = {url: c.get(url, params={"as_of": "2025-06-30"}).text for url in urls}
            out["report"] = report.section(s, year=2023, force_id="dyfed-powys")["html"]
            return out

        before = shown()
        import_hr(s, path=dyfed_extract, force="Dyfed-Powys")
        s.commit()
        assert flows.rate_series(s, force_id="dyfed-powys", rate="leaving", sex="female",
                                 rank="all")
        after = shown()
        for url, text in after.items():
            assert "Fewer women leave" in text or "dyfed-powys-1" in text, url
            assert text == before[url], url
        assert "own HR records, which are private" in after["/commitments/forces/dyfed-powys"]
        mine = next(i for i in c.get("/api/v1/commitments/status?force=dyfed-powys").json()
                    if i["ref"] == "dyfed-powys-1")
        assert mine["status"] == "no_data" and mine["indicators"][0]["values"] == {}
        assert (mine["target"], mine["target_date"]) == (0.05, "2027-03-31")


def test_a_cited_library_article_is_linked_by_its_title(sqlite_templates, tmp_path):
    from parity.library import service as library
    from parity.library.importer import import_articles

    folder = mentoring_articles(tmp_path)
    shutil.copy(sqlite_templates["workforce"], tmp_path / "lib.db")
    app = create_app(f"sqlite:///{tmp_path / 'lib.db'}")
    with TestClient(app) as c, Session(app.state.engine) as s:
        import_articles(s, path=folder)
        article = library.get_article(s, ref=MENTORING_URL)
        service.ensure_defaults(s)
        service.add_commitment(s, data=kent_senior(), by="analyst", at=at(2020, 6, 1))
        service.link_article(s, ref="kent-1", article=str(article.id), note="since 2021",
                             by="lead", at=at(2021, 4, 1))
        s.commit()
        for url in ("/commitments/kent-1", "/commitments/forces/kent"):
            doc = page(c.get(url))
            [link] = doc.xpath(f"//a[@href='/library/articles/{article.id}']")
            assert text_of(link) == "Reverse mentoring for senior leaders", url
            assert "since 2021" in text_of(link.getparent())
        cited = page(c.get(f"/library/articles/{article.id}"))
        assert cited.xpath("//a[contains(@href, '/commitments/kent-1')]")
