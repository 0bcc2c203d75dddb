"""The public pages a reader reaches: the home page's links and the navigation's, one step
further (every force page is reached from /forces)."""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from lxml import html as lxml_html

PRIVATE = ("/sign-in", "/sign-out", "/private", "/static", "/api/v", "/api/openapi.json")
DATA = (".json", ".csv", ".xlsx", ".pdf")


def links(text: str) -> list[str]:
    root = lxml_html.fromstring(text)
    out = []
    for href in root.xpath("//a/@href"):
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(PRIVATE) or parts.path.endswith(DATA) or "{" in parts.path:
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def public_pages(client, *, limit: int = 400) -> list[str]:  # noqa: ANN001
    """Home, the navigation and every page they link to (one level), each once; a force's
    many pages are sampled through a few forces (`SAMPLED_FORCES`) to keep the walk short."""
    home = client.get("/")
    first = ["/", *links(home.text)]
    seen: list[str] = []
    for path in first:
        if path not in seen:
            seen.append(path)
    for path in list(seen):
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.headers["content-type"]:
            continue
        for found in links(response.text):
            if found not in seen and _sampled(found):
                seen.append(found)
    return seen[:limit]


# Kent and the Met (the largest), City of London (the smallest: its groups suppressed or
# missing) and British Transport Police (not territorial: no police force area of its own)
SAMPLED_FORCES = ("kent", "metropolitan", "city-of-london", "british-transport-police")


def _sampled(path: str) -> bool:
    if "area=" in path:
        return "area=Kent" in path or "area=England" in path
    parts = path.split("?")[0].strip("/").split("/")
    if "forces" in parts and parts[-1] != "forces":
        return "kent" in parts or "metropolitan" in parts
    # a page per force elsewhere (/context/paygap/<force>, /context/crime/<force>): the
    # same template 44 times, walked for the sampled forces only
    named = [part for part in parts if part in _force_ids()]
    return all(part in SAMPLED_FORCES for part in named)


@cache
def _force_ids() -> frozenset[str]:
    from parity.forces import registry

    return frozenset(force.id for force in registry().forces)
