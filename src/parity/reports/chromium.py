"""HTML to PDF with headless Chromium, the fast engine (docs/decisions/0800-pdf-with-weasyprint.md).

Chromium lays out CSS paged media margin boxes (``counter(page)``, ``counter(pages)``) and named
pages (``page: name``), but neither ``string-set`` nor ``target-counter``. So before printing,
the report's HTML is changed for it:

- running headers: each top-level section (a ``<section>`` with an ``id`` and a ``<h2>``) gets
  a named page of its own, and an ``@page`` rule per name writes the section's title in the top
  margin (the title escaped for a CSS string);
- the contents' page numbers: the first print writes placeholder numbers of the same width;
  each section's first page is read from the PDF's named destinations (Chromium writes one per
  linked ``id``); then the cover and contents alone are printed with the numbers, and their
  pages replace the first print's when their marked content matches (so the tags still point
  at them); else the whole report is printed again;
- nothing is fetched: a Content-Security-Policy allows only inline styles and ``data:``
  images, and Chromium is started without background networking.

Chromium writes bookmarks (``--generate-pdf-document-outline``, from the headings), a structure
tree (``/StructTreeRoot``, ``/MarkInfo``) and the document's language; it does not declare
PDF/UA conformance, which WeasyPrint's writer does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from parity.errors import InputError
from parity.reports.pdf import with_alt_text

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         "--generate-pdf-document-outline", "--disable-background-networking",
         "--disable-extensions", "--disable-sync", "--no-first-run",
         "--disable-component-update", "--mute-audio"]
PLACEHOLDER = "000"
CSS = """
.toc a { display: flex; align-items: baseline; }
.toc a .toc-leader { flex: 1 1 0; min-width: 3mm; overflow: hidden; white-space: nowrap; color: #5f6470;
  margin: 0 1mm; font-weight: normal; }
.toc a .toc-page { color: #5f6470; font-weight: normal; }
"""
RUNNING = ('@page {name} {{ @top-right {{ content: {text}; font-size: 8pt; color: #5f6470; }} }}'
           '\n#{ident} {{ page: {name}; }}')
TIMEOUT = 600


def chromium_path() -> str:
    """The Chromium executable (``PARITY_CHROMIUM``, else ``chromium`` on the path)."""
    found = os.environ.get("PARITY_CHROMIUM") or shutil.which("chromium") \
        or shutil.which("chromium-browser")
    if not found or not Path(found).exists():
        raise InputError("no Chromium found for --engine chromium (install the Debian package "
                         "chromium, set PARITY_CHROMIUM, or use --engine weasyprint)")
    return found


def css_string(text: str) -> str:
    """`text` as a CSS string: quotes, backslashes and line ends escaped."""
    out = []
    for ch in " ".join(text.split()):
        if ch in ('"', "\\") or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def prepare(html: str, pages: dict[str, int] | None, *, title: str | None = None,
            contents_of: int | None = None) -> str:
    """The report's HTML as Chromium prints it: named pages with running headers, the contents'
    page numbers (`pages`, from a first print; placeholders if None), a policy that fetches
    nothing. With `contents_of` (the report's page count) only the pages up to the contents,
    their footers counting that many pages: the contents printed again to replace the first
    print's."""
    doc = lxml_html.fromstring(with_alt_text(html))
    head = doc.find("head")
    if head is None:
        head = etree.Element("head")
        doc.insert(0, head)
    head.insert(0, etree.Element("meta", {"http-equiv": "Content-Security-Policy",
                                          "content": CSP}))
    if title:
        found = head.find("title")
        if found is None:
            found = etree.SubElement(head, "title")
        found.text = title
    # a <figure> Chromium tags as a Figure without alternative text around the chart's own
    # Figure (which has it, from the SVG's title); as a group it is a Div holding the chart's
    # Figure and its Caption
    for figure in doc.iter("figure"):
        if not figure.get("role"):
            figure.set("role", "group")
    rules, waiting = [CSS], []
    for number, section in enumerate(doc.iter("section")):
        ident, heading = section.get("id"), section.find("h2")
        if not ident or heading is None:
            continue
        if "quiet" in (heading.get("class") or "").split():
            # an introduction sharing its page with the next section (the forces' one):
            # the same page name, or Chromium would break the page between them
            waiting.append(ident)
            continue
        text = css_string(" ".join("".join(heading.itertext()).split()))
        for each in [*waiting, ident]:
            rules.append(RUNNING.format(name=f"s{number}", text=text, ident=_css_ident(each)))
        waiting = []
        if contents_of and "toc" in (section.get("class") or "").split():
            rules.append(f'@page s{number} {{ @bottom-right {{ content: "Page " counter(page) '
                         f'" of {int(contents_of)}"; }} }}')
    for toc in doc.find_class("toc"):
        for link in toc.iter("a"):
            href = link.get("href") or ""
            if not href.startswith("#"):
                continue
            leader = etree.SubElement(link, "span", {"class": "toc-leader",
                                                     "aria-hidden": "true"})
            leader.text = " " + "." * 200
            number = etree.SubElement(link, "span", {"class": "toc-page"})
            page = (pages or {}).get(href[1:])
            number.text = str(page) if page else PLACEHOLDER
    if contents_of:
        toc = next(iter(doc.find_class("toc")), None)
        after = toc.itersiblings() if toc is not None else iter(())
        for element in list(after):
            element.getparent().remove(element)
    style = etree.SubElement(head, "style")
    style.text = "\n".join(rules)
    return etree.tostring(doc, encoding="unicode", method="html", doctype="<!doctype html>")


def _css_ident(ident: str) -> str:
    """An ``id`` as a CSS identifier (anything but letters, digits, ``-`` and ``_`` escaped)."""
    return "".join(ch if ch.isalnum() or ch in "-_" else f"\\{ord(ch):x} " for ch in ident)


def _print(html: str, folder: Path, pdf: Path) -> None:
    source = folder / "print.html"
    source.write_text(html, encoding="utf-8")
    profile = folder / "profile"
    run = subprocess.run([chromium_path(), *FLAGS, f"--user-data-dir={profile}",
                          f"--print-to-pdf={pdf}", source.as_uri()],
                         capture_output=True, text=True, timeout=TIMEOUT, check=False)
    if run.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        raise RuntimeError(f"Chromium could not print the report (exit {run.returncode}): "
                           f"{run.stderr.strip()[-500:]}")


def start_pages(pdf: Path) -> dict[str, int]:
    """Each named destination (an ``id`` Chromium kept) and its page number, from 1."""
    # deferred: pikepdf is needed only by the Chromium engine
    import pikepdf

    with pikepdf.open(pdf) as doc:
        index = {page.objgen: number for number, page in enumerate(doc.pages, start=1)}
        dests = doc.Root.get("/Dests")
        found: dict[str, int] = {}
        if dests is None:
            return found
        for name, dest in dests.items():
            target = dest.get("/D") if isinstance(dest, pikepdf.Dictionary) else dest
            if isinstance(target, pikepdf.Array) and len(target) and target[0].objgen in index:
                found[str(name).lstrip("/")] = index[target[0].objgen]
        return found


def page_count(pdf: Path) -> int:
    # deferred: pikepdf is needed only by the Chromium engine
    import pikepdf

    with pikepdf.open(pdf) as doc:
        return len(doc.pages)


def write_pdf_chromium(html: str, path: Path, *, title: str | None = None) -> int:
    """Print `html` (self-contained) to `path` with headless Chromium, twice (the contents'
    page numbers); the number of pages."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".parity-print-", dir=path.parent) as tmp:
        folder = Path(tmp)
        first = folder / "first.pdf"
        _print(prepare(html, None, title=title), folder, first)
        pages = start_pages(first)
        wanted = _contents_targets(html)
        if wanted and not wanted & pages.keys():
            raise RuntimeError("Chromium wrote no named destinations: the contents would "
                               "have no page numbers")
        if not wanted:
            os.replace(first, path)
            return page_count(path)
        # the contents alone printed again, their pages put in place of the first print's:
        # the same layout but for the numbers (the same marked content, so the tags hold);
        # else the whole report printed again
        total = page_count(first)
        contents = folder / "contents.pdf"
        _print(prepare(html, pages, title=title, contents_of=total), folder, contents)
        if not _splice(first, contents, pages, path):
            _print(prepare(html, pages, title=title), folder, folder / "second.pdf")
            os.replace(folder / "second.pdf", path)
    return page_count(path)


def _marked(page) -> list[int]:  # noqa: ANN001
    """The marked-content ids of a page's content, in the order drawn."""
    # deferred: pikepdf is needed only by the Chromium engine
    import pikepdf

    found = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BDC" and len(operands) == 2 \
                and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
            found.append(int(operands[1].MCID))
    return found


def _splice(first: Path, contents: Path, pages: dict[str, int], path: Path) -> bool:
    """`first` with its contents pages drawn from `contents`, written to `path`; False (and
    nothing written) if the two do not match page for page."""
    # deferred: pikepdf is needed only by the Chromium engine
    import pikepdf

    # the pages up to the contents' end (the cover, the contents), printed again; the first
    # section the contents link to starts right after them
    with pikepdf.open(first) as doc, pikepdf.open(contents) as new:
        start, end = 1, len(new.pages)
        if not pages or end != min(pages.values()) - 1:
            return False
        for index in range(start - 1, end):
            old_page, new_page = doc.pages[index], new.pages[index]
            if _marked(old_page) != _marked(new_page):
                return False
        for index in range(start - 1, end):
            old_page, new_page = doc.pages[index], new.pages[index]
            for key in ("/Contents", "/Resources"):
                value = new_page.obj[key]
                if not value.is_indirect:
                    value = new.make_indirect(value)
                old_page.obj[key] = doc.copy_foreign(value)
        doc.save(path)
    return True


def _contents_targets(html: str) -> set[str]:
    doc = lxml_html.fromstring(html)
    return {(a.get("href") or "")[1:] for toc in doc.find_class("toc") for a in toc.iter("a")
            if (a.get("href") or "").startswith("#")}
