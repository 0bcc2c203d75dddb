"""Recorded crime per force: offence groups, rates per 1,000 people, leagues, a force's history
and its snapshot for a period (the ONS police force area tables).

Re-exported by `parity.context.service`, which other domains and the front ends call."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from parity.context import metrics
from parity.context.crime_importer import OFFENCE_LABELS, OFFENCES
from parity.context.models import CrimeFigure as C
from parity.errors import InputError
from parity.forces import force_or_error, registry
from parity.workforce import service as workforce

CONTEXT_OFFENCES = ("sexual_offences", "stalking_and_harassment", "violence_with_injury",
                    "violence_without_injury", "total")



# --- recorded crime ----------------------------------------------------------------------

def check_offence(offence: str) -> str:
    """`offence` if it is one of the offence keys held, else `InputError` listing them."""
    if offence not in OFFENCES:
        raise InputError(f"unknown offence {offence!r}; expected one of " + ", ".join(OFFENCES))
    return offence


def crime_periods(session: Session) -> list[date]:
    """The ends of the 12-month periods held, oldest first."""
    return list(workforce.kept(("context", "crime periods", id(session)), lambda: tuple(
        session.scalars(select(C.period_end).distinct().order_by(C.period_end)))))


def crime_history(session: Session, *, force_id: str,
                  offences: tuple[str, ...] = CONTEXT_OFFENCES) -> list[dict]:
    """Recorded crime in the force's area, one item per period held (12 months ending
    ``period_end``), oldest first: for each offence the ``count``, the ``rate`` per 1,000
    population, the ONS ``change_pct`` on the same period a year before, and the
    ``count_change`` / ``count_change_pct`` computed here where that earlier period is held.
    Missing figures (not published, suppressed) are None."""
    force = force_or_error(force_id)
    for o in offences:
        check_offence(o)
    rows = workforce.kept_per_force(
        ("context", "crime history", id(session), tuple(offences)), force.id,
        lambda: list(session.scalars(select(C).where(C.area_id == force.id,
                                                     C.offence.in_(offences))
                                     .order_by(C.period_end))),
        lambda: _history_by_area(session, offences), missing=[])
    by_offence: dict[str, dict[date, C]] = defaultdict(dict)
    for row in rows:
        by_offence[row.offence][row.period_end] = row
    changes = {o: metrics.year_on_year({p: r.count for p, r in by_offence[o].items()})
               for o in offences}
    out = []
    for period in sorted({r.period_end for r in rows}):
        item: dict = {"period_end": period, "year_ending": period.strftime("%B %Y"),
                      "population": None, "offences": {}}
        for o in offences:
            fig = by_offence[o].get(period)
            diff, pct = changes[o].get(period, (None, None))
            item["offences"][o] = {
                "label": OFFENCE_LABELS[o],
                "count": fig.count if fig else None, "rate": fig.rate if fig else None,
                "change_pct": fig.change_pct if fig else None,
                "count_change": diff, "count_change_pct": pct,
            }
            if fig and fig.population is not None:
                item["population"] = fig.population
        out.append(item)
    return out


def _history_by_area(session: Session, offences: tuple[str, ...]) -> dict[str, list[C]]:
    out: dict[str, list[C]] = defaultdict(list)
    for row in session.scalars(select(C).where(C.offence.in_(offences))
                               .order_by(C.period_end, C.id)):
        out[row.area_id].append(row)
    return dict(out)


def crime_rate_series(session: Session, *, force_id: str, offence: str) -> dict[int, float]:
    """{year: offences per 1,000 population in the 12 months ending March of that year} for
    the force's area, where the ONS published a rate (none for BTP, none for the City of
    London, whose rates are suppressed)."""
    force = force_or_error(force_id)
    check_offence(offence)
    if workforce.keeping():  # a report asks force by force: every area's read once
        rows = workforce.kept(("context", "crime rates", id(session), offence),
                              lambda: _rates_by_area(session, offence)).get(force.id, [])
    else:
        rows = [(period, rate) for period, rate in session.execute(
            select(C.period_end, C.rate).where(C.area_id == force.id, C.offence == offence))]
    return {p.year: rate for p, rate in sorted(rows) if p.month == 3 and rate is not None}


def _rates_by_area(session: Session, offence: str) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = defaultdict(list)
    for area_id, period, rate in session.execute(
            select(C.area_id, C.period_end, C.rate).where(C.offence == offence)):
        out[area_id].append((period, rate))
    return dict(out)


def crime_league(session: Session, *, offence: str = "sexual_offences",
                 period_end: date | None = None) -> dict:
    """Police force areas side by side for one period (default: the latest held), lowest
    rate first, with the distribution of rates over the forces."""
    check_offence(offence)
    held = crime_periods(session)
    period = period_end or (held[-1] if held else None)
    if period is None:
        raise InputError("no recorded crime held: run `parity import crime`")
    rows = list(session.scalars(select(C).where(C.period_end == period, C.offence == offence,
                                                C.area_kind == "force")))
    rates = {r.area_id: r.rate for r in rows}
    items = sorted(({"force_id": r.area_id, "force": registry().get(r.area_id).name,
                     "count": r.count, "rate": r.rate, "change_pct": r.change_pct,
                     **metrics.position(r.rate, rates.values())} for r in rows),
                   key=lambda i: (i["rate"] is None, i["rate"] or 0, i["force_id"]))
    national = session.scalar(select(C).where(C.period_end == period, C.offence == offence,
                                              C.area_id == "national:england-and-wales"))
    return {"period_end": period, "offence": offence, "label": OFFENCE_LABELS[offence],
            "forces": items, "distribution": metrics.distribution(rates.values()),
            "england_and_wales": {"count": national.count, "rate": national.rate,
                                  "change_pct": national.change_pct} if national else None}


def crime_snapshot(session: Session, *, force_id: str, period_end: date | None = None,
                   offences: tuple[str, ...] = CONTEXT_OFFENCES) -> dict:
    """Recorded crime in the force's area for one period (default: the latest held), each
    offence beside England and Wales and with the force's position among the force areas
    (1 = lowest rate): ``{"force_id", "force", "period_end", "year_ending", "population",
    "offences": {offence: {"label", "count", "rate", "change_pct", "position", "of",
    "england_and_wales": {"count", "rate", "change_pct"}}}, "unpublished"}`` - the force
    areas with no figures at all in the period, which England and Wales leaves out. Missing
    figures stay None
    (no rates for BTP; City of London rates suppressed). Raises `InputError` when no crime
    is held or the period is not."""
    force = force_or_error(force_id)
    for o in offences:
        check_offence(o)
    held = crime_periods(session)
    if not held:
        raise InputError("no recorded crime held: run `parity import crime`")
    period = period_end or held[-1]
    if period not in held:
        raise InputError(f"no recorded crime for the year ending {period:%d %B %Y}; held: "
                         + ", ".join(f"{p:%Y-%m-%d}" for p in held))
    rows = workforce.kept(("context", "crime in period", id(session), period, tuple(offences)),
                          lambda: list(session.scalars(select(C).where(
                              C.period_end == period, C.offence.in_(offences)))))
    rates: dict[str, list] = defaultdict(list)
    mine: dict[str, C] = {}
    national: dict[str, C] = {}
    population = None
    published: dict[str, bool] = defaultdict(bool)  # force area -> any count published
    for row in rows:
        if row.area_kind == "force":
            rates[row.offence].append(row.rate)
            published[row.area_id] |= row.count is not None
        if row.area_id == force.id:
            mine[row.offence] = row
            if row.population is not None:
                population = row.population
        elif row.area_id == "national:england-and-wales":
            national[row.offence] = row
    out: dict = {}
    for o in offences:
        fig, nat = mine.get(o), national.get(o)
        out[o] = {
            "label": OFFENCE_LABELS[o],
            "count": fig.count if fig else None, "rate": fig.rate if fig else None,
            "change_pct": fig.change_pct if fig else None,
            **metrics.position(fig.rate if fig else None, rates[o]),
            "england_and_wales": {"count": nat.count if nat else None,
                                  "rate": nat.rate if nat else None,
                                  "change_pct": nat.change_pct if nat else None},
        }
    # Areas with no count at all in this edition: the ONS's England and Wales figure, as
    # published, leaves them out (Greater Manchester in September and December 2019).
    unpublished = sorted(registry().get(a).name for a, any_count in published.items()
                         if not any_count)
    return {"force_id": force.id, "force": force.name, "period_end": period,
            "year_ending": period.strftime("%B %Y"), "population": population, "offences": out,
            "unpublished": unpublished}


def _months(n: int) -> str:
    years, months = divmod(n, 12)
    parts = ([f"{years} year{'s' if years != 1 else ''}"] if years else []) + \
        ([f"{months} month{'s' if months != 1 else ''}"] if months else [])
    return " and ".join(parts)


def period_against_workforce(period_end: date, workforce_date: date) -> dict:
    """How the 12 months a crime edition covers lie against a workforce snapshot (31 March):
    ``{"period_start", "period_end", "workforce_date", "months_apart"}`` (positive when the
    crime period ends before the snapshot) and ``"text"``, the sentence a page shows."""
    start_month = period_end.month % 12 + 1
    start = date(period_end.year - (1 if start_month != 1 else 0), start_month, 1)
    months = ((workforce_date.year - period_end.year) * 12
              + workforce_date.month - period_end.month)
    when = (f"{_months(months)} before" if months > 0 else
            f"{_months(-months)} after" if months < 0 else "on the same day as")
    text = (f"Recorded crime covers the 12 months from {start.day} {start:%B %Y} to "
            f"{period_end.day} {period_end:%B %Y}, ending {when} the workforce figures "
            f"({workforce_date.day} {workforce_date:%B %Y}).")
    return {"period_start": start, "period_end": period_end, "workforce_date": workforce_date,
            "months_apart": months, "text": text}
