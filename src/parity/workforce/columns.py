"""The workforce open data table's columns, matched by meaning.

The Home Office's editions of the table name the same column differently (``Geo code`` and
``Geocode``, ``Force Name`` and ``Force name``, ``Rank description`` and ``Rank``), and users'
copies add their own case and spacing. Each column is found through `ALIASES`: a header matches
an alias when the two agree once case, spaces and punctuation are set aside ("Total (FTE)",
"total fte" and "TOTAL_FTE" are one). The order of the columns does not matter. A header that
matches no alias, or a needed column that no header matches, is refused with the names found
and the aliases accepted (docs/workforce.md lists them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from parity.errors import InputError, Problem
from parity.tabular import Sheet, cell_text, read_sheets_soon

# The Home Office table shipped with Parity (31 March 2007 to 2023).
DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / (
    "open-data-table-police-workforce-260723.ods"
)


def is_bundled(path: Path) -> bool:
    """True for the table shipped with Parity (read as tested, without the reading budget of
    a file a user hands over)."""
    return path.resolve() == DEFAULT_FILE


def read_soon(path: Path) -> None:
    """Start reading the table at `path` while the command prepares the database
    (`parity.tabular.read_sheets_soon`); `parity.workforce.importer.parse` takes it."""
    read_sheets_soon(path, bundled=is_bundled(path))

# meaning -> the headers accepted for it, the 2023 edition's first.
ALIASES: dict[str, tuple[str, ...]] = {
    "year": ("As at 31 March...", "As at 31 March", "Year", "As at 31 March year",
             "Snapshot year"),
    "geo_code": ("Geo code", "Geocode", "Geography code", "Force code", "ONS code",
                 "Area code", "PFA code"),
    "force": ("Force Name", "Force", "Police force", "Police force name", "Police force area",
              "PFA name", "Area name"),
    "region": ("Region", "Region name"),
    "sex": ("Sex", "Gender", "Sex or gender"),
    "rank": ("Rank description", "Rank", "Role", "Rank or role", "Job role"),
    "worker_type": ("Worker type", "Worker", "Workforce type", "Type of worker"),
    "headcount": ("Total (headcount)", "Headcount", "Total headcount"),
    "fte": ("Total (FTE)", "FTE", "Total full-time equivalent", "Full-time equivalent"),
}
REQUIRED = ("year", "force", "sex", "rank", "worker_type", "headcount", "fte")
OPTIONAL = ("geo_code", "region")
PUBLISHED = {meaning: names[0] for meaning, names in ALIASES.items()}


def squeeze(header: object) -> str:
    """A header without case, spaces or punctuation: what two spellings must share."""
    return re.sub(r"[^0-9a-z]+", "", cell_text(header).casefold())


_LOOKUP = {squeeze(alias): meaning for meaning, names in ALIASES.items() for alias in names}


def letter(index: int) -> str:
    """The spreadsheet letters of a column (0 is A, 26 is AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass
class Layout:
    """Where the table's columns are in one sheet: the header row (0-based) and, for each
    meaning found, its column index and the header as written."""

    header_row: int
    index: dict[str, int]
    headers: dict[str, str]

    def col(self, meaning: str) -> str:
        """A column for a message: its letter and header, ``E (Sex)``."""
        i = self.index[meaning]
        return f"{letter(i)} ({self.headers[meaning]})"

    @property
    def width(self) -> int:
        return max(self.index.values()) + 1


def read_header(cells: list) -> tuple[dict[str, int], dict[str, str], list[int], list[str]]:
    """({meaning: index}, {meaning: header}, unknown column indexes, repeated meanings)."""
    index: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown: list[int] = []
    repeated: list[str] = []
    for i, cell in enumerate(cells):
        if not cell_text(cell):
            continue
        meaning = _LOOKUP.get(squeeze(cell))
        if meaning is None:
            unknown.append(i)
        elif meaning in index:
            repeated.append(meaning)
        else:
            index[meaning], headers[meaning] = i, cell_text(cell)
    return index, headers, unknown, repeated


def _top(sheet: Sheet) -> int | None:
    return next((i for i, r in enumerate(sheet.rows) if any(cell_text(c) for c in r)), None)


def find_layout(file: str, sheets: list[Sheet]) -> tuple[Sheet, Layout] | None:
    """The sheet whose first row is the table's header, with its layout; None when no sheet's
    first row names at least three of the needed columns. Raises `InputError` for a header
    that names some but not all of them, or names a column no alias matches."""
    best: tuple[int, Sheet, int] | None = None
    for sheet in sheets:
        top = _top(sheet)
        if top is None:
            continue
        index, headers, unknown, repeated = read_header(sheet.rows[top])
        score = sum(1 for m in REQUIRED if m in index)
        if score == len(REQUIRED) and not unknown and not repeated:
            return sheet, Layout(top, index, headers)
        if best is None or score > best[0]:
            best = (score, sheet, top)
    if best is None or best[0] < 3:
        return None
    _, sheet, top = best
    cells = sheet.rows[top]
    index, _headers, unknown, repeated = read_header(cells)
    problems = [Problem(file, f"a column this table does not have: {cell_text(cells[i])!r} "
                        "matches none of the accepted headers", sheet.name, top + 1, letter(i))
                for i in unknown]
    problems += [Problem(file, f"the {PUBLISHED[m]!r} column appears more than once; expected "
                         "it once", sheet.name, top + 1, None) for m in repeated]
    problems += [Problem(file, f"no column for {PUBLISHED[m]!r}; accepted headers: "
                         + ", ".join(repr(a) for a in ALIASES[m])
                         + " (any case, spacing or punctuation)", sheet.name, top + 1, None)
                 for m in REQUIRED if m not in index]
    unknown_names = [repr(cell_text(cells[i])) for i in unknown]
    missing_names = [repr(PUBLISHED[m]) for m in REQUIRED if m not in index]
    parts = ([f"unknown columns {', '.join(unknown_names)}"] if unknown_names else []) \
        + ([f"missing {', '.join(missing_names)}"] if missing_names else []) \
        + (["repeated columns"] if repeated else [])
    raise InputError(f"{file}: the header row is not the workforce open data table's ("
                     + "; ".join(parts) + ")", problems)
