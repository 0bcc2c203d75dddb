"""What changed in the workforce figures, as plain data: the raw material of the report's main
points (the rules that turn them into sentences: `parity.reports.main_points` and
docs/decisions/0804-main-points.md).

- `movers`: each part of the workforce nationally, and each force on each officer group, with
  its share this year and the year before and the change;
- `pipeline`: the share of women rank by rank against the share among constables, where the
  pipeline starts;
- `gap_runs`: for each force, how many years in a row, up to the year, its senior share has
  stood below its all-officer share;
- `quality_flags`: force-years whose officers have many records of sex not stated.

Shares are fractions in [0, 1] (women over every recorded sex category); changes are
differences of shares (0.012 is 1.2 percentage points). "England and Wales" is the 43
territorial forces. Every function only reads.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from parity import vocabulary as v
from parity.errors import InputError
from parity.forces import registry
from parity.workforce import service

OFFICER_GROUPS: tuple[str, ...] = ("all", "middle", "senior")
# A force's share in a group is a "mover" only on at least this many FTE in the group in both
# years: a small force's senior share moves several points with one or two appointments, and
# the main points would otherwise always name the smallest forces.
MOVER_MINIMUM_FTE = 50.0
# A force-year is flagged when more than this fraction of its officers (headcount) have their
# sex recorded as not stated, preferred not to say or self-described.
NOT_STATED_THRESHOLD = 0.01


def _shares(session: Session, *, year: int, group: str) -> dict[str, dict]:
    try:
        table = service.league(session, year=year, group=group)
    except InputError:
        return {}
    return {r["force_id"]: r for r in table["forces"]}


def movers(session: Session, *, year: int) -> dict:
    """The change on the year before, nationally for every part of the workforce
    (``parts``: the six overview lines) and for each force on each officer group
    (``forces``: {group: rows sorted by change, largest rise first}). Force rows carry
    ``force_id``, ``force``, ``share``, ``previous``, ``change``, ``total`` (FTE this year)
    and ``counted`` (both years at least `MOVER_MINIMUM_FTE`). A force missing either year
    is left out."""
    parts = []
    for label, worker_type, group, measure in service.OVERVIEW_LINES:
        r = service.representation(session, area="England and Wales", year=year, group=group,
                                   measure=measure, worker_type=worker_type)
        parts.append({"label": label, "worker_type": worker_type, "group": group,
                      "measure": measure, "share": r["share_female"],
                      "previous": r["share_female_previous_year"],
                      "change": r["share_female_change_1y"],
                      "five_years_before": r["share_female_five_years_before"],
                      "change_5y": r["share_female_change_5y"]})
    forces: dict[str, list[dict]] = {}
    for group in OFFICER_GROUPS:
        now, before = _shares(session, year=year, group=group), \
            _shares(session, year=year - 1, group=group)
        rows = []
        for fid, r in now.items():
            b = before.get(fid)
            if not b or r["share_female"] is None or b["share_female"] is None:
                continue
            rows.append({"force_id": fid, "force": r["force"], "share": r["share_female"],
                         "previous": b["share_female"],
                         "change": r["share_female"] - b["share_female"],
                         "total": r["total"], "previous_total": b["total"],
                         "counted": min(r["total"], b["total"]) >= MOVER_MINIMUM_FTE})
        forces[group] = sorted(rows, key=lambda x: (-x["change"], x["force"]))
    return {"year": year, "parts": parts, "forces": forces,
            "minimum_fte": MOVER_MINIMUM_FTE}


def pipeline(session: Session, *, year: int, area: str = "England and Wales") -> dict:
    """Women rank by rank (FTE), lowest rank first, each with its distance from the share
    among constables (``gap``: the rank's share minus the constables'), and the same for the
    middle and senior groups (``groups``)."""
    ranks = []
    for rank in v.RANK_ORDER:
        r = service.representation(session, area=area, year=year, group=rank)
        ranks.append({"rank": rank, "label": v.OFFICER_RANKS[rank], "share": r["share_female"],
                      "female": r["female"], "total": r["total"]})
    base = ranks[0]["share"]
    for r in ranks:
        r["gap"] = None if base is None or r["share"] is None else r["share"] - base
    groups = []
    for group in ("middle", "senior"):
        r = service.representation(session, area=area, year=year, group=group)
        share = r["share_female"]
        groups.append({"group": group, "label": v.GROUP_LABELS[group], "share": share,
                       "gap": None if base is None or share is None else share - base})
    return {"year": year, "area": area, "constable_share": base, "ranks": ranks,
            "groups": groups}


def gap_runs(session: Session, *, year: int) -> dict:
    """For each territorial force, the run of consecutive years ending at `year` in which its
    senior share (Chief Inspector and above, FTE) was below its all-officer share:
    {``forces``: [{force_id, force, years, since, gap}], longest first; ``first_year``: the
    first year held}. A force whose senior share is not below this year has a run of 0 and
    is left out."""
    held = [y for y in service.years_available(session) if y <= year]
    by_year = {y: service.senior_gaps(session, year=y) for y in held}
    rows: list[dict] = []
    for fid, gap in by_year.get(year, {}).items():
        if gap is None or gap >= 0:
            continue
        run, since = 0, year
        for y in range(year, (held[0] if held else year) - 1, -1):
            g = by_year.get(y, {}).get(fid)
            if g is None or g >= 0:
                break
            run, since = run + 1, y
        rows.append({"force_id": fid, "force": registry().get(fid).name,
                     "years": run, "since": since, "gap": gap})
    rows.sort(key=lambda r: (-int(r["years"]), float(r["gap"]), str(r["force"])))
    return {"year": year, "first_year": held[0] if held else None, "forces": rows}


def quality_flags(session: Session, *, threshold: float = NOT_STATED_THRESHOLD) -> list[dict]:
    """Force-years in which more than `threshold` of the officers (headcount) have their sex
    recorded as not stated, prefer not to say or self-described (the categories the Home
    Office table carries from 2021): [{force_id, force, year, share, people}], by year then
    share. Their share of women is computed over everyone recorded, so it reads low."""
    out = []
    for year in service.years_available(session):
        _fte, head = service.counts_by_force_and_sex(session, year=year)
        for fid, by_sex in head.items():
            total = sum(by_sex.values())
            other = sum(by_sex.get(s, 0.0) for s in v.OTHER_SEXES)
            if total and other / total > threshold:
                out.append({"force_id": fid, "force": registry().get(fid).name,
                            "year": year, "share": other / total, "people": other})
    return sorted(out, key=lambda r: (r["year"], -r["share"]))
