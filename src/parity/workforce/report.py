"""The figures behind a force page and a force section of the report, and the national ones.

Built only from `parity.workforce.service`, so the pages, the API and the report show the same
numbers as the CLI. Everything returned is plain data (dicts, lists, numbers, strings): a web
view serves it as JSON unchanged and a template draws it.

Shares are fractions in [0, 1] on the measure given (FTE by default, the convention for
officers; specials are on headcount); "England and Wales" is the 43 territorial forces.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from parity import vocabulary as v
from parity.errors import InputError
from parity.forces import Area, force_or_error
from parity.workforce import service

TEMPLATES = Path(__file__).parent / "templates"
OFFICER_GROUPS: tuple[str, ...] = ("all", "middle", "senior")
GROUP_TITLES: dict[str, str] = {
    "all": "All officers",
    "middle": "Middle management (Sergeant and Inspector)",
    "senior": "Senior leadership (Chief Inspector and above)",
}
NATIONAL = "England and Wales"


class NationalCache:
    """England and Wales figures and league tables computed once and shared by every force
    (the report asks for 44 force sections; a web request for one)."""

    def __init__(self, session: Session, *, year: int, measure: str = "fte",
                 memory: dict | None = None):
        """`memory` (a dict, empty at first) keeps the figures beyond this object: the web
        passes the same one to every request of a data version (`views._national`)."""
        self.session, self.year, self.measure = session, year, measure
        memory = {} if memory is None else memory
        self._trends: dict[str, dict] = memory.setdefault(("trends", year, measure), {})
        self._leagues: dict[str, dict] = memory.setdefault(("leagues", year, measure), {})
        self._lines: dict[tuple, dict] = memory.setdefault(("lines", year, measure), {})

    def trend(self, group: str) -> dict:
        if group not in self._trends:
            self._trends[group] = service.trend(self.session, area=NATIONAL, group=group,
                                                measure=self.measure)
        return self._trends[group]

    def league(self, group: str) -> dict:
        if group not in self._leagues:
            self._leagues[group] = service.league(self.session, year=self.year, group=group,
                                                  measure=self.measure)
        return self._leagues[group]

    def line(self, worker_type: str, group: str, measure: str) -> dict:
        key = (worker_type, group, measure)
        if key not in self._lines:
            self._lines[key] = service.representation(
                self.session, area=NATIONAL, year=self.year, group=group, measure=measure,
                worker_type=worker_type)
        return self._lines[key]


def _maybe_representation(session: Session, **kwargs) -> dict | None:  # noqa: ANN003
    try:
        return service.representation(session, **kwargs)
    except InputError:
        return None


def force_profile(session: Session, *, force_id: str, year: int | None = None,
                  measure: str = "fte", national: NationalCache | None = None) -> dict:
    """One force against England and Wales for a year (default: the latest held).

    ``groups``: for all officers, middle management and senior leadership, the force's and
    the national representation that year (share, counts, change on 1 and 5 years), its
    league position among the 43 territorial forces (None for BTP) and both trends up to
    `year`.
    ``lines``: the six lines of the national overview (officers by group, staff, PCSOs,
    specials on headcount) for the force beside England and Wales. ``senior_gap``: the senior
    share minus the all-officer share (negative when women are under-represented at the top).
    """
    force = force_or_error(force_id)
    year = year or service.latest_year(session)
    if year is None:
        raise InputError("no workforce data: run `parity import workforce` first")
    national = national or NationalCache(session, year=year, measure=measure)
    area = Area("force", force.name, (force.id,))
    groups = []
    for group in OFFICER_GROUPS:
        mine = _maybe_representation(session, area=area, year=year, group=group,
                                     measure=measure)
        table = national.league(group)
        row = next((r for r in table["forces"] if r["force_id"] == force.id), None)
        groups.append({
            "group": group,
            "title": GROUP_TITLES[group],
            "force": mine,
            "england_and_wales": table["england_and_wales"],
            "position": row["position"] if row else None,
            "of": len(table["forces"]),
            "trend": [y for y in service.trend(session, area=area, group=group,
                                               measure=measure)["years"] if y["year"] <= year],
            "national_trend": [y for y in national.trend(group)["years"] if y["year"] <= year],
        })
    lines = []
    for label, worker_type, group, line_measure in service.OVERVIEW_LINES:
        if worker_type == "officer" and line_measure != measure:
            line_measure = measure
        lines.append({
            "label": label, "worker_type": worker_type, "group": group, "measure": line_measure,
            "force": _maybe_representation(session, area=area, year=year, group=group,
                                           measure=line_measure, worker_type=worker_type),
            "england_and_wales": national.line(worker_type, group, line_measure),
        })
    by_group = {g["group"]: g for g in groups}
    return {
        "force": {"id": force.id, "name": force.name, "code": force.code,
                  "region": force.region, "nation": force.nation, "kind": force.kind},
        "year": year,
        "measure": measure,
        "groups": groups,
        "lines": lines,
        "senior_gap": _gap(by_group["senior"]["force"], by_group["all"]["force"]),
        "senior_gap_england_and_wales": _gap(by_group["senior"]["england_and_wales"],
                                             by_group["all"]["england_and_wales"]),
    }


def _gap(senior: dict | None, everyone: dict | None) -> float | None:
    if not senior or not everyone:
        return None
    if senior["share_female"] is None or everyone["share_female"] is None:
        return None
    return senior["share_female"] - everyone["share_female"]


def national_profile(session: Session, *, year: int | None = None, measure: str = "fte",
                     national: NationalCache | None = None) -> dict:
    """England and Wales for a year: the overview, the trends of the three officer groups (up
    to that year, with the change since the first year held) and the league of forces on each
    (the report's national section and the home page)."""
    overview = service.overview(session, year=year)
    year = overview["year"]
    national = national or NationalCache(session, year=year, measure=measure)
    groups = []
    for g in OFFICER_GROUPS:
        years = [y for y in national.trend(g)["years"] if y["year"] <= year]
        known = [y for y in years if y["share_female"] is not None]
        groups.append({
            "group": g, "title": GROUP_TITLES[g], "trend": years, "league": national.league(g),
            "first_year": known[0]["year"] if known else None,
            "change_since_first_year": (known[-1]["share_female"] - known[0]["share_female"]
                                        if known else None),
        })
    return {"year": year, "measure": measure, "overview": overview, "groups": groups,
            "group_labels": {g: v.GROUP_LABELS[g] for g in OFFICER_GROUPS}}
