"""A PDF checked against the machine-checkable part of PDF/UA-1 that the report relies on: a
subset of the Matterhorn Protocol 1.02 (the PDF Association's list of PDF/UA failure
conditions), numbered as there. veraPDF (the full check) is a Java application distributed
outside the package registries this project uses (decision 0806), so the tests run this on
both engines' PDFs instead.

`failures(path)` returns one line per failed condition ("28-012: 3 link annotations without
/Contents"), empty when the PDF passes every check here. Checked:

- 01-003, 01-004, 01-005: every painting operator (text, paths, images, shadings, XObjects) in
  the page content is either tagged (in marked content with an ``/MCID``) or an ``/Artifact``,
  never both;
- 01-007: ``/MarkInfo /Suspects`` is not true; 7.1: ``/MarkInfo /Marked`` is true;
- 02-001, 02-004: only standard structure types (no role map needed);
- 06-001, 06-003: XMP metadata with ``dc:title`` (06-002, the PDF/UA identifier itself, is the
  declaration: `declares_pdf_ua`);
- 07-001, 07-002: ``/ViewerPreferences /DisplayDocTitle true``;
- 09-004, 09-005: tables made of rows of ``TH``/``TD`` cells (optionally in ``THead``,
  ``TBody``, ``TFoot``, a ``Caption`` first or last), lists of ``LI`` made of ``Lbl`` and
  ``LBody``;
- 10-001: every font maps its characters to Unicode (``/ToUnicode``);
- 11-001: the document's language (``/Lang``);
- 13-004: every ``Figure`` has ``/Alt`` (or ``/ActualText``);
- 14-002, 14-003: numbered headings start at ``H1`` and skip no level going down;
- 15-003 and the report's own rule: every table has header cells, each with a ``/Scope``;
- 28-008, 28-009: ``/Tabs /S`` on every page with annotations;
- 28-011, 28-012: every link annotation in the structure tree under a ``Link`` element
  (``/StructParent``), with an alternate description (``/Contents``);
- 31-009: every font but Type 3 embedded.
"""

from __future__ import annotations

import collections
from pathlib import Path

import pikepdf

STANDARD = {
    "/Document", "/Part", "/Art", "/Sect", "/Div", "/BlockQuote", "/Caption", "/TOC", "/TOCI",
    "/Index", "/NonStruct", "/Private", "/P", "/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6",
    "/L", "/LI", "/Lbl", "/LBody", "/Table", "/TR", "/TH", "/TD", "/THead", "/TBody", "/TFoot",
    "/Span", "/Quote", "/Note", "/Reference", "/BibEntry", "/Code", "/Link", "/Annot", "/Ruby",
    "/RB", "/RT", "/RP", "/Warichu", "/WT", "/WP", "/Figure", "/Formula", "/Form"}
PAINTING = {"Tj", "TJ", "'", '"', "Do", "sh", "f", "F", "f*", "B", "B*", "b", "b*", "S", "s",
            "INLINE IMAGE"}
XMP_TITLE = "{http://purl.org/dc/elements/1.1/}title"
PDFUA_PART = "{http://www.aiim.org/pdfua/ns/id/}part"


def elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element, in reading order (depth first)."""
    out: list[pikepdf.Dictionary] = []
    root = pdf.Root.get("/StructTreeRoot")
    if root is None or "/K" not in root:
        return out
    stack = [root.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            out.append(node)
            if "/K" in node:
                stack.append(node.K)
    return out


def children(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    """The structure elements directly under `element` (not marked content, not objects)."""
    kids = element.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
    return [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def _kind(element: pikepdf.Dictionary, roles: dict[str, str]) -> str:
    """The element's standard structure type (through the role map)."""
    return _standard(str(element.S), roles) or str(element.S)


def _attributes(element: pikepdf.Dictionary) -> dict[str, object]:
    found: dict[str, object] = {}
    value = element.get("/A")
    for each in (value if isinstance(value, pikepdf.Array) else [value]):
        if isinstance(each, pikepdf.Dictionary):
            found.update({str(k): v for k, v in each.items()})
    return found


def _fonts(pdf: pikepdf.Pdf):  # noqa: ANN202
    """Every font dictionary reachable from the pages' resources (and their XObjects')."""
    seen: set = set()
    stack = [page.obj.get("/Resources") for page in pdf.pages]
    while stack:
        resources = stack.pop()
        if not isinstance(resources, pikepdf.Dictionary):
            continue
        for font in resources.get("/Font", {}).values():
            key = font.objgen if font.is_indirect else id(font)
            if key not in seen:
                seen.add(key)
                yield font
                if font.get("/Subtype") == "/Type3":
                    stack.append(font.get("/Resources"))
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Form":
                stack.append(xobject.get("/Resources"))


def _content_problems(pdf: pikepdf.Pdf) -> collections.Counter:
    """Painting operators outside tagged content and artifacts (01-005), artifacts inside
    tagged content (01-003), tagged content inside artifacts (01-004), by condition."""
    found: collections.Counter = collections.Counter()
    for page in pdf.pages:
        stack: list[str] = []  # "tagged", "artifact" or "" for each open sequence
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op in ("BMC", "BDC"):
                tag = str(operands[0])
                props = operands[1] if op == "BDC" else None
                kind = "artifact" if tag == "/Artifact" else (
                    "tagged" if isinstance(props, pikepdf.Dictionary) and "/MCID" in props
                    else "")
                if kind == "artifact" and "tagged" in stack:
                    found["01-003"] += 1
                if kind == "tagged" and "artifact" in stack:
                    found["01-004"] += 1
                stack.append(kind)
            elif op == "EMC":
                if stack:
                    stack.pop()
            elif op in PAINTING and not ({"tagged", "artifact"} & set(stack)):
                found["01-005"] += 1
    return found


def failures(path: Path) -> list[str]:
    """The conditions above that the PDF at `path` fails, one line each (empty: it passes)."""
    out: list[str] = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        content = _content_problems(pdf)
        for code, what in (("01-003", "artifacts inside tagged content"),
                           ("01-004", "tagged content inside artifacts"),
                           ("01-005", "painting operators neither tagged nor artifacts")):
            if content[code]:
                out.append(f"{code}: {content[code]} {what}")
        mark = root.get("/MarkInfo", {})
        if not bool(mark.get("/Marked", False)):
            out.append("7.1: /MarkInfo /Marked is not true")
        if bool(mark.get("/Suspects", False)):
            out.append("01-007: /MarkInfo /Suspects is true")
        tree = root.get("/StructTreeRoot")
        if tree is None:
            out.append("7.1: no structure tree")
        roles = {str(k): str(v) for k, v in tree.get("/RoleMap", {}).items()} \
            if tree is not None else {}
        remapped = sorted(set(roles) & STANDARD)
        if remapped:
            out.append(f"02-004: standard structure types remapped {remapped}")
        all_elements = elements(pdf)
        odd = sorted(kind for kind in {str(e.S) for e in all_elements} - STANDARD
                     if _standard(kind, roles) is None)
        if odd:
            out.append(f"02-001: non-standard structure types not mapped to standard ones {odd}")
        if "/Metadata" not in root:
            out.append("06-001: no XMP metadata")
        else:
            title = str(pdf.open_metadata().get(XMP_TITLE, "") or "").strip()
            if not title:
                out.append("06-003: no dc:title in the XMP metadata")
        prefs = root.get("/ViewerPreferences", {})
        if "/DisplayDocTitle" not in prefs:
            out.append("07-001: no /ViewerPreferences /DisplayDocTitle")
        elif not bool(prefs.DisplayDocTitle):
            out.append("07-002: /DisplayDocTitle is false")
        out += _structure_failures(all_elements, roles)
        no_unicode = [str(f.get("/BaseFont", f.get("/Subtype"))) for f in _fonts(pdf)
                      if "/ToUnicode" not in f]
        if no_unicode:
            out.append(f"10-001: fonts without /ToUnicode {sorted(set(no_unicode))}")
        if not str(root.get("/Lang", "")).strip():
            out.append("11-001: no document language (/Lang)")
        out += _annotation_failures(pdf)
        not_embedded = sorted({str(f.get("/BaseFont")) for f in _fonts(pdf)
                               if f.get("/Subtype") != "/Type3" and not _embedded(f)})
        if not_embedded:
            out.append(f"31-009: fonts not embedded {not_embedded}")
    return out


def _structure_failures(all_elements: list[pikepdf.Dictionary],
                        roles: dict[str, str]) -> list[str]:
    out: list[str] = []
    tables = lists = figures = 0
    no_scope = tables_without_th = 0
    for element in all_elements:
        kind = _kind(element, roles)
        kinds = [_kind(k, roles) for k in children(element)]
        if kind == "/Table":
            rows = kinds[1:] if kinds[:1] == ["/Caption"] else kinds
            rows = rows[:-1] if rows[-1:] == ["/Caption"] else rows
            groups = [k for k in rows if k in ("/THead", "/TBody", "/TFoot")]
            if rows and not (set(rows) == {"/TR"} or (groups == rows and "/TBody" in rows)):
                tables += 1
            cells = [(_kind(e, roles), e) for e in _descendants(element)]
            if not any(k == "/TH" for k, _ in cells):
                tables_without_th += 1
            # 15-003 asks for a /Scope on each TH unless the table ties its cells to their
            # headers by /Headers and /ID
            by_ids = all("/Headers" in _attributes(e) for k, e in cells if k == "/TD") \
                and all("/ID" in e for k, e in cells if k == "/TH")
            if not by_ids:
                no_scope += sum(1 for k, e in cells
                                if k == "/TH" and "/Scope" not in _attributes(e))
        elif kind in ("/THead", "/TBody", "/TFoot") and set(kinds) - {"/TR"}:
            tables += 1
        elif kind == "/TR" and set(kinds) - {"/TH", "/TD"}:
            tables += 1
        elif kind == "/L":
            items = kinds[1:] if kinds[:1] == ["/Caption"] else kinds
            if not items or set(items) - {"/LI", "/L"}:
                lists += 1
        elif kind == "/LI" and (not kinds or set(kinds) - {"/Lbl", "/LBody"}
                                or _has_content(element)):
            lists += 1
        elif kind == "/Figure" and not (str(element.get("/Alt", "")).strip()
                                        or str(element.get("/ActualText", "")).strip()):
            figures += 1
    if tables:
        out.append(f"09-004: {tables} table elements out of their order (Table > TR > TH/TD)")
    if lists:
        out.append(f"09-005: {lists} list elements out of their order (L > LI > Lbl/LBody)")
    if figures:
        out.append(f"13-004: {figures} Figure elements without alternative text")
    levels = [_kind(e, roles) for e in all_elements]
    headings = [int(k[2:]) for k in levels if k[:2] == "/H" and k[2:].isdigit()]
    if headings and headings[0] != 1:
        out.append(f"14-002: the first heading is H{headings[0]}")
    skips = [(a, b) for a, b in zip(headings, headings[1:], strict=False) if b > a + 1]
    if skips:
        out.append(f"14-003: heading levels skipped {sorted(set(skips))}")
    if tables_without_th:
        out.append(f"15: {tables_without_th} tables without header cells (TH)")
    if no_scope:
        out.append(f"15-003: {no_scope} header cells (TH) without /Scope in tables not "
                   "organised by /Headers and /ID")
    return out


def _standard(kind: str, roles: dict[str, str]) -> str | None:
    """The standard type `kind` stands for through the role map; None if it stands for none
    (or the mapping goes round in a circle)."""
    for _ in range(len(roles) + 1):
        if kind in STANDARD:
            return kind
        if kind not in roles:
            return None
        kind = roles[kind]
    return None


def _descendants(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    out, stack = [], children(element)
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(children(node))
    return out


def _has_content(element: pikepdf.Dictionary) -> bool:
    """Whether `element` holds marked content or objects directly (not through children)."""
    kids = element.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
    return any(not (isinstance(k, pikepdf.Dictionary) and "/S" in k) for k in kids)


def _annotation_failures(pdf: pikepdf.Pdf) -> list[str]:
    out: list[str] = []
    tree = pdf.Root.get("/StructTreeRoot")
    parents = pikepdf.NumberTree(tree.ParentTree) if tree is not None and "/ParentTree" in tree \
        else {}
    no_tabs = outside = undescribed = 0
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if not annots:
            continue
        if page.obj.get("/Tabs") != "/S":
            no_tabs += 1
        for annot in annots:
            if annot.get("/Subtype") != "/Link":
                continue
            key = annot.get("/StructParent")
            parent = parents.get(int(key)) if key is not None else None
            if not isinstance(parent, pikepdf.Dictionary) or parent.get("/S") != "/Link":
                outside += 1
            if not str(annot.get("/Contents", "")).strip():
                undescribed += 1
    if no_tabs:
        out.append(f"28-008/28-009: {no_tabs} pages with annotations without /Tabs /S")
    if outside:
        out.append(f"28-011: {outside} link annotations not under a Link element")
    if undescribed:
        out.append(f"28-012: {undescribed} link annotations without /Contents")
    return out


def _embedded(font: pikepdf.Dictionary) -> bool:
    if font.get("/Subtype") == "/Type0":
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(
        k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def declares_pdf_ua(path: Path) -> bool:
    """Whether the PDF's XMP metadata declares PDF/UA-1 (``pdfuaid:part`` 1: 06-002)."""
    with pikepdf.open(path) as pdf:
        return str(pdf.open_metadata().get(PDFUA_PART, "")) == "1"
