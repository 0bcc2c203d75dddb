"""Property: pay lines collapsed by Parity and by hand to one row give the same six figures."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from parity.paygap import metrics, service
from parity.paygap.codes import police_codes
from parity.paygap.collapse import collapse
from parity.paygap.paylines import Mapping, _check

SNAPSHOT = date(2023, 3, 31)
MARCH, FEBRUARY, JUNE = ("2023-03-01", "2023-03-31"), ("2023-02-01", "2023-02-28"), \
    ("2022-06-01", "2022-06-30")
CODES = {"BASIC": "ordinary", "SE_ALLOWANCE": "ordinary", "SHIFT_ALLOWANCE": "ordinary",
         "OVERTIME": "excluded", "TAX": "excluded", "EXPENSES": "excluded", "BONUS": "bonus",
         "SMP": "leave", "SICK_HALF": "leave", "SACRIFICE_CYCLE": "sacrifice"}
KEYS = ("mean_hourly_gap_pct", "median_hourly_gap_pct", "mean_bonus_gap_pct",
        "median_bonus_gap_pct", "male_bonus_pct", "female_bonus_pct", "quarters")


@st.composite
def extracts(draw):  # noqa: ANN001, ANN201
    """Pay lines of 1-25 people, 1-2 posts each, lines of every class in March, some in
    February and June (outside the relevant pay period)."""
    rows = []
    for p in range(draw(st.integers(1, 25))):
        sex = draw(st.sampled_from(["M", "F", "F", "M", "Not stated"]))
        for post in range(draw(st.integers(1, 2))):
            hours = draw(st.sampled_from([7.5, 15.0, 20.0, 37.0, 40.0]))
            basic = draw(st.integers(50_000, 600_000)) / 100
            rows.append((f"P{p}", f"{p}-{post}", sex, "BASIC", basic, MARCH, hours))
            for code in draw(st.lists(st.sampled_from(sorted(CODES)), max_size=4)):
                amount = draw(st.integers(1, 40_000)) / 100
                if CODES[code] == "sacrifice":
                    amount = -min(amount, basic / 8)
                period = draw(st.sampled_from([MARCH, MARCH, FEBRUARY, JUNE]))
                rows.append((f"P{p}", f"{p}-{post}", sex, code, amount, period,
                             draw(st.sampled_from([hours, None]))))
    return rows


def by_hand(rows: list[tuple]) -> pa.Table:
    """The rules written out plainly, one person at a time (posts combined)."""
    people: dict[str, dict] = defaultdict(lambda: {"pay": 0, "bonus_p": 0.0, "bonus_12m": 0,
                                                   "hours": defaultdict(float), "leave": False,
                                                   "sex": None})
    for person, post, sex, code, amount, period, hours in rows:
        who = people[person]
        who["sex"] = sex
        pence = round(amount * 100)
        kind = CODES[code]
        in_march = period == MARCH
        if kind == "bonus":
            who["bonus_12m"] += pence
            if in_march:
                who["bonus_p"] += (pence / 100.0) * (30.44 / 365.0)
        if not in_march:
            continue
        if kind in ("ordinary", "leave", "sacrifice"):
            who["pay"] += pence
        if kind == "leave":
            who["leave"] = True
        if kind != "excluded" and hours is not None:
            who["hours"][post] = max(who["hours"][post], hours)
    ids = sorted(people, key=lambda p: int(p[1:]))
    return pa.table({
        "employee_id": ids, "sex": [people[p]["sex"] for p in ids],
        "ordinary_pay": [people[p]["pay"] / 100.0 for p in ids],
        "bonus_pay_in_period": [people[p]["bonus_p"] for p in ids],
        "pay_period_days": [30.44] * len(ids),
        "weekly_hours": [sum(people[p]["hours"].values()) for p in ids],
        "full_pay": [not people[p]["leave"] for p in ids],
        "bonus_pay_12m": [people[p]["bonus_12m"] / 100.0 for p in ids],
    })


@settings(max_examples=60, deadline=None)
@given(extracts())
def test_lines_and_the_hand_collapse_give_the_same_figures(rows):
    mapping = Mapping(file="t", columns={f: f for f in (
        "person", "post", "sex", "code", "amount", "period_start", "period_end",
        "weekly_hours")})
    table = pa.table({
        "person": [r[0] for r in rows], "post": [r[1] for r in rows],
        "sex": [r[2] for r in rows], "code": [r[3] for r in rows],
        "amount": [r[4] for r in rows],
        "period_start": [r[5][0] for r in rows], "period_end": [r[5][1] for r in rows],
        "weekly_hours": pa.array([r[6] for r in rows], pa.float64()),
    })
    lines = _check(table, mapping.columns, mapping, file="t", sheet=None, row_base=2)
    collapsed = collapse(lines, police_codes(), snapshot=SNAPSHOT)
    ours = metrics.six_figures(collapsed.payroll)
    theirs = metrics.six_figures(service.as_payroll(by_hand(rows)))
    assert {k: ours[k] for k in KEYS} == {k: theirs[k] for k in KEYS}
    assert collapsed.payroll.employee_id.to_pylist() == by_hand(rows).column(0).to_pylist()
