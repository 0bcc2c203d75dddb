"""Security basics: a strict CSP on every response, no scripts, nothing loaded from elsewhere."""

from __future__ import annotations

from parity.web.app import CONTENT_SECURITY_POLICY
from tests.web.conftest import page

PAGES = ["/", "/forces", "/forces/dyfed-powys", "/league", "/trend", "/about", "/api/docs"]


def test_every_page_is_self_contained_under_a_strict_csp(client):
    for path in PAGES + ["/api/v1/overview", "/no-such-page"]:
        response = client.get(path)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'none'" in CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY
    for path in PAGES:
        doc = page(client.get(path))
        assert not doc.xpath("//script"), path
        assert not doc.xpath("//*[@style]"), path  # inline styles would break the CSP
        for attr in ("src", "href"):
            for element in doc.xpath(f"//link[@{attr}] | //img[@{attr}]"):
                assert element.get(attr).startswith("/"), (path, element.get(attr))
    assert client.get("/static/parity.css").status_code == 200
    head = client.head("/league")
    assert head.status_code == 200 and head.headers["content-type"].startswith("text/html")


def test_force_names_and_queries_are_escaped(client):
    response = client.get("/forces", params={"q": '"><img src=x onerror=alert(1)>'})
    assert response.status_code == 200 and "No force matches" in response.text  # a search
    assert "<img src=x" not in response.text
    assert "&lt;img" in response.text or "&#34;&gt;&lt;img" in response.text
