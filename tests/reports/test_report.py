"""The annual report: real national and force figures in the HTML, on both engines."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from parity.errors import InputError
from parity.reports.service import OGL, build_report, write_report


def text_of(element) -> str:  # noqa: ANN001
    return " ".join(element.text_content().split())


def test_report_holds_the_real_national_and_force_figures(wf_db, tmp_path):
    report = build_report(wf_db, year=2023, force="Metropolitan Police Service", with_national=True)
    assert report.force_ids == ["metropolitan-police"]
    doc = lxml_html.fromstring(report.html)
    assert text_of(doc.xpath("//h1")[0]) == "Gender Equality in UK Policing"
    keys = [text_of(k.xpath("./strong")[0]) for k in doc.xpath("//div[@class='keys']/div")]
    # officers all / middle / senior (FTE), staff, PCSOs (FTE), specials (headcount), 2023
    assert keys == ["34.7%", "26.9%", "29.7%", "63.0%", "47.2%", "26.2%"]
    met = doc.xpath("//section[@id='force-metropolitan-police']")[0]
    lede = text_of(met.xpath(".//p[@class='lede']")[0])
    assert "24.4% of its senior leaders" in lede and "41st of 43 forces" in lede
    senior_row = [text_of(c) for c in met.xpath(".//table[1]/tbody/tr")[2]]
    assert senior_row[1:5] == ["165.8 of 679.0", "24.4%", "29.7%", "41st"]
    # national table of every territorial force, charts with titles, contents, sources
    national = doc.xpath("//section[@id='national']")[0]
    assert len(national.xpath(".//table[@class='compact']/tbody/tr")) == 43
    titles = [t.text for t in doc.xpath("//svg/title")]
    assert any(t.startswith("Share of women among police officers, senior") for t in titles)
    assert doc.xpath("//a[@href='#force-metropolitan-police']")
    sources = text_of(doc.xpath("//section[@id='sources']")[0])
    assert OGL in sources and "Home Office" in sources
    assert doc.xpath("//section[@id='methods']//dt[.='Senior leadership']")
    assert not doc.xpath("//script")
    written = write_report(report, out_dir=tmp_path)
    assert written["html"].endswith("gender-equality-in-uk-policing-2023.html")
    assert written["pdf"] is None


def test_every_force_has_a_section_in_order(wf_db):
    if wf_db.get_bind().dialect.name != "sqlite":
        pytest.skip("the full build is checked once (SQLite); PostgreSQL builds one force above")
    seen = []
    report = build_report(wf_db, year=2019, on_force=seen.append)
    doc = lxml_html.fromstring(report.html)
    ids = [s.get("id") for s in doc.xpath("//section[contains(@class, 'force')]")
           if s.get("id", "").startswith("force-")]
    assert len(ids) == len(seen) == 44
    assert ids[0] == "force-avon-and-somerset" and ids[-1] == "force-british-transport-police"
    assert seen[0] == "Avon and Somerset"
    btp = doc.xpath("//section[@id='force-british-transport-police']")[0]
    assert "National force" in text_of(btp.xpath(".//p[@class='eyebrow']")[0])


def test_a_year_without_data_is_bad_input(wf_db):
    with pytest.raises(InputError, match=r"no workforce data for 31 March 1999 \(years held: "
                                         r"2007 to 2023\)"):
        build_report(wf_db, year=1999)
    with pytest.raises(InputError, match="unknown force 'Gotham'"):
        build_report(wf_db, year=2023, force="Gotham")
