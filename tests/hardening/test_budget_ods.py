"""The ODS part of the reading budget (`parity.budget`) measured against a plain XML reading.

`check_spreadsheet` measures a sheet's extent by scanning content.xml's bytes: pieces of plain
rows with `bytes.count` and `bytes.find`, anything else with the general patterns. Here both
are held to a reference that reads the same XML with `xml.etree.ElementTree.iterparse`
(namespaces resolved, cells and rows repeated as the format says), on the official tables,
on a copy written the way other programs write (rows on lines of their own), and on crafted
files whose repeats, attributes and tags fall across the pieces' boundaries (the pieces made
small so that every boundary is tried). A sheet reaches the last row and column holding a
value (a value type, or a paragraph with text).
"""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from parity import budget
from parity.errors import InputError
from tests.conftest import SHARED_DATA
from tests.hardening.hostile import _ODS_MANIFEST

DATA = Path(__file__).resolve().parents[2] / "src" / "parity" / "data"
WORKFORCE = DATA / "open-data-table-police-workforce-260723.ods"
BULLETIN = SHARED_DATA / "home-office" / "police-workforce-sep19-tables.ods"

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ROWS = f"{{{TABLE}}}number-rows-repeated"
_COLUMNS = f"{{{TABLE}}}number-columns-repeated"
_CELLS = {f"{{{TABLE}}}table-cell", f"{{{TABLE}}}covered-table-cell"}


# --- the reference ---------------------------------------------------------------------------

def _holds_value(cell: ElementTree.Element) -> bool:
    if any(name.endswith("}value-type") for name in cell.attrib):
        return True
    return any(p.text or len(p) for p in cell.iter(f"{{{TEXT}}}p"))


def reference_grids(path: Path) -> list[tuple[int, int]]:
    """(rows, columns) each sheet reaches with a value, read element by element."""
    grids: list[list[int]] = []
    row = 0
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            if event == "start" and element.tag == f"{{{TABLE}}}table":
                grids.append([0, 0])
                row = 0
            elif event == "end" and element.tag == f"{{{TABLE}}}table-row":
                repeats = int(element.get(_ROWS, "1"))
                column = reached = 0
                for cell in element:
                    if cell.tag not in _CELLS:
                        continue
                    column += int(cell.get(_COLUMNS, "1"))
                    if _holds_value(cell):
                        reached = column
                if reached:
                    grids[-1][0] = max(grids[-1][0], row + repeats)
                    grids[-1][1] = max(grids[-1][1], reached)
                row += repeats
                element.clear()
    return [(rows, columns) for rows, columns in grids]


# --- the scanner, as check_spreadsheet runs it, and its general rule alone -------------------

class Counted:
    """How many bytes the plain path measured, and how many it left to the general rule."""

    def __init__(self) -> None:
        self.plain = self.general = 0


def scanned(path: Path, monkeypatch: pytest.MonkeyPatch, *, chunk: int | None = None,
            general_only: bool = False, counted: Counted | None = None) -> list[tuple[int, int]]:
    with monkeypatch.context() as patch:
        if chunk:
            patch.setattr(budget, "_CHUNK", chunk)
        plain, general = budget._OdsScan._plain, budget._OdsScan._general
        if general_only:
            patch.setattr(budget._OdsScan, "_plain", lambda self, piece: False)
        elif counted is not None:
            def watched_plain(self: budget._OdsScan, piece: bytes) -> bool:
                measured = plain(self, piece)
                counted.plain += len(piece) if measured else 0
                return measured

            def watched_general(self: budget._OdsScan, piece: bytes) -> None:
                counted.general += len(piece)
                general(self, piece)
            patch.setattr(budget._OdsScan, "_plain", watched_plain)
            patch.setattr(budget._OdsScan, "_general", watched_general)
        with zipfile.ZipFile(path) as archive:
            grids = budget._ods_grids(archive, archive.getinfo("content.xml"))
    return [(g.rows, g.columns) for g in grids]


def refusal(path: Path, monkeypatch: pytest.MonkeyPatch, *, chunk: int | None = None,
            general_only: bool = False) -> str:
    with monkeypatch.context() as patch:
        if chunk:
            patch.setattr(budget, "_CHUNK", chunk)
        if general_only:
            patch.setattr(budget._OdsScan, "_plain", lambda self, piece: False)
        with pytest.raises(InputError) as refused:
            budget.check_spreadsheet(path)
    return refused.value.reason


# --- files -----------------------------------------------------------------------------------

def ods(tables: str, path: Path, *, declarations: str = "", head: str = "") -> Path:
    content = (f'<?xml version="1.0" encoding="UTF-8"?>{head}<office:document-content '
               f'xmlns:office="{OFFICE}" xmlns:table="{TABLE}" xmlns:text="{TEXT}" '
               f'{declarations} office:version="1.2"><office:body><office:spreadsheet>'
               f"{tables}</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        book.writestr("content.xml", content)
    return path


def rewritten(source: Path, path: Path, change) -> Path:  # noqa: ANN001
    """A copy of `source` with its content.xml passed through `change` (bytes to bytes)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info, change(data) if info.filename == "content.xml" else data)
    return path


def _cell(rng: random.Random, prefix: str) -> str:
    kind = rng.choice(["empty", "closed", "value", "text", "float", "repeated", "repeated-value",
                       "covered", "blank-paragraph", "spaced"])
    t = prefix
    if kind == "empty":
        return f"<{t}table-cell/>"
    if kind == "closed":
        return f'<{t}table-cell {t}style-name="ce1"></{t}table-cell>'
    if kind == "value":
        return (f'<{t}table-cell office:value-type="float" office:value="{rng.randint(0, 99)}">'
                f"<text:p>{rng.randint(0, 99)}</text:p></{t}table-cell>")
    if kind == "text":
        return f"<{t}table-cell><text:p>force</text:p></{t}table-cell>"
    if kind == "float":  # a value with no paragraph
        return f'<{t}table-cell office:value-type="float" office:value="2"/>'
    if kind == "repeated":
        return f'<{t}table-cell {t}number-columns-repeated="{rng.randint(1, 40)}"/>'
    if kind == "repeated-value":
        return (f'<{t}table-cell {t}number-columns-repeated="{rng.randint(1, 9)}" '
                f'office:value-type="string"><text:p>x</text:p></{t}table-cell>')
    if kind == "covered":
        return (f'<{t}covered-table-cell {t}number-columns-repeated="{rng.randint(1, 3)}" '
                f'office:value-type="float" office:value="1"/>')
    if kind == "blank-paragraph":
        return f"<{t}table-cell><text:p/></{t}table-cell>"
    return (f'<{t}table-cell\n  {t}style-name="ce2"\t office:value-type="string"'
            f"><text:p text:style-name=\"P1\">a b</text:p></{t}table-cell>")


def _row(rng: random.Random, prefix: str, *, covered: bool) -> str:
    t = prefix
    cells = "".join(_cell(rng, t) for _ in range(rng.randint(0, 12)))
    if not covered:
        cells = cells.replace(f"<{t}covered-table-cell", f"<{t}table-cell")
    repeats = rng.choice(["", "", "", f' {t}number-rows-repeated="{rng.randint(1, 100)}"'])
    space = rng.choice(["", "", "\n", "\n    "])
    return f'{space}<{t}table-row {t}style-name="ro1"{repeats}>{cells}</{t}table-row>'


def crafted(rng: random.Random, path: Path) -> Path:
    """A workbook of a few sheets of random rows: mostly plain, some pieces not (covered
    cells, row groups, header rows, a second prefix for the table namespace)."""
    sheets = []
    for number in range(rng.randint(1, 3)):
        prefix = "table:" if rng.random() < 0.8 else "t:"
        t = prefix
        covered = rng.random() < 0.3
        rows = [_row(rng, t, covered=covered) for _ in range(rng.randint(1, 300))]
        if rng.random() < 0.3:
            at = rng.randrange(len(rows))
            rows[at:at + 3] = [f"<{t}table-row-group>{''.join(rows[at:at + 3])}"
                               f"</{t}table-row-group>"]
        if rng.random() < 0.3:
            rows[0] = f"<{t}table-header-rows>{rows[0]}</{t}table-header-rows>"
        tail = f'<{t}table-row {t}number-rows-repeated="1048000"><{t}table-cell ' \
               f'{t}number-columns-repeated="16384"/></{t}table-row>'
        sheets.append(f'<{t}table {t}name="S{number}"><{t}table-column '
                      f'{t}number-columns-repeated="3"/>{"".join(rows)}{tail}</{t}table>')
    return ods("".join(sheets), path, declarations=f'xmlns:t="{TABLE}"')


CHUNKS = [None, 4096, 997, 211, 64]


# --- the official tables ---------------------------------------------------------------------

def test_the_workforce_table_is_measured_as_a_reader_lays_it_out(monkeypatch):
    counted = Counted()
    assert scanned(WORKFORCE, monkeypatch, counted=counted) == reference_grids(WORKFORCE) \
        == [(11, 2), (29305, 9)]
    # the plain path measured all but the sheets' starts and ends
    assert counted.plain + counted.general == 38_317_439
    assert counted.general < 100_000


def test_a_copy_written_with_rows_on_lines_of_their_own_is_measured_the_same(tmp_path,
                                                                             monkeypatch):
    copy = rewritten(WORKFORCE, tmp_path / "workforce.ods",
                     lambda xml: xml.replace(b"<table:table-row", b"\n  <table:table-row"))
    counted = Counted()
    assert scanned(copy, monkeypatch, counted=counted) == reference_grids(copy) \
        == [(11, 2), (29305, 9)]
    assert counted.general < 100_000 < counted.plain


@pytest.mark.skipif(not BULLETIN.exists(), reason="the bulletin's tables are not at hand")
def test_the_bulletin_tables_are_measured_as_a_reader_lays_them_out(monkeypatch):
    expected = reference_grids(BULLETIN)
    assert len(expected) == 14 and max(rows for rows, _ in expected) == 69
    for chunk in (None, 4096):
        assert scanned(BULLETIN, monkeypatch, chunk=chunk) == expected


# --- crafted files, every boundary ------------------------------------------------------------

@pytest.mark.parametrize("seed", range(12))
def test_crafted_sheets_agree_with_the_reference_across_piece_boundaries(tmp_path, monkeypatch,
                                                                        seed):
    path = crafted(random.Random(seed), tmp_path / f"crafted-{seed}.ods")
    expected = reference_grids(path)
    assert any(rows and columns for rows, columns in expected)
    for chunk in CHUNKS:
        assert scanned(path, monkeypatch, chunk=chunk) == expected, chunk
        assert scanned(path, monkeypatch, chunk=chunk, general_only=True) == expected, chunk


def test_the_plain_path_measures_most_pieces_of_crafted_sheets(tmp_path, monkeypatch):
    """Else the agreement above would hold of the general rule alone."""
    counted = Counted()
    for seed in range(12):
        path = crafted(random.Random(seed), tmp_path / f"crafted-{seed}.ods")
        scanned(path, monkeypatch, chunk=997, counted=counted)
    assert counted.plain > counted.general > 0


@pytest.mark.parametrize("chunk", CHUNKS)
def test_a_repeat_split_across_a_boundary_is_read_whole(tmp_path, monkeypatch, chunk):
    """`number-rows-repeated="123456"` wherever the pieces fall: the value row is its last."""
    filler = "".join(f'<table:table-row><table:table-cell office:value-type="float" '
                     f'office:value="{n}"><text:p>{n}</text:p></table:table-cell>'
                     f"</table:table-row>" for n in range(40))
    row = ('<table:table-row table:number-rows-repeated="123456"><table:table-cell '
           'table:number-columns-repeated="31"/><table:table-cell office:value-type="string">'
           "<text:p>x</text:p></table:table-cell></table:table-row>")
    path = ods(f'<table:table table:name="A">{filler}{row}{filler}</table:table>',
               tmp_path / "split.ods")
    assert reference_grids(path) == [(40 + 123456 + 40, 32)]
    for size in (chunk, *range(61, 80)) if chunk == 64 else (chunk,):
        assert scanned(path, monkeypatch, chunk=size) == [(123536, 32)]


def test_self_closing_rows_and_cells_count_as_they_should(tmp_path, monkeypatch):
    rows = ('<table:table-row table:number-rows-repeated="7"/>'
            '<table:table-row><table:table-cell/><table:table-cell/>'
            '<table:table-cell office:value-type="float" office:value="1"/>'
            "<table:table-cell/></table:table-row>"
            '<table:table-row table:number-rows-repeated="5"><table:table-cell/></table:table-row>')
    path = ods(f'<table:table table:name="A">{rows}</table:table>', tmp_path / "closed.ods")
    assert reference_grids(path) == [(8, 3)]
    for chunk in CHUNKS:
        assert scanned(path, monkeypatch, chunk=chunk) == [(8, 3)]


def test_a_sheet_of_empty_rows_reaches_nothing(tmp_path, monkeypatch):
    rows = ('<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
            'table:number-columns-repeated="16384"/></table:table-row>')
    path = ods(f'<table:table table:name="A">{rows * 3}</table:table>', tmp_path / "empty.ods")
    assert scanned(path, monkeypatch) == reference_grids(path) == [(0, 0)]
    budget.check_spreadsheet(path)


def test_other_prefixes_for_the_table_namespace_are_counted(tmp_path, monkeypatch):
    """A row named `t:table-row` is not plain: the general rule measures it (and refuses)."""
    rows = ('<table:table-row><table:table-cell><text:p>a</text:p></table:table-cell>'
            '</table:table-row><t:table-row t:number-rows-repeated="1000000"><t:table-cell '
            't:number-columns-repeated="2"/><table:table-cell office:value-type="float" '
            'office:value="1"/></t:table-row>')
    path = ods(f'<table:table table:name="A">{rows}</table:table>', tmp_path / "prefix.ods",
               declarations=f'xmlns:t="{TABLE}"')
    assert reference_grids(path) == [(1000001, 3)]
    for chunk in CHUNKS:
        assert scanned(path, monkeypatch, chunk=chunk) == [(1000001, 3)]
    wider = rewritten(path, tmp_path / "wider.ods", lambda xml: xml.replace(
        b'"1000000"', b'"3000000"'))
    assert refusal(wider, monkeypatch) == ("wider.ods: too large to read safely (content.xml has "
                                           "a value at row 3,000,001, column 3 (9,000,003 cells))")


def test_comments_and_cdata_are_counted_not_skipped(tmp_path, monkeypatch):
    """The scan does not parse: a row inside a comment or CDATA is counted as if it were
    there. That can refuse more than a reader would need, never less."""
    hidden = ('<table:table-row table:number-rows-repeated="100"><table:table-cell '
              'office:value-type="float" office:value="1"/></table:table-row>')
    plain = ('<table:table-row><table:table-cell office:value-type="float" office:value="1"/>'
             "<table:table-cell/></table:table-row>")
    tables = (f'<table:table table:name="A">{plain}<!-- {hidden} -->{plain}</table:table>'
              f'<table:table table:name="B">{plain}<table:table-row><table:table-cell><text:p>'
              f"<![CDATA[{hidden}]]></text:p></table:table-cell></table:table-row></table:table>")
    path = ods(tables, tmp_path / "hidden.ods")
    assert reference_grids(path) == [(2, 1), (2, 1)]
    for chunk in CHUNKS:
        found = scanned(path, monkeypatch, chunk=chunk)
        assert found == scanned(path, monkeypatch, chunk=chunk, general_only=True)
        assert found[0] == (102, 1) and found[1][0] >= 2


# --- refusals ------------------------------------------------------------------------------

def _wide_rows(rows: int, width: int) -> str:
    return "".join(f'<table:table-row><table:table-cell table:number-columns-repeated="{width}" '
                   f'office:value-type="float" office:value="{n}"><text:p>{n}</text:p>'
                   "</table:table-cell></table:table-row>" for n in range(rows))


@pytest.mark.parametrize("chunk", CHUNKS)
def test_a_huge_repeat_is_refused_with_the_same_message_as_the_general_rule(tmp_path,
                                                                           monkeypatch, chunk):
    rows = (_wide_rows(200, 10) + '<table:table-row table:number-rows-repeated="600000">'
            '<table:table-cell table:number-columns-repeated="9"/><table:table-cell '
            'office:value-type="float" office:value="1"/></table:table-row>' + _wide_rows(5, 10))
    path = ods(f'<table:table table:name="A">{rows}</table:table>', tmp_path / "huge.ods")
    message = refusal(path, monkeypatch, chunk=chunk)
    assert message == refusal(path, monkeypatch, chunk=chunk, general_only=True)
    assert message == ("huge.ods: too large to read safely (content.xml has a value at row "
                       "600,200, column 10 (6,002,000 cells))")


@pytest.mark.parametrize("chunk", CHUNKS)
def test_plain_rows_that_grow_past_the_limit_are_refused_where_they_pass_it(tmp_path,
                                                                           monkeypatch, chunk):
    """Rows each wider than the last: the refusal names the row at which the limit passed,
    as the general rule does, though the plain path measured the piece first."""
    rows = "".join(f'<table:table-row table:number-rows-repeated="1000"><table:table-cell '
                   f'table:number-columns-repeated="{50 * (n + 1)}" office:value-type="float" '
                   f'office:value="1"/></table:table-row>' for n in range(120))
    path = ods(f'<table:table table:name="A">{rows}</table:table>', tmp_path / "growing.ods")
    message = refusal(path, monkeypatch, chunk=chunk)
    assert message == refusal(path, monkeypatch, chunk=chunk, general_only=True)
    # row 1,000 n + 1,000 at width 50 (n + 1) passes 5,000,000 cells first at n = 9
    assert "has a value at row 10,000, column 500 (5,000,000" not in message
    assert "has a value at row 11,000, column 550 (6,050,000 cells)" in message


def test_a_document_type_is_refused(tmp_path):
    path = ods('<table:table table:name="A"></table:table>', tmp_path / "doctype.ods",
               head='<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>')
    with pytest.raises(InputError) as refused:
        budget.check_spreadsheet(path)
    assert refused.value.reason == ("doctype.ods: too large to read safely (content.xml declares "
                                    "an XML document type (entities))")


def test_the_plain_path_never_passes_what_the_general_rule_refuses(tmp_path, monkeypatch):
    """Both rules over crafted sheets scaled up until some pass the limit: the same verdicts
    and the same messages."""
    verdicts = set()
    for seed in range(8):
        rng = random.Random(100 + seed)
        path = crafted(rng, tmp_path / f"scaled-{seed}.ods")
        scale = rng.choice([1, 10, 100])
        path = rewritten(path, tmp_path / f"scaled-{seed}-x.ods", lambda xml, s=scale: re.sub(
            rb'rows-repeated="(\d+)"', lambda m: b'rows-repeated="%d"' % (int(m[1]) * s), xml))
        for chunk in (None, 997):
            outcomes = []
            for general_only in (False, True):
                try:
                    with monkeypatch.context() as patch:
                        if chunk:
                            patch.setattr(budget, "_CHUNK", chunk)
                        if general_only:
                            patch.setattr(budget._OdsScan, "_plain", lambda self, piece: False)
                        budget.check_spreadsheet(path)
                    outcomes.append("passed")
                except InputError as exc:
                    outcomes.append(exc.reason)
            assert outcomes[0] == outcomes[1]
            verdicts.add(outcomes[0] == "passed")
    assert verdicts == {True, False}


@pytest.mark.parametrize("rows", [
    # a row closing itself, its cells and end tag after it
    '<table:table-row table:number-rows-repeated="9"/><table:table-cell office:value-type="float"'
    ' office:value="1"/><table:table-cell office:value-type="float" office:value="1"/>'
    "</table:table-row>",
    # a row inside a row
    '<table:table-row table:number-rows-repeated="3"><table:table-row table:number-rows-repeated='
    '"40"><table:table-cell><text:p>a</text:p></table:table-cell></table:table-row>'
    "<table:table-cell/><table:table-cell><text:p>b</text:p></table:table-cell></table:table-row>",
    # a value type in the row's own tag, none in its cells
    '<table:table-row office:value-type="float"><table:table-cell/><table:table-cell/>'
    "</table:table-row>",
])
def test_malformed_rows_are_measured_as_the_general_rule_measures_them(tmp_path, monkeypatch,
                                                                      rows):
    """No reader lays these out; the scan must still not measure less than its general rule."""
    plain = ('<table:table-row><table:table-cell office:value-type="float" office:value="1"/>'
             "</table:table-row>")
    path = ods(f'<table:table table:name="A">{plain * 30}{rows}{plain * 30}</table:table>',
               tmp_path / "malformed.ods")
    for chunk in CHUNKS:
        general = scanned(path, monkeypatch, chunk=chunk, general_only=True)
        assert scanned(path, monkeypatch, chunk=chunk) == general
        assert general[0][0] >= 61


_FRAGMENTS = [b"table-", b"<table:table-row>", b"</table:table-row>", b"/>", b">", b"<",
              b"<table:table-cell>", b'table:number-rows-repeated="70000"',
              b'table:number-columns-repeated="300"', b"value-type=", b":p>", b":p ", b"\n",
              b"<table:covered-table-cell/>", b"<t:table-row>", b"<!--", b"-->"]


def _outcome(path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int,
             general_only: bool) -> list[tuple[int, int]] | str:
    try:
        return scanned(path, monkeypatch, chunk=chunk, general_only=general_only)
    except budget._Refusal as exc:
        return str(exc)


@pytest.mark.parametrize("sheet_starts", [False, True])
def test_damaged_sheets_are_never_measured_smaller_than_by_the_general_rule(
        tmp_path, monkeypatch, sheet_starts):
    """Crafted sheets with fragments of tags inserted and bytes cut out at random: the same
    measure (or refusal) as the general rule's; with sheet starts put inside rows too (which
    the plain path does not look for), never fewer cells."""
    fragments = _FRAGMENTS + [b"<table:table>"] * sheet_starts * 3
    larger = 0
    for seed in range(40):
        rng = random.Random(1000 + seed)
        base = crafted(rng, tmp_path / "base.ods")

        def damage(xml: bytes, rng: random.Random = rng) -> bytes:
            out = bytearray(xml)
            for _ in range(rng.randint(1, 6)):
                at = rng.randrange(200, len(out))
                if rng.random() < 0.5:
                    out[at:at] = rng.choice(fragments)
                else:
                    del out[at:at + rng.randint(1, 30)]
            return bytes(out)

        path = rewritten(base, tmp_path / f"damaged-{seed}.ods", damage)
        for chunk in (None, 997):
            fast = _outcome(path, monkeypatch, chunk, general_only=False)
            general = _outcome(path, monkeypatch, chunk, general_only=True)
            if fast == general:
                continue
            assert sheet_starts, (seed, chunk, fast, general)
            larger += 1
            if isinstance(general, str):  # the general rule refused: so must the plain path
                assert isinstance(fast, str), (seed, chunk, fast, general)
            elif not isinstance(fast, str):
                assert sum(r * c for r, c in fast) > sum(r * c for r, c in general)
    assert larger > 0 if sheet_starts else larger == 0


@pytest.mark.parametrize("chunk", CHUNKS)
@pytest.mark.parametrize("attribute", ["number-rows-repeated", "number-columns-repeated"])
def test_a_repeat_of_many_digits_is_refused_not_read_as_one(tmp_path, monkeypatch, chunk,
                                                           attribute):
    """A repeat written with more digits than any sheet needs (13 and 4,500 here) is past
    every limit: once read as a single row or cell, it let the file through."""
    for digits in ("1" * 13, "9" * 4500):
        cell = ('<table:table-cell office:value-type="float" office:value="1"/>'
                if attribute == "number-rows-repeated" else
                f'<table:table-cell table:{attribute}="{digits}" office:value-type="float" '
                'office:value="1"/>')
        row_attribute = f' table:{attribute}="{digits}"' if "rows" in attribute else ""
        rows = (_wide_rows(3, 4) + f"<table:table-row{row_attribute}>{cell}</table:table-row>"
                + _wide_rows(2, 4))
        path = ods(f'<table:table table:name="A">{rows}</table:table>', tmp_path / "many.ods")
        message = refusal(path, monkeypatch, chunk=chunk)
        assert message == refusal(path, monkeypatch, chunk=chunk, general_only=True)
        if len(digits) == 13 or chunk is None:
            assert message.startswith("many.ods: too large to read safely (content.xml has a "
                                      "value at row ")
        else:  # pieces of a few hundred bytes: refused first as a tag no chunk holds
            assert message.startswith("many.ods: too large to read safely (")
