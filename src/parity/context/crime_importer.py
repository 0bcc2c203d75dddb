"""Importer for the ONS *Crime in England and Wales: police force area data tables*.

Each edition (a workbook for a 12-month period: year ending March, June, September or
December) is read as published. Sheets are found by their titles, not their names or places
(the names carry stray spaces: ``'Table P1 '``, ``'Table P4  '``; later layouts add cover and
contents sheets and lines above a title), and the header row by meaning: the first of a sheet's
first 40 rows naming the area code and then the area name (``Area Code``, ``Area code [note
2]``, ``Police force area name`` ...), in whatever columns:

- counts: "Police recorded crime by offence group ... number of offences" (Table P1);
- percentage change on the year before: "... percentage change" (Table P2);
- rates: "... rate of offences" (Table P3), with the population they are per 1,000 of.

Offence columns are found by their headers with footnote markers stripped ("Stalking and
harassment 5", "Total recorded crime (excluding fraud3)"). Area names carry footnote markers
too ("Greater Manchester8,9", "Essex10", "British Transport Police(2006)"), and to a few
codes ("E230000118" for South Yorkshire, E23000011, in one edition's Table P2); each area is
reconciled with the forces registry by its ONS code and its name, which must agree (the West
Midlands *region* and *force* share a name and are told apart by code). Regions and nations
are kept as areas too. Cells that are not figures stay missing, never zero: ``..`` (not
available: Greater Manchester in the two latest editions), ``+`` (rate suppressed for the City
of London's small population), ``-`` (change not calculated) and blanks.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import cast

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from parity.context.bulk import bulk_insert
from parity.context.models import CrimeFigure
from parity.errors import InputError, Problem
from parity.forces import registry
from parity.store.provenance import add_source, find_source, sha256_of
from parity.tabular import Sheet, cell_text, files_at, read_sheets, round_figure

KIND = "ons-crime"
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "ons-crime"

# offence key -> how its column header reads once footnotes are stripped.
OFFENCES: dict[str, str] = {
    "total": "total recorded crime (excluding fraud)",
    "violence_against_the_person": "violence against the person",
    "violence_with_injury": "violence with injury",
    "violence_without_injury": "violence without injury",
    "stalking_and_harassment": "stalking and harassment",
    "sexual_offences": "sexual offences",
}
OFFENCE_LABELS = {
    "total": "Total recorded crime (excluding fraud)",
    "violence_against_the_person": "Violence against the person",
    "violence_with_injury": "Violence with injury",
    "violence_without_injury": "Violence without injury",
    "stalking_and_harassment": "Stalking and harassment",
    "sexual_offences": "Sexual offences",
}
MISSING_MARKERS = {"", "..", "+", "-", ":", "x", "[x]", "[c]", "[z]", "n/a"}
_MONTHS = {m.casefold(): i for i, m in enumerate(calendar.month_name) if m}
_PERIOD = re.compile(r"year ending (\w+) (\d{4})", re.IGNORECASE)
_CODE = re.compile(r"^[EWKS]\d{8}\d+$")
_NAME_FOOTNOTE = re.compile(r"(\(\d{1,4}\)|\d[\d,\s]*)$")


@dataclass
class CrimeEdition:
    path: Path
    period_end: date
    records: list[dict]


@dataclass
class ImportResult:
    file: str
    status: str
    period_end: date | None = None
    rows: int = 0
    forces: int = 0
    replaced_rows: int = 0
    source_id: int | None = None
    files: list[dict] = field(default_factory=list)




_NOTE = re.compile(r"\[[^\]]*\]")  # "[note 3]", "[x]": the markers of the later layouts
# The area code and name columns, by meaning: headers as the editions write them.
CODE_HEADERS = ("area code", "area codes", "police force area code", "pfa code", "code")
NAME_HEADERS = ("area name", "police force area name", "police force area", "pfa name",
                "area", "name")
HEADER_ROWS = 40  # how far down a sheet the header row is looked for


def clean_area_name(name: object) -> str:
    """An area name without the footnote markers glued to it ("Essex10" -> "Essex",
    "Essex [note 10]" -> "Essex")."""
    text = _NOTE.sub(" ", cell_text(name)).strip()
    previous = None
    while previous != text:
        previous = text
        text = _NAME_FOOTNOTE.sub("", text).strip()
    return text


def clean_area_code(code: object) -> str:
    """An ONS area code without a footnote marker glued to it ("E230000118" -> "E23000011":
    codes are a letter and eight digits)."""
    text = _NOTE.sub(" ", cell_text(code)).strip()
    return text[:9] if _CODE.match(text) else text


def clean_header(value: object) -> str:
    """A column header in lower case without footnote digits, notes or line breaks."""
    text = _NOTE.sub(" ", cell_text(value))
    return " ".join(re.sub(r"\d+", " ", text).replace(" )", ")").split()).casefold()


def figure(value: object) -> float | None:
    """A numeric cell (to ten significant digits), or None for every 'no figure' marker.
    Raises ValueError otherwise (NaN and infinities too)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = cell_text(value)
        if text.casefold() in MISSING_MARKERS:
            return None
        number = float(text.replace(",", ""))
    if not math.isfinite(number):
        raise ValueError(value)
    return round_figure(number)  # as a re-saved copy gives it too


def _first_text(sheet: Sheet) -> str:
    for row in sheet.rows[:3]:
        for c in row:
            if cell_text(c):
                return cell_text(c)
    return ""


def _title(sheet: Sheet) -> str:
    """A table's title: the first text in its first rows that names a table or police recorded
    crime (later editions put a contents line or a note before it), else the first text."""
    texts = [cell_text(c) for row in sheet.rows[:10] for c in row if cell_text(c)]
    for text in texts:
        low = text.casefold()
        if low.startswith("table") or "police recorded crime" in low:
            return text
    return texts[0] if texts else ""


def _find(sheets: list[Sheet], *words: str) -> Sheet | None:
    for sheet in sheets:
        title = _title(sheet).casefold()
        if "offence group" in title and all(w in title for w in words):
            return sheet
    return None


def period_end_of(sheets: list[Sheet], path: Path) -> date:
    """The last day of the edition's 12-month period, from the Notes sheet's or Table P1's
    title ("year ending December 2019"): the first text of a sheet, as the editions to
    December 2019 have it, else Table P1's title wherever it stands (a later layout's)."""
    counts = _find(sheets, "number of offences")
    titles = [(sheet, _first_text(sheet)) for sheet in sheets]
    titles += [(counts, _title(counts))] if counts is not None else []
    for sheet, title in titles:
        m = _PERIOD.search(title)
        if m and m.group(1).casefold() in _MONTHS:
            year, month = int(m.group(2)), _MONTHS[m.group(1).casefold()]
            if not 1900 <= year <= 2200:
                raise InputError(f"{path.name}: the title says year ending {m.group(1)} "
                                 f"{year}; expected a year from 1900 to 2200",
                                 [Problem(path.name, f"title {title!r}", sheet.name)])
            return date(year, month, calendar.monthrange(year, month)[1])
    raise InputError(f"{path.name}: no 'year ending <month> <year>' in the sheet titles; "
                     "not an ONS police force area data table?")


def _header_row(sheet: Sheet) -> tuple[int, int, int] | None:
    """(row index, area code column, area name column) of the table's header: the first of
    its first `HEADER_ROWS` rows holding an area code header and, to its right, an area name
    header (`CODE_HEADERS`, `NAME_HEADERS`, notes and footnote digits set aside)."""
    for i, row in enumerate(sheet.rows[:HEADER_ROWS]):
        headers = [clean_header(c) for c in row]
        code = next((j for j, h in enumerate(headers) if h in CODE_HEADERS), None)
        if code is None:
            continue
        name = next((j for j, h in enumerate(headers) if j > code and h in NAME_HEADERS), None)
        if name is not None:
            return i, code, name
    return None


def _columns(sheet: Sheet, header: int) -> dict[str, int]:
    """{offence key or 'population': column index}: each column's own header, else the one
    in the row above (where 'Total recorded crime' sits)."""
    found: dict[str, int] = {}
    above = sheet.rows[header - 1] if header else []
    for i, cell in enumerate(sheet.rows[header]):
        text = clean_header(cell) or (clean_header(above[i]) if i < len(above) else "")
        if text.startswith("population figures"):
            found.setdefault("population", i)
            continue
        for key, wanted in OFFENCES.items():
            if text == wanted or (key == "total" and text.startswith("total recorded crime")):
                found.setdefault(key, i)
    return found


def resolve_area(code: str, name: str) -> tuple[str, str] | None:
    """(area id, kind) for an ONS area code and name; None when they do not resolve or
    disagree. Forces by code and name, which must agree (BTP has no code): the force's id.
    Regions, nations and England and Wales by name and the kind of code: ``region:<id>``,
    ``nation:england``, ``nation:wales``, ``national:england-and-wales``."""
    reg = registry()
    if code[:3] in {"E23", "W15"}:
        by_code = reg.find_force(code)
        by_name = reg.find_force(name)
        if by_code is None or by_name is None or by_code.id != by_name.id:
            return None
        return by_code.id, "force"
    if not code:
        force = reg.find_force(name)
        return (force.id, "force") if force else None
    try:
        area = reg.area(name)
    except InputError:
        return None
    # Regions and nations get ids of their own ("region:west-midlands"): the West Midlands
    # region must not take the West Midlands force's id.
    if code.startswith("E12") and area.kind == "region":
        return f"region:{area.id}", "region"
    if code.startswith("W92"):
        return "nation:wales", "nation"
    if code.startswith("E92") and area.kind == "nation":
        return f"nation:{area.id}", "nation"
    if code.startswith("K04") and area.kind == "national":
        return f"national:{area.id}", "national"
    return None


def _read_table(path: Path, sheet: Sheet, problems: list[Problem],
                needed: tuple[str, ...], *, signed: bool = False) -> dict[str, dict]:
    """{area id: {"row", "code", "name", "kind", column key: value}} for one table. Counts,
    rates and populations are 0 or more; only a percentage change (`signed`) may be negative."""
    found = _header_row(sheet)
    if found is None:
        problems.append(Problem(
            path.name, f"no header row in the first {HEADER_ROWS} rows naming the area code "
            "and, to its right, the area name; expected headers such as 'Area Code' and "
            "'Area Name' (accepted: " + ", ".join(repr(h) for h in CODE_HEADERS[:4]) + "; "
            + ", ".join(repr(h) for h in NAME_HEADERS[:4]) + ")", sheet.name))
        return {}
    header, code_col, name_col = found
    columns = _columns(sheet, header)
    for key in needed:
        if key not in columns:
            problems.append(Problem(path.name, f"no column for {OFFENCE_LABELS.get(key, key)!r}",
                                    sheet.name, header + 1))
    out: dict[str, dict] = {}
    for i in range(header + 1, len(sheet.rows)):
        row = sheet.rows[i]
        code = clean_area_code(row[code_col] if len(row) > code_col else "")
        raw_name = row[name_col] if len(row) > name_col else ""
        name = clean_area_name(raw_name)
        if not name:
            if code.casefold().startswith("source"):
                break
            continue
        if code.casefold().startswith("source") or re.match(r"^\d+\.", code):
            break
        resolved = resolve_area(code, name)
        if resolved is None:
            problems.append(Problem(path.name, f"area {cell_text(raw_name)!r} (code {code or 'none'}) "
                                    "does not resolve to one force, region or nation",
                                    sheet.name, i + 1, "Area Name"))
            continue
        area_id, kind = resolved
        values: dict = {"row": i + 1, "code": code or None, "name": name, "kind": kind}
        for key, col in columns.items():
            cell = row[col] if col < len(row) else None
            try:
                values[key] = figure(cell)
            except ValueError:
                problems.append(Problem(path.name, f"expected a number or a 'no figure' marker "
                                        f"('..', '+', '-'), found {cell_text(cell)!r}",
                                        sheet.name, i + 1, OFFENCE_LABELS.get(key, key)))
                continue
            if not signed and values[key] is not None and values[key] < 0:
                problems.append(Problem(path.name, f"expected a figure of 0 or more, found "
                                        f"{cell_text(cell)}", sheet.name, i + 1,
                                        OFFENCE_LABELS.get(key, key)))
        out[area_id] = values
    return out


def read_crime(path: Path | str) -> CrimeEdition:
    """Read and validate one edition; nothing is stored. Raises `InputError` with every
    problem (a missing table or column, an area that does not resolve, a cell that is not a
    figure)."""
    path = Path(path)
    sheets = read_sheets(path)
    period_end = period_end_of(sheets, path)
    counts = _find(sheets, "number of offences")
    if counts is None:
        raise InputError(f"{path.name}: no 'number of offences' table (Table P1); not an ONS "
                         "police force area data table?",
                         [Problem(path.name, "expected a sheet whose title (in its first 10 "
                                  "rows) names the 'offence group' and 'number of offences', as "
                                  "'Table P1: Police recorded crime by offence group and police "
                                  "force area, ..., number of offences, year ending ...' does; "
                                  "sheets found: " + ", ".join(repr(s.name) for s in sheets))])
    rates = _find(sheets, "rate of offences")
    change = _find(sheets, "percentage change")
    problems: list[Problem] = []
    keys = tuple(OFFENCES)
    count_rows = _read_table(path, counts, problems, keys)
    rate_rows = _read_table(path, rates, problems, (*keys, "population")) if rates else {}
    change_rows = _read_table(path, change, problems, keys, signed=True) if change else {}
    if problems:
        raise InputError(f"{path.name}: {len(problems)} problems; nothing imported", problems)
    records = []
    for area_id, c in count_rows.items():
        r, ch = rate_rows.get(area_id, {}), change_rows.get(area_id, {})
        for offence in OFFENCES:
            records.append({
                "source_row": c["row"], "period_end": period_end, "area_id": area_id,
                "area_kind": c["kind"], "area_code": c["code"], "area_name": c["name"],
                "offence": offence, "count": c.get(offence), "rate": r.get(offence),
                "change_pct": ch.get(offence), "population": r.get("population"),
            })
    return CrimeEdition(path=path, period_end=period_end, records=records)


def crime_files(path: Path | str) -> list[Path]:
    return files_at(path, suffixes={".xlsx", ".xls", ".ods"}, kind="spreadsheets")


def import_crime(session: Session, *, path: Path | str = DEFAULT_DIR,
                 progress=None) -> ImportResult:  # noqa: ANN001
    """Import one edition, or every edition in a folder, all-or-nothing.

    A file already imported (same SHA-256) changes nothing; an edition for a period already
    held (a revised table, such as the March 2018 'v2') replaces that period's figures."""
    results: list[ImportResult] = []
    parsed: list[tuple[CrimeEdition, str]] = []
    for file in crime_files(path):
        if progress:
            progress(file.name)
        digest = sha256_of(file)
        if find_source(session, kind=KIND, sha256=digest) is not None:
            results.append(ImportResult(file=file.name, status="unchanged"))
            continue
        parsed.append((read_crime(file), digest))
    for edition, digest in parsed:
        replaced = session.scalar(select(func.count()).select_from(CrimeFigure).where(
            CrimeFigure.period_end == edition.period_end)) or 0
        session.execute(delete(CrimeFigure).where(CrimeFigure.period_end == edition.period_end))
        source = add_source(session, kind=KIND, path=edition.path, sha256=digest,
                            row_count=len(edition.records),
                            note=f"year ending {edition.period_end.isoformat()}")
        bulk_insert(session, cast(Table, CrimeFigure.__table__),
                    [{**r, "source_id": source.id} for r in edition.records])
        results.append(ImportResult(
            file=edition.path.name, status="imported", period_end=edition.period_end,
            rows=len(edition.records), replaced_rows=replaced, source_id=source.id,
            forces=len({r["area_id"] for r in edition.records if r["area_kind"] == "force"}),
        ))
    if len(results) == 1:
        return results[0]
    imported = [r for r in results if r.status == "imported"]
    return ImportResult(file=str(path), status="imported" if imported else "unchanged",
                        rows=sum(r.rows for r in imported),
                        replaced_rows=sum(r.replaced_rows for r in imported),
                        files=[r.__dict__ for r in results])


__all__ = ["OFFENCES", "OFFENCE_LABELS", "import_crime", "read_crime"]
