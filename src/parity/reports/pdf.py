"""HTML to a tagged PDF with WeasyPrint (docs/decisions/0800-pdf-with-weasyprint.md and
0806-tagged-pdf.md).

WeasyPrint lays out CSS paged media itself (page sizes, running footers, page counters,
``target-counter`` for the contents, PDF bookmarks from headings) and draws inline SVG; it
needs only Pango from the system, so it works offline and on a server without a browser.

The PDF is written as PDF/UA-1: a structure tree in reading order (headings, paragraphs,
lists, tables with their header cells, figures), the document's language from
``<html lang>``, the title shown in the window. A chart becomes a ``Figure`` whose alternative
text WeasyPrint takes from the SVG's ``<title>``: `with_alt_text` first makes that title the
chart's title and its figures in words (its ``<desc>``), so a screen reader reads the numbers.

The report is self-contained (inline CSS and SVG), so WeasyPrint is given a fetcher that fetches
nothing but ``data:`` addresses: were markup written by others ever to reach the HTML, an image
or stylesheet address could not read a local file or call another server while the PDF is drawn.
"""

from __future__ import annotations

import logging
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

SVG = "{http://www.w3.org/2000/svg}"
VARIANT = "pdf/ua-1"


def _child(element: etree._Element, name: str) -> etree._Element | None:
    found = element.find(name)
    return found if found is not None else element.find(f"{SVG}{name}")


def with_alt_text(html: str) -> str:
    """The HTML with each chart's ``<title>`` extended by its ``<desc>`` (the figures in
    words), and a decorative mark (``aria-hidden``) titled by the text it stands beside."""
    doc = lxml_html.fromstring(html)
    add_alt_text(doc)
    return etree.tostring(doc, encoding="unicode", method="html", doctype="<!doctype html>")


def add_alt_text(doc: etree._Element) -> None:
    """`with_alt_text` on a parsed document, in place."""
    for svg in list(doc.iter("svg", f"{SVG}svg")):
        title, desc = _child(svg, "title"), _child(svg, "desc")
        if svg.get("aria-hidden") == "true":
            if title is None:
                title = etree.Element("title")
                svg.insert(0, title)
            own = "".join(svg.itertext())
            parent = svg.getparent()
            around = "".join(parent.itertext()).replace(own, "", 1) if parent is not None else ""
            title.text = " ".join(around.split()) or "Marker"
            continue
        if title is None:
            title = etree.Element("title")
            svg.insert(0, title)
        if desc is not None and desc.text and desc.text not in (title.text or ""):
            title.text = f"{(title.text or 'Chart').rstrip('.')}. {desc.text}"


def write_pdf(html: str, path: Path, *, title: str | None = None) -> int:
    """Render `html` (self-contained: inline CSS and SVG) to `path` as a tagged PDF/UA-1;
    the number of pages."""
    # deferred: WeasyPrint takes 1 to 4 s to import (-X importtime on the shared machine)
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from weasyprint.urls import URLFetcher  # deferred: part of WeasyPrint (above)

    fetch_nothing = URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
    document = weasyprint.HTML(string=with_alt_text(html), base_url=str(path.parent),
                               url_fetcher=fetch_nothing).render(pdf_variant=VARIANT)
    if title:
        document.metadata.title = title
    document.write_pdf(str(path), pdf_variant=VARIANT)
    return len(document.pages)
