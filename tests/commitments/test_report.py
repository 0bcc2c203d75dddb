"""The commitments section of the annual report: national summary, per force table and chart,
sources, and a past year's section unchanged by later edits."""

from __future__ import annotations

from datetime import date

from lxml import html as lxml_html

from parity.commitments import report, service
from parity.reports.sections import discover
from parity.reports.service import build_report
from tests.commitments.conftest import at, kent_senior


def _words(element) -> str:  # noqa: ANN001
    return " ".join(" ".join(element.xpath(".//text()[not(ancestor::svg)]")).split())


def test_the_section_is_found_and_built_into_the_report(wf_db):
    assert discover()["commitments"] is report.section
    service.add_commitment(wf_db, data=kent_senior(), by="analyst", at=at(2020, 6, 1))
    service.set_target(wf_db, ref="kent-1", target_value=0.33, target_date="2025-03-31",
                       by="Chief Constable", at=at(2023, 6, 1))
    # moved after the 2023 report's date: the 2023 report still shows 33%
    service.set_target(wf_db, ref="kent-1", target_value=0.40, target_date="2027-03-31",
                       by="Chief Constable", at=at(2025, 1, 10))
    built = build_report(wf_db, year=2023, force="Kent", with_national=True, today=date(2026, 1, 1))
    doc = lxml_html.fromstring(built.html)

    national = doc.xpath("//div[@id='national-commitments']")[0]
    assert _words(national.xpath("./h3")[0]) == "Commitments: where the forces stand"
    lead = _words(national.xpath(".//p")[0])
    assert "As they stood on 30 March 2024, measured on the figures up to 31 March 2023" in lead
    assert "the 44 forces held 264 commitments: 68 on track, 2 at risk, 18 off track and 176" \
        in lead
    counts = {_words(r[0]).split(" (national-")[0]: [_words(c) for c in r[1:]]
              for r in national.xpath(".//table[1]/tbody/tr")}
    assert counts["Improve the gender imbalance at senior levels of policing"] == \
        ["33", "1", "10", "0"]
    grid = national.xpath(".//table[2]/tbody/tr")
    assert len(grid) == 44
    kent_row = next(r for r in grid if _words(r[0]) == "Kent")
    assert [_words(c) for c in kent_row[1:]] == ["On track", "No data", "No data", "On track",
                                                "No data", "No data", "2", "0", "0", "4"]
    assert national.xpath(".//svg[@role='img']")

    force = doc.xpath("//div[@id='force-kent-commitments']")[0]
    rows = {_words(r[0]).split(" (")[0]: [_words(c) for c in r[1:]]
            for r in force.xpath(".//tbody/tr")}
    assert rows["Women are 35% of senior officers by 2025"] == [
        "On track", "22.9% (2019)", "31.4% (2023)", "33.0% by 2025-03-31",
        "The trend (+1.67 pts a year since 2019) reaches the target of 33.0% by 31 March 2025 "
        "(projected 33.9%)."]
    charts = force.xpath(".//svg[@role='img']")
    assert len(charts) == 2  # the senior (kent-1) and middle-management indicators
    labels = [[t.text for t in c.xpath(".//text")] for c in charts]
    assert sum("Target 33.0%" in chart for chart in labels) == 1

    kent = next(f for f in built.forces if f["force"]["id"] == "kent")
    section = next(s for s in kent["sections"] if s.domain == "commitments")
    assert section.figures["counts"] == {"on_track": 2, "at_risk": 0, "off_track": 0,
                                         "no_data": 4}
    mine = next(c for c in section.figures["commitments"] if c["ref"] == "kent-1")
    assert mine["target"] == 0.33 and mine["refines"] == "national-2019-1"
    assert any("HeForShe" in s and "Open Government Licence v3.0" in s for s in built.sources)


def test_national_figures_equal_the_service(wf_db):
    section = report.section(wf_db, year=2023, force_id=None)
    summary = service.status_summary(wf_db, as_of=date(2024, 3, 30))
    assert section["figures"]["totals"] == summary["totals"]
    assert section["figures"]["forces"]["metropolitan-police"] == \
        {"on_track": 2, "at_risk": 0, "off_track": 0, "no_data": 4}
    # a year whose next snapshot is still to come is reported as of now
    assert report.section(wf_db, year=2030, force_id="kent")["figures"]["as_of"] is None
