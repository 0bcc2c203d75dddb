"""Importer for a force's HR extract: its people's history as events (CSV or XLSX).

The extract has one row per event with the columns in `parity.vocabulary.COLUMNS`
(docs/flows.md describes them). Every row is validated (`parity.flows.validation`), then the
31 March stocks the events imply are computed, and all of it is written in one transaction.
An extract is a force's whole history: importing one replaces the events held for that force.
The same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import delete, distinct, func, insert, select
from sqlalchemy.orm import Session

from parity.errors import InputError, Problem
from parity.flows import metrics
from parity.flows.bulk import insert_events
from parity.flows.models import HrEvent, HrStock
from parity.flows.projection import RANKS, SEXES, Rates
from parity.flows.validation import (
    RANK_TABLES,
    Events,
    Problems,
    check_columns,
    check_sequences,
    column_key,
)
from parity.forces import registry
from parity.store.provenance import add_source, find_source, sha256_of
from parity.tabular import (
    CSV_SUFFIXES,
    Columns,
    Sheet,
    columns_of,
    gc_paused,
    read_plain_csv,
    read_sheets,
)

KIND = "hr"


@dataclass
class ImportResult:
    file: str
    status: str  # imported | unchanged
    force_id: str
    force: str
    rows: int = 0
    people: int = 0
    years: list[int] = field(default_factory=list)
    replaced_rows: int = 0
    source_id: int | None = None


def _header_among(rows: list[list]) -> int | None:
    """The index of the first of `rows` (a sheet's first 20) with a person_id column."""
    for index, row in enumerate(rows):
        if "person_id" in {column_key(c) for c in row}:
            return index
    return None


def _first_filled(rows: Iterable[list]) -> int:
    return next((i for i, r in enumerate(rows) if any(str(c or "").strip() for c in r)), 0)


def _read_sheet(path: Path) -> tuple[Columns, int]:
    """The sheet holding the events and its header row index (0-based): the first sheet with
    a person_id column in its first 20 rows; else the first sheet and its first row with
    anything in it. A plain CSV file is read with Arrow (`read_plain_csv`), any other file as
    rows (`read_sheets`)."""
    if path.suffix.lower() in CSV_SUFFIXES and path.is_file():
        plain = read_plain_csv(path)
        if plain is not None:
            rows = (plain.row(r) for r in range(plain.height))
            header = _header_among([plain.row(r) for r in range(min(plain.height, 20))])
            return plain, header if header is not None else _first_filled(rows)
    sheets = read_sheets(path)
    for sheet in sheets:
        header = _header_among(sheet.rows[:20])
        if header is not None:
            return columns_of(sheet), header
    first = sheets[0] if sheets else Sheet(None, [])
    return columns_of(first), _first_filled(first.rows)


def read_events(path: Path, *, today: date | None = None) -> Events:
    """Read and validate an extract; raises `InputError` listing every problem found.
    `today` (default: the system date) is the last date an event may have."""
    with gc_paused():
        return _read_events(path, today)


def _read_events(path: Path, today: date | None) -> Events:
    sheet, header = _read_sheet(path)
    problems = Problems(path.name, sheet.name)
    events = check_columns(sheet, problems, header=header, today=today)
    if not problems.count:
        check_sequences(events, problems)
    if problems.count:
        more = "+" if problems.count > len(problems.items) else ""
        noun = "problem" if problems.count == 1 else "problems"
        raise InputError(f"{path.name}: not a valid HR extract ({problems.count}{more} {noun}; "
                         "nothing was imported)", problems.items)
    if not len(events):
        raise InputError(f"{path.name}: no events found (expected one row per event under the "
                         "header)")
    return events


def import_hr(session: Session, *, path: Path | str, force: str,
              replace_shorter: bool = False) -> ImportResult:
    """Import the HR extract at `path` for `force` (any name the forces registry knows).

    Validates everything first and writes nothing on failure; replaces the force's earlier
    events and implied stocks; the same file twice changes nothing. An extract that covers
    less than the one held (it starts later, ends earlier, or names fewer people: a file cut
    short) is refused, naming what would be lost, unless `replace_shorter`. Each force's
    extracts are its own: a file another force imported is imported for this one as for any
    other (nothing says another force has it). The caller commits.
    """
    path = Path(path)
    found = registry().force(force)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: a folder, not a file; expected an HR extract (CSV or XLSX)")
    digest = sha256_of(path)
    kind = f"{KIND}:{found.id}"  # a file's provenance is per force: forces never meet here
    existing = find_source(session, kind=kind, sha256=digest)
    if existing is not None:
        held = session.scalar(select(HrStock.source_id).where(HrStock.force_id == found.id)
                              .limit(1))
        if held == existing.id:
            return ImportResult(path.name, "unchanged", found.id, found.name,
                                source_id=existing.id, rows=existing.row_count)
        # The force's history was replaced by another extract since: this one comes back,
        # under its original provenance row.
    events = read_events(path)
    if not replace_shorter:
        _refuse_shorter(session, events, force_id=found.id, force_name=found.name,
                        name=path.name)
    deleted = session.execute(delete(HrEvent).where(HrEvent.force_id == found.id))
    replaced = getattr(deleted, "rowcount", 0)
    session.execute(delete(HrStock).where(HrStock.force_id == found.id))
    source = existing or add_source(session, kind=kind, path=path, sha256=digest,
                                    row_count=len(events), note=found.id)
    with gc_paused(), insert_events(session.connection(), events, source_id=source.id,
                                    force_id=found.id):
        # made while PostgreSQL takes the events
        stocks = metrics.implied_stocks(
            person_id=events.person_id, event=events.event, event_date=events.event_date,
            worker_type=events.worker_type, rank=events.rank, sex=events.sex, fte=events.fte,
            order=events.order, person_code=events.person_code, ordinal=events.ordinal,
            combo=(events.combo, events.combos),
        )
        people = len(set(events.person_id))
    if stocks:
        session.execute(insert(HrStock), [dict(s, source_id=source.id, force_id=found.id)
                                          for s in stocks])
    years = sorted({s["year"] for s in stocks})
    return ImportResult(path.name, "imported", found.id, found.name, rows=len(events),
                        people=people, years=years,
                        replaced_rows=max(replaced or 0, 0), source_id=source.id)


def _refuse_shorter(session: Session, events: Events, *, force_id: str, force_name: str,
                    name: str) -> None:
    """`InputError` if the extract covers less than the events held for the force."""
    first, last, people = session.execute(
        select(func.min(HrEvent.event_date), func.max(HrEvent.event_date),
               func.count(distinct(HrEvent.person_id))).where(HrEvent.force_id == force_id)).one()
    if not people:
        return
    first, last = _as_date(first), _as_date(last)
    new_first, new_last = min(events.event_date), max(events.event_date)
    new_people = len(set(events.person_id))
    lost = []
    if new_first > first:
        lost.append(f"the events from {first:%d %B %Y} to before {new_first:%d %B %Y}")
    if new_last < last:
        lost.append(f"the events after {new_last:%d %B %Y} up to {last:%d %B %Y}")
    if new_people < people:
        lost.append(f"{people - new_people:,} of the {people:,} people held")
    if lost:
        raise InputError(
            f"{name}: covers less than the extract held for {force_name} "
            f"({first:%d %B %Y} to {last:%d %B %Y}, {people:,} people); importing it would "
            f"lose {'; '.join(lost)}. A file cut short? To replace the history anyway, import "
            "again with --replace-shorter",
            [Problem(name, f"this extract: {new_first:%d %B %Y} to {new_last:%d %B %Y}, "
                           f"{new_people:,} people")])


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


RATE_COLUMNS = ("rank", "sex", "leaving_rate", "promotion_rate")
RATE_SEXES = ("female", "male", "all")


def read_rates(path: Path | str):  # noqa: ANN201
    """Chosen yearly rates for a projection, from a small CSV or XLSX file with the columns
    ``rank``, ``sex`` (female, male or all), ``leaving_rate`` and ``promotion_rate`` (fractions
    from 0 to 1; a blank cell keeps the default). Every cell not given keeps the national
    default (`projection.Rates.defaults`); ``all`` sets women, men and the other recorded
    categories. Raises `InputError` naming the file, row and column of every problem."""

    path = Path(path)
    sheet = read_sheets(path)[0]
    problems = Problems(path.name, sheet.name)
    rates = Rates.defaults()
    leaving, promotion = rates.leaving.copy(), rates.promotion.copy()
    start = next((i for i, r in enumerate(sheet.rows) if any(str(c or "").strip() for c in r)),
                 0)
    header = [column_key(c) for c in (sheet.rows[start] if sheet.rows else [])]
    missing = [c for c in RATE_COLUMNS if c not in header]
    if missing:
        raise InputError(f"{path.name}: not a rates file (missing column(s) "
                         f"{', '.join(missing)})", [Problem(
            path.name, f"missing column(s) {', '.join(missing)}; expected "
            f"{', '.join(RATE_COLUMNS)}", sheet.name, start + 1)])
    where = {c: header.index(c) for c in RATE_COLUMNS}
    given = 0
    for number, cells in sheet.numbered(start + 2):
        cells = list(cells) + [None] * (len(header) - len(cells))
        text = {c: str(cells[i] if cells[i] is not None else "").strip()
                for c, i in where.items()}
        if not any(text.values()):
            continue
        rank = RANK_TABLES["officer"].get(text["rank"].casefold())
        if rank is None:
            problems.add(number, "rank", f"unknown rank {text['rank']!r}; expected an officer "
                         "rank, Constable to Chief Officer")
        sex = text["sex"].casefold()
        if sex not in RATE_SEXES:
            problems.add(number, "sex", f"unknown sex {text['sex']!r}; expected one of "
                         f"{', '.join(RATE_SEXES)}")
        values = {}
        for column in ("leaving_rate", "promotion_rate"):
            if not text[column]:
                continue
            try:
                value = float(text[column].rstrip("%")) / (100 if "%" in text[column] else 1)
            except ValueError:
                value = -1.0
            if not 0 <= value <= 1:
                problems.add(number, column, f"{text[column]!r} is not a yearly rate; expected "
                             "a fraction from 0 to 1 (or a percentage such as 6%)")
            else:
                values[column] = value
        if rank == RANKS[-1] and values.get("promotion_rate"):
            problems.add(number, "promotion_rate", "Chief Officer is the top rank: no one is "
                         "promoted from it")
        if rank is None or sex not in RATE_SEXES:
            continue
        r = RANKS.index(rank)
        columns = range(len(SEXES)) if sex == "all" else [SEXES.index(sex)]
        for s in columns:
            if "leaving_rate" in values:
                leaving[r, s] = values["leaving_rate"]
            if "promotion_rate" in values:
                promotion[r, s] = values["promotion_rate"]
        given += 1
    if problems.count:
        noun = "problem" if problems.count == 1 else "problems"
        raise InputError(f"{path.name}: not a valid rates file ({problems.count} {noun})",
                         problems.items)
    if not given:
        raise InputError(f"{path.name}: no rates found (expected a row per rank and sex under "
                         "the header)")
    return Rates(leaving, promotion, rates.recruits,
                 f"chosen rates ({path.name}), national defaults elsewhere")
