"""People, not rows: pay lines collapsed to one row per relevant employee (pure: no I/O).

`collapse(lines, codes, snapshot=..., posts=...)` turns checked `PayLines` and a `CodeTable`
into the one-row-per-employee `Payroll` that `parity.paygap.metrics` computes the six figures
from, with an audit a payroll team can reconcile and the totals per pay code. The rules, each
from Schedule 1 to SI 2017/353 (decision 0305):

- the *relevant pay period* of a post is the pay period of its lines that holds the snapshot
  date (para 5(2)); its length in days is the period's, and a calendar month (or any period
  from a date to the day before the same date a month later) counts as 30.44 days (para 6);
- *ordinary pay* is the sum of the post's ordinary, reduced-pay leave and (negative) salary
  sacrifice lines in that period (para 3); excluded lines count nowhere;
- *bonus pay in the period* is the bonus lines of that period, each pro-rated to the period
  when its code says it is in respect of a longer one (para 6(1)(b));
- *bonus pay in 12 months* is every bonus line paid in the 12 months ending on the snapshot
  date (paras 10, 11): paid after the same date a year earlier, up to the snapshot date;
- *weekly working hours* are the post's hours on its lines in the relevant period (the
  largest, where lines disagree; para 7), not the hours of excluded lines such as overtime;
- a person with a reduced-pay leave line in the period is not a *full-pay relevant employee*
  (para 1(1));
- several posts (`posts`): ``combined`` (the default) makes one relevant employee of a person,
  with the posts' pay and hours summed (pay per week where the posts' pay periods differ);
  ``separate`` makes each post a relevant employee of its own.

Money is summed in whole pence, so the collapse is exact and the totals per code reconcile
with the payroll's to the penny. Everything is whole-array numpy: 2.5 million lines take well
under a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parity.errors import InputError, Problem
from parity.paygap.codes import BONUS, CLASSES, EXCLUDED, LEAVE, ORDINARY, SACRIFICE, CodeTable
from parity.paygap.paylines import PayLines
from parity.paygap.service import as_payroll
from parity.paygap.validation import Payroll

POSTS = ("combined", "separate")
UNKNOWN = ("stop", "as-excluded")
MONTH_DAYS = 30.44  # para 6: a pay period of a month counts as 30.44 days
EPOCH = date(1970, 1, 1)
NO_DATE = np.iinfo(np.int32).min
MAX_LISTED = 200


def _day(value: date) -> int:
    return (value - EPOCH).days


def _date(day: int) -> date:
    return EPOCH + timedelta(days=int(day))


def period_days(start: date, end: date) -> float:
    """Days in a pay period for the hourly rate (para 6): 30.44 for a month (1 March to
    31 March, 16 March to 15 April), else the days from `start` to `end` inclusive."""
    import calendar

    year, month = (start.year, start.month + 1) if start.month < 12 else (start.year + 1, 1)
    last = calendar.monthrange(year, month)[1]
    month_on = date(year, month, min(start.day, last))
    if start.day > last:  # 31 January + a month is the end of February
        month_on = date(year, month, last) + timedelta(days=1)
    if end == month_on - timedelta(days=1):
        return MONTH_DAYS
    return float((end - start).days + 1)


@dataclass
class Collapsed:
    """The collapse of an extract: `payroll` (one row per relevant employee, in the order of
    `employee`), per-employee audit columns, the people left out and why, the totals per code,
    and the unknown codes treated as excluded (with ``--unknown-codes as-excluded``)."""

    payroll: Payroll
    employees: dict
    left_out: dict[str, int]
    reconciliation: list[dict]
    unknown_codes: list[dict] = field(default_factory=list)
    posts: str = "combined"
    snapshot: str = ""
    lines: int = 0
    lines_in_period: int = 0


def _code_classes(lines: PayLines, codes: CodeTable, unknown: str) -> tuple[np.ndarray,
                                                                           list[dict]]:
    labels = lines.code_labels.to_pylist()
    cls = np.array([codes.classes.get(c, -1) for c in labels], dtype=np.int8)
    missing = np.flatnonzero(cls < 0)
    found = []
    if len(missing):
        per_code_lines = np.bincount(lines.code_index, minlength=len(labels))
        per_code_total = np.bincount(lines.code_index, weights=lines.amount_pence,
                                     minlength=len(labels))
        is_missing = np.zeros(len(labels), bool)
        is_missing[missing] = True
        line_missing = is_missing[lines.code_index]
        pairs = np.unique(lines.code_index[line_missing].astype(np.int64) * len(lines.person_labels)
                          + lines.person_index[line_missing])
        people = np.bincount((pairs // len(lines.person_labels)).astype(np.int64),
                             minlength=len(labels))
        descriptions = _first_description(lines, missing)
        for c in missing:
            found.append({"code": labels[c], "description": descriptions.get(int(c), ""),
                          "lines": int(per_code_lines[c]), "people": int(people[c]),
                          "total_gbp": per_code_total[c] / 100.0})
        found.sort(key=lambda u: -abs(u["total_gbp"]))
        if unknown == "stop":
            raise InputError(
                f"{lines.file}: {len(found)} pay code(s) are not in {codes.file}; classify them "
                "(or give --unknown-codes as-excluded to leave them out, reported)",
                [Problem(lines.file, f"pay code {u['code']!r}"
                         + (f" ({u['description']})" if u["description"] else "")
                         + f": {u['lines']:,} lines, {u['people']:,} people, total "
                         f"£{u['total_gbp']:,.2f}", column="code") for u in found])
        cls = np.where(cls < 0, EXCLUDED, cls).astype(np.int8)
    return cls, found


def _first_description(lines: PayLines, code_ids: np.ndarray) -> dict[int, str]:
    if lines.description is None:
        return {}
    out = {}
    for c in code_ids:
        at = np.flatnonzero(lines.code_index == c)
        out[int(c)] = lines.description[int(at[0])].as_py() if len(at) else ""
    return out


def _first_of(group: np.ndarray, size: int) -> np.ndarray:
    """Index of the first element of each group (groups 0..size-1; -1 where empty)."""
    first = np.full(size, -1, dtype=np.int64)
    order = np.arange(len(group) - 1, -1, -1)
    first[group[order]] = order
    return first


def collapse(lines: PayLines, codes: CodeTable, *, snapshot: date, posts: str = "combined",
             unknown: str = "stop", totals: dict[str, float] | None = None,
             detail: bool = False) -> Collapsed:
    """One row per relevant employee from pay lines (rules in the module docstring).

    Raises `InputError` for unknown codes (unless `unknown` is ``as-excluded``), a person
    recorded with two sexes, a post with lines in two different pay periods holding the
    snapshot date, and negative ordinary pay after salary sacrifice. `totals` (code -> the
    payroll's own total for the relevant pay period, pounds) adds a difference per code to
    the reconciliation. `detail` adds each employee's codes (for the audit file).
    """
    if posts not in POSTS:
        raise InputError(f"--posts {posts!r}: expected combined or separate")
    if unknown not in UNKNOWN:
        raise InputError(f"--unknown-codes {unknown!r}: expected stop or as-excluded")
    cls_of_code, unknown_found = _code_classes(lines, codes, unknown)
    klass = cls_of_code[lines.code_index]
    n_people = len(lines.person_labels)
    n_posts = len(lines.post_labels)
    snap = _day(snapshot)

    # Pay periods: few distinct (start, end) pairs, so each is looked at once.
    key = (lines.period_start.astype(np.int64) << 32) | (lines.period_end.astype(np.int64)
                                                         & 0xFFFFFFFF)
    periods = pc.dictionary_encode(pa.array(key))
    pair = periods.indices.to_numpy()
    pair_keys = periods.dictionary.to_numpy()
    pair_start, pair_end = (pair_keys >> 32).astype(np.int64), \
        (pair_keys & 0xFFFFFFFF).astype(np.uint32).astype(np.int32).astype(np.int64)
    holds = (pair_start <= snap) & (snap <= pair_end)
    pair_days = np.array([period_days(_date(s), _date(e)) if h else 0.0
                          for s, e, h in zip(pair_start, pair_end, holds, strict=True)])
    relevant = holds[pair]

    # Posts: (person, post) pairs.
    unit_key = lines.person_index.astype(np.int64) * max(n_posts, 1) + lines.post_index
    units = pc.dictionary_encode(pa.array(unit_key))
    unit = units.indices.to_numpy().astype(np.int64)
    unit_keys = units.dictionary.to_numpy()
    n_units = len(unit_keys)
    unit_person = unit_keys // max(n_posts, 1)
    unit_post = unit_keys % max(n_posts, 1)

    problems: list[Problem] = []
    # Sex: one per person.
    person_sex = np.zeros(n_people, dtype=lines.sex_index.dtype)
    person_sex[lines.person_index] = lines.sex_index  # one of each person's lines, any one
    mixed_sex = np.unique(lines.person_index[lines.sex_index != person_sex[lines.person_index]])
    for p in mixed_sex[:MAX_LISTED]:
        problems.append(Problem(lines.file, f"person {lines.person_labels[int(p)].as_py()!r} is "
                                "recorded with more than one sex", column="sex"))

    rel_unit = unit[relevant]
    rel_days = pair_days[pair[relevant]]
    unit_days = np.zeros(n_units)
    unit_days[rel_unit] = rel_days
    split = np.unique(rel_unit[rel_days != unit_days[rel_unit]])
    for u in split[:MAX_LISTED]:
        problems.append(Problem(lines.file, f"person {_label(lines.person_labels, unit_person[u])!r}"
                                f"{_post_text(lines, unit_post[u])} has lines in two different "
                                "pay periods holding the snapshot date", column="period_end"))
    in_period = np.bincount(rel_unit, minlength=n_units)
    rel_klass = klass[relevant]
    rel_pence = lines.amount_pence[relevant]
    pay_mask = (rel_klass == ORDINARY) | (rel_klass == LEAVE) | (rel_klass == SACRIFICE)
    unit_pence = np.bincount(rel_unit[pay_mask], weights=rel_pence[pay_mask], minlength=n_units)
    unit_leave = np.bincount(rel_unit[rel_klass == LEAVE], minlength=n_units) > 0
    hours_mask = (rel_klass != EXCLUDED)
    rel_hours = lines.weekly_hours[relevant]
    unit_hours = np.full(n_units, np.nan)
    take = hours_mask & ~np.isnan(rel_hours)
    np.fmax.at(unit_hours, rel_unit[take], rel_hours[take])
    unit_hours = np.nan_to_num(unit_hours)
    bonus_days = np.array([codes.bonus_period_days.get(c, np.nan)
                           for c in lines.code_labels.to_pylist()])
    is_bonus = rel_klass == BONUS
    b_days = bonus_days[lines.code_index[relevant][is_bonus]]
    factor = np.where(np.isnan(b_days), 1.0, rel_days[is_bonus] / b_days)
    unit_bonus_period = np.bincount(rel_unit[is_bonus],
                                    weights=(rel_pence[is_bonus] / 100.0) * factor,
                                    minlength=n_units)
    window_from = _day(_year_before(snapshot))
    paid = (klass == BONUS) & (lines.paid_on > window_from) & (lines.paid_on <= snap)
    unit_bonus_12m = np.bincount(unit[paid], weights=lines.amount_pence[paid],
                                 minlength=n_units)

    # Employees: posts, or people with their posts added up.
    if posts == "separate":
        emp_of_unit = np.arange(n_units)
        n_emp = n_units
        emp_days = unit_days
        emp_pay = unit_pence / 100.0
        emp_bonus_period = unit_bonus_period
    else:
        emp_of_unit = unit_person
        n_emp = n_people
        live = in_period > 0
        low = np.full(n_emp, np.inf)
        high = np.full(n_emp, -np.inf)
        np.fmin.at(low, emp_of_unit[live], unit_days[live])
        np.fmax.at(high, emp_of_unit[live], unit_days[live])
        same = low == high
        weekly = np.where(unit_days > 0, 7.0 / np.where(unit_days > 0, unit_days, 1.0), 0.0)
        varied = ~same[emp_of_unit]
        pence = np.bincount(emp_of_unit, weights=np.where(varied, 0.0, unit_pence),
                            minlength=n_emp)
        per_week = np.bincount(emp_of_unit, weights=np.where(varied, unit_pence / 100.0 * weekly,
                                                             0.0), minlength=n_emp)
        emp_pay = np.where(same, pence / 100.0, per_week)
        emp_days = np.where(same, np.where(np.isfinite(low), low, 0.0), 7.0)
        bonus_same = np.bincount(emp_of_unit, weights=np.where(varied, 0.0, unit_bonus_period),
                                 minlength=n_emp)
        bonus_week = np.bincount(emp_of_unit, weights=np.where(varied, unit_bonus_period * weekly,
                                                               0.0), minlength=n_emp)
        emp_bonus_period = np.where(same, bonus_same, bonus_week)
    emp_hours = np.bincount(emp_of_unit, weights=unit_hours, minlength=n_emp)
    emp_lines = np.bincount(emp_of_unit, weights=in_period, minlength=n_emp)
    emp_leave = np.bincount(emp_of_unit, weights=unit_leave, minlength=n_emp) > 0
    emp_bonus_12m = np.bincount(emp_of_unit, weights=unit_bonus_12m, minlength=n_emp) / 100.0
    # The post that names the employee's worker type and grade: the one with most hours.
    order = np.lexsort((-unit_hours, emp_of_unit))
    main_unit = np.full(n_emp, -1, dtype=np.int64)
    first = np.ones(len(order), bool)
    first[1:] = emp_of_unit[order][1:] != emp_of_unit[order][:-1]
    main_unit[emp_of_unit[order][first]] = order[first]

    on_payroll = emp_lines > 0
    has_hours = emp_hours > 0
    negative = on_payroll & (emp_pay < 0)
    emp_person = unit_person[main_unit]
    for e in np.flatnonzero(negative)[:MAX_LISTED]:
        problems.append(Problem(lines.file, f"person {_label(lines.person_labels, emp_person[e])!r}"
                                f": ordinary pay in the relevant pay period is "
                                f"£{emp_pay[e]:,.2f}, below 0 after salary sacrifice",
                                column="amount"))
    too_long = on_payroll & (emp_hours > 168)
    for e in np.flatnonzero(too_long)[:MAX_LISTED]:
        problems.append(Problem(lines.file, f"person {_label(lines.person_labels, emp_person[e])!r}"
                                f": {emp_hours[e]:g} weekly hours over their posts, more than "
                                "the 168 hours of a week", column="weekly_hours"))
    if problems:
        raise InputError(f"{lines.file}: the pay lines have {len(problems)} problem(s); nothing "
                         "was computed", problems)

    included = on_payroll & has_hours
    left_out = {"no lines in the relevant pay period": int((~on_payroll).sum()),
                "no weekly working hours": int((on_payroll & ~has_hours).sum())}
    ids = _employee_ids(lines, posts, main_unit, unit_person, unit_post)
    emp_sex = person_sex[emp_person]
    keep = np.flatnonzero(included)
    columns = {
        "employee_id": ids.take(pa.array(keep)),
        "sex": lines.sex_labels.take(pa.array(emp_sex[keep])),
        "ordinary_pay": pa.array(emp_pay[keep]),
        "bonus_pay_in_period": pa.array(emp_bonus_period[keep]),
        "pay_period_days": pa.array(emp_days[keep]),
        "weekly_hours": pa.array(emp_hours[keep]),
        "full_pay": pa.array(~emp_leave[keep]),
        "bonus_pay_12m": pa.array(emp_bonus_12m[keep]),
    }
    line_of_main = _first_of(unit, n_units)[main_unit[keep]]
    for name in ("worker_type", "grade"):
        values = getattr(lines, name)
        if values is not None:
            columns[name] = values.take(pa.array(line_of_main)).cast(pa.string())
    if lines.start_date is not None:
        start = np.full(n_people, np.iinfo(np.int32).max, dtype=np.int64)
        known = lines.start_date != NO_DATE
        np.minimum.at(start, lines.person_index[known], lines.start_date[known])
        chosen = start[emp_person[keep]]
        mask = chosen == np.iinfo(np.int32).max
        columns["start_date"] = pa.array(np.where(mask, 0, chosen).astype(np.int32),
                                         pa.int32(), mask=mask).cast(pa.date32())
    payroll = as_payroll(pa.table(columns), file=lines.file)

    employees = {
        "lines_in_period": emp_lines[keep].astype(np.int64),
        "posts": np.bincount(emp_of_unit, weights=in_period > 0, minlength=n_emp)[keep]
        .astype(np.int64),
    }
    for k, name in enumerate(CLASSES):
        counts = np.bincount(unit[relevant][rel_klass == k], minlength=n_units)
        employees[f"{name}_lines"] = np.bincount(emp_of_unit, weights=counts,
                                                 minlength=n_emp)[keep].astype(np.int64)
    employees["person"] = lines.person_labels.take(pa.array(emp_person[keep]))
    if detail:
        employees["codes"] = _codes_per_employee(lines, klass, relevant | paid, unit,
                                                 emp_of_unit, n_emp)[keep]
    return Collapsed(
        payroll=payroll, employees=employees, left_out=left_out,
        reconciliation=reconcile(lines, codes, cls_of_code, relevant, paid, totals,
                                 {u["code"]: u["description"] for u in unknown_found}),
        unknown_codes=unknown_found, posts=posts, snapshot=snapshot.isoformat(),
        lines=len(lines), lines_in_period=int(relevant.sum()))


def _year_before(snapshot: date) -> date:
    try:
        return snapshot.replace(year=snapshot.year - 1)
    except ValueError:  # 29 February
        return snapshot.replace(year=snapshot.year - 1, day=28)


def _label(labels: pa.Array, index: int | np.integer) -> str:
    return str(labels[int(index)].as_py())


def _post_text(lines: PayLines, post: int | np.integer) -> str:
    label = _label(lines.post_labels, post)
    return f" post {label!r}" if label else ""


def _employee_ids(lines: PayLines, posts: str, main_unit: np.ndarray, unit_person: np.ndarray,
                  unit_post: np.ndarray) -> pa.Array:
    people = lines.person_labels.take(pa.array(unit_person[main_unit]))
    if posts == "combined":
        return people
    post = lines.post_labels.take(pa.array(unit_post[main_unit]))
    joined = pc.binary_join_element_wise(people, post, "/")
    return pc.if_else(pc.equal(post, ""), people, joined)


def _codes_per_employee(lines: PayLines, klass: np.ndarray, used: np.ndarray, unit: np.ndarray,
                        emp_of_unit: np.ndarray, n_emp: int) -> np.ndarray:
    """``CODE:class amount; ...`` of each employee's lines used (relevant period, and bonus
    paid in the 12 months)."""
    at = np.flatnonzero(used)
    emp = emp_of_unit[unit[at]]
    order = at[np.argsort(emp, kind="stable")]
    counts = np.bincount(emp, minlength=n_emp)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    code_class = pa.array([f"{c}:{CLASSES[k]}" for c, k in zip(
        lines.code_labels.to_pylist(), _class_per_code(lines, klass), strict=True)])
    labels = pc.binary_join_element_wise(
        code_class.take(pa.array(lines.code_index[order])),
        pc.cast(pa.array(lines.amount_pence[order] / 100.0), pa.string()), " ")
    listed = pa.ListArray.from_arrays(pa.array(offsets), labels)
    return np.asarray(pc.binary_join(listed, "; ").to_pylist(), dtype=object)


def _class_per_code(lines: PayLines, klass: np.ndarray) -> np.ndarray:
    out = np.full(len(lines.code_labels), EXCLUDED, dtype=np.int8)
    out[lines.code_index] = klass
    return out


def reconcile(lines: PayLines, codes: CodeTable, cls_of_code: np.ndarray, relevant: np.ndarray,
              paid: np.ndarray, totals: dict[str, float] | None,
              described: dict[str, str] | None = None) -> list[dict]:
    """Per pay code: class, lines, people, the total of all its lines, of its lines in the
    relevant pay period, of bonus paid in the 12 months; and against the payroll's own
    period totals (`totals`) where given, the difference (pounds)."""
    n = len(lines.code_labels)
    people_n = len(lines.person_labels)
    cells = lines.code_index.astype(np.int64) * people_n + lines.person_index
    if n * people_n <= 200_000_000:  # a code x person grid of flags: no sort
        grid = np.zeros(n * people_n, dtype=bool)
        grid[cells] = True
        people = grid.reshape(n, people_n).sum(1)
    else:
        people = np.bincount(np.unique(cells) // people_n, minlength=n)
    count = np.bincount(lines.code_index, minlength=n)
    total = np.bincount(lines.code_index, weights=lines.amount_pence, minlength=n)
    period = np.bincount(lines.code_index[relevant], weights=lines.amount_pence[relevant],
                         minlength=n)
    bonus = np.bincount(lines.code_index[paid], weights=lines.amount_pence[paid], minlength=n)
    rows = []
    for i, code in enumerate(lines.code_labels.to_pylist()):
        row = {"code": code,
               "description": codes.descriptions.get(code, (described or {}).get(code, "")),
               "class": CLASSES[int(cls_of_code[i])], "lines": int(count[i]),
               "people": int(people[i]), "total_gbp": total[i] / 100.0,
               "period_gbp": period[i] / 100.0,
               "bonus_12m_gbp": bonus[i] / 100.0 if cls_of_code[i] == BONUS else None}
        if totals is not None:
            theirs = totals.get(code)
            row["payroll_period_gbp"] = theirs
            row["difference_gbp"] = None if theirs is None else \
                round(row["period_gbp"] - theirs, 2)
        rows.append(row)
    if totals is not None:
        for code, theirs in totals.items():
            if code not in set(lines.code_labels.to_pylist()):
                rows.append({"code": code, "description": codes.descriptions.get(code, ""),
                             "class": CLASSES[codes.classes[code]] if code in codes.classes
                             else "unknown", "lines": 0, "people": 0, "total_gbp": 0.0,
                             "period_gbp": 0.0, "bonus_12m_gbp": None,
                             "payroll_period_gbp": theirs, "difference_gbp": round(-theirs, 2)})
    rows.sort(key=lambda r: (CLASSES.index(r["class"]) if r["class"] in CLASSES else 9,
                             r["code"]))
    return rows
