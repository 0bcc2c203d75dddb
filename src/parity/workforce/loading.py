"""An edition of the open data table stored, and the current figures made, on a DB-API
connection (`parity.store.raw`): the same code whether ``parity import workforce`` opened its
own connection (no SQLAlchemy, issue 13) or a session lends its own (`Raw.of`).

Every import is an edition (decision 0900): its file (a row of ``sources``), the day it was
published (``workforce_editions``) and its rows as published (``workforce_edition_counts``).
``workforce_current`` names, for each force-year, the edition whose rows are the current
figures; ``workforce_counts`` is a view of those rows (decision 0901). `make_current` writes
``workforce_current`` again from the editions held.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from operator import itemgetter
from pathlib import Path

from parity.store.raw import Raw, indexes_after

KIND = "workforce"
COPIED = ("source_id", "source_row", "year", "force_id", "worker_type", "rank", "sex",
          "headcount", "fte")
# The Home Office puts the publication day in the file name, day month year:
# open-data-table-police-workforce-260723.ods is 26 July 2023. An ISO date (2024-07-25) in a
# name is read too.
_DDMMYY = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


@dataclass
class ImportResult:
    file: str
    status: str  # imported | unchanged
    rows: int = 0
    years: list[int] = field(default_factory=list)
    forces: int = 0
    replaced_rows: int = 0
    source_id: int | None = None
    published: date | None = None
    edition: str | None = None  # "the edition published 26 July 2023"
    current: list[str] = field(default_factory=list)  # the editions the current figures use
    current_force_years: int = 0  # the force-years this edition now supplies
    not_current_force_years: int = 0  # those a later (or chosen) edition supplies instead


def published_from_name(name: str) -> date | None:
    """The publication date a file name carries (``...-260723.ods``, ``...-2024-07-25.csv``),
    or None."""
    for pattern, order in ((_ISO, "ymd"), (_DDMMYY, "dmy")):
        for m in pattern.finditer(name):
            a, b, c = (int(g) for g in m.groups())
            y, mo, d = (a, b, c) if order == "ymd" else (2000 + c, b, a)
            try:
                return date(y, mo, d)
            except ValueError:
                continue
    return None


def describe(published: date) -> str:
    """How pages and messages name an edition: "the edition published 26 July 2023"."""
    return f"the edition published {published.day} {published:%B %Y}"


def spans(years: list[int]) -> str:
    """2007 to 2018, 2020 (runs of consecutive years)."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]} to {r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _day(value: date | str) -> date:
    """A date as the driver gives it back (SQLite: its ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def held(raw: Raw, path: Path, sha: str) -> ImportResult | None:
    """The answer for a file held already (same SHA-256): which edition it is and which are
    current; None for a file not held. A file whose figures an older Parity replaced (its
    source without an edition) is forgotten, to be imported anew."""
    source_id = raw.one("SELECT id FROM sources WHERE kind = ? AND sha256 = ?", (KIND, sha))
    if source_id is None:
        return None
    published = raw.one("SELECT published FROM workforce_editions WHERE source_id = ?",
                        (source_id,))
    if published is None:
        raw.run("DELETE FROM sources WHERE id = ?", (source_id,))
        return None
    day = _day(published)
    return ImportResult(file=path.name, status="unchanged", source_id=source_id, published=day,
                        edition=describe(day), current=current_names(raw))


def store(raw: Raw, path: Path, rows: list[dict], *, sha: str, published: date) -> ImportResult:
    """Store `rows` (`parity.workforce.parsing.parse`) as the edition `path` published on
    `published`, in the connection's transaction (the caller commits), and make the current
    figures again."""
    covered = {(r["year"], r["force_id"]) for r in rows}
    before = dict(((year, force_id), n) for year, force_id, n in raw.all(
        "SELECT w.year, w.force_id, count(*) FROM workforce_current AS w "
        "JOIN workforce_edition_counts AS c ON c.source_id = w.source_id AND c.year = w.year "
        "AND c.force_id = w.force_id GROUP BY w.year, w.force_id"))
    now = datetime.now(UTC)
    imported_at = now if raw.postgres else now.replace(tzinfo=None).isoformat(" ")
    note = f"published {published.isoformat()}"
    source_id = raw.one(
        "INSERT INTO sources (kind, file_name, sha256, imported_at, row_count, note) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (KIND, path.name, sha, imported_at, len(rows), note))
    raw.run("INSERT INTO workforce_editions (source_id, published, in_use) VALUES (?, ?, ?)",
            (source_id, published if raw.postgres else published.isoformat(), False))
    values = itemgetter(*COPIED[1:])
    # A first import fills an empty table: indexed once filled (`indexes_after`), not row by row.
    with indexes_after(raw, ["workforce_edition_counts"]):
        raw.insert_rows("workforce_edition_counts", COPIED,
                        [(source_id, *values(r)) for r in rows])
        winner = make_current(raw)
    won = {pair for pair, sid in winner.items() if sid == source_id}
    return ImportResult(
        file=path.name, status="imported", rows=len(rows), years=sorted({y for y, _ in covered}),
        forces=len({f for _, f in covered}), replaced_rows=sum(before.get(p, 0) for p in won),
        source_id=source_id, published=published, edition=describe(published),
        current=current_names(raw), current_force_years=len(won),
        not_current_force_years=len(covered) - len(won),
    )


def make_current(raw: Raw) -> dict[tuple[int, str], int]:
    """Make the current figures those of the editions held; returns {(year, force): source
    id}. For each force-year, the latest published edition covering it (between two published
    the same day, the one imported last), except where the edition in use covers it. Only the
    force-years whose edition changes are written, so the others stay as they were."""
    editions = raw.all("SELECT source_id, published, in_use FROM workforce_editions")
    order = sorted(editions, key=lambda e: (bool(e[2]), _day(e[1]), e[0]))
    ranked = {e[0]: i for i, e in enumerate(order)}
    winner: dict[tuple[int, str], int] = {}
    for source_id, year, force_id in raw.all(
            "SELECT DISTINCT source_id, year, force_id FROM workforce_edition_counts"):
        have = winner.get((year, force_id))
        if have is None or ranked[source_id] > ranked[have]:
            winner[(year, force_id)] = source_id
    now = {(year, force_id): source_id for year, force_id, source_id in raw.all(
        "SELECT year, force_id, source_id FROM workforce_current")}
    gone = [pair for pair in now if pair not in winner]
    moved = [(sid, *pair) for pair, sid in winner.items() if pair in now and now[pair] != sid]
    new = sorted((*pair, sid) for pair, sid in winner.items() if pair not in now)
    if gone:
        raw.many("DELETE FROM workforce_current WHERE year = ? AND force_id = ?", gone)
    if moved:
        raw.many("UPDATE workforce_current SET source_id = ? WHERE year = ? AND force_id = ?",
                 moved)
    raw.insert_rows("workforce_current", ("year", "force_id", "source_id"), new)
    return winner


def current_editions(raw: Raw, *, years: list[int] | None = None,
                     force_ids: list[str] | None = None) -> list[dict]:
    """The editions the current figures come from (for these years and forces, if given):
    [{"id", "file", "published", "name", "in_use", "years"}], latest published first."""
    wanted_years = set(years) if years is not None else None
    wanted_forces = set(force_ids) if force_ids is not None else None
    years_of: dict[int, set[int]] = defaultdict(set)
    for source_id, year, force_id in raw.all(
            "SELECT source_id, year, force_id FROM workforce_current"):
        if (wanted_years is None or year in wanted_years) and \
                (wanted_forces is None or force_id in wanted_forces):
            years_of[source_id].add(year)
    if not years_of:
        return []
    out = []
    for source_id, file_name, published, in_use in raw.all(
            "SELECT e.source_id, s.file_name, e.published, e.in_use FROM workforce_editions AS e "
            "JOIN sources AS s ON s.id = e.source_id"):
        if source_id in years_of:
            day = _day(published)
            out.append({"id": source_id, "file": file_name, "published": day,
                        "name": describe(day), "in_use": bool(in_use),
                        "years": sorted(years_of[source_id])})
    return sorted(out, key=lambda e: (e["published"], e["id"]), reverse=True)


def current_names(raw: Raw) -> list[str]:
    """The editions the current figures come from, with their years when more than one:
    "2024 from the edition published 25 July 2024 (file)"."""
    editions = current_editions(raw)
    if len(editions) == 1:
        return [f"{editions[0]['name']} ({editions[0]['file']})"]
    return [f"{spans(e['years'])} from {e['name']} ({e['file']})" for e in editions]
