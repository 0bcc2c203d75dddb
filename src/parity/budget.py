"""Reading budgets for untrusted files: what a spreadsheet, YAML or Markdown text may cost.

A file a user hands over (at the command line or through an upload) is checked against a
budget before the parser that would pay for it runs, so that a small hostile file cannot make
the process allocate without bound (and abort, taking a web worker with it):

- `check_spreadsheet(path)` — an XLSX or ODS (both zip archives) is refused when the archive
  holds too many members, expands past `MAX_UNCOMPRESSED_BYTES` or compresses a member more than
  `MAX_RATIO` times (a zip bomb), declares an XML document type (entity expansion), or when the
  grid its sheets would fill — as the reader lays it out: declared dimensions, the farthest
  cell, rows and columns repeated by ``table:number-rows-repeated`` and
  ``table:number-columns-repeated`` — holds more than `MAX_CELLS` cells. The sheets' XML is
  streamed (never held whole) and scanned for positions only, not parsed. An archive too
  damaged to stream (a member that does not inflate, a compression method or encryption no
  reader knows) is refused as not a readable spreadsheet.
- `load_yaml(text, name=...)` — YAML with the safe loader, refusing anchors and aliases (an
  alias bomb expands 600 bytes into billions of nodes) and texts over `MAX_YAML_BYTES`.
- `MAX_MARKDOWN_CHARS` — the longest article body the library imports (and so renders).

Every refusal is an `InputError` naming the file and the limit passed, so the CLI exits with
status 2 and a page answers 400.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import add, getitem, itemgetter, sub
from pathlib import Path

import yaml

from parity.errors import InputError, Problem

# A sheet of 500,000 rows of 10 columns: ten times the largest force's payroll. Read into
# Python lists that is some 400 MB, inside the 1 GB a worker may use.
MAX_CELLS = 5_000_000
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024  # the Home Office workforce table expands to 38 MB
MAX_RATIO = 200  # its content.xml compresses 42 times; a zip bomb, thousands of times
MAX_MEMBERS = 10_000
MAX_YAML_BYTES = 1024 * 1024
# A long article is 5,000 words (some 30,000 characters); a 30,000-word report fits. Markdown
# is rendered at each view of an article, in pure Python (markdown-it): 200,000 characters of
# the costliest Markdown measured took 8 s on the loaded 2-core test machine (3 December 2026).
MAX_MARKDOWN_CHARS = 200_000
_CHUNK = 1 << 20
_LARGE_MEMBER = 1 << 20  # a ratio matters only where a member expands to more than this


@dataclass
class _Grid:
    """The extent of one sheet as a reader lays it out (1-based; 0 when empty)."""

    rows: int = 0
    columns: int = 0

    def cells(self) -> int:
        return self.rows * self.columns


class _Refusal(Exception):
    """Over the budget: the message says which limit and by how much."""


def check_spreadsheet(path: Path | str) -> None:
    """Refuse (`InputError`) an XLSX or ODS at `path` whose reading would cost more than the
    budget; other files (XLS, CSV) pass through unchecked. Reads the archive's directory and
    streams the sheets' XML: about a third of a second for a copy of the Home Office workforce
    table (38 MB of XML) on the shared 2-core test machine, 4 December 2026."""
    path = Path(path)
    if path.suffix.lower() not in {".xlsx", ".xlsm", ".ods"}:
        return
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(archive)
    except zipfile.BadZipFile:
        return  # not a zip at all, or a member's checksum is wrong: the reader says so
    except (zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError,
            OSError) as exc:
        # a damaged container: a member that does not inflate, ends early, uses a compression
        # method or encryption no reader knows, or a directory entry that lies
        raise InputError(f"{path.name}: not a readable spreadsheet (truncated or corrupt?)",
                         [Problem(file=path.name, message="the archive is damaged: "
                                  f"{type(exc).__name__}: {exc}")]) from None
    except _Refusal as exc:
        raise InputError(f"{path.name}: too large to read safely ({exc})", [Problem(
            file=path.name, message=f"{exc}; a spreadsheet may hold at most "
            f"{MAX_CELLS:,} cells and expand to at most {MAX_UNCOMPRESSED_BYTES >> 20} MB")]) \
            from None


def _check_archive(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _Refusal(f"the archive holds {len(members):,} files")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _Refusal(f"the archive expands to {total >> 20:,} MB")
    for member in members:
        if member.file_size > _LARGE_MEMBER and \
                member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise _Refusal(f"{member.filename} is compressed "
                           f"{member.file_size // max(member.compress_size, 1):,} times")
    cells = 0
    for member in members:
        name = member.filename
        if name == "content.xml":
            grids = _ods_grids(archive, member)
        elif re.fullmatch(r"xl/worksheets/[^/]+\.xml", name):
            grids = [_xlsx_grid(archive, member)]
        else:
            if name.endswith((".xml", ".rels")):
                _no_doctype(archive, member)
            continue
        cells += sum(g.cells() for g in grids)
        if cells > MAX_CELLS:
            far = max(grids, key=_Grid.cells)
            raise _Refusal(f"its sheets span {cells:,} cells (one reaches row {far.rows:,}, "
                           f"column {far.columns:,})")


def _chunks(archive: zipfile.ZipFile, member: zipfile.ZipInfo):  # noqa: ANN202
    """The member's bytes in pieces that end at a tag's end (``>``), so no tag is split; the
    reading stops at the size the directory declared (a lying directory cannot stream more)."""
    carry = b""
    read = 0
    with archive.open(member) as stream:
        while True:
            block = stream.read(_CHUNK)
            read += len(block)
            if read > member.file_size + _CHUNK or read > MAX_UNCOMPRESSED_BYTES:
                raise _Refusal(f"{member.filename} expands past its declared size")
            if not block:
                if carry:
                    yield carry
                return
            data = carry + block
            cut = data.rfind(b">") + 1
            if cut == 0 and len(data) > 16 * _CHUNK:
                raise _Refusal(f"{member.filename} holds a tag longer than 16 MB")
            carry = data[cut:]
            if cut:
                yield data[:cut]


_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _no_doctype(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    with archive.open(member) as stream:
        head = stream.read(4096)
    if _DOCTYPE.search(head):
        raise _Refusal(f"{member.filename} declares an XML document type (entities)")
    return head


_ENORMOUS = 10 ** 18  # a row, column or repeat written with more digits counts as this


def _count(digits: bytes) -> int:
    """A row number or a repeat's count as written; one of more than 18 digits (leading
    zeros aside) as `_ENORMOUS`: past every limit, never read as 1 nor handed whole to `int`
    (which refuses strings of thousands of digits)."""
    digits = digits.lstrip(b"0") or b"0"
    return int(digits) if len(digits) <= 18 else _ENORMOUS


# XLSX: a cell's position is its r="B7"; the declared dimension is checked too, since a reader
# may size its grid from it. The farthest row and column are found by collecting the distinct
# references of a chunk at C speed; only a sheet whose cells omit r= (allowed: each is then the
# next) is walked tag by tag.
_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\b[^>]*?\bref="\$?([A-Z]+)\$?(\d+)'
                        rb'(?::\$?([A-Z]+)\$?(\d+))?"')
_CELL_REF = re.compile(rb'<c r="([A-Z]+)(\d+)"')  # as every writer puts it
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_XLSX_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
_R = re.compile(rb'\br="\$?([A-Z]*)\$?(\d*)"')
_UNPOSITIONED_CELLS = 1_000_000


def _column_number(letters: bytes) -> int:
    if len(letters) > 12:  # past every limit (XFD, the last column a reader knows, is 3)
        return _ENORMOUS
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _longest(values: set[bytes]) -> bytes:
    """The largest of digit strings (or column letters) without leading zeros."""
    return max(values, key=lambda v: (len(v), v))


def _xlsx_grid(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> _Grid:
    _no_doctype(archive, member)
    grid = _Grid()
    unpositioned = 0
    for chunk in _chunks(archive, member):
        for found in _DIMENSION.finditer(chunk):
            last_column, last_row = found.group(3) or found.group(1), found.group(4) or found.group(2)
            declared = _Grid(_count(last_row), _column_number(last_column))
            if declared.cells() > MAX_CELLS:
                corner = (last_column + last_row).decode()
                if len(corner) > 20:  # a hostile file's thousands of digits, not repeated
                    corner = f"{corner[:12]}... ({len(corner):,} characters)"
                raise _Refusal(f"{member.filename} declares a sheet to {corner} "
                               f"({declared.cells():,} cells)")
        refs = _CELL_REF.findall(chunk)
        cells = chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b"<c/>")
        unpositioned += cells + len(_PREFIXED_CELL.findall(chunk)) - len(refs)
        rows = {row for _column, row in refs}
        columns = {column for column, _row in refs}
        if rows:
            grid.rows = max(grid.rows, _count(_longest({r.lstrip(b"0") for r in rows})))
        if columns:
            grid.columns = max(grid.columns, _column_number(_longest(columns)))
        if grid.cells() > MAX_CELLS:
            raise _Refusal(f"{member.filename} has a cell at row {grid.rows:,}, "
                           f"column {grid.columns:,} ({grid.cells():,} cells)")
    if unpositioned > _UNPOSITIONED_CELLS:
        raise _Refusal(f"{member.filename} holds {unpositioned:,} cells without a position")
    if unpositioned:
        walked = _walk_xlsx(archive, member)
        grid.rows, grid.columns = max(grid.rows, walked.rows), max(grid.columns, walked.columns)
    return grid


def _walk_xlsx(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> _Grid:
    grid = _Grid()
    row = column = 0
    for chunk in _chunks(archive, member):
        for match in _XLSX_TAG.finditer(chunk):
            ref = _R.search(match.group(2))
            if match.group(1) == b"row":
                row = _count(ref.group(2)) if ref and ref.group(2) else row + 1
                column = 0
            elif ref and ref.group(1):
                column = _column_number(ref.group(1))
                row = _count(ref.group(2)) if ref.group(2) else row
            else:
                column += 1
            grid.rows, grid.columns = max(grid.rows, row), max(grid.columns, column)
            if grid.cells() > MAX_CELLS:
                raise _Refusal(f"{member.filename} has a cell at row {grid.rows:,}, "
                               f"column {grid.columns:,} ({grid.cells():,} cells)")
    return grid


# ODS: rows and cells in order, each repeated `number-*-repeated` times. Empty repeated rows
# and cells (a saved sheet ends with a million of them) cost nothing unless a value follows
# them; so a sheet's grid reaches the last row and column holding a value. The XML is cut into
# pieces of whole rows. A piece written the way spreadsheet programs write most of a sheet
# (nothing but rows named `table:table-row` holding cells named `table:table-cell`) is measured
# with `bytes.split`, `find` and `count` alone, at C speed (`_OdsScan._plain`: the workforce
# table's check 1.46 s -> 0.33 s in-process, 4 December 2026); any other piece (a sheet's start
# and end, covered cells, row groups, other prefixes, text mentioning "table-") is measured
# element by element with patterns, as the general rule (`_OdsScan._general`) says.
_ODS_ROW = re.compile(rb"<(/?)(?:[\w.-]+:)?(table-row|table)(?=[\s/>])([^>]*?)(/?)>")
_ODS_CELL = re.compile(rb"<(?:[\w.-]+:)?(?:covered-)?table-cell(?=[\s/>])")
_ROWS_REPEATED = re.compile(rb'number-rows-repeated="(\d+)"')
_COLUMNS_REPEATED = re.compile(rb'number-columns-repeated="(\d+)"')
_ROW_END = re.compile(rb"</(?:[\w.-]+:)?table-row>")
_LONGEST_ROW = 64 * _CHUNK
_PLAIN_ROW_END = b"</table:table-row>"
_PLAIN_ROW = b"<table:table-row"
_PLAIN_CELL = b"<table:table-cell"
_SPACE_OR_END = frozenset(b" \t\r\n>")
_HALVED = 64 * 1024  # a piece that is not plain, but longer, is halved


def _ods_rows(archive: zipfile.ZipFile, member: zipfile.ZipInfo):  # noqa: ANN202
    """Pieces of the member that end just after a row's end, so that no row is split."""
    carry = b""
    for chunk in _chunks(archive, member):
        data = carry + chunk
        cut = _after_last_row_end(data, max(0, len(carry) - 32))
        if cut < 0:
            if len(data) > _LONGEST_ROW:
                raise _Refusal(f"{member.filename} holds a row longer than "
                               f"{_LONGEST_ROW >> 20} MB")
            carry = data
            continue
        carry = data[cut:]
        yield data[:cut]
    if carry:
        yield carry


def _after_last_row_end(data: bytes, start: int) -> int:
    """The position just after the last row's end tag (any prefix) at or after `start`; -1
    when there is none. The plain end tag is found from the back; only when some other text
    ending in "table-row>" follows it are the tags after it matched one by one."""
    plain = data.rfind(_PLAIN_ROW_END, start)
    after = plain + len(_PLAIN_ROW_END) if plain >= 0 else -1
    if data.find(b"table-row>", max(start, after)) < 0:
        return after
    ends = list(_ROW_END.finditer(data, max(start, plain)))
    return ends[-1].end() if ends else after


class _OdsScan:
    """The sheets of one content.xml as its pieces of whole rows are measured in order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.grids: list[_Grid] = []
        self.grid = _Grid()
        self.row = 0  # rows of the current sheet before the next one

    def _reached(self, rows: int, columns: int) -> None:
        grid = self.grid
        grid.rows = max(grid.rows, rows)
        grid.columns = max(grid.columns, columns)
        if grid.rows * grid.columns > MAX_CELLS:
            raise _Refusal(f"{self.name} has a value at row {grid.rows:,}, "
                           f"column {grid.columns:,} ({grid.cells():,} cells)")

    def piece(self, piece: bytes) -> None:
        """Measure the next piece of whole rows: plain rows at C speed, else by the general
        rule; a long piece that is not plain (the one holding a sheet's start, say) is halved
        at a row's end first, so that only the half that needs it is matched tag by tag."""
        if self._plain(piece):
            return
        half = piece.rfind(_PLAIN_ROW_END, 0, len(piece) // 2)
        if len(piece) > _HALVED and half > 0:
            half += len(_PLAIN_ROW_END)
            self.piece(piece[:half])
            self.piece(piece[half:])
        else:
            self._general(piece)

    def _general(self, piece: bytes) -> None:
        """The general rule: every table, row and cell element matched, whatever its prefix."""
        start = repeats = 0
        for match in _ODS_ROW.finditer(piece):
            closing, kind, attributes, empty = match.groups()
            if kind == b"table":
                if not closing:
                    self.grid = _Grid()
                    self.grids.append(self.grid)
                    self.row = 0
            elif not closing:
                found = _ROWS_REPEATED.search(attributes)
                repeats = _count(found.group(1)) if found else 1
                start = match.end()
                if empty:
                    self.row += repeats
            else:
                columns = _last_value_column(piece[start:match.start()])
                if columns:
                    self._reached(self.row + repeats, columns)
                self.row += repeats

    def _plain(self, piece: bytes) -> bool:
        """Measure a piece of plain rows and say True; False (having changed nothing) for any
        other piece.

        A piece is plain when, cut at each `</table:table-row>`, every part opens with
        `<table:table-row` (after white space) in a start tag that does not close itself, and
        the text "table-" occurs in it only in those row tags and in `table:table-cell` (the
        cells' start and end tags): so no other element the general rule would match hides in
        it (another prefix, a covered cell, a nested or grouped row). A cell then starts at
        each `<table:table-cell`, and a row's last value is found as the general rule finds
        it. Each step runs over all the piece's rows at once (`map` over bytes methods), so
        the interpreter does little per row; the two rules agree on plain pieces
        (tests/hardening/test_budget_ods.py holds them to it). Two things no spreadsheet
        writes are measured larger than the general rule would, never smaller: an element
        whose name only begins `table:table-cell` counts as a cell, and a sheet's start inside
        a row is not looked for (its rows count with the sheet before). A piece that would
        pass the limit is left to the general rule, which says where it passed.
        """
        rows = piece.split(_PLAIN_ROW_END)
        if rows.pop() or not rows:
            return False
        if not all(map(bytes.startswith, rows, repeat(_PLAIN_ROW))):
            rows = list(map(bytes.lstrip, rows))  # rows indented with white space
            if not all(map(bytes.startswith, rows, repeat(_PLAIN_ROW))):
                return False
        if min(map(len, rows)) <= len(_PLAIN_ROW) or not _SPACE_OR_END.issuperset(
                map(itemgetter(len(_PLAIN_ROW)), rows)):
            return False
        tag_ends = list(map(bytes.find, rows, repeat(b">")))
        if -1 in tag_ends or 47 in map(getitem, rows, map(sub, tag_ends, repeat(1))):
            return False  # a start tag not closed, or closing itself ("/>")
        if piece.count(b"table-") != 2 * len(rows) + piece.count(b"table:table-cell"):
            return False
        contents = list(map(add, tag_ends, repeat(1)))
        # each row's last value: the last "value-type=", ":p>" or ":p " in its content
        lasts = list(map(max, map(bytes.rfind, rows, repeat(b"value-type="), contents),
                         map(bytes.rfind, rows, repeat(b":p>"), contents)))
        lasts = list(map(max, lasts, map(bytes.rfind, rows, repeat(b":p "),
                                          map(max, lasts, contents))))
        # a row's value ends at the next ">" (or the row's end); a row without one, at once
        ends = list(map(add, map(bytes.find, rows, repeat(b">"), lasts), repeat(1)))
        if min(lasts) < 0 or 0 in ends:
            ends = [(end or len(row)) if last >= 0 else content for row, last, end, content
                    in zip(rows, lasts, ends, contents, strict=True)]
        columns = list(map(bytes.count, rows, repeat(_PLAIN_CELL), contents, ends))
        repeated = piece.count(b"columns-repeated")
        if repeated and repeated != sum(map(bytes.count, rows, repeat(b"columns-repeated"),
                                            ends)):
            # some before a row's last value (or in a row's own tag: counted again, harmless)
            columns = [n + sum(_count(r) - 1 for r in _COLUMNS_REPEATED.findall(row, content, end))
                       for n, row, content, end in zip(columns, rows, contents, ends, strict=True)]
        if max(map(bytes.find, rows, repeat(b"rows-repeated"), repeat(0), tag_ends)) >= 0:
            found = [_ROWS_REPEATED.search(row, 0, end) for row, end in zip(rows, tag_ends,
                                                                             strict=True)]
            reached = list(accumulate([_count(f.group(1)) if f else 1 for f in found],
                                      initial=self.row))
        else:
            reached = range(self.row, self.row + len(rows) + 1)
        last_valued = len(columns) - 1
        while last_valued >= 0 and not columns[last_valued]:
            last_valued -= 1
        grid = self.grid
        top_rows, top_columns = grid.rows, grid.columns
        if last_valued >= 0:
            top_rows = max(top_rows, reached[last_valued + 1])
            top_columns = max(top_columns, max(columns))
        if top_rows * top_columns > MAX_CELLS:
            return False  # measured again by the general rule, which says where it passed
        self.row, grid.rows, grid.columns = reached[-1], top_rows, top_columns
        return True


def _ods_grids(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> list[_Grid]:
    _no_doctype(archive, member)
    scan = _OdsScan(member.filename)
    for piece in _ods_rows(archive, member):
        scan.piece(piece)
    return scan.grids


def _last_value_column(row: bytes) -> int:
    """The column (from 1) of the last cell holding a value in one row's XML; 0 for none."""
    last = max(row.rfind(b"value-type="), row.rfind(b":p>"), row.rfind(b":p "))
    if last < 0:
        return 0
    end = row.find(b">", last)
    head = row[:end + 1 if end >= 0 else len(row)]
    return len(_ODS_CELL.findall(head)) + sum(_count(n) - 1
                                            for n in _COLUMNS_REPEATED.findall(head))


# --- YAML and Markdown ----------------------------------------------------------------------

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader refusing anchors and aliases (front matter and commitments never need
    them; an alias bomb is nothing but them)."""

    def compose_node(self, parent, index):  # noqa: ANN001, ANN201
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "aliases (*name) are not accepted", event.start_mark)
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise yaml.constructor.ConstructorError(
                None, None, "anchors (&name) are not accepted", event.start_mark)
        return super().compose_node(parent, index)


_ANCHOR_OR_ALIAS = re.compile(r"[&*][^\s,\[\]{}]")


def load_yaml(text: str, *, name: str) -> object:
    """`text` read as YAML (safe loader), refusing texts over `MAX_YAML_BYTES` and any anchor
    or alias. Raises `yaml.YAMLError` for YAML it refuses or cannot read (the caller words
    the message for its file), `InputError` for a text over the size limit."""
    if len(text) > MAX_YAML_BYTES:
        raise InputError(f"{name}: the YAML is larger than {MAX_YAML_BYTES >> 20} MB",
                         [Problem(name, f"{len(text):,} characters of YAML")])
    if _ANCHOR_OR_ALIAS.search(text):  # cheap: the C loader when no anchor can be present
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 (a safe loader)
    return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 (a safe loader)
