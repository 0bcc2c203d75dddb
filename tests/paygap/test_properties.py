"""Properties of the statutory figures that must hold for any payroll (hypothesis)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parity.paygap import metrics
from parity.paygap.validation import check_payroll

SEXES = ("M", "F", "Male", "Female", "Not stated")


@st.composite
def payrolls(draw, min_size: int = 1, max_size: int = 60):  # noqa: ANN001, ANN201
    """Payrolls with few distinct pay levels (so ties across boundaries are common)."""
    n = draw(st.integers(min_size, max_size))
    levels = draw(st.lists(st.integers(1, 60), min_size=1, max_size=5))
    return {
        "sex": draw(st.lists(st.sampled_from(SEXES), min_size=n, max_size=n)),
        "pay": [float(levels[i % len(levels)]) * 100 for i in
                draw(st.lists(st.integers(0, 10), min_size=n, max_size=n))],
        "hours": draw(st.lists(st.sampled_from([10.0, 20.0, 37.5, 40.0]), min_size=n,
                               max_size=n)),
        "full": draw(st.lists(st.booleans(), min_size=n, max_size=n)),
        "bonus": draw(st.lists(st.sampled_from([0.0, 0.0, 50.0, 120.0, 999.0]), min_size=n,
                               max_size=n)),
    }


def build(data: dict, *, order=None, scale: float = 1.0, ids=None):  # noqa: ANN001, ANN201
    n = len(data["sex"])
    order = np.arange(n) if order is None else np.asarray(order)
    ids = [f"E{i}" for i in range(n)] if ids is None else ids
    pick = lambda key: [data[key][i] for i in order]  # noqa: E731
    table = pa.table({
        "employee_id": [ids[i] for i in order], "sex": pick("sex"),
        "ordinary_pay": [p * scale for p in pick("pay")],
        "bonus_pay_in_period": [0.0] * n, "pay_period_days": [30.0] * n,
        "weekly_hours": pick("hours"), "full_pay": pick("full"),
        "bonus_pay_12m": [b * scale for b in pick("bonus")],
    })
    payroll, problems = check_payroll(table, file="test")
    assert not problems
    return payroll


KEYS = ("mean_hourly_gap_pct", "median_hourly_gap_pct", "mean_bonus_gap_pct",
        "median_bonus_gap_pct", "male_bonus_pct", "female_bonus_pct")


def same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return b == pytest.approx(a, rel=1e-9, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(payrolls())
def test_quarter_shares_add_to_100_and_quarters_are_as_equal_as_possible(data):
    result = metrics.six_figures(build(data))
    sizes = [q["employees"] for q in result["quarters"]]
    assert sum(sizes) == result["counts"]["full_pay_male"] + result["counts"]["full_pay_female"]
    assert max(sizes) - min(sizes) <= 1
    for q in result["quarters"]:
        if q["employees"]:
            assert q["male_pct"] + q["female_pct"] == pytest.approx(100.0)
    fields = metrics.service_fields(result)
    for name in ("Lower", "LowerMiddle", "UpperMiddle", "Top"):
        if fields[f"Male{name}Quartile"] is not None:
            assert fields[f"Male{name}Quartile"] + fields[f"Female{name}Quartile"] == \
                pytest.approx(100.0)


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 50), st.data())
def test_equal_pay_gives_zero_gaps(n, draw):
    sexes = draw.draw(st.lists(st.sampled_from(("M", "F")), min_size=n, max_size=n)
                      .filter(lambda s: "M" in s and "F" in s))
    data = {"sex": sexes, "pay": [2500.0] * n, "hours": [37.5] * n, "full": [True] * n,
            "bonus": [100.0] * n}
    result = metrics.six_figures(build(data))
    for key in KEYS[:4]:
        assert result[key] == 0.0
    assert result["male_bonus_pct"] == result["female_bonus_pct"] == 100.0
    assert result["pence_per_pound"] == 100.0


@settings(max_examples=150, deadline=None)
@given(payrolls(), st.randoms(use_true_random=False))
def test_relabelling_and_reordering_employees_changes_nothing(data, random):
    n = len(data["sex"])
    order = list(range(n))
    random.shuffle(order)
    ids = [f"X{random.randrange(10**9)}-{i}" for i in range(n)]
    a = metrics.six_figures(build(data))
    b = metrics.six_figures(build(data, order=order, ids=ids))
    for key in KEYS:
        assert same(a[key], b[key]), key
    assert [(q["male"], q["female"]) for q in a["quarters"]] == \
        [(q["male"], q["female"]) for q in b["quarters"]]


@settings(max_examples=150, deadline=None)
@given(payrolls(), st.sampled_from([0.5, 2.0, 3.0, 10.0, 1.07]))
def test_scaling_all_pay_changes_no_percentage(data, factor):
    a = metrics.six_figures(build(data))
    b = metrics.six_figures(build(data, scale=factor))
    for key in KEYS:
        assert same(a[key], b[key]), key
    for qa, qb in zip(a["quarters"], b["quarters"], strict=True):
        assert same(qa["male_pct"], qb["male_pct"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.booleans()), min_size=1, max_size=80))
def test_each_tied_group_is_shared_in_proportion(people):
    rate = np.array([float(r) for r, _ in people])
    male = np.array([m for _, m in people])
    quarter = metrics.assign_quarters(rate, male)
    bounds = metrics.quarter_bounds(len(rate))
    assert np.array_equal(np.bincount(quarter, minlength=4), np.diff(bounds))
    for value in set(rate.tolist()):
        members = rate == value
        size, men = int(members.sum()), int(male[members].sum())
        for q in range(4):
            seats = int((quarter[members] == q).sum())
            men_here = int((quarter[members & male] == q).sum())
            assert abs(men_here - seats * men / size) < 1.0
        # Anyone on a higher rate is in the same quarter or a higher one.
        higher = rate > value
        if higher.any():
            assert quarter[members].max() <= quarter[higher].min()


@settings(max_examples=200, deadline=None)
@given(payrolls())
def test_the_audit_trail_quarters_match_the_published_quarters(data):
    payroll = build(data)
    result = metrics.six_figures(payroll)
    audit = metrics.audit_table(payroll).to_pydict()
    for q, name in zip(result["quarters"], metrics.QUARTERS, strict=True):
        inside = [s for s, quarter in zip(audit["sex_category"], audit["pay_quarter"],
                                          strict=True) if quarter == name]
        assert inside.count("male") == q["male"]
        assert inside.count("female") == q["female"]


@settings(max_examples=300, deadline=None)
@given(payrolls(min_size=4, max_size=200))
def test_the_returns_parity_computes_never_fail_the_checker(data):
    # The figures ready to submit, checked by the checker of published returns: a correct
    # calculation must pass every rule, including the "impossible return" rules for head
    # counts that do not divide by four (quarters of unequal size).
    from parity.context.returns_checks import check_return
    from parity.context.returns_importer import FIGURES

    result = metrics.six_figures(build(data))
    counts = result["counts"]
    if min(counts["full_pay_male"], counts["full_pay_female"]) < 1 \
            or counts["full_pay_male"] + counts["full_pay_female"] < 4:
        return  # the hourly figures or a quarter cannot be computed: nothing to submit
    fields = metrics.service_fields(result)
    record = {FIGURES[name]: value for name, value in fields.items()}
    record.update(snapshot_year=2023, employer_name="Parity", employer_id=None,
                  source_row=None, force_id=None)
    assert [(f.rule, f.message) for f in check_return(record)] == []
