"""A realistic synthetic payroll extract for a force and year (demos, tests, benchmarks).

Headcounts by worker type, rank and sex come from the Home Office workforce table (through
`parity.workforce.service`); officer pay comes from the official scales in
``parity/data/police-pay/`` carried between years by the official pay awards; every figure the
official files lack is an assumption in ``synth_assumptions.yaml``, labelled there. The result
is deterministic for a seed and built with whole-array numpy operations, so millions of rows
take seconds. Written as CSV or Parquet with pyarrow (XLSX with openpyxl, for small files).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np
import yaml

from parity.errors import InputError

HERE = Path(__file__).resolve().parent
PAY_DATA = HERE.parent / "data" / "police-pay"
RANKS = ("constable", "sergeant", "inspector", "chief_inspector", "superintendent",
         "chief_superintendent", "chief_officer")
RANK_LABELS = {r: r.replace("_", " ").title() for r in RANKS}
SUFFIXES = (".csv", ".parquet", ".pq", ".xlsx")  # what `write` writes
XLSX_ROWS = 1_048_575  # a sheet's rows under the header
SEX_LABELS = {"male": "M", "female": "F", "not_stated": "Not stated",
              "prefer_not_to_say": "Prefer not to say",
              "prefer_to_self_describe": "Prefer to self-describe"}


@cache
def assumptions() -> dict:
    """The generator's configuration (official figures restated, and labelled assumptions)."""
    return yaml.safe_load((HERE / "synth_assumptions.yaml").read_text(encoding="utf-8"))


@cache
def official_scales() -> list[dict]:
    """Rows of police_pay_scales.csv (the bundled copy)."""
    text = (PAY_DATA / "police_pay_scales.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _apply(values: np.ndarray, award: dict, *, reverse: bool = False) -> np.ndarray:
    if "percent" in award:
        factor = 1.0 + award["percent"] / 100.0
        return values / factor if reverse else values * factor
    if "flat" in award:
        return values - award["flat"] if reverse else values + award["flat"]
    amount, below = award["flat_below"], award["below"]
    if reverse:
        return np.where(values - amount < below, values - amount, values)
    return np.where(values < below, values + amount, values)


def carry(values: np.ndarray, *, start: date, end: date, awards: list[dict],
          before: dict) -> np.ndarray:
    """Pay in force on `start`, carried to `end` by the awards that took effect in between
    (backwards when `end` is earlier); the `before` award for each year before the list."""
    values = np.asarray(values, dtype=float)
    listed = sorted(awards, key=lambda a: _as_date(a["from"]))
    first = _as_date(listed[0]["from"])
    early = [{"from": date(y, 9, 1), **before} for y in range(1990, first.year)]
    steps = early + listed
    if end >= start:
        for award in steps:
            if start < _as_date(award["from"]) <= end:
                values = _apply(values, award)
    else:
        for award in reversed(steps):
            if end < _as_date(award["from"]) <= start:
                values = _apply(values, award, reverse=True)
    return values


@dataclass
class Scale:
    points: np.ndarray
    basis: str


def officer_scale(rank: str, snapshot: date, *, london: bool) -> Scale:
    """Annual basic pay by pay point for a rank, in force on `snapshot`, with its basis."""
    config = assumptions()
    awards, before = config["officer_awards"], config["officer_award_before_2017"]
    spec = config["official_scales"].get(rank)
    if spec is not None:
        found = _official(rank, spec, london=london)
        if found:
            dates = sorted(found)
            usable = [d for d in dates if d <= snapshot]
            start = usable[-1] if usable else dates[0]
            points = carry(found[start], start=start, end=snapshot, awards=awards,
                           before=before)
            if start > snapshot:
                basis = (f"official scale effective {start.isoformat()} taken back by the "
                         "pay awards (assumption for earlier years)")
            elif _no_awards_between(start, snapshot, awards):
                basis = f"official scale effective {start.isoformat()}"
            else:
                basis = (f"official scale effective {start.isoformat()} uprated by the "
                         "pay awards since")
            points = _override_with_partial(rank, points, snapshot)
            return Scale(np.round(points), basis)
    table = config["assumed_officer_scales"]
    points = carry(np.array(table[rank], dtype=float), start=_as_date(table["in_force"]),
                   end=snapshot, awards=awards, before=before)
    return Scale(np.round(points), "assumption (synth_assumptions.yaml)")


def _no_awards_between(start: date, end: date, awards: list[dict]) -> bool:
    return not any(start < _as_date(a["from"]) <= end for a in awards)


def _scale_rows(rank: str) -> list[dict]:
    label = RANK_LABELS[rank]
    return [r for r in official_scales() if r["rank"] == label and r["pay_point"].isdigit()]


def _official(rank: str, spec: dict, *, london: bool) -> dict[date, np.ndarray]:
    """{effective date: points} for complete official scales of a rank."""
    rows = _scale_rows(rank)
    if "scale_starts" in spec:
        rows = [r for r in rows if r["scale"].startswith(spec["scale_starts"])
                and "national" in r["scale"]]
    else:
        wanted = spec["london" if london else "outside_london"]
        rows = [r for r in rows if r["scale"] == wanted]
    by_date: dict[date, dict[int, float]] = {}
    for r in rows:
        by_date.setdefault(date.fromisoformat(r["effective_from"]), {})[int(r["pay_point"])] = \
            float(r["annual_salary_gbp"])
    longest = max((len(p) for p in by_date.values()), default=0)
    return {d: np.array([p[k] for k in sorted(p)]) for d, p in by_date.items()
            if len(p) == longest and longest >= 3}


def _override_with_partial(rank: str, points: np.ndarray, snapshot: date) -> np.ndarray:
    """Where the official files give single points for the scale in force (e.g. constable
    pay points 1, 6 and 7 in 2022), use them instead of the carried figure."""
    if rank != "constable":
        return points
    rows = [r for r in _scale_rows(rank) if r["scale"].startswith("post-2013")]
    in_force = [date.fromisoformat(r["effective_from"]) for r in rows
                if date.fromisoformat(r["effective_from"]) <= snapshot]
    if not in_force:
        return points
    latest = max(in_force)
    points = points.copy()
    for r in rows:
        point = int(r["pay_point"])
        if date.fromisoformat(r["effective_from"]) == latest and point < len(points):
            points[point] = float(r["annual_salary_gbp"])
    return points


def _in_force(entries: list[dict], snapshot: date) -> dict | None:
    usable = [e for e in entries if _as_date(e["from"]) <= snapshot]
    return max(usable, key=lambda e: _as_date(e["from"])) if usable else None


def allowances_for(force_id: str, snapshot: date) -> dict[str, float]:
    """Yearly London and South East allowances an officer of the force receives (pounds)."""
    config = assumptions()["allowances"]
    out = {}
    if force_id in config["london_forces"]:
        lw = config["london_weighting"]
        out["london_weighting"] = float(carry(
            np.array([lw["amount"]]), start=_as_date(lw["in_force"]), end=snapshot,
            awards=config["london_weighting_uplifts"], before={"percent": 0.0})[0])
        allowance = _in_force(config["london_allowance"], snapshot)
        if allowance:
            out["london_allowance"] = float(allowance["amount"])
    rules = [r for r in config["south_east"] if force_id in r["forces"]]
    rule = _in_force(rules, snapshot)
    if rule:
        out["south_east_allowance"] = float(rule["amount"])
    return out


@dataclass
class SynthResult:
    file: str
    force: str
    force_id: str
    year: int
    rows: int
    seed: int
    snapshot: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    pay_basis: dict[str, str] = field(default_factory=dict)
    allowances: dict[str, float] = field(default_factory=dict)


def _cells(stock: dict[str, dict[str, dict[str, float]]], rows: int | None
           ) -> list[tuple[str, str, str, int]]:
    """(worker type, rank or role, sex, people) cells, scaled to `rows` by largest remainder."""
    cells = [(wt, role, sex, float(n)) for wt, roles in stock.items()
             for role, sexes in roles.items() for sex, n in sexes.items() if n > 0]
    total = sum(c[3] for c in cells)
    if total == 0:
        return []
    target = int(round(total)) if rows is None else rows
    exact = np.array([c[3] for c in cells]) * target / total
    whole = np.floor(exact).astype(np.int64)
    left = target - int(whole.sum())
    if left > 0:
        whole[np.argsort(-(exact - whole), kind="stable")[:left]] += 1
    return [(wt, role, sex, int(k)) for (wt, role, sex, _), k in zip(cells, whole, strict=True)
            if k > 0]


def generate(stock: dict, *, force_id: str, year: int, rows: int | None = None,
             seed: int = 0, parts: dict | None = None) -> tuple[dict, SynthResult]:
    """Columns of a synthetic payroll extract (numpy/pyarrow arrays) and a summary.

    `stock` is {worker type: {rank or role: {sex: headcount}}} for the force and year, as
    `parity.workforce.service.stock_by_rank_and_sex` gives it. `rows` rescales the headcounts
    to that many people (keeping the mix); by default the real headcount is used. `parts`, if
    given, receives each person's pay components in the same order as the rows (yearly
    basic, location and shift pay, officer allowances, leave factor, bonus split), from which
    `parity.paygap.synth_lines` writes pay lines.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    config = assumptions()
    snapshot = date(year, config["snapshot"]["month"], config["snapshot"]["day"])
    rng = np.random.default_rng(seed)
    cells = _cells(stock, rows)
    if not cells:
        raise InputError(f"no workforce figures for {force_id} in {year}")
    n = sum(c[3] for c in cells)
    cell_index = np.repeat(np.arange(len(cells)), [c[3] for c in cells])
    worker = np.array([c[0] for c in cells])[cell_index]
    role = np.array([c[1] for c in cells])[cell_index]
    sex_key = np.array([c[2] for c in cells])[cell_index]
    female = sex_key == "female"
    officer = worker == "officer"
    london = force_id in config["allowances"]["london_forces"]

    service_cfg = config["service"]
    years_in_role = np.zeros(n)
    before_role = np.zeros(n)
    basic = np.zeros(n)
    grade_labels: list[str] = []
    grade = np.zeros(n, dtype=np.int32)
    pay_basis: dict[str, str] = {}
    for key in (*RANKS, "staff", "pcso"):
        mask = (role == key) if key in RANKS else (worker == key)
        if key in RANKS:
            mask &= officer
        count = int(mask.sum())
        if not count:
            continue
        spec = service_cfg[key]
        scale = np.where(female[mask], spec["scale_female"], spec["scale_male"])
        years_in_role[mask] = rng.gamma(spec["shape"], scale)
        before_role[mask] = spec["before_rank"]
        point = np.floor(years_in_role[mask]).astype(np.int64)
        if key in RANKS:
            sc = officer_scale(key, snapshot, london=london)
            basic[mask] = sc.points[np.minimum(point, len(sc.points) - 1)]
            grade[mask] = len(grade_labels)
            grade_labels.append(RANK_LABELS[key])
            pay_basis[key] = sc.basis
        else:
            table = config["staff_grades"]
            grades = table["grades"] if key == "staff" else [table["pcso"]]
            points = np.array([g["points"] for g in grades], dtype=float)
            points = carry(points, start=_as_date(table["in_force"]), end=snapshot,
                           awards=config["staff_awards"], before=config["staff_award_before_2017"])
            chosen = np.zeros(count, dtype=np.int64)
            for sex_is_female in (False, True):
                sub = female[mask] == sex_is_female
                weights = np.array([g["female" if sex_is_female else "male"] if len(grades) > 1
                                    else 1.0 for g in grades], dtype=float)
                chosen[sub] = rng.choice(len(grades), size=int(sub.sum()),
                                         p=weights / weights.sum())
            basic[mask] = np.round(points[chosen, np.minimum(point, points.shape[1] - 1)])
            grade[mask] = len(grade_labels) + chosen
            grade_labels.extend(g["name"] for g in grades)
            pay_basis[key] = "assumption (synth_assumptions.yaml grades, carried by PSC awards)"

    part = config["part_time"]["share"]
    share_pt = np.zeros(n)
    for wt in ("officer", "staff", "pcso"):
        share_pt[(worker == wt) & ~female] = part[f"{wt}_male"]
        share_pt[(worker == wt) & female] = part[f"{wt}_female"]
    part_time = rng.random(n) < share_pt
    fte = np.where(part_time, rng.choice(config["part_time"]["fte_choices"], size=n), 1.0)
    hours_full = np.select([worker == "officer", worker == "staff"],
                           [config["weekly_hours"]["officer"]["value"],
                            config["weekly_hours"]["staff"]["value"]],
                           config["weekly_hours"]["pcso"]["value"])
    weekly_hours = hours_full * fte

    allowances = allowances_for(force_id, snapshot)
    yearly_extra = np.where(officer, sum(allowances.values()), 0.0)
    staff_like = ~officer
    allow = config["allowances"]
    if london:
        loc = allow["met_staff_location"]
        zone1 = rng.random(n) < loc["share_zone_1"]
        yearly_extra = yearly_extra + np.where(staff_like, np.where(zone1, loc["zone_1"],
                                                                    loc["zone_2"]), 0.0)
    shift = allow["staff_shift_allowance"]
    on_shift = rng.random(n) < np.where(part_time, shift["share_part_time"],
                                        shift["share_full_time"])
    location = yearly_extra - np.where(officer, sum(allowances.values()), 0.0)
    shift_pay = np.where(staff_like & on_shift, basic * shift["percent_of_basic"] / 100.0, 0.0)
    yearly_extra = yearly_extra + shift_pay
    annual = (basic + yearly_extra) * fte

    leave = config["reduced_pay_leave"]
    on_leave = rng.random(n) < np.where(female, leave["share"]["female"], leave["share"]["male"])
    factor = np.where(on_leave, rng.uniform(leave["pay_factor"]["low"],
                                            leave["pay_factor"]["high"], n), 1.0)
    days = config["pay_period_days"]
    ordinary = np.round(annual / 12.0 * factor, 2)

    bonus_cfg = config["bonus"]
    share_b = np.zeros(n)
    for wt in ("officer", "staff", "pcso"):
        share_b[(worker == wt) & ~female] = bonus_cfg["share"][f"{wt}_male"]
        share_b[(worker == wt) & female] = bonus_cfg["share"][f"{wt}_female"]
    share_b[role == "chief_officer"] = 0.0
    gets = rng.random(n) < share_b
    # The wider bonus range took effect on 1 July 2021: it applies when most of the 12 months
    # to the snapshot came after that.
    recent = snapshot >= date(2022, 1, 1)
    officer_range = bonus_cfg["officer_range_from_2021_07" if recent
                              else "officer_range_before_2021_07"]
    low = np.where(officer, officer_range["low"], bonus_cfg["staff_range"]["low"])
    high = np.where(officer, officer_range["high"], bonus_cfg["staff_range"]["high"])
    bonus = np.where(gets, np.round(rng.uniform(low, high) / 10.0) * 10.0, 0.0)
    critical_pay = np.zeros(n)
    if recent:
        skills = bonus_cfg["critical_skills_from_2021_07"]
        critical = officer & (role != "chief_officer") & (rng.random(n) < skills["share"])
        critical_pay = np.where(critical, np.round(rng.uniform(skills["low"], skills["high"],
                                                               n) / 10.0) * 10.0, 0.0)
        bonus = bonus + critical_pay
    in_march = (bonus > 0) & (rng.random(n) < bonus_cfg["paid_in_march"])
    bonus_in_period = np.where(in_march, np.round(bonus * days / 365.0, 2), 0.0)

    service_days = ((years_in_role + before_role) * 365.25).astype(np.int64)
    start = np.datetime64(snapshot, "D") - service_days.astype("timedelta64[D]")

    order = rng.permutation(n)
    ids = pc.binary_join_element_wise(
        "E", pc.utf8_lpad(pc.cast(pa.array(np.arange(1, n + 1)), pa.string()), 7, "0"), "")
    def labelled(codes: np.ndarray, labels: list[str]) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(pa.array(codes[order].astype(np.int32)),
                                              pa.array(labels, pa.string()))

    cell_labels = [SEX_LABELS.get(c[2], c[2]) for c in cells]
    worker_labels = sorted({c[0] for c in cells})
    cell_worker = np.array([worker_labels.index(c[0]) for c in cells])
    columns = {
        "employee_id": ids,
        "sex": labelled(cell_index, cell_labels),
        "worker_type": labelled(cell_worker[cell_index], worker_labels),
        "grade": labelled(grade, grade_labels),
        "start_date": pa.array(start[order]),
        "fte": pa.array(fte[order]),
        "weekly_hours": pa.array(weekly_hours[order]),
        "pay_period_days": pa.array(np.full(n, float(days))),
        "ordinary_pay": pa.array(ordinary[order]),
        "bonus_pay_in_period": pa.array(bonus_in_period[order]),
        "full_pay": pa.array(~on_leave[order]),
        "bonus_pay_12m": pa.array(bonus[order]),
    }
    if parts is not None:
        parts.update(basic=basic[order], fte=fte[order], officer=officer[order],
                     location=location[order], shift=shift_pay[order], factor=factor[order],
                     critical=critical_pay[order], in_march=in_march[order],
                     allowances=allowances, days=float(days), snapshot=snapshot)
    counts: dict[str, dict[str, int]] = {}
    for wt, _role, sex, k in cells:
        counts.setdefault(wt, {}).setdefault(sex, 0)
        counts[wt][sex] += k
    summary = SynthResult(file="", force="", force_id=force_id, year=year, rows=n, seed=seed,
                          snapshot=snapshot.isoformat(), counts=counts, pay_basis=pay_basis,
                          allowances=allowances)
    return columns, summary


def write(columns: dict, out: Path) -> None:
    """Write the columns as CSV, Parquet or XLSX (by the file's suffix)."""
    import pyarrow as pa

    table = pa.table(columns)
    suffix = out.suffix.lower()
    if suffix == ".csv":
        import pyarrow.csv as pcsv

        pcsv.write_csv(table, out)
    elif suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        pq.write_table(table, out)
    elif suffix == ".xlsx":
        if table.num_rows > XLSX_ROWS:
            raise InputError(f"an XLSX sheet holds at most {XLSX_ROWS:,} rows; write CSV or "
                             "Parquet")
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("payroll")
        sheet.append(table.column_names)
        for row in zip(*(c.to_pylist() for c in table.columns), strict=True):
            sheet.append(list(row))
        book.save(out)
    else:
        raise InputError(f"{out.name}: write .csv, .parquet or .xlsx")
