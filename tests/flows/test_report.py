"""The flows section of the annual report: projections from the official stock, national and
per force, with charts, sources and the OGL attribution; never a force's HR extract."""

from __future__ import annotations

import numpy as np
from lxml import html as lxml_html

from parity.flows import outlooks, projection, report, service, simulations
from parity.flows.defaults import RUNS
from parity.flows.importer import import_hr
from parity.present.format import pct
from parity.reports.service import build_report


def _text(fragment: str) -> str:
    return " ".join(lxml_html.fromstring(f"<div>{fragment}</div>").text_content().split())


def test_national_section_has_every_force_and_england_and_wales(wf_db):
    got = report.section(wf_db, year=2023, force_id=None)
    assert got["title"] == "Projections to parity"
    doc = lxml_html.fromstring(f"<div>{got['html']}</div>")
    rows = doc.xpath("//table/tbody/tr")
    assert len(rows) == 43
    cells = [" ".join(c.text_content().split()) for c in rows[0].xpath("th|td")]
    # Avon and Somerset, 31 March 2023, headcount: 31.6% of senior officers are women.
    assert cells[:3] == ["Avon and Somerset", "31.6%", "37.4%"]
    national = got["figures"]["national"]
    assert national["share_female_senior_start"] == outlooks.outlook_row(outlooks.public_outlook(
        wf_db, area="England and Wales", from_year=2023, years=30, runs=RUNS))[
        "share_female_senior_start"]
    assert pct(national["share_female_senior_start"]) == "29.7%"
    assert "from 29.7% to " + pct(national["share_female_senior_end"]) in _text(got["html"])
    assert len(doc.xpath("//svg[@role='img']")) == 3
    assert any("Open Government Licence v3.0" in s for s in got["sources"])
    assert got["figures"]["forces"]["city-of-london"]["parity_year"]["baseline"] == 2023


def test_force_section_figures_and_chart(wf_db):
    got = report.section(wf_db, year=2023, force_id="kent")
    assert got["title"] == "Projection to parity"
    text = _text(got["html"])
    assert "in Kent is projected to go from 31.7% (headcount) to " + pct(
        got["figures"]["share_female_senior_end"]) in text
    assert "Women promoted and leaving at men's rates" in text
    assert got["html"].count('role="img"') == 2
    assert got["figures"]["rates_source"] == "national defaults"


def test_no_section_for_a_year_without_figures(wf_db):
    assert report.section(wf_db, year=1990, force_id=None) is None
    assert report.section(wf_db, year=1990, force_id="kent") is None


def test_section_ignores_a_force_extract(wf_db, synth_files):
    before = report.section(wf_db, year=2023, force_id="dyfed-powys")
    import_hr(wf_db, path=synth_files["dyfed-powys"], force="dyfed-powys")
    wf_db.flush()
    assert service.project(wf_db, area="Dyfed-Powys", from_year=2023, years=5, runs=20)[
        "rates_source"].startswith("Dyfed-Powys HR extract")
    after = report.section(wf_db, year=2023, force_id="dyfed-powys")
    assert after["html"] == before["html"] and after["figures"] == before["figures"]
    assert "HR extract" not in after["html"]


def test_the_section_is_in_a_built_report(wf_db):
    built = build_report(wf_db, year=2023, force="Kent", with_national=True)
    doc = lxml_html.fromstring(built.html)
    headings = [" ".join(h.text_content().split()) for h in doc.xpath("//h2|//h3")]
    assert "Projections to parity" in headings and "Projection to parity" in headings
    assert any("Police officer uplift" in s for s in built.sources)


def test_outlooks_worked_out_ahead_in_workers_equal_those_worked_out_here(wf_db, monkeypatch):
    """`report.prepare` starts the national outlooks in worker processes; what the section then
    takes from them is what the same projection gives in this process."""
    areas = ["England and Wales", "kent", "essex", "dyfed-powys", "city-of-london"]
    monkeypatch.setenv("PARITY_CACHE_DIR", "none")  # nothing kept: both worked out
    outlooks._OUTLOOKS.clear()
    here = {a: outlooks.public_outlook(wf_db, area=a, from_year=2023, years=12, runs=60)
            for a in areas}
    outlooks._OUTLOOKS.clear()
    outlooks.start(wf_db, areas=areas, from_year=2023, years=12, runs=60)
    try:
        assert len(simulations._PENDING) == len(areas)  # handed to the workers
        ahead = {a: outlooks.public_outlook(wf_db, area=a, from_year=2023, years=12, runs=60)
                 for a in areas}
        assert simulations._PENDING == {}  # every job taken, none worked out again here
    finally:
        simulations.stop()
        outlooks._OUTLOOKS.clear()
    assert ahead == here
    assert ahead["kent"]["scenarios"][0]["years"] != ahead["essex"]["scenarios"][0]["years"]


def test_a_job_is_taken_only_for_its_own_inputs():
    stock = np.array([[900, 400, 0], [200, 60, 0], [60, 15, 0], [20, 5, 0], [8, 2, 0],
                      [3, 1, 0], [1, 0, 0]])
    rates = projection.Rates.defaults()
    args = {"from_year": 2023, "years": 5, "runs": 20, "seed": 0, "target": None}
    one = simulations.key("Kent", stock, rates, [projection.Scenario()], **args)
    other = simulations.key("Kent", stock + 1, rates, [projection.Scenario()], **args)
    assert one != other
    assert simulations.take(one) is None  # nothing started: worked out where asked
