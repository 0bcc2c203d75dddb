"""The pages show the real figures, parsed from their HTML, on both engines."""

from __future__ import annotations

import pytest

from parity.present.format import pct
from parity.workforce import service
from tests.web.conftest import page, text_of


def test_home_shows_the_national_overview(client, session):
    response = client.get("/")
    assert response.status_code == 200
    doc = page(response)
    overview = service.overview(session)
    assert overview["year"] == 2023
    cards = doc.xpath("//ul[contains(@class, 'cards')]/li")
    assert len(cards) == len(overview["lines"]) == 6
    for card, line in zip(cards, overview["lines"], strict=True):
        label = text_of(card.xpath(".//p[@class='card__label']")[0])
        value = text_of(card.xpath(".//p[@class='card__value']")[0])
        assert (label, value) == (line["label"], pct(line["share_female"]))
    senior = overview["lines"][2]
    assert senior["label"].startswith("Senior leadership")
    assert pct(senior["share_female"]) == "29.7%"
    # the five highest and lowest forces, linked to their pages
    highest = doc.xpath("//table[caption='Highest senior share']//a")
    assert [a.text for a in highest] == [r["force"] for r in overview["senior_highest"]]
    assert highest[0].get("href") == f"/forces/{overview['senior_highest'][0]['force_id']}"
    # charts are inline, accessible SVG
    svgs = doc.xpath("//svg")
    assert len(svgs) >= 2
    for svg in svgs:
        assert svg.get("role") == "img"
        title_id = svg.get("aria-labelledby").split()[0]
        assert svg.xpath(f".//*[@id='{title_id}']")[0].text


def test_force_page_met_senior_share(client):
    doc = page(client.get("/forces/metropolitan-police"))
    assert text_of(doc.xpath("//h1")[0]) == "Metropolitan Police"
    lede = text_of(doc.xpath("//p[@class='lede']")[0])
    assert "24.4%" in lede and "29.7% across England and Wales" in lede
    assert "41st of 43 forces" in lede
    senior_rows = doc.xpath("//section[h2[@id='h-senior']]//tbody/tr")
    first = [text_of(c) for c in senior_rows[0]]
    assert first[:3] == ["2023", "24.4%", "29.7%"]
    positions = [[text_of(c) for c in r] for r in
                 doc.xpath("//section[h2[@id='h-position']]//tbody/tr")]
    assert positions[2] == ["Senior leadership (Chief Inspector and above)", "24.4%", "41st of 43"]
    highlighted = doc.xpath("//section[h2[@id='h-position']]//svg//rect[@fill='#c0580c']")
    assert [r.xpath("./title")[0].text for r in highlighted] == ["Metropolitan Police: 24.4%"]
    # any publisher's spelling redirects to the force's page
    response = client.get("/forces/Metropolitan Police Service", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/forces/metropolitan-police"


def test_league_filters(client, session):
    doc = page(client.get("/league", params={"year": 2015, "group": "senior",
                                             "measure": "headcount"}))
    expected = service.league(session, year=2015, group="senior", measure="headcount")
    rows = doc.xpath("//table[@id='league']/tbody/tr")
    assert len(rows) == len(expected["forces"]) == 43
    for row, want in zip(rows[:5], expected["forces"][:5], strict=True):
        cells = [text_of(c) for c in row]
        assert cells[0] == str(want["position"])
        assert cells[1] == want["force"]
        assert cells[4] == pct(want["share_female"])
    # the filter form shows the choice made
    assert doc.xpath("//select[@name='group']/option[@selected]")[0].get("value") == "senior"
    # specials are counted by headcount only: the page switches the measure itself
    doc = page(client.get("/league", params={"worker_type": "special", "measure": "fte"}))
    assert doc.xpath("//select[@name='measure']/option[@selected]")[0].get("value") == \
        "headcount"


def test_trend_page(client, session):
    doc = page(client.get("/trend", params={"area": "Wales", "group": "all",
                                            "measure": "headcount"}))
    expected = service.trend(session, area="Wales", group="all", measure="headcount")
    rows = {text_of(r[0]): [text_of(c) for c in r] for r in
            doc.xpath("//table[@id='trend']/tbody/tr")}
    assert len(rows) == len(expected["years"]) == 17
    assert rows["2015"][1:4] == ["2,060", "6,862", "30.0%"]


@pytest.mark.parametrize("path", ["/forces/nowhere-at-all", "/no/such/page"])
def test_not_found_is_a_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert text_of(page(response).xpath("//h1")[0]) == "Page not found"


def test_bad_input_is_escaped_and_explained(client):
    response = client.get("/trend", params={"area": "<script>alert(1)</script>"})
    assert response.status_code == 400
    assert "<script>" not in response.text
    doc = page(response)
    assert text_of(doc.xpath("//h1")[0]) == "There is a problem with this request"
    reason = text_of(doc.xpath("//p[@class='notice__reason']")[0])
    assert reason.startswith("Unknown area '<script>alert(1)</script>'")


def test_force_page_title_is_plain_text_and_each_panel_shows_once(client):
    doc = page(client.get("/forces/kent?year=2023"))
    title = doc.xpath("//title")[0].text
    assert title.startswith("Kent, 2023") and "<" not in title
    panels = doc.xpath("//section[contains(@class, 'panel')]/@id")
    assert len(panels) == len(set(panels))
