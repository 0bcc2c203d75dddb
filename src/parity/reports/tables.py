"""The report's numbered tables and figures, and the accompanying tables as ODS and XLSX.

`number(html, charts)` walks the built report in reading order and gives every table and every
chart a number ("Table 4", "Figure 2"), written into its caption. A table or chart that each
force's pages repeat (its officers by rank group, its trend charts, a domain's force table) has
one number for every force, and its caption names the force: "Table 6 (Cheshire)". It returns
the HTML with the numbers and the `Numbered` items, whose cells are the text the reader sees;
for a chart they are the figures it draws (recorded by `parity.present.charts.recording`).

`write_tables(items, xlsx=..., ods=...)` writes one sheet per number (named as numbered, with a
Force column where the item repeats for each force), a contents sheet first and a notes
sheet with the sources and licence. `cell_value` turns the text into a spreadsheet value:
"34.7%" a share (0.347, shown as a percentage), "+1.2 pts" a change in percentage points
(1.2), "1,234" and "165.8" numbers, "—" an empty cell; anything else stays text. `shown`
writes a value back as the report shows it (the tests compare the two ways round).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from lxml import etree
from lxml import html as lxml_html

from parity.present.cells import neutralise

SVG = "{http://www.w3.org/2000/svg}"
DASH = "—"
_SHARE = re.compile(r"^(-?\d+(?:\.\d+)?)%$")
_POINTS = re.compile(r"^([+−-]?)(\d+(?:\.\d+)?) pts$")
_NUMBER = re.compile(r"^-?\d{1,3}(?:,\d{3})*(?:\.\d+)?$|^-?\d+(?:\.\d+)?$")


@dataclass
class Part:
    """One block of a numbered item: the force it belongs to (None nationally), its column
    headings and its rows of cell text."""

    force: str | None
    header: list[str]
    rows: list[list[str]]


@dataclass
class Numbered:
    kind: str  # "Table" or "Figure"
    number: int
    title: str
    section: str
    parts: list[Part] = field(default_factory=list)
    domain: str | None = None  # the domain section it is in; None: the report's own pages

    @property
    def label(self) -> str:
        return f"{self.kind} {self.number}"

    @property
    def per_force(self) -> bool:
        return any(p.force for p in self.parts)

    def as_dict(self) -> dict:
        return {"label": self.label, "title": self.title, "section": self.section,
                "parts": [{"force": p.force, "header": p.header, "rows": p.rows}
                          for p in self.parts]}


def text_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _place(element: etree._Element) -> tuple[str | None, str, str]:
    """(force name or None, the part of the page it is in, the section's heading)."""
    force, part, heading = None, "page", ""
    for ancestor in element.iterancestors():
        cls = ancestor.get("class") or ""
        ident = ancestor.get("id") or ""
        if "extension" in cls.split() and part == "page":
            part = ident.rsplit("-", 1)[-1] if ident else "extension"
        if ancestor.tag == "section":
            h2 = ancestor.find(".//h2")
            heading = text_of(h2) if h2 is not None else ident
            if "force" in cls.split():
                force = heading
            break
    return force, part, heading


def _table_rows(table: etree._Element) -> tuple[list[str], list[list[str]]]:
    header: list[str] = []
    head = table.find("thead")
    if head is not None:
        heads = head.findall("tr")
        if heads:  # the last row of a grouped header names the columns
            header = [text_of(c) for c in heads[-1] if c.tag in ("th", "td")]
    rows = []
    for tr in table.iter("tr"):
        if head is not None and tr.getparent() is head:
            continue
        rows.append([text_of(c) for c in tr if c.tag in ("th", "td")])
    if not header and rows:
        header = [""] * max(len(r) for r in rows)
    return header, rows


def _caption_title(table: etree._Element) -> str:
    caption = table.find("caption")
    if caption is not None and text_of(caption):
        return text_of(caption)
    for previous in table.itersiblings(preceding=True):
        if previous.tag in ("h3", "h4") and text_of(previous):
            return text_of(previous)
    for ancestor in table.iterancestors():
        heading = ancestor.find("h3")
        if heading is not None and text_of(heading):
            return text_of(heading)
    return "Table"


def _number_label(kind: str, n: int, force: str | None) -> str:
    return f"{kind} {n}" + (f" ({force})" if force else "")


def number(html: str, charts: dict[str, tuple[str, list[str], list[list[str]]]]
           ) -> tuple[str, list[Numbered]]:
    """The report's HTML with every table and chart numbered in its caption, and the items."""
    doc = lxml_html.fromstring(html)
    items: dict[tuple, Numbered] = {}
    counters = {"Table": 0, "Figure": 0}
    seen_in_part: dict[tuple, int] = {}

    def item_for(kind: str, element: etree._Element, title: str) -> tuple[Numbered, str | None]:
        force, part, heading = _place(element)
        where = (kind, force, part)
        index = seen_in_part.get(where, 0)
        seen_in_part[where] = index + 1
        key = (kind, "force" if force else heading, part, index)
        if key not in items:
            counters[kind] += 1
            items[key] = Numbered(kind, counters[kind], title, heading if not force
                                  else "Force by force",
                                  domain=None if part == "page" else part)
        return items[key], force

    for element in doc.iter("table", "svg", f"{SVG}svg"):
        if element.tag != "table" and element.get("aria-hidden") == "true":
            continue  # a decorative mark (a status disc beside its word), not a chart
        if element.tag == "table":
            found, force = item_for("Table", element, _caption_title(element))
            header, rows = _table_rows(element)
            found.parts.append(Part(force, header, rows))
            caption = element.find("caption")
            if caption is None:
                caption = etree.SubElement(element, "caption")
                element.insert(0, caption)
                caption.text = found.title
            mark = etree.Element("span", {"class": "number"})
            mark.text = _number_label("Table", found.number, force) + ". "
            mark.tail = caption.text
            caption.text = None
            caption.insert(0, mark)
        else:
            title_el = element.find("title")
            if title_el is None:
                title_el = element.find(f"{SVG}title")
            cid = (title_el.get("id") or "").removesuffix("-title") if title_el is not None \
                else ""
            recorded = charts.get(cid)
            title = recorded[0] if recorded else (text_of(title_el) if title_el is not None
                                                  else "Figure")
            force_name, _part, _heading = _place(element)
            if force_name and title.startswith(f"{force_name}: "):
                title = title[len(force_name) + 2:]
                title = title[:1].upper() + title[1:]
            found, force = item_for("Figure", element, title)
            if recorded:
                found.parts.append(Part(force, list(recorded[1]), [list(r) for r in recorded[2]]))
            else:  # drawn by a domain's own code: its description in words stands for it
                desc = element.find("desc")
                if desc is None:
                    desc = element.find(f"{SVG}desc")
                found.parts.append(Part(force, ["", "Description"],
                                        [["", text_of(desc) if desc is not None else ""]]))
            label = _number_label("Figure", found.number, force)
            figure = next((a for a in element.iterancestors() if a.tag == "figure"), None)
            caption = figure.find("figcaption") if figure is not None else None
            if caption is not None:
                mark = etree.Element("span", {"class": "number"})
                mark.text = label + ". "
                mark.tail = caption.text
                caption.text = None
                caption.insert(0, mark)
            else:
                note = etree.Element("p", {"class": "figure-number"})
                note.text = f"{label}. {title}"
                element.addprevious(note)
    out = etree.tostring(doc, encoding="unicode", method="html", doctype="<!doctype html>")
    ordered = sorted(items.values(), key=lambda i: (i.kind != "Table", i.number))
    return out, ordered


def cell_value(text: str) -> tuple[str, float | str | None]:
    """("share" | "points" | "number" | "empty" | "text", value) for a cell's text."""
    text = text.strip()
    if text in ("", DASH):
        return "empty", None
    if m := _SHARE.match(text):
        return "share", round(float(m.group(1)) / 100, 6)
    if m := _POINTS.match(text):
        value = float(m.group(2))
        return "points", -value if m.group(1) in ("−", "-") else value
    if _NUMBER.match(text):
        return "number", float(text.replace(",", ""))
    return "text", text


def shown(kind: str, value: float | str | None, *, digits: int = 1) -> str:
    """A spreadsheet value written as the report writes it (the inverse of `cell_value`)."""
    if value is None or kind == "empty":
        return DASH if kind == "empty" else ""
    if kind == "share":
        return f"{float(value) * 100:.{digits}f}%"
    if kind == "points":
        v = float(value)
        if round(v, digits) == 0:
            return f"{0:.{digits}f} pts"
        return f"{'+' if v > 0 else '−'}{abs(v):.{digits}f} pts"
    return str(value)


def _decimals(text: str) -> int:
    digits = text.rstrip("%").split(" ")[0]
    return len(digits.split(".")[1]) if "." in digits else 0


FORMATS = {"share": "0.0%", "points": '+0.0" pts";-0.0" pts";0.0" pts"'}


def sheet_rows(item: Numbered) -> tuple[list[str], list[list[str]]]:
    """The item's header and rows as one sheet shows them (a Force column first when the
    item repeats for each force and every force's block has the same columns)."""
    if not item.per_force:
        header = item.parts[0].header if item.parts else []
        return header, [r for p in item.parts for r in p.rows]
    headers = {tuple(p.header) for p in item.parts}
    width = max((len(r) for p in item.parts for r in p.rows), default=0)
    header = list(item.parts[0].header) if len(headers) == 1 else [""] * width
    return ["Force", *header], [[p.force or "", *r] for p in item.parts for r in p.rows]


def _sheet_name(item: Numbered) -> str:
    return item.label  # "Table 12": short, unique, and what the report calls it


def write_tables(items: list[Numbered], *, xlsx: Path, ods: Path, title: str,
                 notes: list[str]) -> None:
    """Write the accompanying tables: a Contents sheet, a Notes sheet, then one sheet per
    numbered table or figure with its title in the first row and its header in the second."""
    contents = [["Sheet", "Title", "Section", "Per force"]] + [
        [_sheet_name(i), i.title, i.section, "yes" if i.per_force else "no"] for i in items]
    sheets: list[tuple[str, list[list[str]], int]] = [
        ("Contents", [[title], *contents], 1),
        ("Notes", [[title], *[[n] for n in notes]], 1),
    ]
    for item in items:
        header, rows = sheet_rows(item)
        sheets.append((_sheet_name(item), [[f"{item.label}: {item.title}"], header, *rows], 2))
    _write_xlsx(sheets, xlsx)
    _write_ods(sheets, ods)


_XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XLSX_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XLSX_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# characters XML 1.0 cannot hold (a spreadsheet program refuses the whole file for one)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BUILTIN_FORMATS = {"#,##0": 3}  # number formats every spreadsheet program knows by id
_SHEET_NAME_FORBIDDEN = set("[]:*?/\\")


def _column_letters(index: int) -> str:
    """The column letters of the 0-based `index` (0 is A, 26 is AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _write_xlsx(sheets: list[tuple[str, list[list[str]], int]], path: Path) -> None:
    """The sheets as an Office Open XML workbook, its XML written directly (openpyxl's cell
    objects took most of the time of writing a national report's tables): text as inline
    strings, numbers with the report's number formats, the title and header rows bold."""
    formats: dict[str, int] = {}  # number format -> its style (cellXfs) index
    custom: dict[str, int] = {}  # number format -> its numFmt id (164 and up are one's own)

    def style(number_format: str) -> int:
        if number_format not in formats:
            if number_format not in _BUILTIN_FORMATS:
                custom[number_format] = 164 + len(custom)
            formats[number_format] = 2 + len(formats)  # 0: plain, 1: bold text
        return formats[number_format]

    names = []
    documents = []
    for name, rows, header_rows in sheets:
        if not name or len(name) > 31 or _SHEET_NAME_FORBIDDEN & set(name) \
                or name.lower() in {n.lower() for n in names}:
            raise ValueError(f"not a sheet name a spreadsheet program accepts: {name!r}")
        names.append(name)
        parts = [_XML_DECLARATION, f'<worksheet xmlns="{_XLSX_MAIN}"><sheetData>']
        add = parts.append
        for r, row in enumerate(rows, start=1):
            add(f'<row r="{r}">')
            for c, text in enumerate(row):
                kind, value = cell_value(text) if r > header_rows else ("text", text)
                if kind == "empty":
                    continue
                ref = f"{_column_letters(c)}{r}"
                if kind == "text" or not isinstance(value, float):
                    shown_text = _NOT_XML.sub("", str(neutralise(value)))
                    space = ' xml:space="preserve"' if shown_text != shown_text.strip() else ""
                    bold = ' s="1"' if r <= header_rows else ""
                    add(f'<c r="{ref}"{bold} t="inlineStr"><is><t{space}>'
                        f"{xml_escape(shown_text)}</t></is></c>")
                    continue
                if kind in FORMATS:
                    number_format = FORMATS[kind]
                else:
                    decimals = _decimals(text)
                    number_format = "#,##0" + ("." + "0" * decimals if decimals else "")
                add(f'<c r="{ref}" s="{style(number_format)}"><v>{value!r}</v></c>')
            add("</row>")
        add("</sheetData></worksheet>")
        documents.append("".join(parts))
    number_formats = "".join(f'<numFmt numFmtId="{i}" formatCode="{xml_escape(f, _QUOTES)}"/>'
                             for f, i in custom.items())
    number_xfs = "".join(
        f'<xf numFmtId="{custom.get(f, _BUILTIN_FORMATS.get(f))}" fontId="0" fillId="0" '
        'borderId="0" xfId="0" applyNumberFormat="1"/>' for f in formats)
    styles = (f'{_XML_DECLARATION}<styleSheet xmlns="{_XLSX_MAIN}">'
              + (f'<numFmts count="{len(custom)}">{number_formats}</numFmts>' if custom else "")
              + '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
              '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
              '<fills count="2"><fill><patternFill patternType="none"/></fill>'
              '<fill><patternFill patternType="gray125"/></fill></fills>'
              '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
              '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
              f'borderId="0"/></cellStyleXfs><cellXfs count="{2 + len(formats)}">'
              '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
              '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
              f'{number_xfs}</cellXfs><cellStyles count="1"><cellStyle name="Normal" '
              'xfId="0" builtinId="0"/></cellStyles></styleSheet>')
    workbook = (f'{_XML_DECLARATION}<workbook xmlns="{_XLSX_MAIN}" xmlns:r="{_XLSX_REL}">'
                "<sheets>" + "".join(
                    f'<sheet name="{xml_escape(n, _QUOTES)}" sheetId="{i}" r:id="rId{i}"/>'
                    for i, n in enumerate(names, start=1)) + "</sheets></workbook>")
    relations = (f'{_XML_DECLARATION}<Relationships xmlns="{_XLSX_PACKAGE_REL}">' + "".join(
        f'<Relationship Id="rId{i}" Type="{_XLSX_REL}/worksheet" '
        f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(names) + 1))
        + f'<Relationship Id="rId{len(names) + 1}" Type="{_XLSX_REL}/styles" '
        'Target="styles.xml"/></Relationships>')
    types = (f'{_XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="rels" ContentType="application/'
             'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
             'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
             f'ContentType="{_XLSX_TYPE}.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
             f'ContentType="{_XLSX_TYPE}.styles+xml"/>' + "".join(
                 f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                 f'ContentType="{_XLSX_TYPE}.worksheet+xml"/>'
                 for i in range(1, len(names) + 1)) + "</Types>")
    package = (f'{_XML_DECLARATION}<Relationships xmlns="{_XLSX_PACKAGE_REL}"><Relationship '
               f'Id="rId1" Type="{_XLSX_REL}/officeDocument" Target="xl/workbook.xml"/>'
               "</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", types)
        book.writestr("_rels/.rels", package)
        book.writestr("xl/workbook.xml", workbook)
        book.writestr("xl/_rels/workbook.xml.rels", relations)
        book.writestr("xl/styles.xml", styles)
        for i, document in enumerate(documents, start=1):
            book.writestr(f"xl/worksheets/sheet{i}.xml", document)


_ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" office:version="1.2"')
_QUOTES = {'"': "&quot;"}
_ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"


def _write_ods(sheets: list[tuple[str, list[list[str]], int]], path: Path) -> None:
    """The sheets as an OpenDocument spreadsheet, its XML written directly (a tree of odfpy
    elements for a national report's tables took most of the time of writing them)."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             f"<office:document-content {_ODS_NAMESPACES}><office:body><office:spreadsheet>"]
    add = parts.append
    for name, rows, header_rows in sheets:
        add(f'<table:table table:name="{xml_escape(name, _QUOTES)}">')
        width = max((len(row) for row in rows), default=0)
        if width:
            add(f'<table:table-column table:number-columns-repeated="{width}"/>')
        for r, row in enumerate(rows, start=1):
            add("<table:table-row>")
            for text in row:
                kind, value = cell_value(text) if r > header_rows else ("text", text)
                if kind == "empty":
                    add("<table:table-cell/>")
                    continue
                if kind == "share":
                    add(f'<table:table-cell office:value-type="percentage" '
                        f'office:value="{value}">')
                elif kind in ("points", "number"):
                    add(f'<table:table-cell office:value-type="float" office:value="{value}">')
                else:
                    add('<table:table-cell office:value-type="string">')
                add(f"<text:p>{xml_escape(text)}</text:p></table:table-cell>")
            add("</table:table-row>")
        add("</table:table>")
    add("</office:spreadsheet></office:body></office:document-content>")
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles '
              f'{_ODS_NAMESPACES}/>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
                'manifest:version="1.2">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODS_MIME}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"/>'
                '<manifest:file-entry manifest:full-path="styles.xml" '
                'manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        # the media type first and uncompressed: how a reader knows the file (ODF 1.2, 3.3)
        book.writestr(zipfile.ZipInfo("mimetype"), _ODS_MIME, compress_type=zipfile.ZIP_STORED)
        book.writestr("content.xml", "".join(parts))
        book.writestr("styles.xml", styles)
        book.writestr("META-INF/manifest.xml", manifest)
