"""The PDF as a reader and a screen reader meet it, drawn by either engine: a tagged PDF/UA-1
structure tree with the document language and every chart a Figure whose alternative text
states its numbers, the machine-checkable PDF/UA-1 conditions met (`tests/reports/matterhorn.py`)
and declared; and on the rendered pages no text outside its box, no white text on white (the
bar labels of the 2023 report sat above their bars)."""

from __future__ import annotations

import re
import shutil

import pdfplumber
import pikepdf
import pytest

from parity.commitments import service as commitments
from parity.present.charts import Bar, bar_chart
from parity.reports.chromium import chromium_path, prepare, write_pdf_chromium
from parity.reports.devtools import Browser
from parity.reports.pdf import with_alt_text, write_pdf
from parity.reports.service import build_report
from tests.reports import matterhorn

WHITE = (1, 1, 1)
ENGINES = [
    pytest.param(write_pdf, id="weasyprint"),
    pytest.param(write_pdf_chromium, id="chromium", marks=pytest.mark.skipif(
        shutil.which("chromium") is None, reason="chromium (scripts/debian-packages.txt) missing")),
]


def _colour(value) -> tuple | None:  # noqa: ANN001
    """A fill colour from pdfplumber as RGB in [0, 1] (grey and RGB spaces), or None; a
    pattern (Chromium draws gradients as patterns, named "P9") as ("pattern",): not white."""
    if value is None:
        return None
    if isinstance(value, str) or (isinstance(value, (list, tuple))
                                  and any(isinstance(v, str) for v in value)):
        return ("pattern",)
    value = tuple(float(v) for v in (value if isinstance(value, (list, tuple)) else [value]))
    if len(value) == 1:
        return value * 3
    return value[:3] if len(value) >= 3 else None


def struct_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element of the tag tree, in reading order."""
    out: list = []

    def walk(node) -> None:  # noqa: ANN001
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            out.append(node)
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot.K)
    return out


def white_text_off_its_box(path) -> list[str]:  # noqa: ANN001
    """Characters drawn in white that do not sit wholly on a filled, non-white shape, and
    characters drawn past the page's edges: "page N: 'text'"."""
    problems = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            shapes = [s for s in page.rects + page.curves
                      if s.get("fill") and _colour(s.get("non_stroking_color")) not in
                      (None, WHITE)]
            for ch in page.chars:
                if ch["x0"] < -0.5 or ch["x1"] > page.width + 0.5 or ch["top"] < -0.5 \
                        or ch["bottom"] > page.height + 0.5:
                    problems.append(f"page {page.page_number}: {ch['text']!r} off the page")
                if _colour(ch.get("non_stroking_color")) != WHITE or not ch["text"].strip():
                    continue
                # a glyph's box includes the font's ascent and descent: its middle band must
                # lie on the shape
                mid_top = ch["top"] + (ch["bottom"] - ch["top"]) * 0.3
                mid_bottom = ch["bottom"] - (ch["bottom"] - ch["top"]) * 0.3
                if not any(s["x0"] - 0.5 <= ch["x0"] and ch["x1"] <= s["x1"] + 0.5
                           and s["top"] - 0.5 <= mid_top and mid_bottom <= s["bottom"] + 0.5
                           for s in shapes):
                    problems.append(f"page {page.page_number}: white {ch['text']!r} at "
                                    f"({ch['x0']:.0f}, {ch['top']:.0f}) on no filled shape")
    return problems


@pytest.mark.parametrize("draw", ENGINES)
def test_bar_labels_sit_on_their_bars_at_every_bar_height(tmp_path, draw):
    bars = [Bar(f"Force {i}", 0.1 + i * 0.05) for i in range(8)]
    charts = "".join(str(bar_chart(bars, title=f"Bars {h}", bar_height=h,
                                   reference=("England and Wales", 0.3)))
                     for h in (9, 12, 16, 20))
    html = (f'<!doctype html><html lang="en-GB"><head><title>t</title>'
            f'<style>svg {{ max-width: 100%; height: auto }}</style></head>'
            f'<body><figure style="width: 120mm">{charts}</figure></body></html>')
    path = tmp_path / "bars.pdf"
    draw(html, path, title="Bars")
    assert white_text_off_its_box(path) == []
    with pdfplumber.open(path) as pdf:
        words = [w for p in pdf.pages for w in p.extract_words()]
    assert sum(1 for w in words if w["text"] == "45.0%") == 4  # every value is drawn


@pytest.mark.parametrize("draw", ENGINES)
def test_the_pdf_is_tagged_with_language_alt_text_and_no_stray_text(wf_db, tmp_path, draw):
    if wf_db.get_bind().dialect.name != "sqlite":
        pytest.skip("the PDF is checked once (SQLite)")
    commitments.ensure_defaults(wf_db)  # as `parity report build` loads them first
    report = build_report(wf_db, year=2023, force="Dyfed-Powys")
    path = tmp_path / "report.pdf"
    pages = draw(report.html, path, title="Gender Equality in UK Policing 2023")
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert bool(pdf.Root.MarkInfo.Marked)
        elements = struct_elements(pdf)
        kinds = [str(e.S) for e in elements]
        # headings, tables with header cells and figures, in reading order
        assert kinds.index("/H1") < kinds.index("/H2") < kinds.index("/Table")
        assert "/TH" in kinds and "/Caption" in kinds
        figures = [e for e in elements if e.S == "/Figure"]
        charts = [e for e in figures if "share by year" in str(e.get("/Alt", ""))]
        assert len(figures) >= 6 and len(charts) == 2
        for figure in figures:
            assert str(figure.get("/Alt", "")).strip(), "a figure without alternative text"
        # a chart's alternative text says its numbers: Dyfed-Powys's senior share 2007 and 2023
        senior = next(str(c.Alt) for c in charts if "senior" in str(c.Alt))
        assert re.search(r"Dyfed-Powys: 0\.0% in 2007, 17\.1% in 2023", senior)
        assert len(pdf.pages) == pages
    assert white_text_off_its_box(path) == []
    # the machine-checkable PDF/UA-1 conditions (a Matterhorn Protocol subset) pass, and the
    # PDF says it is PDF/UA-1: WeasyPrint's writer and `parity.reports.pdfua` alike
    assert matterhorn.failures(path) == []
    assert matterhorn.declares_pdf_ua(path)


@pytest.mark.parametrize("draw", ENGINES)
def test_links_lists_and_margins_meet_pdf_ua(tmp_path, draw):
    """What Chromium leaves out of the tags (the margins' page numbers, a list item without a
    body, a link without a description, PDF 2.0's Strong) and WeasyPrint writes itself. (A
    link holding another inline element gets a second annotation from WeasyPrint, tagged as
    a Span: the report's links hold words only.)"""
    html = ('<!doctype html><html lang="en-GB"><head><title>Links</title><style>'
            '@page { size: A4; margin: 20mm; @bottom-right { content: "Page " counter(page) '
            '" of " counter(pages) } } h2 { break-before: page }</style></head><body>'
            '<h1>Links</h1><ol class="toc"><li><a href="#one">One</a></li>'
            '<li><a href="#two">Two</a></li></ol>'
            '<p>See <a href="https://www.gov.uk/">GOV.UK</a> and <strong>this</strong>.</p>'
            '<table><caption>T</caption><tr><th scope="col">A</th><th scope="col">B</th></tr>'
            '<tr><td>1</td><td>2</td></tr></table>'
            '<section id="one"><h2>One</h2><p>1</p></section>'
            '<section id="two"><h2>Two</h2><p>2</p></section></body></html>')
    path = tmp_path / "links.pdf"
    draw(html, path, title="Links")
    assert matterhorn.failures(path) == []
    assert matterhorn.declares_pdf_ua(path)
    with pikepdf.open(path) as pdf:
        described = {str(a.Contents) for page in pdf.pages
                     for a in page.obj.get("/Annots", [])}
        assert str(pdf.open_metadata().get(matterhorn.XMP_TITLE)) == "Links"
    if draw is write_pdf_chromium:
        # a link annotation says where it leads in its link's words
        assert {"One", "Two", "GOV.UK"} <= described


def test_the_checks_find_what_a_plain_tagged_pdf_lacks(tmp_path):
    """The helper is not a rubber stamp: Chromium's print before `parity.reports.pdfua`
    fails it on the conditions that module exists for."""
    if shutil.which("chromium") is None:
        pytest.skip("chromium (scripts/debian-packages.txt) missing")
    html = ('<!doctype html><html lang="en-GB"><head><title>Plain</title><style>@page { '
            '@top-right { content: "Header" } }</style></head><body><h1>Plain</h1>'
            '<ul><li><a href="#x">x</a></li></ul><p id="x"><strong>x</strong></p></body></html>')
    source, path = tmp_path / "plain.html", tmp_path / "plain.pdf"
    source.write_text(prepare(html, None), encoding="utf-8")
    with Browser(chromium_path(), profile=tmp_path / "profile", log=tmp_path / "log",
                 timeout=60) as browser:
        page = browser.page()
        page.open(source)
        page.print(path)
    found = " ".join(matterhorn.failures(path))
    for code in ("01-005", "02-001", "06-001", "09-005", "28-012"):
        assert code in found, code
    assert not matterhorn.declares_pdf_ua(path)


def test_alt_text_adds_the_figures_to_the_title():
    html = ('<html lang="en-GB"><body><svg xmlns="http://www.w3.org/2000/svg" class="chart">'
            '<title id="c-title">Senior share</title><desc>Kent: 30.1% in 2023.</desc></svg>'
            '<p><svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true"><text>✓</text>'
            '</svg> On track</p></body></html>')
    out = with_alt_text(html)
    assert "<title id=\"c-title\">Senior share. Kent: 30.1% in 2023.</title>" in out
    assert "<title>On track</title>" in out
