"""The context section of the annual report, in a built report, on the real published returns
and ONS tables (SQLite and PostgreSQL)."""

from __future__ import annotations

from lxml import html as lxml_html

from parity.context import report as context_report
from parity.reports import sections
from parity.reports.service import build_report
from tests.web.conftest import text_of


def test_the_section_is_found():
    assert sections.discover()["context"] is context_report.section


def test_national_and_force_sections_in_a_built_report(ctx_db):
    report = build_report(ctx_db, year=2023, force="North Wales", with_national=True)
    doc = lxml_html.fromstring(report.html)
    national = doc.xpath("//div[@id='national-context']")[0]
    assert national.xpath("./h3")[0].text == "Published gender pay gaps and recorded crime"
    text = text_of(national)
    assert ("In 2022/23 the median police force published a median hourly pay gap of 19.2% "
            "in men's favour (43 forces; middle half 14.7% to 21.6%; from 0.0% to 33.1%), "
            "against 5.0% for the median of 507 public administration employers.") in text
    assert "1 of 44 police forces published no return for 2022/23." in text
    # the checker's totals for police returns, year by year, and the one impossible return
    rows = {text_of(tr.xpath("./th")[0]): [text_of(td) for td in tr.xpath("./td")]
            for tr in national.xpath(".//table[3]/tbody/tr")}
    assert rows["2020/21"] == ["42", "2", "2", "1"]
    assert rows["2022/23"] == ["43", "26", "0", "0"]
    assert "North Wales Police" in text and "median_gap_not_positive_when_women_hold_upper_half" \
        in text
    assert "10,622 employers' returns for 2022/23, 403 fail a rule other than the decimal " \
           "places" in text
    # crime: England and Wales, year ending December 2019 (the latest edition held)
    crime = national.xpath(".//table[@id='context-crime']/tbody/tr")
    assert [text_of(c) for c in crime[0].xpath("./th|./td")][:4] == [
        "Sexual offences", "153,794", "2.73", "+1.5%"]
    assert national.xpath(".//svg[@role='img']")

    wales = doc.xpath("//div[@id='force-north-wales-context']")[0]
    text = text_of(wales)
    assert ("North Wales published a median hourly pay gap of 16.6% and a mean gap of 9.3% "
            "for 2022/23: 16th lowest of 43 police forces on the median gap") in text
    assert "2020/21, median_gap_not_positive_when_women_hold_upper_half" in text
    assert "Recorded crime in the force area, 12 months ending December 2019" in text

    # the joined views: every force side by side, and the force's timeline
    side = {tr.get("id"): [text_of(c) for c in tr.xpath("./th|./td")]
            for tr in national.xpath(".//table[@id='context-side-by-side']/tbody/tr")}
    assert len(side) == 44
    assert side["context-row-north-wales"] == [
        "North Wales", "40.1%", "26.5%", "16.6%", "35.8%", "3.91", "10.29", "10.28"]
    assert side["context-row-merseyside"][3] == "no return"
    assert "Police forces side by side" in text_of(national) and "crime in the 12 months " \
        "ending March 2019: each source at its latest year on or before 2023" in text_of(national)
    timeline = {tr.xpath("./th")[0].text: [text_of(c) for c in tr.xpath("./td")]
                for tr in wales.xpath(".//table[@id='context-timeline-north-wales']/tbody/tr")}
    assert list(timeline) == [str(y) for y in range(2017, 2024)]
    assert timeline["2019"] == ["35.2%", "13.6%", "15.3%", "35.4%", "3.91", "10.29", "10.28"]
    assert timeline["2022"][2] == "16.6%" and timeline["2023"][2] == "not yet filed"
    assert timeline["2020"][4:] == ["—", "—", "—"]  # no crime edition for March 2020
    assert len(wales.xpath(".//svg[@role='img']")) == 2

    figures = context_report.section(ctx_db, year=2023, force_id=None)["figures"]
    assert figures["police_median_gap_pct"] == 19.22
    assert figures["not_reported"] == ["merseyside"]
    assert figures["police_returns_failing"] == {2017: 0, 2018: 0, 2019: 0, 2020: 2, 2021: 1,
                                                 2022: 0}
    force = next(x for x in report.forces[0]["sections"] if x.domain == "context")
    assert force.figures["median_hourly_gap_pct"] == 16.64 and force.figures["position"] == 16
    assert context_report.PAYGAP_SOURCE in report.sources
    assert context_report.CRIME_SOURCE in report.sources


def test_an_earlier_year_uses_the_figures_of_that_time(ctx_db):
    national = context_report.section(ctx_db, year=2019, force_id=None)
    assert national["figures"]["snapshot_year"] == 2019
    assert str(national["figures"]["crime_period_end"]) == "2019-03-31"
    btp = context_report.section(ctx_db, year=2018, force_id="british-transport-police")
    assert btp["figures"]["late"] == [2017]
    assert btp["figures"]["crime_rates"]["sexual_offences"] is None  # BTP: no rates
    assert context_report.section(ctx_db, year=2016, force_id="kent") is None


def test_without_the_published_data_the_report_says_what_to_import(wf_db):
    report = build_report(wf_db, year=2023, force="Kent", with_national=True)
    doc = lxml_html.fromstring(report.html)
    national = doc.xpath("//div[@id='national-context']")[0]
    assert "have not been loaded" in text_of(national) and "parity " not in text_of(national)
    assert not doc.xpath("//div[@id='force-kent-context']")
