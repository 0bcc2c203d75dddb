"""Sanitising: scripts, event handlers and javascript: links never survive to a page."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from parity.library import service
from parity.library.render import safe_html, sanitise

from .conftest import ARTICLES

SUSSEX = ARTICLES["sussex/2021-10-01-safer-nights.md"]["url"]

ATTACKS = [
    "<script>alert(1)</script>", "<SCRIPT SRC=//x.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">', '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>', '<a href=" javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>', '<svg onload="alert(1)"></svg>',
    '<p onmouseover="alert(1)">x</p>', '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "[x](javascript:alert(1))", "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>', "<!-- <script>x</script> -->",
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<a href="vbscript:msgbox(1)">x</a>', '<object data="x.swf"></object>',
]
SAFE_BITS = ["Officers met residents.", "## Heading", "- a bullet", "**bold**",
             "[ok](https://www.kent.police.uk/)", "\n\n", "<b>bold</b>", "5 < 6 & 7 > 3"]
_TAG = re.compile(r"<\s*([a-zA-Z]+)([^>]*)>")


def assert_safe(html: str) -> None:
    for name, attrs in _TAG.findall(html):
        assert name.lower() not in {"script", "iframe", "object", "embed", "svg", "style",
                                    "form", "img"}, html
        assert not re.search(r"\bon[a-z]+\s*=", attrs, re.I), html
        assert "style=" not in attrs.lower(), html
        for href in re.findall(r'href="([^"]*)"', attrs):
            assert re.match(r"(https?:|mailto:|#|/|[a-z0-9.-]+$)", href, re.I), html


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ATTACKS + SAFE_BITS), min_size=1, max_size=8))
def test_nothing_dangerous_survives_markdown(pieces):
    assert_safe(safe_html("\n".join(pieces)))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ATTACKS + SAFE_BITS), min_size=1, max_size=8))
def test_nothing_dangerous_survives_html(pieces):
    assert_safe(sanitise("".join(pieces)))


def test_formatting_and_good_links_are_kept():
    html = safe_html("## Support\n\n- **Mentoring**\n- [Network](https://example.org/net)\n")
    assert "<h2>Support</h2>" in html and "<strong>Mentoring</strong>" in html
    assert 'href="https://example.org/net"' in html and 'rel="noopener' in html


def test_article_pages_get_sanitised_html(lib_db):
    html = service.safe_article_html(lib_db, ref=SUSSEX)
    assert_safe(html)
    assert "not welcome" not in html and "steal" not in html
    assert "safety guide" in html and "walk and talk" in html
    detail = service.article_detail(lib_db, ref=SUSSEX)
    assert detail["html"] == html
    assert "not welcome" not in detail["text"]
