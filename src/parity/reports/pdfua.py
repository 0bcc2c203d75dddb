"""Headless Chromium's tagged PDF made to meet PDF/UA-1, and declared so only when it does
(docs/decisions/0806-tagged-pdf.md).

Chromium (Skia's PDF writer) tags what the HTML says: a structure tree in reading order,
headings, lists, tables with ``TH`` cells and their ``/Scope``, figures with the alternative
text `parity.reports.pdf.with_alt_text` gives the charts, link annotations under ``Link``
elements, the language, ``/Tabs /S``. What PDF/UA-1 asks for beyond that, `as_pdf_ua` adds to
the printed file (pikepdf):

- XMP metadata with the title (``dc:title``) and, when every check below passes, the PDF/UA
  identifier (``pdfuaid:part`` 1); the title shown in the window (``/DisplayDocTitle``);
- content that is in no structure element — the running headers and "Page N of M" in the
  margins, the contents' dotted leaders, a few backgrounds — marked as ``/Artifact``, so that
  every painting operator is either tagged or an artifact;
- the structure types PDF 1.7 lacks (``Strong``, ``Em``...: PDF 2.0's, which Chromium writes)
  role-mapped to standard ones;
- a list item's content (a contents entry's link, say) wrapped in ``LBody`` (a list item holds
  ``Lbl`` and ``LBody`` only);
- an alternate description (``/Contents``) on every link annotation: its link's words.

It checks, without changing them: ``/Lang``, ``/MarkInfo /Marked`` (and no ``/Suspects``),
every link annotation under a ``Link`` element, every ``Figure`` with ``/Alt``, every table
with header cells, every font embedded and mapped to Unicode, no unknown structure type. A
failed check is returned and the PDF is not declared PDF/UA-1 (tagged still, and used).

``tests/reports/matterhorn.py`` checks the result on its own (a Matterhorn Protocol subset),
for both engines.
"""

from __future__ import annotations

import re

import pikepdf

STANDARD = {
    "/Document", "/Part", "/Art", "/Sect", "/Div", "/BlockQuote", "/Caption", "/TOC", "/TOCI",
    "/Index", "/NonStruct", "/Private", "/P", "/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6",
    "/L", "/LI", "/Lbl", "/LBody", "/Table", "/TR", "/TH", "/TD", "/THead", "/TBody", "/TFoot",
    "/Span", "/Quote", "/Note", "/Reference", "/BibEntry", "/Code", "/Link", "/Annot", "/Ruby",
    "/RB", "/RT", "/RP", "/Warichu", "/WT", "/WP", "/Figure", "/Formula", "/Form"}
# PDF 2.0's structure types (ISO 32000-2), which Chromium writes, as PDF 1.7 ones a reader of
# PDF/UA-1 knows; never Note (which PDF/UA-1 wants with an /ID) nor a heading (whose levels
# must not skip)
PDF2_ROLES = {"/Strong": "/Span", "/Em": "/Span", "/Sub": "/Span", "/Title": "/P",
              "/Aside": "/Div", "/FENote": "/Div", "/DocumentFragment": "/Div"}
PATH = {"m", "l", "c", "v", "y", "h", "re"}
PATH_END = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"}
PAINTING = {"Tj", "TJ", "'", '"', "Do", "sh", "INLINE IMAGE"} | (PATH_END - {"n"})
# an artifact's marked content is closed before these (never across a text object, a saved
# graphics state or another marked-content sequence)
BOUNDARY = {"BT", "ET", "BMC", "BDC", "EMC", "q", "Q"}
# a marked-content operator, in content without literal strings or comments (its operands are
# read back from it: `_opens_tagged`)
MARKED = (b"BDC", b"BMC", b"EMC")
DELIMITERS = b" \t\r\n\f\x00/<>[]()%{}"
# a painting operator (a token of its own)
PAINTS = re.compile(rb"(?<![^\s>\])])(?:Tj|TJ|'|\"|Do|sh|f\*?|F|B\*?|b\*?|S|s)"
                    rb"(?![^\s/<>\[\]()%{}])")


def as_pdf_ua(pdf: pikepdf.Pdf, *, title: str | None,
              links: dict[str, str] | None = None) -> list[str]:
    """Make `pdf` (Chromium's tagged print, opened) meet PDF/UA-1 where it can; declare it
    when every check passes. `links`: each link's address (``href``) and words, for the link
    annotations' ``/Contents``. What fails (empty: declared PDF/UA-1)."""
    problems: list[str] = []
    root = pdf.Root
    if not str(root.get("/Lang", "")).strip():
        problems.append("no document language (/Lang)")
    marks = root.get("/MarkInfo")
    if marks is None or not bool(marks.get("/Marked", False)):
        problems.append("not a tagged PDF (/MarkInfo /Marked)")
    elif bool(marks.get("/Suspects", False)):
        problems.append("tags marked as suspect (/MarkInfo /Suspects)")
    tree = root.get("/StructTreeRoot")
    if tree is None:
        problems.append("no structure tree")
        return problems
    root.ViewerPreferences = root.get("/ViewerPreferences", pikepdf.Dictionary())
    root.ViewerPreferences.DisplayDocTitle = True
    problems += _structure(pdf, tree, _elements(tree))
    problems += _annotations(pdf, links or {})
    problems += _fonts(pdf)
    for page in pdf.pages:
        _mark_artifacts(pdf, page)
    title = title or str(pdf.docinfo.get("/Title", "")).strip()
    if not title:
        problems.append("no title")
    else:
        pdf.docinfo["/Title"] = title
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta.load_from_docinfo(pdf.docinfo)  # producer, creator and dates, as the Info says
        if title:
            meta["dc:title"] = title
        if not problems:
            meta["pdfuaid:part"] = "1"
    return problems


def _elements(tree: pikepdf.Object) -> list[tuple[str, pikepdf.Object]]:
    """Every structure element under `tree` with its type, in no particular order (a 200-page
    report has 36,000: each read of a key costs about a microsecond)."""
    found: list[tuple[str, pikepdf.Object]] = []
    stack = [tree.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary):
            kind = node.get("/S")
            if kind is not None:
                found.append((str(kind), node))
                kids = node.get("/K")
                if kids is not None:
                    stack.append(kids)
    return found


def _kids(element: pikepdf.Object) -> list:
    kids = element.get("/K")
    return list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]


def _is_element(kid: object) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and "/S" in kid


def _structure(pdf: pikepdf.Pdf, tree: pikepdf.Object,
               elements: list[tuple[str, pikepdf.Object]]) -> list[str]:
    """Role-map PDF 2.0's types, give list items an ``LBody``; check figures and tables."""
    problems = set()
    roles = tree.get("/RoleMap", pikepdf.Dictionary())
    for kind in sorted({kind for kind, _ in elements} - STANDARD):
        if kind in roles:
            continue
        if kind in PDF2_ROLES:
            roles[kind] = pikepdf.Name(PDF2_ROLES[kind])
        else:
            problems.add(f"structure type {kind} has no standard equivalent")
    if len(roles):
        tree.RoleMap = roles
    tables, headed = set(), set()
    for kind, element in elements:
        if kind == "/LI":
            _with_lbody(pdf, tree, element)
        elif kind == "/Figure" and not (str(element.get("/Alt", "")).strip()
                                        or str(element.get("/ActualText", "")).strip()):
            problems.add("a figure without alternative text (/Alt)")
        elif kind == "/Table":
            tables.add(element.objgen)
        elif kind == "/TH":
            # its table: the row's parent, or the parent of the row's group (THead, TBody)
            above = element.get("/P")
            for _ in range(3):
                above = above.get("/P") if above is not None else None
                if above is not None and above.get("/S") == "/Table":
                    headed.add(above.objgen)
                    break
    if tables - headed:
        problems.add(f"{len(tables - headed)} tables without header cells (TH)")
    return sorted(problems)


def _with_lbody(pdf: pikepdf.Pdf, tree: pikepdf.Object, item: pikepdf.Object) -> None:
    """The list item's kids other than ``Lbl`` and ``LBody`` moved into one new ``LBody``
    (each run of them: the order is kept); marked content and annotations it held directly
    get the ``LBody`` as their parent in the parent tree."""
    kids = _kids(item)
    if all(_is_element(k) and str(k.S) in ("/Lbl", "/LBody") for k in kids):
        return
    out: list = []
    body: pikepdf.Dictionary | None = None
    for kid in kids:
        if _is_element(kid) and str(kid.S) in ("/Lbl", "/LBody"):
            out.append(kid)
            body = None
            continue
        if body is None:
            body = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem,
                                                        S=pikepdf.Name.LBody, P=item,
                                                        K=pikepdf.Array()))
            if "/Pg" in item:
                body.Pg = item.Pg
            out.append(body)
        body.K.append(kid)
        if _is_element(kid):
            kid.P = body
        else:
            _reparent(tree, item, body, kid)
    item.K = pikepdf.Array(out)


def _reparent(tree: pikepdf.Object, old: pikepdf.Object, new: pikepdf.Object,
              kid: pikepdf.Object | int) -> None:
    """The parent tree's entry for `kid` (a marked-content id, a marked-content reference or
    an object reference held by `old`) pointed at `new`."""
    parents = pikepdf.NumberTree(tree.ParentTree)
    if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
        key = kid.Obj.get("/StructParent")
        if key is not None and int(key) in parents:
            parents[int(key)] = new
        return
    page = kid.get("/Pg", old.get("/Pg")) if isinstance(kid, pikepdf.Dictionary) else old.get("/Pg")
    mcid = int(kid.MCID) if isinstance(kid, pikepdf.Dictionary) else int(kid)
    key = page.get("/StructParents") if page is not None else None
    if key is None or int(key) not in parents:
        return
    entries = parents[int(key)]
    if mcid < len(entries) and entries[mcid].objgen == old.objgen:
        entries[mcid] = new


def _annotations(pdf: pikepdf.Pdf, links: dict[str, str]) -> list[str]:
    """``/Tabs /S`` on pages with annotations; each link annotation described (its link's
    words, else its address) and under a ``Link`` element."""
    tree = pdf.Root.StructTreeRoot
    parents = pikepdf.NumberTree(tree.ParentTree) if "/ParentTree" in tree else None
    problems = set()
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if not annots:
            continue
        page.obj.Tabs = pikepdf.Name.S
        for annot in annots:
            if annot.get("/Subtype") != "/Link":
                continue
            key = annot.get("/StructParent")
            parent = parents.get(int(key)) if parents is not None and key is not None else None
            if not isinstance(parent, pikepdf.Dictionary) or parent.get("/S") != "/Link":
                problems.add("a link annotation outside a Link element")
            if not str(annot.get("/Contents", "")).strip():
                href = _href(annot)
                annot.Contents = pikepdf.String(links.get(href) or href.lstrip("#") or "Link")
    return sorted(problems)


def _href(annot: pikepdf.Object) -> str:
    """The address a link annotation goes to, as the HTML wrote it (``#id`` or a URI)."""
    action = annot.get("/A")
    if isinstance(action, pikepdf.Dictionary) and action.get("/S") == "/URI":
        return str(action.URI)
    dest = annot.get("/Dest", action.get("/D") if isinstance(action, pikepdf.Dictionary)
                     else None)
    if isinstance(dest, (pikepdf.Name, pikepdf.String)):
        return "#" + str(dest).lstrip("/")
    return ""


def _fonts(pdf: pikepdf.Pdf) -> list[str]:
    """Every font the pages draw with embedded (Type 3 fonts are drawn by the PDF itself) and
    mapped to Unicode."""
    problems = set()
    seen: set = set()
    stack = [page.obj.get("/Resources") for page in pdf.pages]
    while stack:
        resources = stack.pop()
        if not isinstance(resources, pikepdf.Dictionary):
            continue
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Form":
                stack.append(xobject.get("/Resources"))
        for font in resources.get("/Font", {}).values():
            if font.objgen in seen and font.objgen != (0, 0):
                continue
            seen.add(font.objgen)
            name = str(font.get("/BaseFont", "a Type 3 font"))
            if "/ToUnicode" not in font:
                problems.add(f"font {name} not mapped to Unicode")
            if font.get("/Subtype") == "/Type3":
                stack.append(font.get("/Resources"))
                continue
            described = font.DescendantFonts[0] if font.get("/Subtype") == "/Type0" else font
            descriptor = described.get("/FontDescriptor")
            if descriptor is None or not any(k in descriptor for k in
                                             ("/FontFile", "/FontFile2", "/FontFile3")):
                problems.add(f"font {name} not embedded")
    return sorted(problems)


def _mark_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    """Wrap the page's painting operators that are neither tagged (in marked content with an
    ``/MCID``) nor artifacts in ``/Artifact BMC ... EMC``.

    The content is searched for its marked-content operators first (a regular expression over
    the bytes: a 200-page report has a million operators, most of them tagged), and only the
    stretches outside tagged content are parsed and rewritten; a page with literal strings,
    comments or inline images (which Chromium does not write) is parsed whole instead."""
    contents = page.obj.get("/Contents")
    if contents is None:
        return
    data = contents.read_bytes() if isinstance(contents, pikepdf.Stream) \
        else b"\n".join(part.read_bytes() for part in contents)
    if any(mark in data for mark in (b"(", b"%", b"BI")):
        new = _wrap(list(pikepdf.parse_content_stream(page)))
        if new is not None:
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(new))
        return
    out: list[bytes] = []
    covered: list[bool] = []
    done = start = 0
    changed = False
    for at, operator in _marked_content_operators(data):
        end = at + 3
        opens = operator != b"EMC"
        if opens:
            tagged, at = _opens_tagged(data, at, operator == b"BDC")
        if not (covered and covered[-1]) and PAINTS.search(data, start, at):
            gap = _wrap(list(pikepdf.parse_content_stream(pikepdf.Stream(pdf, data[start:at]))))
            if gap is not None:
                out += [data[done:start], b"\n", pikepdf.unparse_content_stream(gap), b"\n"]
                done = at
                changed = True
        if opens:
            covered.append(tagged or bool(covered and covered[-1]))
        elif covered:
            covered.pop()
        start = end
    if not (covered and covered[-1]) and PAINTS.search(data, start):
        gap = _wrap(list(pikepdf.parse_content_stream(pikepdf.Stream(pdf, data[start:]))))
        if gap is not None:
            out += [data[done:start], b"\n", pikepdf.unparse_content_stream(gap), b"\n"]
            done = len(data)
            changed = True
    if changed:
        out.append(data[done:])
        page.obj.Contents = pdf.make_stream(b"".join(out))


def _marked_content_operators(data: bytes) -> list[tuple[int, bytes]]:
    """Where each ``BDC``, ``BMC`` and ``EMC`` operator is in `data` (content without literal
    strings or comments), in order (`bytes.find`: several times faster than a regular
    expression over the 15 MB of a 200-page report)."""
    found = []
    for operator in MARKED:
        at = data.find(operator)
        while at >= 0:
            end = at + 3
            if (not at or data[at - 1] in DELIMITERS) and (end == len(data)
                                                          or data[end] in DELIMITERS):
                found.append((at, operator))
            at = data.find(operator, end)
    found.sort()
    return found


def _opens_tagged(data: bytes, at: int, with_properties: bool) -> tuple[bool, int]:
    """Whether the ``BDC`` or ``BMC`` at `at` opens tagged content (an ``/Artifact``, marked
    content with an ``/MCID``, or properties named: held in the resources, left as they are),
    and where its operands begin."""
    end = _token_end(data, at)
    named = False
    mcid = False
    if with_properties:
        if data[end - 2:end] == b">>":
            begin = data.rfind(b"<<", 0, end)
            mcid = b"/MCID" in data[begin:end]
        else:
            begin = data.rfind(b"/", 0, end)
            named = True
        end = _token_end(data, begin)
    begin = data.rfind(b"/", 0, end)
    return named or mcid or data[begin:end] == b"/Artifact", begin


def _token_end(data: bytes, at: int) -> int:
    """Where the token before `at` ends (white space skipped backwards)."""
    while at and data[at - 1] in b" \t\r\n\f\x00":
        at -= 1
    return at


def _wrap(instructions: list) -> list | None:
    """`instructions` with each run of painting operators outside tagged content and
    artifacts wrapped in ``/Artifact BMC ... EMC``: never inside a path (from its first point
    to its painting) nor across a text object, a saved graphics state or other marked
    content; None if nothing needed it."""
    out: list = []
    covered: list[bool] = []  # per open marked-content sequence: tagged or artifact, or within
    running = changed = False
    path_at: int | None = None
    for instruction in instructions:
        op = str(instruction.operator)
        if running and op in BOUNDARY:
            out.append(_EMC)
            running = False
        if op in ("BMC", "BDC"):
            tag, props = instruction.operands[0], instruction.operands[-1]
            own = tag == "/Artifact" or (op == "BDC" and (
                isinstance(props, pikepdf.Name)
                or (isinstance(props, pikepdf.Dictionary) and "/MCID" in props)))
            covered.append(own or bool(covered and covered[-1]))
        elif op == "EMC" and covered:
            covered.pop()
        elif op in PATH and path_at is None:
            path_at = len(out)
        elif op in PAINTING and not running and not (covered and covered[-1]):
            out.insert(path_at if op in PATH_END and path_at is not None else len(out),
                       _artifact())
            running = changed = True
        if op in PATH_END:
            path_at = None
        out.append(instruction)
    if running:
        out.append(_EMC)
    return out if changed else None


def _artifact() -> pikepdf.ContentStreamInstruction:
    return pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact], pikepdf.Operator("BMC"))


_EMC = pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC"))
