"""Importer for the UK Gender Pay Gap Service's yearly downloads ("gender pay gap data").

One file per reporting year, every employer's published return, as the service offers it:
CSV (2019/20 on) or XLSX (2017/18, 2018/19; no ``EmployerId`` or ``PostCode`` there). The
same reader serves the checker of published returns (`parity paygap check`, which needs no
database) and the per-force pay gap history (`import_paygap_returns`, which stores it).

Quirks handled, all seen in the real files:
- ``SicCodes`` holds several codes separated by commas *and newlines* inside one field, or a
  bare number in the XLSX years (``85310.0``);
- ``DueDate`` / ``DateSubmitted`` are ``31/03/2018 00:00:00`` in some years and
  ``2020/03/31 00:00:00`` in others;
- figures come as numbers, as text, or as text with a leading tab (``'\\t-2.70'``);
- ``EmployerSize`` is a band (``5000 to 19,999``, ``20,000 or more``, ``Not Provided``);
- an employer renamed between years keeps its ``EmployerId`` (``CurrentName`` is its latest
  name); the XLSX years are linked to it by name after import;
- an employer may appear twice in a year (a corrected resubmission): both rows are kept as
  published and readers take the latest submission;
- the latest year may be a partial download taken before the deadline: marked ``partial``
  (its file name says so, or no return in it was submitted on or after the first due date).

The snapshot year is the year of the snapshot date (31 March for public bodies, 5 April for
others): the due date's year minus one, so 2022 for the 2022/23 return. The 2020/21 due date
was moved to 5 October 2021 (COVID-19), which the rule still handles.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from parity import calendar
from parity.context.bulk import bulk_insert
from parity.context.models import PaygapReturn as R
from parity.errors import InputError, Problem
from parity.forces import registry
from parity.store.provenance import add_source, find_source, sha256_of
from parity.tabular import (
    cell_text,
    digits_padded,
    files_at,
    header_key,
    parse_bool,
    parse_date,
    read_sheets,
)

# A cell as given, trimmed (inner white space kept).
_text = partial(cell_text, squeeze=False)

KIND = "paygap-returns"
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "gender-pay-gap"
SUFFIXES = {".csv", ".xlsx", ".xls", ".ods"}
MAX_PROBLEMS = 200

# The six figures (fourteen numbers) under the service's own field names, with our columns.
# Published figures span these (2017/18 to 2023/24: hourly gaps -499.9 to 159, bonus gaps
# -120,695 to 4,000, shares 0 to 100.4 — some impossible, all as the service published them and
# flagged by the checks in returns_checks). Beyond them a figure is a damaged cell (1e308, a
# quarter of -50): refused with its row and column.
FIGURE_BOUNDS: dict[str, tuple[float, float]] = {
    "DiffMeanHourlyPercent": (-1_000, 1_000), "DiffMedianHourlyPercent": (-1_000, 1_000),
    "DiffMeanBonusPercent": (-1_000_000, 1_000_000),
    "DiffMedianBonusPercent": (-1_000_000, 1_000_000),
}
SHARE_BOUNDS = (0.0, 101.0)  # shares of a group, percent (100.4 is published)

FIGURES: dict[str, str] = {
    "DiffMeanHourlyPercent": "diff_mean_hourly_percent",
    "DiffMedianHourlyPercent": "diff_median_hourly_percent",
    "DiffMeanBonusPercent": "diff_mean_bonus_percent",
    "DiffMedianBonusPercent": "diff_median_bonus_percent",
    "MaleBonusPercent": "male_bonus_percent",
    "FemaleBonusPercent": "female_bonus_percent",
    "MaleLowerQuartile": "male_lower_quartile",
    "FemaleLowerQuartile": "female_lower_quartile",
    "MaleLowerMiddleQuartile": "male_lower_middle_quartile",
    "FemaleLowerMiddleQuartile": "female_lower_middle_quartile",
    "MaleUpperMiddleQuartile": "male_upper_middle_quartile",
    "FemaleUpperMiddleQuartile": "female_upper_middle_quartile",
    "MaleTopQuartile": "male_top_quartile",
    "FemaleTopQuartile": "female_top_quartile",
}
REQUIRED = ("EmployerName", "SicCodes", *FIGURES, "EmployerSize", "DueDate")
# The service's ids are numbers in the tens of thousands; the store keeps them as 32-bit integers.
MAX_EMPLOYER_ID = 2_147_483_647
# No employer has ten million people: a larger band is a damaged cell.
MAX_EMPLOYER_SIZE = 10_000_000
OPTIONAL = ("EmployerId", "Address", "PostCode", "CompanyNumber", "CompanyLinkToGPGInfo",
            "ResponsiblePerson", "CurrentName", "SubmittedAfterTheDeadline", "DateSubmitted")

# Bodies with "Police" in their name that are not forces: police and crime commissioners'
# offices, the police complaints bodies. Never matched to a force, whatever their name.
NOT_A_FORCE = re.compile(
    r"crime commissioner|police conduct|complaints commission|fire and rescue|"
    r"commissioner for|office of the",
    re.IGNORECASE,
)
# Every force's employer name says Police or Constabulary; nothing else is looked up, so that
# a council or trust named after a county never matches the county's force.
_POLICE = re.compile(r"police|constabulary", re.IGNORECASE)
_SIZE = re.compile(r"^(?:(less than) ([\d,]+)|([\d,]+) to ([\d,]+)|([\d,]+) or more)$",
                   re.IGNORECASE)
_FILE_YEAR = re.compile(r"(20\d\d) to (20\d\d)")


@dataclass
class ReturnsFile:
    """A parsed download: its returns (dicts with the ``paygap_returns`` columns, plus
    ``source_row``), the snapshot year and whether it is a partial download."""

    path: Path
    snapshot_year: int
    partial: bool
    records: list[dict]
    duplicate_rows: list[int] = field(default_factory=list)


@dataclass
class ImportResult:
    file: str
    status: str  # imported | unchanged
    snapshot_year: int | None = None
    partial: bool = False
    rows: int = 0
    forces: int = 0
    replaced_rows: int = 0
    source_id: int | None = None
    files: list[dict] = field(default_factory=list)
    duplicate_rows: list[int] = field(default_factory=list)  # exact copies, kept once


class _Problems:
    def __init__(self, file: str):
        self.file, self.count = file, 0
        self.items: list[Problem] = []

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(self.file, message, None, row, column))


# --- cells -------------------------------------------------------------------------------



def parse_number(value: object) -> float | None:
    """A published figure: a finite number, or text with stray white space; blank is None.

    Raises ValueError for anything else (NaN and infinities too)."""
    number = _parse_number(value)
    if number is not None and not math.isfinite(number):
        raise ValueError(value)
    return number


def _parse_number(value: object) -> float | None:
    if isinstance(value, str):
        if not value or value.isspace():
            return None
        try:
            return float(value)  # float() itself ignores surrounding white space and tabs
        except ValueError:
            return float(value.strip().replace("%", ""))
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("%", "")
    if not text:
        return None
    return float(text)


def parse_timestamp(value: object) -> datetime | None:
    """``31/03/2018 00:00:00`` or ``2020/03/31 00:00:00`` as the service writes them, or any
    form a spreadsheet program writes on saving a download again (`parity.tabular.parse_date`:
    ``05-04-2025 00:00``, ISO, an Excel serial number, a date cell); blank is None. Raises
    ValueError for anything else."""
    return parse_date(value)


def parse_sic_codes(value: object) -> list[str]:
    """The SIC codes in one field: commas, newlines and spaces all separate codes. A five-digit
    code read as a number by a spreadsheet program (01110 as 1110) gets its zero back."""
    if value is None:
        return []
    if isinstance(value, float):
        value = _text(value)
    return [c.zfill(5) if len(c) == 4 and c.isdigit() else c
            for c in re.split(r"[\s,;]+", str(value)) if c]


def parse_size(value: object) -> tuple[int | None, int | None]:
    """(smallest, largest) headcount of a size band; (None, None) for 'Not Provided'.

    Raises ValueError for an unknown band."""
    text = " ".join(_text(value).split())
    if not text or text.casefold() == "not provided":
        return None, None
    m = _SIZE.match(text)
    if not m:
        raise ValueError(text)
    def whole(group: int) -> int:
        number = int(m.group(group).replace(",", ""))
        if number > MAX_EMPLOYER_SIZE:
            raise ValueError(text)
        return number

    if m.group(1):
        return 0, whole(2) - 1
    if m.group(3):
        low, high = whole(3), whole(4)
        if low > high:
            raise ValueError(text)
        return low, high
    return whole(5), None


def is_public_administration(codes: list[str]) -> bool:
    """True when a SIC code is in division 84, 'Public administration and defence;
    compulsory social security' (84110 to 84300)."""
    return any(len(c) == 5 and c.startswith("84") for c in codes)


def _police_ids() -> set[str]:
    """The 43 territorial forces and British Transport Police."""
    return {f.id for f in registry().forces if f.kind in ("territorial", "national")}


def match_force(*names: str | None) -> str | None:
    """The registry force an employer name denotes (the first name that resolves), or None.

    Offices of police and crime commissioners and the police complaints bodies are never
    forces, whatever their name contains."""
    reg = registry()
    for name in names:
        if not name or not _POLICE.search(name) or NOT_A_FORCE.search(name):
            continue
        force = reg.find_force(name)
        if force is not None:
            return force.id
    return None


# --- reading -----------------------------------------------------------------------------

def _rows(path: Path) -> list[list]:
    sheets = read_sheets(path)
    sheet = next((s for s in sheets if s.rows and any(_text(c) for c in s.rows[0])), None)
    if sheet is None:
        raise InputError(f"{path.name}: the file is empty")
    return sheet.rows


def read_returns(path: Path | str) -> ReturnsFile:
    """Read and validate one download; nothing is stored.

    Raises `InputError` listing every problem (missing columns; unreadable figures, dates,
    size bands or flags, each with its row and column)."""
    path = Path(path)
    rows = _rows(path)
    # Columns by meaning: the service's names whatever their case and spacing ("Employer
    # Name", "employername"), as a spreadsheet program or a person may leave them.
    known = {header_key(n).replace(" ", ""): n for n in (*REQUIRED, *OPTIONAL)}
    header = [known.get(header_key(c).replace(" ", ""), " ".join(_text(c).split()))
              for c in rows[0]]
    index = {name: i for i, name in enumerate(header) if name}
    problems = _Problems(path.name)
    repeated = sorted({name for name in header if name and header.count(name) > 1
                       and name in (*REQUIRED, *OPTIONAL)})
    if repeated:  # which copy holds the figures is anyone's guess
        raise InputError(f"{path.name}: repeated columns",
                         [Problem(path.name, "the column appears more than once; expected it "
                                  "once", None, 1, c) for c in repeated])
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        raise InputError(
            f"{path.name}: not a gender pay gap service download",
            [Problem(path.name, f"missing the column {c!r}", None, 1, c) for c in missing]
            + [Problem(path.name, "the first row must be the service's header: "
                       + ", ".join(REQUIRED[:3]) + ", ...", None, 1, None)],
        )
    width = len(header)
    # Missing optional columns read from one blank cell added past the end of every row.
    col = {name: index.get(name, width) for name in (*REQUIRED, *OPTIONAL)}
    figure_cols = [(col[n], n, c) for n, c in FIGURES.items()]
    memo: dict = {}

    def cached(fn, value):  # noqa: ANN001, ANN202
        """Size bands, flags, SIC lists and due dates repeat: parse each text once."""
        key = (fn, value)
        if key not in memo:
            memo[key] = fn(value)
        return memo[key]

    records: list[dict] = []
    seen: dict[tuple, int] = {}
    duplicates: list[int] = []
    for number, row in enumerate(rows[1:], start=2):
        row = list(row) + [None] * (width + 1 - len(row))
        identity = tuple(row[:width])
        if identity in seen:  # an exact copy of an earlier row: kept once
            duplicates.append(number)
            continue
        seen[identity] = number
        name = " ".join(_text(row[col["EmployerName"]]).split())
        if not name and not any(_text(c) for c in row):
            continue
        if not name:
            problems.add(number, "EmployerName", "the employer name is blank")
        rec: dict = {"source_row": number, "employer_name": name}
        for i, service_name, column in figure_cols:
            value = row[i]
            if value.__class__ is float:
                rec[column] = value
            else:
                try:
                    rec[column] = parse_number(value)
                except ValueError:
                    problems.add(number, service_name,
                                 f"expected a number (percent), found {_text(value)!r}")
                    rec[column] = None
            low, high = FIGURE_BOUNDS.get(service_name, SHARE_BOUNDS)
            if rec[column] is not None and not low <= rec[column] <= high:
                problems.add(number, service_name, f"an impossible figure: expected a percent "
                             f"from {low:,g} to {high:,g}, found {_text(value)}")
                rec[column] = None
        sic = row[col["SicCodes"]]
        codes = cached(parse_sic_codes, sic) if isinstance(sic, str | float) else []
        rec["sic_codes"] = ",".join(codes)
        rec["public_administration"] = is_public_administration(codes)
        size = _text(row[col["EmployerSize"]])
        try:
            rec["size_min"], rec["size_max"] = cached(parse_size, size)
        except ValueError:
            problems.add(number, "EmployerSize",
                         f"expected a size band such as '250 to 499', found {size!r}")
            rec["size_min"] = rec["size_max"] = None
        rec["employer_size"] = size or None
        for column, target in (("DueDate", "due_date"), ("DateSubmitted", "date_submitted")):
            value = row[col[column]]
            try:
                stamp = (cached(parse_timestamp, value) if target == "due_date"
                         else parse_timestamp(value))
            except (ValueError, TypeError):
                problems.add(number, column, "expected a date such as 31/03/2018 00:00:00, "
                             f"2020/03/31 00:00:00 or 2018-03-31, found {_text(value)!r}")
                stamp = None
            rec[target] = stamp.date() if (stamp and target == "due_date") else stamp
        if rec["due_date"] is None and _text(row[col["DueDate"]]) == "":
            problems.add(number, "DueDate", "the due date is blank")
        late = row[col["SubmittedAfterTheDeadline"]]
        try:
            rec["submitted_late"] = cached(parse_bool, late)
        except ValueError:
            problems.add(number, "SubmittedAfterTheDeadline",
                         f"expected True or False, found {_text(late)!r}")
            rec["submitted_late"] = None
        employer_id = _text(row[col["EmployerId"]])
        if employer_id and not (employer_id.isascii() and employer_id.isdigit()
                                and int(employer_id) <= MAX_EMPLOYER_ID):
            problems.add(number, "EmployerId", "expected a whole number from 0 to "
                         f"{MAX_EMPLOYER_ID:,}, found {employer_id!r}")
            employer_id = ""
        rec["employer_id"] = int(employer_id) if employer_id else None
        current = " ".join(_text(row[col["CurrentName"]]).split())
        rec["current_name"] = current or None
        rec["post_code"] = _text(row[col["PostCode"]])[:32] or None
        rec["company_number"] = digits_padded(row[col["CompanyNumber"]], 8)[:32] or None
        rec["link"] = _text(row[col["CompanyLinkToGPGInfo"]]) or None
        rec["responsible_person"] = _text(row[col["ResponsiblePerson"]]) or None
        rec["force_id"] = match_force(name, current)
        records.append(rec)

    if problems.items:
        more = "+" if problems.count > len(problems.items) else ""
        raise InputError(f"{path.name}: {problems.count}{more} problems; nothing imported",
                         problems.items)
    if not records:
        raise InputError(f"{path.name}: no returns in the file")
    year = _snapshot_year(path, records)
    partial = _is_partial(path, records)
    for rec in records:
        rec["snapshot_year"] = year
        rec["partial"] = partial
    return ReturnsFile(path=path, snapshot_year=year, partial=partial, records=records,
                       duplicate_rows=duplicates)


def _snapshot_year(path: Path, records: list[dict]) -> int:
    years = Counter(r["due_date"].year - 1 for r in records if r["due_date"])
    year, _ = years.most_common(1)[0]
    odd = [r for r in records if r["due_date"] and r["due_date"].year - 1 != year]
    if odd:
        raise InputError(
            f"{path.name}: returns for more than one reporting year",
            [Problem(path.name, f"due date {r['due_date']} is not in the {year}/"
                     f"{(year + 1) % 100:02d} reporting year of the rest of the file", None,
                     r["source_row"], "DueDate")
             for r in odd[:MAX_PROBLEMS]],
        )
    named = _FILE_YEAR.search(path.name)
    if named and int(named.group(1)) != year:
        raise InputError(
            f"{path.name}: the file name says {named.group(0)} but its due dates are for the "
            f"{year}/{year + 1} reporting year"
        )
    return year


def _is_partial(path: Path, records: list[dict]) -> bool:
    """A download taken before the year's deadline: its name says 'partial', or no return in
    it was submitted on or after the earliest due date."""
    if "partial" in path.name.casefold():
        return True
    first_due = min(r["due_date"] for r in records if r["due_date"])
    submitted = [r["date_submitted"] for r in records if r["date_submitted"]]
    return bool(submitted) and max(submitted).date() < first_due


def return_files(path: Path | str) -> list[Path]:
    """The download files at `path` (a file, or every download in a folder, oldest first)."""
    return files_at(path, suffixes=set(SUFFIXES), kind="CSV or XLSX files")


# --- storing -----------------------------------------------------------------------------

def import_paygap_returns(session: Session, *, path: Path | str = DEFAULT_DIR,
                          progress=None) -> ImportResult:  # noqa: ANN001
    """Import one download, or every download in a folder, all-or-nothing.

    Every file is read and validated before anything is written. A file already imported
    (same SHA-256) changes nothing; a file for a snapshot year already held from another file
    (a later download of the same year) replaces that year's returns. Returns without an
    ``EmployerId`` (the XLSX years) are linked to it by name, and a force matched under one of
    an employer's names is given to all its returns (`link_employers`), across the new files
    and those held. Rows are written with COPY on PostgreSQL. `progress`, if given, is called
    with each file's name as it is read.
    """
    files = return_files(path)
    parsed: list[tuple[ReturnsFile, str]] = []
    results: list[ImportResult] = []
    for file in files:
        if progress:
            progress(file.name)
        digest = sha256_of(file)
        if find_source(session, kind=KIND, sha256=digest) is not None:
            results.append(ImportResult(file=file.name, status="unchanged"))
            continue
        parsed.append((read_returns(file), digest))

    PAYGAP_TABLE = cast(Table, R.__table__)  # noqa: N806
    _refuse_clashing_downloads(session, [returns for returns, _ in parsed])
    if parsed:
        years = [returns.snapshot_year for returns, _ in parsed]
        replaced = dict(session.execute(
            select(R.snapshot_year, func.count()).where(R.snapshot_year.in_(years))
            .group_by(R.snapshot_year)).all())
        session.execute(delete(R).where(R.snapshot_year.in_(years)))
        # Link names to employer ids and forces across the new files and the returns held,
        # before writing: the new rows go in complete, and only held rows that gain a link
        # are updated.
        held = [dict(row._mapping) for row in session.execute(
            select(R.id, R.employer_id, R.employer_name, R.current_name, R.force_id))]
        new = [rec for returns, _ in parsed for rec in returns.records]
        updates = link_employers(held + new)
        for returns, digest in parsed:
            source = add_source(session, kind=KIND, path=returns.path, sha256=digest,
                                row_count=len(returns.records),
                                note=f"snapshot year {returns.snapshot_year}"
                                + (" (partial download)" if returns.partial else ""))
            rows = [{**r, "source_id": source.id} for r in returns.records]
            bulk_insert(session, PAYGAP_TABLE, rows)
            results.append(ImportResult(
                file=returns.path.name, status="imported",
                snapshot_year=returns.snapshot_year, partial=returns.partial, rows=len(rows),
                forces=len({r["force_id"] for r in rows if r["force_id"]} & _police_ids()),
                replaced_rows=replaced.get(returns.snapshot_year, 0), source_id=source.id,
                duplicate_rows=returns.duplicate_rows,
            ))
        if updates:
            table = PAYGAP_TABLE
            session.execute(
                update(table).where(table.c.id == bindparam("row_id"))
                .values(employer_id=bindparam("new_employer_id"),
                        force_id=bindparam("new_force_id")),
                updates,
            )
    if len(results) == 1:
        return results[0]
    imported = [r for r in results if r.status == "imported"]
    return ImportResult(
        file=str(path), status="imported" if imported else "unchanged",
        rows=sum(r.rows for r in imported), replaced_rows=sum(r.replaced_rows for r in imported),
        files=[r.__dict__ for r in results],
    )


def _refuse_clashing_downloads(session: Session, parsed: list[ReturnsFile]) -> None:
    """Raise `InputError` when two of the new files are downloads of one reporting year (both
    would be stored: every return twice), or a partial download would replace the complete
    download of its year held (an early copy would wipe out the later returns)."""
    by_year: dict[int, list[str]] = defaultdict(list)
    for returns in parsed:
        by_year[returns.snapshot_year].append(returns.path.name)
    problems = [Problem(names[1], f"another download for {year}/{(year + 1) % 100:02d} "
                        f"besides {names[0]!r}; import one of them (a later download of a "
                        "year replaces the one held)")
                for year, names in sorted(by_year.items()) if len(names) > 1]
    complete = set(session.scalars(select(R.snapshot_year).where(R.partial.is_(False))
                                   .distinct()))
    problems += [Problem(r.path.name, f"a partial download for "
                         f"{calendar.reporting_year(r.snapshot_year)}, whose complete download is "
                         "already held; the complete returns are kept")
                 for r in parsed if r.partial and r.snapshot_year in complete]
    if problems:
        raise InputError("downloads for the same reporting year clash; nothing imported",
                         problems)


def _key(name: str | None) -> str:
    return " ".join(re.sub(r"[^a-z0-9&]+", " ", (name or "").casefold()).split())


def link_employers(rows: list[dict]) -> list[dict]:
    """Link returns across years, in place: a return without an ``EmployerId`` (the XLSX
    years) gets the id its name (or current name) has elsewhere, and every return of an
    employer gets the force matched under any of its names.

    `rows` are dicts with ``employer_id``, ``employer_name``, ``current_name`` and
    ``force_id``, and ``id`` for rows already stored. A name shared by two employer ids, or an
    employer matched to two forces, is ambiguous and left alone. Returns the changes to stored
    rows, as ``{"row_id", "new_employer_id", "new_force_id"}``; new rows are changed in place.
    """
    ids_by_name: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        if row["employer_id"] is not None:
            for name in (row["employer_name"], row["current_name"]):
                if name:
                    ids_by_name[_key(name)].add(row["employer_id"])
    changed: dict[int, dict] = {}
    for row in rows:
        if row["employer_id"] is None:
            for name in (row["current_name"], row["employer_name"]):
                found = ids_by_name.get(_key(name))
                if found and len(found) == 1:
                    row["employer_id"] = next(iter(found))
                    if row.get("id") is not None:
                        changed[row["id"]] = row
                    break
    forces: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        if row["force_id"] and row["employer_id"] is not None:
            forces[row["employer_id"]].add(row["force_id"])
    for row in rows:
        matched = forces.get(row["employer_id"]) if row["employer_id"] is not None else None
        if row["force_id"] is None and matched and len(matched) == 1:
            row["force_id"] = next(iter(matched))
            if row.get("id") is not None:
                changed[row["id"]] = row
    return [{"row_id": i, "new_employer_id": r["employer_id"], "new_force_id": r["force_id"]}
            for i, r in changed.items()]
