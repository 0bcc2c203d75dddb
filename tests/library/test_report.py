"""The library's section of the annual report: shared practice by theme (national), a force's
articles and the figures-check verdicts of its claims, the publication cut-off, and titles
written by others kept as text."""

from __future__ import annotations

from datetime import date

from lxml import html as lxml_html

from parity.library import report, service
from parity.library.importer import import_articles
from parity.library.samples import front_matter_file
from parity.present.format import pct
from parity.reports.sections import discover
from parity.reports.service import build_report

from .conftest import ARTICLES
from .test_views import HOSTILE_MD

HERTS = ARTICLES["hertfordshire/2019-11-22-womens-network.md"]["url"]


def _words(element) -> str:  # noqa: ANN001
    return " ".join(" ".join(element.xpath(".//text()[not(ancestor::svg)]")).split())


def test_the_section_is_built_into_the_report(lib_db):
    from parity.workforce import service as workforce

    assert discover()["library"] is report.section
    built = build_report(lib_db, year=2023, force="Hertfordshire", with_national=True)
    doc = lxml_html.fromstring(built.html)

    national = doc.xpath("//div[@id='national-library']")[0]
    assert _words(national.xpath("./h3")[0]) == "Shared practice"
    assert "holds 8 articles published by forces up to 30 March 2024" in _words(national)
    practice = service.shared_practice(lib_db, per_theme=3, published_to=date(2024, 3, 30))
    rows = national.xpath(".//table[@id='library-shared-practice']/tbody/tr")
    assert [(_words(r[0]), _words(r[1])) for r in rows] == \
        [(t["label"], str(t["articles"])) for t in practice["themes"]]
    vawg = next(r for r in rows if _words(r[0]) == "Violence against women and girls")
    assert "Safer nights: walk and talk patrols in the town centre (Sussex, 1 October 2021)" \
        in _words(vawg)
    assert national.xpath(".//svg[@role='img']")

    force = doc.xpath("//div[@id='force-hertfordshire-library']")[0]
    text = _words(force)
    assert "2 articles from or about the force" in text
    assert "Specialist team for rape and serious sexual offences (2 December 2019" in text
    rows = [[_words(c) for c in r] for r in force.xpath(".//tbody/tr")]
    officers = workforce.representation(lib_db, area="hertfordshire", year=2019, group="all",
                                        measure="fte", worker_type="officer")
    claim = next(r for r in rows if r[2] == "Hertfordshire, 31 March 2019: officers")
    assert claim[1].startswith("Women now make up 32% of our officers")
    assert claim[3] == pct(officers["share_female"]) and claim[5].startswith("matches")
    senior = next(r for r in rows if "senior leadership" in r[2])
    assert "26% of senior leaders" in senior[1] and senior[5].startswith("does not match")
    assert len(rows) == 3

    herts = next(f for f in built.forces if f["force"]["id"] == "hertfordshire")
    section = next(s for s in herts["sections"] if s.domain == "library")
    checks = service.force_figures_checks(lib_db, force="hertfordshire",
                                          published_to=date(2024, 3, 30), limit=5)
    assert section.figures["claims"] == checks["claims"] == 3
    assert (section.figures["matches"], section.figures["does_not_match"]) == \
        (checks["matches"], checks["does_not_match"])
    assert any("Open Government Licence v3.0" in s and "workforce" in s for s in built.sources)
    assert "<script" not in built.html.lower()


def test_articles_after_the_cut_off_are_left_out(lib_db):
    national = report.section(lib_db, year=2019, force_id=None)
    assert national["figures"]["published_to"] == "2020-03-30"
    assert national["figures"]["articles"] == 2  # the two Hertfordshire articles of 2019
    assert report.section(lib_db, year=2019, force_id="kent") is None  # Kent's is of 2022
    kent = report.section(lib_db, year=2022, force_id="kent")
    assert kent["figures"]["articles"] == 1 and kent["figures"]["verdicts"][0]["verdict"] == \
        "matches"
    assert report.section(lib_db, year=2023, force_id="dorset") is None  # no articles


def test_an_empty_library_has_no_section(wf_db):
    assert report.section(wf_db, year=2023, force_id=None) is None
    assert report.section(wf_db, year=2023, force_id="kent") is None


def test_titles_written_by_others_stay_text(lib_db, tmp_path):
    path = tmp_path / "hostile" / "quokka.md"
    path.parent.mkdir()
    path.write_text(front_matter_file(**HOSTILE_MD), encoding="utf-8")
    assert not import_articles(lib_db, path=path.parent).problems
    section = report.section(lib_db, year=2023, force_id="essex")
    doc = lxml_html.fromstring(f"<div>{section['html']}</div>")
    assert not doc.xpath("//script|//img|//iframe")
    assert '<script>alert("title")</script>' in _words(doc)
    assert doc.xpath("//a")[0].get("href") == "https://essex.police.uk/news/2022/03/" \
        "hostile-markdown"
