"""A domain's ``report.py`` section is found and placed, escaped, without editing reports/."""

from __future__ import annotations

import sys

import pytest
from lxml import html as lxml_html

import parity
from parity.reports import sections
from parity.reports.service import build_report

REPORT = '''
from pathlib import Path

from parity.present.templating import clean_html, render_fragment
from parity.workforce import service


def section(session, *, year, force_id):
    if force_id == "city-of-london":
        return None
    years = service.years_available(session)
    body = render_fragment(Path(__file__).parent / "templates", "part.html",
                           force_id=force_id, years=years,
                           note="<script>alert(1)</script> & more",
                           article=clean_html('<p onclick="x()">Shared <em>practice</em></p>'
                                              '<script>bad()</script>'))
    return {"title": "Demo pledges", "html": body, "figures": {"years": len(years)},
            "sources": ["Demo source, Open Government Licence v3.0."]}
'''
TEMPLATE = '''<p class="demo">{{ force_id or "national" }}: {{ years|length }} years; {{ note }}</p>
{{ article }}'''
BROKEN = '''
def section(session, *, year, force_id):
    return {"html": "no title"}
'''


@pytest.fixture
def demo_domain(tmp_path):  # noqa: ANN201
    def make(source: str) -> None:
        package = tmp_path / "zz_demo"
        (package / "templates").mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").write_text("")
        (package / "report.py").write_text(source)
        (package / "templates" / "part.html").write_text(TEMPLATE)

    parity.__path__.append(str(tmp_path))
    yield make
    parity.__path__.remove(str(tmp_path))
    for name in [m for m in sys.modules if m.startswith("parity.zz_demo")]:
        del sys.modules[name]


def test_domain_sections_are_placed_nationally_and_per_force(wf_db, demo_domain):
    demo_domain(REPORT)
    assert "zz_demo" in sections.discover()
    report = build_report(wf_db, year=2023, force="Kent", with_national=True)
    doc = lxml_html.fromstring(report.html)
    national = doc.xpath("//div[@id='national-zz_demo']")[0]
    assert national.xpath("./h3")[0].text == "Demo pledges"
    assert national.xpath(".//p[@class='demo']")[0].text.startswith("national: 17 years")
    kent = doc.xpath("//div[@id='force-kent-zz_demo']")[0]
    assert kent.xpath(".//p[@class='demo']")[0].text.startswith("kent: 17 years")
    assert not doc.xpath("//script")  # escaped by the template, or removed by clean_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in report.html
    assert "<em>practice</em>" in report.html and "onclick" not in report.html
    assert "Demo source, Open Government Licence v3.0." in report.sources
    demo = [x for x in report.forces[0]["sections"] if x.domain == "zz_demo"]
    assert demo[0].figures == {"years": 17}
    city = build_report(wf_db, year=2023, force="City of London", with_national=True).forces[0]["sections"]
    assert not [x for x in city if x.domain == "zz_demo"]


def test_a_malformed_section_fails_the_build(wf_db, demo_domain):
    demo_domain(BROKEN)
    with pytest.raises(TypeError, match="parity.zz_demo.report.section must return None or "
                                        "a dict with 'title' and 'html'"):
        build_report(wf_db, year=2023, force="Kent", with_national=True)


LAST = '''
import parity.reports.sections as _sections

GATHERED_LAST = True
ASKED = []


def section(session, *, year, force_id):
    # what had been asked for when this domain is: every other domain's section of every place
    ASKED.append((force_id, len(_sections._ASKED_SO_FAR)))
    return {"title": "Asked last", "html": "<p class='last'>" + (force_id or "national") + "</p>"}
'''


def test_a_domain_gathered_last_is_asked_after_the_others_and_keeps_its_place(
        wf_db, demo_domain, monkeypatch):
    # without GATHERED_LAST, the demo domain (last by name) would be asked for in the national
    # part before any of Kent's sections
    asked: list = []
    monkeypatch.setattr(sections, "_ASKED_SO_FAR", asked, raising=False)
    collect = sections.collect

    def counting(session, functions, *, year, force_id):  # noqa: ANN001, ANN202
        asked.extend((d, force_id) for d in functions if d != "zz_demo")
        return collect(session, functions, year=year, force_id=force_id)

    monkeypatch.setattr(sections, "collect", counting)
    demo_domain(LAST)
    first, last = sections.split(sections.discover())
    assert "zz_demo" in last and "zz_demo" not in first and "flows" in last
    report = build_report(wf_db, year=2023, force="Kent", with_national=True)
    module = sys.modules["parity.zz_demo.report"]
    everything = len(first) * 2  # the national part and Kent's, every domain asked first
    assert [n for _, n in module.ASKED] and all(n >= everything for _, n in module.ASKED)
    # in its place all the same: the domains' order (by name), the section last of Kent's
    kent = [s.domain for s in report.forces[0]["sections"]]
    assert kent == sorted(kent) and kent[-1] == "zz_demo"
    doc = lxml_html.fromstring(report.html)
    assert doc.xpath("//div[@id='force-kent-zz_demo']//p[@class='last']")[0].text == "kent"
