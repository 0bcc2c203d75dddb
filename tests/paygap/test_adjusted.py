"""The adjusted gap (Oaxaca–Blinder): agrees with statsmodels, and behaves as it should."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pytest

from parity.errors import InputError
from parity.paygap.adjusted import _parts, decompose, design
from parity.paygap.validation import check_payroll

SNAPSHOT = date(2023, 3, 31)


def payroll(n: int = 400, *, penalty: float = 0.0, seed: int = 1):  # noqa: ANN201
    """Men more often in the higher grade; women paid `penalty` (log points) less within it."""
    rng = np.random.default_rng(seed)
    female = rng.random(n) < 0.5
    senior = rng.random(n) < np.where(female, 0.2, 0.5)
    service = rng.uniform(0, 20, n)
    log_pay = 2.5 + 0.4 * senior + 0.01 * service - penalty * female + rng.normal(0, 0.05, n)
    start = np.datetime64(SNAPSHOT) - (service * 365.25).astype("timedelta64[D]")
    table = pa.table({
        "employee_id": [str(i) for i in range(n)], "sex": np.where(female, "F", "M"),
        "ordinary_pay": np.exp(log_pay) * 10, "bonus_pay_in_period": np.zeros(n),
        "pay_period_days": np.full(n, 7.0), "weekly_hours": np.full(n, 10.0),
        "full_pay": np.full(n, True), "bonus_pay_12m": np.zeros(n),
        "grade": np.where(senior, "Senior", "Junior"), "start_date": start,
    })
    result, problems = check_payroll(table, file="t")
    assert not problems
    return result


def test_decomposition_matches_statsmodels_and_parts_add_up():
    p = payroll(penalty=0.05)
    result = decompose(p, snapshot=SNAPSHOT, bootstrap=50, seed=3)
    y, x, female, names = design(p, snapshot=SNAPSHOT)
    gap, explained, unexplained = _parts(y, x, female)
    assert result["gap"]["log_points"] == pytest.approx(gap)
    assert result["explained"]["log_points"] == pytest.approx(explained)
    assert result["unexplained"]["log_points"] == pytest.approx(unexplained)
    assert gap == pytest.approx(explained + unexplained)
    assert names == ["const", "grade=Senior", "service_years"]   # hours never vary here
    # The planted within-grade penalty of 0.05 is found, with an interval around it.
    assert result["unexplained"]["ci_low"] < 0.05 < result["unexplained"]["ci_high"]


def test_no_penalty_means_the_gap_is_explained():
    result = decompose(payroll(penalty=0.0, n=600), snapshot=SNAPSHOT, bootstrap=50)
    assert result["explained"]["log_points"] > 0.05
    assert result["unexplained"]["ci_low"] < 0 < result["unexplained"]["ci_high"]


def test_the_bootstrap_is_repeatable_for_a_seed():
    p = payroll()
    a = decompose(p, snapshot=SNAPSHOT, bootstrap=30, seed=9)
    b = decompose(p, snapshot=SNAPSHOT, bootstrap=30, seed=9)
    assert a == b


def test_too_few_people_of_one_sex_is_refused():
    with pytest.raises(InputError, match="at least 10"):
        decompose(payroll(n=12), snapshot=SNAPSHOT, bootstrap=10)
