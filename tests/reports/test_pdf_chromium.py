"""The Chromium engine keeps what the report's PDF needs: running headers (a named page per
section), "Page N of M", the contents' page numbers (the contents printed again in the same
browser), bookmarks, a tagged PDF; it fetches nothing from outside the report; and the browser
it drives over the DevTools pipe fails cleanly."""

from __future__ import annotations

import http.server
import os
import re
import shutil
import threading
from pathlib import Path

import pikepdf
import pypdfium2
import pytest

from parity.commitments import service as commitments
from parity.reports import chromium
from parity.reports.chromium import (
    chromium_path,
    css_string,
    prepare,
    start_pages,
    write_pdf_chromium,
)
from parity.reports.devtools import Browser, BrowserError
from parity.reports.service import build_report
from tests.reports import matterhorn

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None,
                                reason="chromium (scripts/debian-packages.txt) missing")


def page_texts(path) -> tuple[list[str], list[str]]:  # noqa: ANN001
    """Each page's text, and the text in its top margin (15 mm)."""
    texts, tops = [], []
    document = pypdfium2.PdfDocument(str(path))
    for page in document:
        width, height = page.get_size()
        text = page.get_textpage()
        texts.append(" ".join(text.get_text_range().split()))
        tops.append(" ".join(text.get_text_bounded(0, height - 15 / 25.4 * 72, width,
                                                   height).split()))
    document.close()
    return texts, tops


def test_css_string_escapes_quotes_backslashes_and_line_ends():
    assert css_string('Avon and Somerset') == '"Avon and Somerset"'
    assert css_string('a "b" \\ c\nd') == '"a \\22 b\\22  \\5c  c d"'


def test_a_force_report_keeps_headers_page_numbers_contents_and_bookmarks(wf_db, tmp_path):
    if wf_db.get_bind().dialect.name != "sqlite":
        pytest.skip("the PDF is checked once (SQLite)")
    commitments.ensure_defaults(wf_db)
    report = build_report(wf_db, year=2023, force="Kent")
    path = tmp_path / "kent.pdf"
    pages = write_pdf_chromium(report.html, path, title="Gender Equality in UK Policing 2023")
    texts, tops = page_texts(path)
    assert len(texts) == pages and 5 <= pages <= 20
    # "Page N of M" on every page after the cover
    for number, text in enumerate(texts[1:], start=2):
        assert f"Page {number} of {pages}" in text
    # the section's title at the top of its pages: the contents, Kent, methods, sources
    assert tops[0] == ""  # the cover has none
    assert tops[1] == "Contents"
    starts = start_pages(path)
    assert tops[starts["force-kent"] - 1] == "Kent"
    assert tops[starts["methods"] - 1] == "Methods, quality and revisions"
    assert tops[-1] == "Sources and licence"
    # the contents give each section's first page, where its heading is
    contents = texts[1]
    for label, ident, heading in (("Kent", "force-kent", "Kent"),
                                  ("2. Methods, quality and revisions", "methods",
                                   "Methods, quality and revisions"),
                                  ("3. Sources and licence", "sources", "Sources and licence")):
        found = re.search(re.escape(label) + r" \.{5,} ?(\d+)", contents)
        assert found, label
        assert int(found.group(1)) == starts[ident]
        assert heading in texts[starts[ident] - 1]
    with pikepdf.open(path) as pdf:
        assert bool(pdf.Root.MarkInfo.Marked) and "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) == "en-GB"
        with pdf.open_outline() as outline:
            titles = [item.title for top in outline.root for item in [top, *top.children]]
    assert {"Contents", "Kent", "Methods, quality and revisions",
            "Sources and licence"} <= set(titles)


@pytest.fixture
def listener():  # noqa: ANN201
    """A server on 127.0.0.1 that notes every path asked of it: (its address, the paths)."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args) -> None:  # noqa: ANN002
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()


def fetching(base: str, secret) -> str:  # noqa: ANN001
    """A page that asks for a stylesheet, images (one a local file) and a frame."""
    return (f'<!doctype html><html lang="en-GB"><head><title>t</title>'
            f'<link rel="stylesheet" href="{base}/style.css"></head><body><h1>Hello</h1>'
            f'<img src="{base}/image.png" alt="x"><img src="{secret.as_uri()}" alt="y">'
            f'<iframe src="{base}/frame"></iframe></body></html>')


def test_nothing_outside_the_report_is_fetched(tmp_path, listener):
    base, asked = listener
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    html = fetching(base, secret)
    assert 'Content-Security-Policy' in prepare(html, None)
    write_pdf_chromium(html, tmp_path / "out.pdf")
    assert asked == []
    assert (tmp_path / "out.pdf").read_bytes()[:5] == b"%PDF-"
    # the working folder is removed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf", "secret.png"]


def test_the_page_fails_every_request_but_its_own_file_without_the_policy(tmp_path, listener):
    """The second barrier: a page opened by `parity.reports.devtools` fetches nothing but the
    file it was asked to print, even from HTML without the Content-Security-Policy."""
    base, asked = listener
    source = tmp_path / "page.html"
    source.write_text(fetching(base, tmp_path / "secret.png"), encoding="utf-8")
    with Browser(chromium_path(), profile=tmp_path / "profile", log=tmp_path / "log",
                 timeout=60) as browser:
        page = browser.page()
        page.open(source)
        page.print(tmp_path / "page.pdf")
    assert asked == []
    assert (tmp_path / "page.pdf").read_bytes()[:5] == b"%PDF-"


def test_a_browser_that_stops_is_an_error_not_a_hang(tmp_path):
    """Chromium gone before it answers: an error naming what was waited for, in time."""
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    with pytest.raises(BrowserError, match="stopped before .*cannot open display"), \
            Browser(str(fake), profile=tmp_path / "profile", log=tmp_path / "log",
                    timeout=60) as browser:
        browser.page()


def test_a_browser_that_never_answers_times_out_and_is_killed(tmp_path):
    """Chromium hung: an error after the timeout, and the process (group) killed on leaving."""
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexec sleep 120\n", encoding="utf-8")
    fake.chmod(0o755)
    with pytest.raises(BrowserError, match="did not answer Target.createTarget within 1 s"), \
            Browser(str(fake), profile=tmp_path / "profile", log=tmp_path / "log",
                    timeout=1) as browser:
        pid = browser.pid
        browser.page()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_when_the_contents_do_not_match_the_whole_report_is_printed_again(tmp_path, monkeypatch):
    """The fallback: the contents' pages cannot be put in place (here: said so), so the same
    browser prints the whole report with the page numbers, and the PDF is PDF/UA-1 still."""
    monkeypatch.setattr(chromium, "_splice", lambda *args: None)
    sections = "".join(f'<section id="s{i}" style="break-before: page"><h2>Part {i}</h2>'
                       f'<p>{"Words. " * 400}</p></section>' for i in range(1, 4))
    html = ('<!doctype html><html lang="en-GB"><head><title>t</title><style>@page { size: A4; '
            'margin: 20mm; @bottom-right { content: "Page " counter(page) " of " '
            'counter(pages) } }</style></head><body><section class="cover"><h1>Book</h1>'
            '</section><section class="toc" id="contents" style="break-before: page">'
            '<h2>Contents</h2><ol>'
            + "".join(f'<li><a href="#s{i}">Part {i}</a></li>' for i in range(1, 4))
            + f'</ol></section>{sections}</body></html>')
    path = tmp_path / "book.pdf"
    pages = write_pdf_chromium(html, path, title="Book")
    texts, _ = page_texts(path)
    starts = start_pages(path)
    for i in range(1, 4):
        found = re.search(rf"Part {i} \.{{5,}} ?(\d+)", texts[1])
        assert found and int(found.group(1)) == starts[f"s{i}"], i
    assert f"Page {pages} of {pages}" in texts[-1]
    assert matterhorn.failures(path) == [] and matterhorn.declares_pdf_ua(path)


def test_a_relative_output_path_prints(tmp_path, monkeypatch):
    """`parity report build --out out/report --pdf`, as `make run` writes it: the PDF's folder
    given relative to the working folder."""
    monkeypatch.chdir(tmp_path)
    html = ('<!doctype html><html lang="en-GB"><head><title>t</title></head><body>'
            '<h1>Relative</h1><p>Printed from a relative path.</p></body></html>')
    pages = write_pdf_chromium(html, Path("out") / "report" / "r.pdf", title="Relative")
    assert pages == 1
    data = (tmp_path / "out" / "report" / "r.pdf").read_bytes()
    assert data[:5] == b"%PDF-"
    # the structure tree's objects are packed in compressed object streams (the national
    # report: 3.2 MB rather than 8.7 MB), not written one by one in plain text
    assert b"/Type /ObjStm" in data and b"/StructElem" not in data
