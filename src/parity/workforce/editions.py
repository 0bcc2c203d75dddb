"""Editions of the Home Office workforce open data table (decision 0900).

Every import of the table is an edition: the file (its `Source`), the day the Home Office
published it, and its rows as published (``workforce_edition_counts``). The current figures
(``workforce_counts``, which every reader uses) are made from the editions held: for each
force-year, the rows of the latest *published* edition covering it, whatever the order the
files were imported in (between two editions published the same day, the one imported last),
except where an edition chosen with ``parity editions use`` covers it. `make_current` rebuilds
them from the editions' rows, so that going back to an edition and forward again gives the very
figures each one gave.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from parity import vocabulary as v
from parity.errors import InputError
from parity.forces import registry
from parity.store.models import Source
from parity.workforce.models import WorkforceCount as W
from parity.workforce.models import WorkforceEdition as E
from parity.workforce.models import WorkforceEditionCount as EC

COPIED = ("source_id", "source_row", "year", "force_id", "worker_type", "rank", "sex",
          "headcount", "fte")
# The Home Office puts the publication day in the file name, day month year:
# open-data-table-police-workforce-260723.ods is 26 July 2023. An ISO date (2024-07-25) in a
# name is read too.
_DDMMYY = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


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


def _order(editions: list[E]) -> list[E]:
    """Editions from the one that yields to every other to the one that wins: by publication
    date, then by import (source id); the edition in use last of all."""
    return sorted(editions, key=lambda e: (bool(e.in_use), e.published, e.source_id))


def make_current(session: Session) -> dict[tuple[int, str], int]:
    """Make the current figures those of the editions held; returns {(year, force): source
    id}. Only the force-years whose edition changes are rewritten (from that edition's rows),
    so that the others stay as they were, row for row."""
    ranked = {e.source_id: i for i, e in enumerate(_order(list(session.scalars(select(E)))))}
    winner: dict[tuple[int, str], int] = {}
    covers: dict[int, int] = defaultdict(int)  # force-years each edition covers
    for source_id, year, force_id in session.execute(
            select(EC.source_id, EC.year, EC.force_id).distinct()):
        covers[source_id] += 1
        held = winner.get((year, force_id))
        if held is None or ranked[source_id] > ranked[held]:
            winner[(year, force_id)] = source_id
    now = {(year, force_id): source_id for source_id, year, force_id in session.execute(
        select(W.source_id, W.year, W.force_id).distinct())}
    stale: dict[int, list[str]] = defaultdict(list)
    for pair in now.keys() | winner.keys():
        if now.get(pair) != winner.get(pair) and pair in now:
            stale[pair[0]].append(pair[1])
    for year, force_ids in sorted(stale.items()):
        session.execute(delete(W).where(W.year == year, W.force_id.in_(sorted(force_ids))))
    groups: dict[tuple[int, int], list[str]] = defaultdict(list)
    for (year, force_id), source_id in winner.items():
        if now.get((year, force_id)) != source_id:
            groups[(source_id, year)].append(force_id)
    by_source: dict[int, list[tuple[int, list[str]]]] = defaultdict(list)
    for (source_id, year), force_ids in sorted(groups.items()):
        by_source[source_id].append((year, force_ids))
    copied = select(*(getattr(EC, c) for c in COPIED))
    for source_id, years in by_source.items():
        if sum(len(force_ids) for _, force_ids in years) == covers[source_id]:
            # all the edition's force-years (a first import): its rows in one statement
            parts = [copied.where(EC.source_id == source_id).order_by(EC.year, EC.source_row)]
        else:
            parts = [copied.where(EC.source_id == source_id, EC.year == year,
                                  EC.force_id.in_(sorted(force_ids))).order_by(EC.source_row)
                     for year, force_ids in years]
        for part in parts:
            session.execute(insert(W).from_select(list(COPIED), part))
    return winner


def add_edition(session: Session, *, source_id: int, published: date) -> None:
    session.add(E(source_id=source_id, published=published, in_use=False))
    session.flush()


def list_editions(session: Session) -> list[dict]:
    """Every edition held, oldest published first: its id (the source's), file, publication
    date, when it was imported, its rows and years, whether it is in use by choice, and the
    force-years of the current figures it supplies (``current_force_years``; the latest
    edition supplies them all unless another was chosen)."""
    pairs = defaultdict(set)
    for source_id, year, force_id in session.execute(
            select(W.source_id, W.year, W.force_id).distinct()):
        pairs[source_id].add((year, force_id))
    spans = {sid: (lo, hi, n) for sid, lo, hi, n in session.execute(
        select(EC.source_id, func.min(EC.year), func.max(EC.year), func.count())
        .group_by(EC.source_id))}
    out = []
    query = select(E, Source).join(Source, Source.id == E.source_id)
    for edition, source in session.execute(query):
        lo, hi, n = spans.get(edition.source_id, (None, None, 0))
        out.append({
            "id": edition.source_id, "file": source.file_name,
            "published": edition.published, "name": describe(edition.published),
            "imported_at": source.imported_at, "rows": n, "first_year": lo, "last_year": hi,
            "in_use": bool(edition.in_use),
            "current_force_years": len(pairs.get(edition.source_id, ())),
            "current": bool(pairs.get(edition.source_id)),
        })
    return sorted(out, key=lambda e: (e["published"], e["id"]))


def find_edition(session: Session, ref: str | int) -> E:
    """The edition `ref` names: its id, its publication date (YYYY-MM-DD) or its file name.
    `InputError` listing the editions held when none (or more than one) matches."""
    editions = list_editions(session)
    text = str(ref).strip()
    matches = [e for e in editions if text in (str(e["id"]), e["published"].isoformat(),
                                                e["file"])]
    if len(matches) != 1:
        held = "; ".join(f"{e['id']}: {e['file']} (published {e['published']})"
                         for e in editions) or "none (import one with `parity import workforce`)"
        why = "names more than one edition" if matches else "names no edition held"
        raise InputError(f"{text!r} {why}; editions held: {held}")
    found = session.get(E, matches[0]["id"])
    assert found is not None
    return found


def use_edition(session: Session, ref: str | int | None) -> dict:
    """Make the edition `ref` current for every force-year it covers (None or "latest": go
    back to the latest published edition everywhere); returns what is current now."""
    session.execute(update(E).values(in_use=False))
    chosen = None
    if ref is not None and str(ref).strip().casefold() != "latest":
        chosen = find_edition(session, ref)
        chosen.in_use = True
    session.flush()
    make_current(session)
    return {"in_use": chosen.source_id if chosen else None, "editions": list_editions(session)}


def current_editions(session: Session, *, years: list[int] | None = None,
                     force_ids: list[str] | None = None) -> list[dict]:
    """The editions the current figures come from (for these years and forces, if given):
    [{"id", "file", "published", "name", "years"}], latest published first: the source note
    under every page and the report names them."""
    query = select(W.source_id, W.year).distinct()
    if years is not None:
        query = query.where(W.year.in_(years))
    if force_ids is not None:
        query = query.where(W.force_id.in_(force_ids))
    years_of: dict[int, set[int]] = defaultdict(set)
    for source_id, year in session.execute(query):
        years_of[source_id].add(year)
    if not years_of:
        return []
    out = []
    for edition, source in session.execute(select(E, Source).join(
            Source, Source.id == E.source_id).where(E.source_id.in_(list(years_of)))):
        out.append({"id": edition.source_id, "file": source.file_name,
                    "published": edition.published, "name": describe(edition.published),
                    "in_use": bool(edition.in_use), "years": sorted(years_of[edition.source_id])})
    return sorted(out, key=lambda e: (e["published"], e["id"]), reverse=True)


def diff(session: Session, a: str | int, b: str | int) -> dict:
    """Every figure edition `b` revises from edition `a`, for the force-years both cover:
    force, year, worker type, rank, sex, measure (headcount or FTE), old (a) and new (b). With
    the years only one of them holds, and the rows of common years only one holds."""
    first, second = find_edition(session, a), find_edition(session, b)
    cols = (EC.year, EC.force_id, EC.worker_type, EC.rank, EC.sex, EC.headcount, EC.fte)

    def rows(source_id: int) -> dict[tuple, tuple]:
        return {tuple(r[:5]): (r[5], r[6]) for r in session.execute(
            select(*cols).where(EC.source_id == source_id))}

    old, new = rows(first.source_id), rows(second.source_id)
    years_old, years_new = {k[0] for k in old}, {k[0] for k in new}
    common = years_old & years_new
    reg = registry()
    revised = []
    for key in sorted(old.keys() & new.keys()):
        year, force_id, worker_type, rank, sex = key
        for measure, i in (("headcount", 0), ("fte", 1)):
            before, after = old[key][i], new[key][i]
            if before != after:
                revised.append({
                    "force_id": force_id, "force": reg.get(force_id).name, "year": year,
                    "worker_type": v.WORKER_TYPES[worker_type],
                    "rank": v.ROLES[worker_type][rank], "sex": v.SEXES[sex], "measure": measure,
                    "old": before, "new": after,
                    "change": None if before is None or after is None else after - before,
                })
    only_old = sum(1 for k in old.keys() - new.keys() if k[0] in common)
    only_new = sum(1 for k in new.keys() - old.keys() if k[0] in common)
    return {
        "old": {"id": first.source_id, "published": first.published,
                "name": describe(first.published)},
        "new": {"id": second.source_id, "published": second.published,
                "name": describe(second.published)},
        "revised": revised, "years_added": sorted(years_new - years_old),
        "years_dropped": sorted(years_old - years_new),
        "rows_only_in_old": only_old, "rows_only_in_new": only_new,
    }


def spans(years: list[int]) -> str:
    """2007 to 2018, 2020 (runs of consecutive years)."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]} to {r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def source_note(session: Session, *, years: list[int] | None = None,
                force_ids: list[str] | None = None) -> str | None:
    """The line of a source note naming the edition(s) the figures come from: "the edition
    published 26 July 2023", or, when they come from more than one, which years from which
    ("2019 to 2024 from the edition published 25 July 2024; 2007 to 2018 from the edition
    published 26 July 2023"). None when no edition is held."""
    held = current_editions(session, years=years, force_ids=force_ids)
    if not held:
        return None
    if len(held) == 1:
        return held[0]["name"]
    return "; ".join(f"{spans(e['years'])} from {e['name']}" for e in held)
