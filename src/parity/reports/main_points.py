"""The report's main points: sentences written from the figures by the rules of
docs/decisions/0804-main-points.md, each carrying the figures it rests on.

`main_points(session, year=...)` returns a list of points, each ``{"rule", "text",
"figures"}``; ``figures`` is a list of ``{"label", "value", "unit", "shown"}`` where ``value``
is the number as computed (shares as fractions, changes as differences of shares, pay gaps in
per cent, counts) and ``shown`` is how the sentence writes it. The HTML shows the figures as a
footnote to each sentence; ``parity report build --json`` and ``parity report main-points
--json`` print them. Nothing here is fixed text: a rule with nothing to say (no pay gap returns
held, say) writes no sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from parity.commitments import service as commitments
from parity.context import service as context
from parity.forces import registry
from parity.present.format import number, ordinal, pct, points
from parity.workforce import findings

# How many forces a sentence names at most (the rest are counted).
NAMED = 3


@dataclass
class Point:
    rule: str
    text: str
    figures: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"rule": self.rule, "text": self.text, "figures": self.figures}


class _Figures:
    """Collects the figures a sentence names, and writes them as the sentence shows them."""

    def __init__(self) -> None:
        self.items: list[dict] = []

    def _add(self, label: str, value: float | None, unit: str, shown: str) -> str:
        self.items.append({"label": label, "value": value, "unit": unit, "shown": shown})
        return shown

    def share(self, label: str, value: float | None) -> str:
        return self._add(label, value, "share", pct(value))

    def change(self, label: str, value: float | None) -> str:
        return self._add(label, value, "points", points(value))

    def size(self, label: str, value: float | None) -> str:
        """A change written without its sign ("1.2 points"), for after "rose by" or "below"."""
        shown = "—" if value is None else f"{abs(value) * 100:.1f} points"
        return self._add(label, value, "points", shown)

    def gap_pct(self, label: str, value: float | None) -> str:
        return self._add(label, value, "pct", "—" if value is None else f"{value:.1f}%")

    def forces(self, label: str, names: list[str]) -> str:
        """Forces named in the sentence; the value is how many."""
        return self._add(label, len(names), "forces", _names([{"force": n} for n in names]))

    def count(self, label: str, value: int | float | None, unit: str = "count") -> str:
        return self._add(label, value, unit, number(value))


def _names(rows: list[dict], key: str = "force") -> str:
    """"A", "A and B", "A, B and C", or "A, B, C and 4 more"."""
    names = [r[key] for r in rows[:NAMED]]
    if len(rows) > NAMED:
        return ", ".join(names) + f" and {len(rows) - NAMED} more"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _below(gap: float | None) -> str:
    return "above" if gap is not None and gap > 0 else "below"


def _rose_or_fell(change: float | None) -> str:
    if change is None or abs(change) < 0.0005:
        return "was unchanged"
    return "rose" if change > 0 else "fell"


def headline(moved: dict) -> Point:
    """R1: the officers' share and its change on one and five years, and the part of the
    workforce whose share changed most on the year."""
    year, f = moved["year"], _Figures()
    officers = moved["parts"][0]
    text = (f"On 31 March {year} women were {f.share('Officers, share of women', officers['share'])}"
            f" of police officers in England and Wales: the share "
            f"{_rose_or_fell(officers['change'])} by "
            f"{f.size(f'Officers, change on {year - 1}', officers['change'])} on the year")
    if officers["change_5y"] is not None:
        same_way = _rose_or_fell(officers["change_5y"]) == _rose_or_fell(officers["change"])
        text += (f" and {'' if same_way else _rose_or_fell(officers['change_5y']) + ' '}by "
                 f"{f.size(f'Officers, change on {year - 5}', officers['change_5y'])} on five "
                 f"years")
    known = [p for p in moved["parts"] if p["change"] is not None]
    if known:
        most = max(known, key=lambda p: abs(p["change"]))
        text += (f". The largest change on the year was among "
                 f"{most['label'].split(' (')[0].lower()} "
                 f"({f.change(most['label'] + ', change on the year', most['change'])} to "
                 f"{f.share(most['label'] + ', share of women', most['share'])})")
    return Point("headline", text + ".", f.items)


def force_movers(moved: dict, group: str, title: str) -> Point | None:
    """R2: among forces with at least 50 FTE in the group in both years, the largest rise and
    the largest fall in the share of women."""
    rows = [r for r in moved["forces"].get(group, []) if r["counted"]]
    if not rows:
        return None
    f, year = _Figures(), moved["year"]
    top, bottom = rows[0], rows[-1]
    text = (f"Among the forces with at least {number(moved['minimum_fte'])} officers (FTE) in "
            f"{title} in both years, "
            f"the share of women rose most in {top['force']} "
            f"({f.change(top['force'] + ', change on the year', top['change'])} to "
            f"{f.share(top['force'] + f', share {year}', top['share'])})")
    if bottom["change"] < 0:
        text += (f" and fell most in {bottom['force']} "
                 f"({f.change(bottom['force'] + ', change on the year', bottom['change'])} to "
                 f"{f.share(bottom['force'] + f', share {year}', bottom['share'])})")
    else:
        text += "; it fell in none of them"
    return Point(f"movers_{group}", text + ".", f.items)


def senior_falls(moved: dict) -> Point:
    """R3: in how many forces the senior share fell on the year, naming the largest falls,
    and the England and Wales change."""
    f = _Figures()
    rows = moved["forces"].get("senior", [])
    fell = sorted((r for r in rows if r["change"] <= -0.0005), key=lambda r: r["change"])
    national = next(p for p in moved["parts"] if p["worker_type"] == "officer"
                    and p["group"] == "senior")
    n = f.count("Forces whose senior share fell", len(fell))
    of = f.count("Forces compared", len(rows))
    text = f"The share of women in senior leadership fell in {n} of {of} forces"
    if fell:
        largest = "; ".join(
            f"{r['force']} {f.change(r['force'] + ', senior share, change on the year', r['change'])}"
            for r in fell[:NAMED])
        text += f" (largest falls: {largest})"
    text += (f"; in England and Wales it {_rose_or_fell(national['change'])} "
             f"({f.change('England and Wales senior share, change on the year', national['change'])}"
             f" to {f.share('England and Wales senior share', national['share'])}).")
    return Point("senior_falls", text, f.items)


def pipeline(pipe: dict, *, whose: str = "") -> Point | None:
    """R4: the share among constables, where the pipeline starts, against each later rank:
    the middle and senior groups' distance from it and the rank furthest below it."""
    if pipe["constable_share"] is None:
        return None
    f = _Figures()
    text = (f"Women were {f.share('Constables, share of women', pipe['constable_share'])} of "
            f"{whose}constables, the rank every officer starts in")
    middle, senior = pipe["groups"]
    text += (f"; middle management stood "
             f"{f.size('Middle management, distance from constables', middle['gap'])} "
             f"{_below(middle['gap'])} that "
             f"({f.share('Middle management, share of women', middle['share'])}) and "
             f"senior leadership "
             f"{f.size('Senior leadership, distance from constables', senior['gap'])} "
             f"{_below(senior['gap'])} "
             f"({f.share('Senior leadership, share of women', senior['share'])})")
    ranks = [r for r in pipe["ranks"][1:] if r["gap"] is not None]
    if ranks:
        lowest = min(ranks, key=lambda r: r["gap"])
        text += (f". The furthest below was {lowest['label']} "
                 f"({f.share(lowest['label'] + ', share of women', lowest['share'])}, "
                 f"{f.size(lowest['label'] + ', distance from constables', lowest['gap'])} "
                 f"{_below(lowest['gap'])})")
    return Point("pipeline", text + ".", f.items)


def longest_gaps(runs: dict, of: int) -> Point | None:
    """R5: the forces whose senior share has stood below their all-officer share for the most
    years in a row, and how many forces had no such gap this year."""
    if runs["first_year"] is None:
        return None
    f = _Figures()
    rows = runs["forces"]
    below = f.count("Forces with a senior share below their all-officer share", len(rows))
    at_or_above = f.count("Forces with no such gap", of - len(rows))
    text = (f"On 31 March {runs['year']} the senior share was below the all-officer share in "
            f"{below} forces and at or above it in {at_or_above}")
    if rows:
        longest = rows[0]["years"]
        same = [r for r in rows if r["years"] == longest]
        years = f.count("Longest run, years", longest, unit="years")
        if rows[0]["since"] == runs["first_year"]:
            since = f"every year since {runs['first_year']}, the first year held"
        else:
            since = f"every year since {rows[0]['since']}"
        named = [f"{r['force']} ({f.change(r['force'] + ', senior gap ' + str(runs['year']), r['gap'])})"
                 for r in same[:NAMED]]
        who = _names([{"force": n} for n in named] + same[NAMED:])
        text += (f". The longest-running gaps ({years} years: {since}) are in {who}, with "
                 f"their senior gap this year")
    return Point("longest_gaps", text + ".", f.items)


def pay_gaps(session: Session, *, year: int) -> Point | None:
    """R6: the police forces' published median hourly pay gaps in the latest complete
    reporting year at or before `year`, against public administration."""
    if not context.holds_returns(session):
        return None
    snapshot = context.latest_complete_year(session, on_or_before=year)
    if snapshot is None:
        return None
    league = context.paygap_league(session, snapshot_year=snapshot)
    police, public = league["police_forces"], league["public_administration"]
    if not police.get("n"):
        return None
    f = _Figures()
    text = (f"In the gender pay gap returns for 31 March {snapshot} (reporting year "
            f"{league['reporting_year']}), the middle police force's median hourly pay gap was "
            f"{f.gap_pct('Police forces, median of median hourly pay gaps', police['median'])}"
            f" across {f.count('Police forces reporting', police['n'])} forces, against "
            f"{f.gap_pct('Public administration, median of median hourly pay gaps', public['median'])}"
            f" in public administration")
    missing = [registry().get(fid).name for fid in league["not_reported"]]
    if missing:
        names = f.forces("Police forces without a return", missing)
        text += f"; {names} had no return"
    return Point("pay_gaps", text + ".", f.items)


def commitments_status(session: Session, *, year: int) -> Point | None:
    """R7: how many forces' commitments were on track, at risk, off track or without data,
    as they stood on the eve of the next snapshot."""
    summary = commitments.status_summary(session, as_of=commitments.as_of_for_year(year))
    totals = summary["totals"]
    total = sum(totals.values())
    if not total:
        return None
    f = _Figures()
    text = (f"Of the {f.count('Force commitments tracked', total)} commitments tracked for "
            f"forces, {f.count('On track', totals['on_track'])} were on track, "
            f"{f.count('At risk', totals['at_risk'])} at risk, "
            f"{f.count('Off track', totals['off_track'])} off track and "
            f"{f.count('Without data', totals['no_data'])} without the data to tell")
    if summary["as_of"]:
        text += f" (as they stood on {date.fromisoformat(summary['as_of'][:10]):%-d %B %Y})"
    return Point("commitments", text + ".", f.items)


def main_points(session: Session, *, year: int) -> list[Point]:
    """Every main point for 31 March `year`, in the order of the rules (R1 to R7)."""
    moved = findings.movers(session, year=year)
    pipe = findings.pipeline(session, year=year)
    runs = findings.gap_runs(session, year=year)
    compared = len(moved["forces"].get("all", [])) or 43
    candidates = [
        headline(moved),
        force_movers(moved, "all", "all ranks"),
        force_movers(moved, "senior", "senior leadership"),
        senior_falls(moved),
        pipeline(pipe),
        longest_gaps(runs, compared),
        pay_gaps(session, year=year),
        commitments_status(session, year=year),
    ]
    return [p for p in candidates if p is not None]


def force_standing(profile: dict) -> list[Point]:
    """F1, F2: a force's share among all its officers and among its senior leaders, against
    England and Wales, its position among the 43 forces, and the change on 1 and 5 years."""
    out = []
    name, year = profile["force"]["name"], profile["year"]
    for g in profile["groups"]:
        if g["group"] == "middle" or not g["force"] or g["force"]["share_female"] is None:
            continue
        f, mine, national = _Figures(), g["force"], g["england_and_wales"]
        who = "officers" if g["group"] == "all" else "senior leaders (Chief Inspector and above)"
        text = (f"On 31 March {year} women were "
                f"{f.share(f'{name}, {who}, share of women', mine['share_female'])} of "
                f"{name}'s {who} (England and Wales "
                f"{f.share(f'England and Wales, {who}, share of women', national['share_female'])})")
        if g["position"]:
            shown = f._add("Position among the forces", g["position"], "position",
                           ordinal(g["position"]))
            text += f", {shown} of {g['of']} forces"
        if mine["share_female_change_1y"] is not None:
            text += (f"; the share {_rose_or_fell(mine['share_female_change_1y'])} by "
                     f"{f.size(f'{name}, {who}, change on {year - 1}', mine['share_female_change_1y'])}"
                     f" on the year")
        five = mine["share_female_change_5y"]
        if five is not None:
            same_way = _rose_or_fell(five) == _rose_or_fell(mine["share_female_change_1y"])
            text += (f" and {'' if same_way else _rose_or_fell(five) + ' '}by "
                     f"{f.size(f'{name}, {who}, change on {year - 5}', five)} on five years")
        out.append(Point(f"force_{g['group']}", text + ".", f.items))
    return out


def force_gap(runs: dict, profile: dict) -> Point | None:
    """F4: how many years in a row the force's senior share has stood below its all-officer
    share, or that it does not this year."""
    name, gap = profile["force"]["name"], profile["senior_gap"]
    if gap is None:
        return None
    f = _Figures()
    text = (f"{name}'s senior gap (senior share minus all-officer share) was "
            f"{f.change(f'{name}, senior gap', gap)} (England and Wales "
            f"{f.change('England and Wales, senior gap', profile['senior_gap_england_and_wales'])})")
    row = next((r for r in runs["forces"] if r["force_id"] == profile["force"]["id"]), None)
    if row:
        text += (f": its senior share has been below its all-officer share for "
                 f"{f.count('Years in a row below', row['years'], unit='years')} years in a "
                 f"row, since {row['since']}")
    return Point("force_gap", text + ".", f.items)


def force_main_points(session: Session, *, year: int, profile: dict) -> list[Point]:
    """A force's own main points for its report: its standing (F1, F2), its pipeline (R4 for
    the force) and its senior gap (F4). `profile` is its `parity.workforce.report.force_profile`."""
    name = profile["force"]["name"]
    pipe = findings.pipeline(session, year=year, area=name)
    runs = findings.gap_runs(session, year=year)
    candidates = [*force_standing(profile), pipeline(pipe, whose=f"{name}'s "),
                  force_gap(runs, profile)]
    return [p for p in candidates if p is not None]
