"""Editions of the Home Office workforce open data table (decision 0900).

Every import of the table is an edition: the file (its `Source`), the day the Home Office
published it, and its rows as published (``workforce_edition_counts``). The current figures
(the view ``workforce_counts``, which every reader uses) are made from the editions held: for
each force-year, the rows of the latest *published* edition covering it, whatever the order
the files were imported in (between two editions published the same day, the one imported
last), except where an edition chosen with ``parity editions use`` covers it.
``workforce_current`` names that edition for each force-year (`make_current`; decision 0901),
so that going back to an edition and forward again gives the very figures each one gave.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from parity import vocabulary as v
from parity.errors import InputError
from parity.forces import registry
from parity.store.models import Source
from parity.store.raw import Raw
from parity.workforce import loading
from parity.workforce.loading import describe as describe
from parity.workforce.loading import published_from_name as published_from_name
from parity.workforce.loading import spans as spans
from parity.workforce.models import WorkforceCurrent as W
from parity.workforce.models import WorkforceEdition as E
from parity.workforce.models import WorkforceEditionCount as EC


def make_current(session: Session) -> dict[tuple[int, str], int]:
    """Make the current figures those of the editions held, in the session's transaction;
    returns {(year, force): source id} (`parity.workforce.loading.make_current`)."""
    return loading.make_current(Raw.of(session, writes=True))


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
    return loading.current_editions(Raw.of(session), years=years, force_ids=force_ids)


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
