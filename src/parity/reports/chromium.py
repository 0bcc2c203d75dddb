"""HTML to PDF with headless Chromium, the default engine when a Chromium is installed
(docs/decisions/0800-pdf-with-weasyprint.md, 0806-tagged-pdf.md).

One Chromium is started for the report and driven over the DevTools protocol through a pipe
(`parity.reports.devtools`): the report is printed (``Page.printToPDF``: the CSS page size,
a tagged PDF, bookmarks from the headings), then its cover and contents again with their page
numbers, and the browser is closed.

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
  images, the page fails every request but its own file, and Chromium is started without
  background networking.

Chromium writes the structure tree, the language and the bookmarks; `parity.reports.pdfua`
then adds what PDF/UA-1 asks for beyond them (artifacts, metadata, list bodies, link
descriptions) and declares PDF/UA-1 when every check passes, as WeasyPrint's writer does.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from parity.errors import InputError
from parity.reports.devtools import Browser, Page
from parity.reports.pdf import add_alt_text

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:")
PLACEHOLDER = "000"
CSS = """
@media screen { body { display: none; } }
.toc a { display: flex; align-items: baseline; }
.toc a .toc-leader { flex: 1 1 0; min-width: 3mm; overflow: hidden; white-space: nowrap; color: #5f6470;
  margin: 0 1mm; font-weight: normal; }
.toc a .toc-page { color: #5f6470; font-weight: normal; }
"""
# The first rule: the page is printed, never shown, so Chromium lays it out for print alone.
# Shown on its screen as well, the report took it about 1.2 s longer to open and print (198
# pages; the same PDF, byte for byte in size and pages), 4 December 2026.
RUNNING = ('@page {name} {{ @top-right {{ content: {text}; font-size: 8pt; color: #5f6470; }} }}'
           '\n#{ident} {{ page: {name}; }}')
TIMEOUT = 600
MCID = re.compile(rb"/MCID\s+(\d+)")


def find_chromium() -> str | None:
    """The Chromium executable (``PARITY_CHROMIUM``, else ``chromium`` on the path), or None."""
    found = os.environ.get("PARITY_CHROMIUM") or shutil.which("chromium") \
        or shutil.which("chromium-browser")
    return found if found and Path(found).exists() else None


def chromium_path() -> str:
    """The Chromium executable; bad input (exit status 2) if there is none."""
    found = find_chromium()
    if found is None:
        raise InputError("no Chromium found for --engine chromium (install the Debian package "
                         "chromium, set PARITY_CHROMIUM, or use --engine weasyprint)")
    return found


class _Early:
    """A Chromium started before the report is built, for the PDF to be written in `folder`."""

    def __init__(self, folder: Path) -> None:
        # the folders made for it (the output folder and any missing above it), to go if unused
        self.made = [f for f in (folder, *folder.parents) if not f.exists()]
        folder.mkdir(parents=True, exist_ok=True)
        self.tmp = tempfile.TemporaryDirectory(prefix=".parity-print-", dir=folder)
        work = Path(self.tmp.name)
        try:
            self.browser = Browser(chromium_path(), profile=work / "profile",
                                   log=work / "chromium.log", timeout=TIMEOUT)
        except BaseException:
            self._remove()
            raise

    def discard(self) -> None:
        self.browser.close()
        self._remove()

    def _remove(self) -> None:
        self.tmp.cleanup()
        for made in self.made:  # the deepest first
            try:
                made.rmdir()  # only if nothing else was written there
            except OSError:
                break


_EARLY: dict[Path, _Early] = {}


def start_early(folder: Path) -> None:
    """Start Chromium now for a PDF `write_pdf_chromium` will write in `folder`: the browser
    starts (about half a second of its own processes' work) while the command loads its modules
    and builds the report, rather than after. The command calls `discard_early` as it ends."""
    key = folder.resolve()
    if key not in _EARLY:
        _EARLY[key] = _Early(key)


def discard_early() -> None:
    """Close the browsers started early and not used (the command failed before its PDF) and
    remove their files, and the folders made for them if still empty."""
    while _EARLY:
        _EARLY.popitem()[1].discard()


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
    doc = lxml_html.fromstring(html)
    if contents_of:
        toc = next(iter(doc.find_class("toc")), None)
        after = toc.itersiblings() if toc is not None else iter(())
        for element in list(after):
            element.getparent().remove(element)
    add_alt_text(doc)
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
    style = etree.SubElement(head, "style")
    style.text = "\n".join(rules)
    return etree.tostring(doc, encoding="unicode", method="html", doctype="<!doctype html>")


def _css_ident(ident: str) -> str:
    """An ``id`` as a CSS identifier (anything but letters, digits, ``-`` and ``_`` escaped)."""
    return "".join(ch if ch.isalnum() or ch in "-_" else f"\\{ord(ch):x} " for ch in ident)


def _print(page: Page, html: str, source: Path, pdf: Path) -> None:
    """Write `html` to `source`, open it in `page`, print it to `pdf`."""
    source.write_text(html, encoding="utf-8")
    page.open(source)
    page.print(pdf)


def start_pages(pdf: Path) -> dict[str, int]:
    """Each named destination (an ``id`` Chromium kept) and its page number, from 1."""
    # deferred: pikepdf is needed only by the Chromium engine
    import pikepdf

    with pikepdf.open(pdf) as doc:
        index = {page.obj.objgen: number for number, page in enumerate(doc.pages, start=1)}
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
    """Print `html` (self-contained) to `path` with one headless Chromium (the report, then its
    contents with their page numbers), marked up as PDF/UA-1 (`parity.reports.pdfua`); the
    number of pages."""
    # deferred: pikepdf is needed only by the Chromium engine
    import pikepdf

    # deferred: imports pikepdf (above)
    from parity.reports.pdfua import as_pdf_ua

    path.parent.mkdir(parents=True, exist_ok=True)
    early = _EARLY.pop(path.parent.resolve(), None)  # started with the command (`start_early`)
    with early.tmp if early is not None else tempfile.TemporaryDirectory(
            prefix=".parity-print-", dir=path.parent) as tmp:
        folder = Path(tmp)
        with early.browser if early is not None else Browser(
                chromium_path(), profile=folder / "profile", log=folder / "chromium.log",
                timeout=TIMEOUT) as browser:
            # Chromium starts (about half a second) while the HTML is prepared for it
            first = prepare(html, None, title=title)
            page = browser.page()
            printed = folder / "first.pdf"
            with ThreadPoolExecutor(max_workers=1) as aside:
                read = aside.submit(_links, html)  # while Chromium prints (this thread waits)
                _print(page, first, folder / "first.html", printed)
                links, wanted = read.result()
            spliced = None
            if wanted:
                pages = start_pages(printed)
                if not wanted & pages.keys():
                    raise RuntimeError("Chromium wrote no named destinations: the contents "
                                       "would have no page numbers")
                # the contents alone printed again, their pages put in place of the first
                # print's: the same layout but for the numbers (the same marked content, so the
                # tags hold); else the whole report printed again
                contents = folder / "contents.pdf"
                _print(page, prepare(html, pages, title=title, contents_of=page_count(printed)),
                       folder / "contents.html", contents)
                spliced = _splice(printed, contents, pages)
                if spliced is None:
                    printed = folder / "second.pdf"
                    _print(page, prepare(html, pages, title=title), folder / "second.html",
                           printed)
        with spliced if spliced is not None else pikepdf.open(printed) as doc:
            problems = as_pdf_ua(doc, title=title, links=links)
            if problems:
                logging.getLogger(__name__).warning(
                    "%s: tagged, but not declared PDF/UA-1: %s", path.name, "; ".join(problems))
            # the structure tree's objects (some 37,000 in the national report) packed into
            # compressed object streams: 8.7 MB -> 3.2 MB, in about the same time
            doc.save(path, min_version="1.7",
                     object_stream_mode=pikepdf.ObjectStreamMode.generate)
            return len(doc.pages)


def _marked(page) -> list[int]:  # noqa: ANN001
    """The marked-content ids of a page's content, in the order drawn."""
    # deferred: pikepdf is needed only by the Chromium engine
    import pikepdf

    data = page.obj.Contents.read_bytes() if isinstance(page.obj.Contents, pikepdf.Stream) \
        else b"\n".join(part.read_bytes() for part in page.obj.Contents)
    if b"(" not in data and b"%" not in data:
        # Chromium writes no literal strings nor comments: an /MCID is a marked-content id
        return [int(mcid) for mcid in MCID.findall(data)]
    found = []
    for instruction in pikepdf.parse_content_stream(page):
        operands = instruction.operands
        if str(instruction.operator) == "BDC" and len(operands) == 2 \
                and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
            found.append(int(operands[1].MCID))
    return found


def _splice(first: Path, contents: Path, pages: dict[str, int]):  # noqa: ANN202
    """`first` (opened) with its contents pages drawn from `contents`; None if the two do not
    match page for page."""
    # deferred: pikepdf is needed only by the Chromium engine
    import pikepdf

    # the pages up to the contents' end (the cover, the contents), printed again; the first
    # section the contents link to starts right after them
    doc = pikepdf.open(first)
    with pikepdf.open(contents) as new:
        end = len(new.pages)
        if not pages or end != min(pages.values()) - 1 \
                or any(_marked(doc.pages[i]) != _marked(new.pages[i]) for i in range(end)):
            doc.close()
            return None
        for index in range(end):
            old_page, new_page = doc.pages[index], new.pages[index]
            for key in ("/Contents", "/Resources"):
                value = new_page.obj[key]
                if not value.is_indirect:
                    value = new.make_indirect(value)
                old_page.obj[key] = doc.copy_foreign(value)
    return doc


def _links(html: str) -> tuple[dict[str, str], set[str]]:
    """Each link's address (``href``) with the words of its first link (what a link annotation
    says it leads to: its ``/Contents``); the ``id``s the contents link to."""
    doc = lxml_html.fromstring(html)
    texts: dict[str, str] = {}
    for link in doc.iter("a"):
        href = link.get("href")
        words = " ".join("".join(link.itertext()).split())
        if href and href not in texts and words:
            texts[href] = words
    targets = {(a.get("href") or "")[1:] for toc in doc.find_class("toc") for a in toc.iter("a")
               if (a.get("href") or "").startswith("#")}
    return texts, targets
