"""Reads of the context tables: every force's published pay gap history, recorded crime in
its area, comparisons with its peers, and the joined views.

Other domains and every front end call these (session first, keyword-only arguments); none
reads ``paygap_returns`` or ``crime_figures`` directly.

Functions other domains rely on (signatures kept stable):

- ``paygap_series(session, *, force_id, field) -> dict[int, float]``: snapshot year -> a
  service field of the force's return (e.g. ``"DiffMedianHourlyPercent"``), for the years it
  reported and gave that figure. Snapshot year = the year of the 31 March snapshot date (2022
  for the 2022/23 return).
- ``paygap_history(session, *, force_id) -> list[dict]``: one item per snapshot year held,
  oldest first, with ``reported`` False for a year the force has no return.
- ``crime_rate_series(session, *, force_id, offence) -> dict[int, float]``: year -> offences
  per 1,000 population for the 12 months ending March of that year.
- ``paygap_comparison``, ``paygap_league``, ``paygap_benchmarks``, ``paygap_checks``,
  ``paygap_check_totals``, ``paygap_positions``, ``reporting_gaps``, ``late_submissions``,
  ``crime_history``, ``crime_league``, ``crime_snapshot``, ``force_context``,
  ``national_context``, ``latest_complete_year``, ``holds_returns``, ``holds_crime`` as
  documented below.

Police forces here are the 43 territorial forces and British Transport Police. Where an
employer published twice for one year, the latest submission counts.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import cast

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from parity import calendar
from parity.context import metrics
from parity.context.crime import CONTEXT_OFFENCES
from parity.context.crime import (  # re-exported: other domains and the front ends call the service
    check_offence as check_offence,
)
from parity.context.crime import (
    crime_history as crime_history,
)
from parity.context.crime import (
    crime_league as crime_league,
)
from parity.context.crime import (
    crime_periods as crime_periods,
)
from parity.context.crime import (
    crime_rate_series as crime_rate_series,
)
from parity.context.crime import (
    crime_snapshot as crime_snapshot,
)
from parity.context.crime import period_against_workforce as period_against_workforce
from parity.context.crime_importer import OFFENCE_LABELS as OFFENCE_LABELS
from parity.context.crime_importer import OFFENCES as OFFENCES
from parity.context.crime_importer import import_crime
from parity.context.models import CrimeFigure as C
from parity.context.models import PaygapReturn as R
from parity.context.returns_checks import COLUMNS_READ, check_returns, summarise
from parity.context.returns_checks import RULES as RULES  # re-exported: `parity paygap check`
from parity.context.returns_importer import FIGURES, import_paygap_returns
from parity.context.returns_importer import read_returns as read_returns
from parity.context.returns_importer import return_files as return_files
from parity.errors import InputError
from parity.forces import force_or_error, registry
from parity.workforce import service as workforce

SERVICE_FIELDS: tuple[str, ...] = tuple(FIGURES)
SIX_FIGURES = SERVICE_FIELDS  # the six published figures, as the service's 14 numbers
def police_force_ids() -> list[str]:
    """The 43 territorial forces and British Transport Police."""
    return [f.id for f in registry().forces if f.kind in ("territorial", "national")]


def _field(field: str) -> str:
    if field not in FIGURES:
        raise InputError(f"unknown pay gap field {field!r}; expected one of "
                         + ", ".join(SERVICE_FIELDS))
    return FIGURES[field]


reporting_year = calendar.reporting_year


# --- loading -----------------------------------------------------------------------------

def ensure_loaded(session: Session) -> dict[str, bool]:
    """Import the bundled pay gap downloads and ONS crime tables if none are held.

    For commands that need the published figures on a fresh database; returns which were
    imported."""
    done = {"paygap_returns": False, "crime": False}
    if session.scalar(select(func.count()).select_from(R)) == 0:
        import_paygap_returns(session)
        done["paygap_returns"] = True
    if session.scalar(select(func.count()).select_from(C)) == 0:
        import_crime(session)
        done["crime"] = True
    session.flush()
    return done


# --- pay gap -----------------------------------------------------------------------------

def snapshot_years(session: Session) -> list[int]:
    """The snapshot years held, oldest first."""
    return list(workforce.kept(("context", "snapshot years", id(session)), lambda: tuple(
        session.scalars(select(R.snapshot_year).distinct().order_by(R.snapshot_year)))))


def partial_years(session: Session) -> list[int]:
    """Snapshot years whose download held is partial (taken before the deadline)."""
    # One download per year is held, so one row tells: an index lookup per year instead of
    # a scan of every return, which every page and each force of the report would repeat —
    # all the years' lookups in one statement (a force page asks three times).
    return list(workforce.kept(("context", "partial years", id(session)),
                               lambda: _read_partial_years(session)))


def _read_partial_years(session: Session) -> tuple[int, ...]:
    years = snapshot_years(session)
    if not years:
        return ()
    firsts = [select(R.snapshot_year, R.partial).where(R.snapshot_year == y).limit(1).subquery()
              for y in years]
    rows = session.execute(union_all(*(select(first) for first in firsts)))
    return tuple(sorted(year for year, partial in rows if partial))


def _latest(rows: list[R], key) -> dict:  # noqa: ANN001
    """The latest submission for each key (later date submitted, then later row)."""
    best: dict = {}
    for row in rows:
        k = key(row)
        held = best.get(k)
        stamp = (row.date_submitted or datetime.min, row.id)
        if held is None or stamp > (held.date_submitted or datetime.min, held.id):
            best[k] = row
    return best


def _force_returns(session: Session, *, force_ids: list[str] | None = None,
                   snapshot_year: int | None = None) -> dict[tuple[str, int], R]:
    """{(force id, snapshot year): the latest return} of the forces given (default: every
    employer matched to a force), every year or one."""
    if force_ids is not None and workforce.keeping() and set(force_ids) <= set(police_force_ids()):
        # A report asks force by force and year by year: every police force's returns are
        # read once for the build, each question answered from them.
        every = workforce.kept(("context", "police returns", id(session)), lambda: _read_returns(
            session, force_ids=police_force_ids(), snapshot_year=None))
        wanted = set(force_ids)
        return {key: row for key, row in every.items()
                if key[0] in wanted and (snapshot_year is None or key[1] == snapshot_year)}
    return _read_returns(session, force_ids=force_ids, snapshot_year=snapshot_year)


def _read_returns(session: Session, *, force_ids: list[str] | None,
                  snapshot_year: int | None) -> dict[tuple[str, int], R]:
    query = select(R).where(R.force_id.is_not(None))
    if force_ids is not None:
        query = query.where(R.force_id.in_(force_ids))
    if snapshot_year is not None:
        query = query.where(R.snapshot_year == snapshot_year)
    return _latest(list(session.scalars(query)), lambda r: (r.force_id, r.snapshot_year))


def _figures(row: R | None) -> dict:
    return {name: (getattr(row, column) if row is not None else None)
            for name, column in FIGURES.items()}


def paygap_history(session: Session, *, force_id: str) -> list[dict]:
    """The force's published returns, one item per snapshot year held, oldest first.

    Each item: ``snapshot_year``, ``reporting_year`` ('2022/23'), ``reported`` (False for a
    year with no return from the force: a gap, or not yet filed in a partial year),
    ``partial`` (the year's download was taken before its deadline), the employer name and
    id, ``submitted_late``, ``due_date``, ``date_submitted``, and the fourteen figures under
    the service's field names (percent, as published; None if blank or not reported)."""
    force = force_or_error(force_id)
    returns = _force_returns(session, force_ids=[force.id])
    partial = set(partial_years(session))
    out = []
    for year in snapshot_years(session):
        row = returns.get((force.id, year))
        out.append({
            "snapshot_year": year, "reporting_year": reporting_year(year),
            "reported": row is not None, "partial": year in partial,
            "employer_name": row.employer_name if row else None,
            "employer_id": row.employer_id if row else None,
            "submitted_late": row.submitted_late if row else None,
            "due_date": row.due_date if row else None,
            "date_submitted": row.date_submitted if row else None,
            # What the gender pay gap service shows beside the figures.
            "statement_link": row.link if row else None,
            "responsible_person": row.responsible_person if row else None,
            "employer_size": row.employer_size if row else None,
            **_figures(row),
        })
    return out


def paygap_series(session: Session, *, force_id: str, field: str) -> dict[int, float]:
    """{snapshot year: value} of one service field (e.g. ``"DiffMedianHourlyPercent"``) for
    the years the force reported and gave that figure (the partial latest year included for a
    force that had filed). Raises `InputError` for an unknown field or force."""
    column = _field(field)
    force = force_or_error(force_id)
    returns = _force_returns(session, force_ids=[force.id])
    return {year: getattr(row, column) for (_, year), row in sorted(returns.items(),
                                                                     key=lambda kv: kv[0][1])
            if getattr(row, column) is not None}


def reporting_gaps(session: Session) -> dict[int, list[str]]:
    """{snapshot year: ids of police forces with no return that year}, for every year held
    (in a partial year, those that had not filed when the download was taken)."""
    held = {(f, y) for f, y in session.execute(
        select(R.force_id, R.snapshot_year).where(R.force_id.is_not(None)).distinct())}
    return {year: [f for f in police_force_ids() if (f, year) not in held]
            for year in snapshot_years(session)}


def _latest_complete_year(session: Session) -> int | None:
    partial = set(partial_years(session))
    years = [y for y in snapshot_years(session) if y not in partial]
    return years[-1] if years else None


def _public_administration_values(session: Session, *, snapshot_year: int,
                                  column: str) -> list[float]:
    # the columns needed, not whole returns: some thousands of employers a year
    rows = list(session.execute(
        select(R.id, R.employer_id, R.employer_name, R.date_submitted, getattr(R, column))
        .where(R.snapshot_year == snapshot_year, R.public_administration.is_(True))))
    latest = _latest(rows, lambda r: r.employer_id if r.employer_id is not None
                     else r.employer_name.casefold())
    return [getattr(r, column) for r in latest.values() if getattr(r, column) is not None]


def _police_figures(session: Session, *, snapshot_year: int | None,
                    column: str) -> tuple[int, dict, dict]:
    """(year, {(force_id, year): return}, {force_id: figure in `column`}) of the police forces
    for `snapshot_year` (default: the latest complete year held)."""
    year = snapshot_year or _latest_complete_year(session)
    if year is None:
        raise InputError("no pay gap returns held: run `parity import paygap-returns`")
    if snapshot_year is not None and snapshot_year not in (held := snapshot_years(session)):
        raise InputError(f"no pay gap returns for snapshot year {snapshot_year}; held: "
                         + ", ".join(str(y) for y in held))
    returns = _force_returns(session, force_ids=police_force_ids(), snapshot_year=year)
    return year, returns, {f: getattr(r, column) for (f, _), r in returns.items()}


def paygap_comparison(session: Session, *, force_id: str,
                      field: str = "DiffMedianHourlyPercent",
                      snapshot_year: int | None = None) -> dict:
    """The force's figure for a year against all police forces and against the public
    sector (employers with a public-administration SIC code, division 84, police forces
    among them): count, median, quartiles, min, max, and the force's ``position`` (1 = lowest
    figure, e.g. the smallest gap), ``of`` and ``percentile`` (0 lowest, 1 highest).

    The year defaults to the latest complete (not partial) year held; a year not held raises
    `InputError` naming those held."""
    column = _field(field)
    force = force_or_error(force_id)
    year, returns, by_force = _police_figures(session, snapshot_year=snapshot_year,
                                              column=column)
    value = None
    if (force.id, year) in returns:
        value = getattr(returns[(force.id, year)], column)
    public = _public_administration_values(session, snapshot_year=year, column=column)
    return {
        "force_id": force.id, "force": force.name, "snapshot_year": year,
        "reporting_year": reporting_year(year), "field": field, "value": value,
        "reported": (force.id, year) in returns,
        "police_forces": metrics.compare(value, by_force.values()),
        "public_administration": metrics.compare(value, public),
    }


def paygap_league(session: Session, *, snapshot_year: int | None = None,
                  field: str = "DiffMedianHourlyPercent") -> dict:
    """Police forces side by side for one year, lowest figure first, with the forces that
    did not report listed apart, and the police and public-sector distributions."""
    column = _field(field)
    year, returns, values = _police_figures(session, snapshot_year=snapshot_year, column=column)
    rows = []
    for fid, value in sorted(values.items(), key=lambda kv: (kv[1] is None, kv[1] or 0, kv[0])):
        force = registry().get(fid)
        row = returns[(fid, year)]
        rows.append({"force_id": fid, "force": force.name, "value": value,
                     **metrics.position(value, values.values()),
                     "submitted_late": row.submitted_late, **_figures(row)})
    return {
        "snapshot_year": year, "reporting_year": reporting_year(year), "field": field,
        "forces": rows,
        "not_reported": [f for f in police_force_ids() if f not in values],
        "police_forces": metrics.distribution(values.values()),
        "public_administration": metrics.distribution(
            _public_administration_values(session, snapshot_year=year, column=column)),
    }


def paygap_benchmarks(session: Session, *,
                      field: str = "DiffMedianHourlyPercent") -> dict[int, dict]:
    """{snapshot year: {"police_forces": distribution, "public_administration":
    distribution, "partial": bool}} of one service field, for every year held: the lines a
    chart draws a force's series against (count, median, quartiles, min, max)."""
    column = _field(field)
    partial = set(partial_years(session))
    out = {}
    for year in snapshot_years(session):
        returns = _force_returns(session, force_ids=police_force_ids(), snapshot_year=year)
        out[year] = {
            "partial": year in partial,
            "police_forces": metrics.distribution(getattr(r, column) for r in returns.values()),
            "public_administration": metrics.distribution(
                _public_administration_values(session, snapshot_year=year, column=column)),
        }
    return out


def _check_records(session: Session, *, force_id: str | None, snapshot_year: int | None,
                   police_only: bool) -> list[dict]:
    # plain rows, not ORM objects, and only the columns the checks read: a whole year is ten
    # thousand returns
    query = select(*(R.__table__.c[name] for name in COLUMNS_READ))
    if force_id is not None:
        query = query.where(R.force_id == force_or_error(force_id).id)
    elif police_only:
        query = query.where(R.force_id.in_(police_force_ids()))
    if snapshot_year is not None:
        query = query.where(R.snapshot_year == snapshot_year)
    result = session.execute(query.order_by(R.id))
    names = list(result.keys())
    return [dict(zip(names, row, strict=True)) for row in result]


def _checked(session: Session, *, force_id: str | None, snapshot_year: int | None,
             police_only: bool) -> tuple[list[dict], list]:
    """(records, failures): the returns asked for and what the checker finds in them, once
    for a report's build (`paygap_checks` and `paygap_check_totals` ask for the same)."""
    def read() -> tuple[list[dict], list]:
        records = _check_records(session, force_id=force_id, snapshot_year=snapshot_year,
                                 police_only=police_only)
        return records, check_returns(records)
    return workforce.kept(("context", "checked", id(session), force_id, snapshot_year,
                           police_only), read)


def paygap_checks(session: Session, *, force_id: str | None = None,
                  snapshot_year: int | None = None, police_only: bool = False) -> dict:
    """The checker's rules re-run on the returns held (a force's, a year's, or all; with
    ``police_only`` the 43 territorial forces' and BTP's returns only):
    ``{"summary": per rule and per year, "failures": [...]}`` as `parity paygap check`."""
    records, failures = _checked(session, force_id=force_id, snapshot_year=snapshot_year,
                                 police_only=police_only)
    return {"summary": summarise(records, failures),
            "failures": [dict(vars(f)) for f in failures]}


IMPOSSIBLE_RULES = ("median_gap_not_positive_when_women_hold_upper_half",
                    "median_gap_not_negative_when_men_hold_upper_half")


def paygap_check_totals(session: Session, *, snapshot_year: int | None = None,
                        police_only: bool = False) -> dict:
    """The checker's totals without the list of failures (a year's, or every year's; all
    employers, or police forces only): the ``summary`` of `paygap_checks`, plus per year
    ``failing_besides_decimal_places`` (returns failing a rule other than
    ``figures_have_one_decimal_place``, which from 2022/23 counts figures the service itself
    publishes to two places) and ``impossible_returns`` (failing either median rule), and
    the same two over all the years checked."""
    records, failures = _checked(session, force_id=None, snapshot_year=snapshot_year,
                                 police_only=police_only)
    summary = summarise(records, failures)
    besides: dict[int | None, set] = defaultdict(set)
    impossible: dict[int | None, set] = defaultdict(set)
    for f in failures:
        if f.rule != "figures_have_one_decimal_place":
            besides[f.snapshot_year].add(f.source_row)
        if f.rule in IMPOSSIBLE_RULES:
            impossible[f.snapshot_year].add(f.source_row)
    for year, item in summary["by_year"].items():
        item["failing_besides_decimal_places"] = len(besides[year])
        item["impossible_returns"] = len(impossible[year])
    summary["failing_besides_decimal_places"] = sum(len(v) for v in besides.values())
    summary["impossible_returns"] = sum(len(v) for v in impossible.values())
    summary["police_only"] = police_only
    summary["snapshot_year"] = snapshot_year
    return summary


def paygap_positions(session: Session, *, force_id: str,
                     field: str = "DiffMedianHourlyPercent") -> list[dict]:
    """The force's figure year by year against all police forces and the public sector, as
    `paygap_comparison` gives it for one year: one item per snapshot year held, oldest
    first, with ``snapshot_year``, ``reporting_year``, ``partial``, ``value`` (None if no
    return or no figure), ``police_forces`` and ``public_administration`` (count, median,
    quartiles, min, max, the force's ``position`` (1 = lowest) ``of`` and ``percentile``)."""
    column = _field(field)
    force = force_or_error(force_id)
    police = _force_returns(session, force_ids=police_force_ids())
    public_rows = list(session.scalars(select(R).where(R.public_administration.is_(True))))
    public = _latest(public_rows, lambda r: (r.snapshot_year, r.employer_id
                                             if r.employer_id is not None
                                             else r.employer_name.casefold()))
    partial = set(partial_years(session))
    out = []
    for year in snapshot_years(session):
        values = {f: getattr(r, column) for (f, y), r in police.items() if y == year}
        value = values.get(force.id)
        public_values = [getattr(r, column) for (y, _), r in public.items() if y == year]
        out.append({"snapshot_year": year, "reporting_year": reporting_year(year),
                    "partial": year in partial, "field": field, "value": value,
                    "reported": force.id in values,
                    "police_forces": metrics.compare(value, values.values()),
                    "public_administration": metrics.compare(value, public_values)})
    return out


def latest_complete_year(session: Session, *, on_or_before: int | None = None) -> int | None:
    """The latest snapshot year held whose download is complete (not partial), at or before
    `on_or_before` if given; None if there is none."""
    partial = set(partial_years(session))
    years = [y for y in snapshot_years(session) if y not in partial
             and (on_or_before is None or y <= on_or_before)]
    return years[-1] if years else None


def holds_returns(session: Session) -> bool:
    """Whether any published pay gap return is held."""
    return session.scalar(select(R.id).limit(1)) is not None


def holds_crime(session: Session) -> bool:
    """Whether any recorded crime figure is held."""
    return session.scalar(select(C.id).limit(1)) is not None


def late_submissions(session: Session, *, force_id: str,
                     history: list[dict] | None = None) -> list[int]:
    """Snapshot years in which the force's return was flagged as submitted after the
    deadline; from its `paygap_history` when the caller has read it already."""
    if history is None:
        history = paygap_history(session, force_id=force_id)
    return [h["snapshot_year"] for h in history if h["submitted_late"]]


# --- joined views ------------------------------------------------------------------------

def _workforce_by_year(session: Session, *, area: str) -> dict[int, dict]:
    out: dict[int, dict] = defaultdict(dict)
    for group in ("all", "senior"):
        for item in workforce.trend(session, area=area, group=group, measure="fte")["years"]:
            out[item["year"]][f"share_female_officers_{group}"] = item["share_female"]
    return dict(out)


def force_context(session: Session, *, force_id: str, comparison: bool = True) -> dict:
    """A force on one timeline of 31 March years: its workforce representation (share of
    women among officers, all ranks and Chief Inspector and above, on FTE, as at 31 March),
    its published pay gap (snapshot 31 March of the year) and recorded crime in its area
    (the 12 months ending March of the year: rates per 1,000 and counts). Years span the
    pay gap and crime years held (and the workforce years in between). ``paygap_comparison``
    is `paygap_comparison` for the latest complete year (None with ``comparison=False``, for
    a caller that has it already)."""
    force = force_or_error(force_id)
    workforce = _workforce_by_year(session, area=force.name)
    history = {h["snapshot_year"]: h for h in paygap_history(session, force_id=force.id)}
    crime = {item["period_end"].year: item for item in crime_history(session, force_id=force.id)
             if item["period_end"].month == 3}
    years = sorted(set(history) | set(crime))
    if years:
        years = sorted(set(range(years[0], years[-1] + 1)))
    timeline = []
    for year in years:
        h = history.get(year)
        c = crime.get(year)
        timeline.append({
            "year": year,
            "workforce": workforce.get(year),
            "paygap": None if h is None else {
                "reported": h["reported"], "partial": h["partial"],
                "submitted_late": h["submitted_late"],
                **{k: h[k] for k in SERVICE_FIELDS},
            },
            "crime": None if c is None else {
                o: {"count": v["count"], "rate": v["rate"], "change_pct": v["change_pct"]}
                for o, v in c["offences"].items()
            },
        })
    compared = None
    if comparison and _latest_complete_year(session) is not None:
        compared = paygap_comparison(session, force_id=force.id)
    return {"force_id": force.id, "force": force.name, "timeline": timeline,
            "paygap_comparison": compared}


def _closest(available: list, wanted) -> object | None:  # noqa: ANN001
    earlier = [a for a in available if a <= wanted]
    return earlier[-1] if earlier else None


def national_context(session: Session, *, year: int | None = None) -> dict:
    """Every police force side by side for a 31 March year (default: the latest year with a
    complete pay gap download): share of women among officers (all ranks and senior, FTE),
    the median and mean hourly pay gap, and recorded crime rates per 1,000 (year ending
    March). Each source uses its latest year at or before `year`, named in ``years``; raises
    `InputError` for a `year` before all three."""
    asked = year
    year = year or _latest_complete_year(session) or calendar.today().year
    wf_year = workforce.latest_year(session, on_or_before=year)
    complete = [y for y in snapshot_years(session) if y not in set(partial_years(session))]
    pay_year = cast(int | None, _closest(complete, year))
    march = [p for p in crime_periods(session) if p.month == 3]
    crime_period = _closest(march, calendar.snapshot_date(year))
    if asked is not None and wf_year is None and pay_year is None and crime_period is None:
        raise InputError(f"no workforce, pay gap or crime figures on or before {asked}")
    shares: dict[str, dict] = defaultdict(dict)
    if wf_year is not None:
        for group in ("all", "senior"):
            table = workforce.league(session, year=wf_year, group=group, measure="fte",
                                     include_btp=True)
            for row in table["forces"]:
                shares[row["force_id"]][group] = row["share_female"]
    returns = (_force_returns(session, force_ids=police_force_ids(), snapshot_year=pay_year)
               if pay_year is not None else {})
    crime: dict[str, dict] = defaultdict(dict)
    if crime_period is not None:
        for row in session.scalars(select(C).where(C.period_end == crime_period,
                                                   C.area_kind == "force")):
            crime[row.area_id][row.offence] = row.rate
    rows = []
    for fid in police_force_ids():
        ret = returns.get((fid, pay_year)) if pay_year is not None else None
        rows.append({
            "force_id": fid, "force": registry().get(fid).name,
            "share_female_officers_all": shares.get(fid, {}).get("all"),
            "share_female_officers_senior": shares.get(fid, {}).get("senior"),
            "paygap_reported": ret is not None,
            "median_hourly_gap_pct": ret.diff_median_hourly_percent if ret else None,
            "mean_hourly_gap_pct": ret.diff_mean_hourly_percent if ret else None,
            "female_top_quartile_pct": ret.female_top_quartile if ret else None,
            **{f"{o}_rate": crime.get(fid, {}).get(o) for o in CONTEXT_OFFENCES},
        })
    return {"year": year,
            "years": {"workforce": wf_year, "paygap_snapshot": pay_year,
                      "crime_year_ending": crime_period},
            "forces": rows}
