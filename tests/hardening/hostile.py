"""Hostile files, made by code: small files that claim (or expand to) enormous contents.

- `far_cell_xlsx`: a valid workbook with a header in A1 and one more cell at XFD1048576, its
  dimension saying ``A1:XFD1048576`` (about 1.5 KB; a reader that sizes its grid from either
  allocates 17 billion cells).
- `repeated_rows_ods`: an ODS whose one row is repeated millions of times with a value in it
  (``table:number-rows-repeated``; under a kilobyte).
- `wide_repeated_ods`: the same with a value repeated across the widest row an ODS allows.
- `zip_bomb_xlsx`: a worksheet of a few hundred megabytes of white space compressed to a
  few hundred kilobytes.
- `alias_bomb_yaml`: front matter of nested YAML aliases (``a: &a [x, x, ...]``, ``b: &b [*a,
  *a, ...]``) that expands to billions of nodes from some 600 bytes.
"""

from __future__ import annotations

import io
import zipfile

_CT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
 Target="xl/workbook.xml"/></Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
 Target="worksheets/sheet1.xml"/></Relationships>"""


def _xlsx(sheet_xml: bytes, padding_mb: int = 0) -> bytes:
    """A workbook of one sheet; `padding_mb` megabytes of white space are streamed into the
    sheet before its end (never held whole)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", _CT)
        book.writestr("_rels/.rels", _RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        head, tail = sheet_xml.rsplit(b"</worksheet>", 1)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head)
            blank = b" " * (1024 * 1024)
            for _ in range(padding_mb):
                sheet.write(blank)
            sheet.write(b"</worksheet>" + tail)
    return buffer.getvalue()


def _sheet(dimension: str, cells: str) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + f'<dimension ref="{dimension}"/><sheetData>{cells}</sheetData>'.encode()
            + b"</worksheet>")


def far_cell_xlsx(dimension: str = "A1:XFD1048576") -> bytes:
    return _xlsx(_sheet(dimension,
                        '<row r="1"><c r="A1" t="inlineStr"><is><t>force</t></is></c></row>'
                        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))


def zip_bomb_xlsx(megabytes: int = 300) -> bytes:
    return _xlsx(_sheet("A1:A1", '<row r="1"><c r="A1"><v>1</v></c></row>'), megabytes)


_ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">
<manifest:file-entry manifest:full-path="/"
 manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def _ods(rows: str) -> bytes:
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="Data">'
               f'{rows}</table:table></office:spreadsheet></office:body>'
               '</office:document-content>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        book.writestr("content.xml", content)
    return buffer.getvalue()


_VALUE = ('<table:table-cell office:value-type="float" office:value="1">'
          '<text:p>1</text:p></table:table-cell>')


def repeated_rows_ods(rows: int = 5_000_000) -> bytes:
    return _ods('<table:table-row><table:table-cell office:value-type="string">'
                '<text:p>force</text:p></table:table-cell></table:table-row>'
                f'<table:table-row table:number-rows-repeated="{rows}">'
                f'{_VALUE}<table:table-cell table:number-columns-repeated="20"/>{_VALUE}'
                '</table:table-row>')


def wide_repeated_ods(rows: int = 100_000) -> bytes:
    return _ods(f'<table:table-row table:number-rows-repeated="{rows}">'
                '<table:table-cell table:number-columns-repeated="16383"/>'
                f'{_VALUE}</table:table-row>')


def alias_bomb_yaml(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels):
        refs = ", ".join([f"*a{n - 1}"] * 9)
        lines.append(f"a{n}: &a{n} [{refs}]")
    return "\n".join(lines) + "\n"


def alias_bomb_article() -> str:
    return ("---\ntitle: A bomb\nurl: https://example.org/a\narea: gwent\n"
            + alias_bomb_yaml() + "---\nSome text.\n")


# Every hostile file, by the name it is written under: the tests and bench/bench_hostile.py use
# the same set.
FILES = {
    "far-cell.xlsx": far_cell_xlsx,
    "far-cell-small-dimension.xlsx": lambda: far_cell_xlsx(dimension="A1:B2"),
    "zip-bomb.xlsx": zip_bomb_xlsx,
    "repeated-rows.ods": repeated_rows_ods,
    "wide-repeated.ods": wide_repeated_ods,
}
