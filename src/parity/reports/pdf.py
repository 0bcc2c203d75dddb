"""HTML to PDF with WeasyPrint (see docs/decisions/0800-pdf-with-weasyprint.md).

WeasyPrint lays out CSS paged media itself (page sizes, running footers, page counters,
``target-counter`` for the contents, PDF bookmarks from headings) and draws inline SVG; it
needs only Pango from the system, so it works offline and on a server without a browser.
"""

from __future__ import annotations

from pathlib import Path


def write_pdf(html: str, path: Path, *, title: str | None = None) -> int:
    """Render `html` (self-contained: inline CSS and SVG) to `path`; the number of pages."""
    import logging

    import weasyprint  # deferred: weasyprint costs ~0.6 s at start-up

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = weasyprint.HTML(string=html, base_url=str(path.parent)).render()
    if title:
        document.metadata.title = title
    document.write_pdf(str(path))
    return len(document.pages)
