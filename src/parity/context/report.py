"""The context domain's section of the annual report (`parity.reports.sections`).

National part: police forces' published gender pay gaps for the latest complete reporting
year at or before the report's year (their distribution against the public sector, every
force side by side, the forces without a return), the checker's totals for police returns
year by year with each finding, and recorded crime in England and Wales for the latest
edition ending on or before 31 March of the report's year.

Both end with the joined view of `parity context`: nationally every police force side by side
(women among officers, published pay gap, crime rates; each source at its latest year on or
before the report's), per force its timeline of 31 March years up to the report's year.

Per force: its published figures year by year up to that reporting year, its position among
police forces and against the public sector, late submissions, the checker's findings, and
recorded crime in its area beside England and Wales.

The report only reads: on a database without the published returns or the crime tables the
national part says how to import them and the force parts are left out.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2
from markupsafe import Markup
from sqlalchemy.orm import Session

from parity import calendar
from parity.context import service
from parity.context.charts import install
from parity.forces import registry
from parity.present.templating import environment
from parity.workforce import service as workforce

TEMPLATES = Path(__file__).parent / "templates"
PAYGAP_SOURCE = ("Government Equalities Office, Gender Pay Gap Service: employers' published "
                 "gender pay gap returns, 2017/18 to 2023/24 (downloads; the 2023/24 file "
                 "partial, taken on 4 March 2024). Open Government Licence v3.0.")
CRIME_SOURCE = ("Office for National Statistics, Crime in England and Wales: police force "
                "area data tables (police recorded crime, years ending March 2018 to "
                "December 2019). Open Government Licence v3.0.")
OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
OFFENCES = ("sexual_offences", "stalking_and_harassment", "violence_with_injury",
            "violence_without_injury")

@functools.cache
def _environment() -> jinja2.Environment:
    # built once: compiling the templates again for each of 44 forces would double the build
    env = environment(TEMPLATES)
    install(env)
    return env


def _render(template: str, **context: object) -> Markup:
    return Markup(_environment().get_template(template).render(**context))


def _shared(session: Session, year: int) -> dict:
    """What every force's section shares: computed once for a report's build (which calls
    `section` once nationally and once for each of 44 forces, within `reads_kept`)."""
    return workforce.kept(("context", "report", id(session), year),
                          lambda: _compute_shared(session, year))


def _compute_shared(session: Session, year: int) -> dict:
    has_returns, has_crime = service.holds_returns(session), service.holds_crime(session)
    out: dict = {"has_returns": has_returns, "has_crime": has_crime, "snapshot": None,
                 "leagues": {}, "period": None}
    if has_returns:
        snapshot = service.latest_complete_year(session, on_or_before=year)
        out["snapshot"] = snapshot
        if snapshot is not None:
            partial = set(service.partial_years(session))
            out["leagues"] = {y: service.paygap_league(session, snapshot_year=y)
                              for y in service.snapshot_years(session)
                              if y <= snapshot and y not in partial}
            out["police_failures"] = [
                f for f in service.paygap_checks(session, police_only=True)["failures"]
                if f["snapshot_year"] <= snapshot]
    if has_crime:
        periods = [p for p in service.crime_periods(session) if p <= calendar.snapshot_date(year)]
        out["period"] = periods[-1] if periods else None
    return out


def _force_history(shared: dict, force_id: str) -> list[dict]:
    """The force's row of each year's league (its figures, position and late flag), or a
    'no return' item, oldest first, up to the report's reporting year."""
    out = []
    for year, league in sorted(shared["leagues"].items()):
        row = next((r for r in league["forces"] if r["force_id"] == force_id), None)
        out.append({"snapshot_year": year, "reporting_year": league["reporting_year"],
                    "reported": row is not None, "row": row,
                    "police_median": league["police_forces"]["median"],
                    "public_median": league["public_administration"]["median"],
                    "of": len([r for r in league["forces"] if r["value"] is not None])})
    return out


def section(session: Session, *, year: int, force_id: str | None) -> dict | None:
    """The national part (``force_id`` None) or one force's part of the report for 31 March
    `year`; None when there is nothing for that year or force."""
    shared = _shared(session, year)
    if force_id is None:
        return _national(session, year=year, shared=shared)
    return _force(session, year=year, force_id=force_id, shared=shared)


def _national(session: Session, *, year: int, shared: dict) -> dict | None:
    title = "Published gender pay gaps and recorded crime"
    if not shared["has_returns"] and not shared["has_crime"]:
        html = _render("report_missing.html")
        return {"title": title, "html": html, "figures": {"held": False}}
    snapshot, period = shared["snapshot"], shared["period"]
    if snapshot is None and period is None:
        return None
    figures: dict = {"year": year, "snapshot_year": snapshot, "crime_period_end": period}
    paygap = checks = None
    if snapshot is not None:
        league = shared["leagues"][snapshot]
        police = service.paygap_check_totals(session, police_only=True)
        police_failures = shared["police_failures"]
        all_employers = service.paygap_check_totals(session, snapshot_year=snapshot)
        trend = [{"snapshot_year": y, "reporting_year": lg["reporting_year"],
                  "police_forces": lg["police_forces"],
                  "public_administration": lg["public_administration"],
                  "not_reported": len(lg["not_reported"])}
                 for y, lg in sorted(shared["leagues"].items())]
        paygap = {"league": league, "trend": trend}
        checks = {"police": police, "police_failures": police_failures,
                  "all_employers": all_employers}
        figures.update({
            "police_median_gap_pct": league["police_forces"]["median"],
            "public_administration_median_gap_pct": league["public_administration"]["median"],
            "police_forces_reported": league["police_forces"]["n"],
            "not_reported": league["not_reported"],
            "police_returns_failing": {y: v["failing_besides_decimal_places"]
                                       for y, v in police["by_year"].items() if y <= snapshot},
        })
    crime = None
    if period is not None:
        crime = {o: service.crime_league(session, offence=o, period_end=period)
                 for o in OFFENCES}
        figures["england_and_wales_rates"] = {
            o: (c["england_and_wales"] or {}).get("rate") for o, c in crime.items()}
    side_by_side = service.national_context(session, year=year)
    html = _render("report_national.html", year=year, paygap=paygap, checks=checks,
                   crime=crime, period=period, side_by_side=side_by_side, ogl=OGL)
    return {"title": title, "html": html, "figures": figures,
            "sources": [s for s, used in ((PAYGAP_SOURCE, paygap), (CRIME_SOURCE, crime))
                        if used]}


def _force(session: Session, *, year: int, force_id: str, shared: dict) -> dict | None:
    snapshot, period = shared["snapshot"], shared["period"]
    if snapshot is None and period is None:
        return None

    force = registry().get(force_id)
    figures: dict = {"force_id": force.id, "snapshot_year": snapshot,
                     "crime_period_end": period}
    history = findings = None
    if snapshot is not None:
        history = _force_history(shared, force.id)
        findings = [f for f in shared["police_failures"] if f["force_id"] == force.id]
        latest = history[-1]
        figures.update({
            "reported": latest["reported"],
            "median_hourly_gap_pct": latest["row"]["DiffMedianHourlyPercent"]
            if latest["row"] else None,
            "position": latest["row"]["position"] if latest["row"] else None,
            "late": [h["snapshot_year"] for h in history
                     if h["row"] and h["row"]["submitted_late"]],
            "findings": len(findings),
        })
    crime = None
    if period is not None:
        crime = service.crime_snapshot(session, force_id=force.id, period_end=period)
        figures["crime_rates"] = {o: crime["offences"][o]["rate"] for o in OFFENCES}
    positions = [{"snapshot_year": h["snapshot_year"], "field": "DiffMedianHourlyPercent",
                  "value": h["row"]["DiffMedianHourlyPercent"] if h["row"] else None,
                  "police_forces": {"median": h["police_median"]},
                  "public_administration": {"median": h["public_median"]}}
                 for h in history or []]
    timeline = [t for t in service.force_context(session, force_id=force.id,
                                                 comparison=False)["timeline"]
                if t["year"] <= year]
    html = _render("report_force.html", force=force, year=year, history=history,
                   positions=positions, findings=findings, crime=crime, offences=OFFENCES,
                   timeline=timeline)
    return {"title": "Published gender pay gap and recorded crime", "html": html,
            "figures": figures,
            "sources": [s for s, used in ((PAYGAP_SOURCE, history), (CRIME_SOURCE, crime))
                        if used]}
