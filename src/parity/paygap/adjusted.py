"""The adjusted gap: an Oaxaca–Blinder decomposition of the gap in log hourly pay.

Model: log hourly pay of full-pay men and women on grade (one indicator per grade, the
commonest as reference), weekly hours and length of service in years (from ``start_date`` to
the snapshot date, where the extract has it). Two-fold decomposition with the pooled model's
coefficients (fitted on men and women together with a sex indicator; Fortin 2008, Jann 2008)
as the non-discriminatory reference, fitted with statsmodels' `OaxacaBlinder`:

    gap         = mean log pay of men - mean log pay of women
    explained   = (mean X of men - mean X of women) . pooled coefficients
    unexplained = gap - explained

Uncertainty: a bootstrap that resamples men and women separately (so each replicate has the
same numbers of each), refits the three regressions and reports the standard error and the
2.5th and 97.5th percentiles (decision 0303 says why not the delta method).
"""

from __future__ import annotations

from datetime import date

import numpy as np

from parity.errors import InputError
from parity.paygap import metrics
from parity.paygap.validation import FEMALE, MALE, Payroll, encoded

MIN_PER_SEX = 10


def design(payroll: Payroll, *, snapshot: date, rate: np.ndarray | None = None
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """(log pay, covariates with a constant first, is_female, covariate names) for the full-pay
    men and women with a positive hourly rate (and a start date, when the extract has them)."""
    rate = metrics.hourly_rate(payroll) if rate is None else rate
    keep = ((payroll.sex == MALE) | (payroll.sex == FEMALE)) & payroll.full_pay & (rate > 0)
    columns: list[np.ndarray] = []
    names: list[str] = []
    service = None
    if payroll.start_date is not None:
        service = (np.datetime64(snapshot, "D") - payroll.start_date).astype("float64") / 365.25
        keep &= ~np.isnan(service)
    if payroll.grade is not None:
        codes, labels = encoded(payroll.grade)
        codes = np.where(codes < 0, len(labels), codes)
        labels = [*labels, ""]
        counts = np.bincount(codes[keep], minlength=len(labels))
        reference = int(np.argmax(counts))
        for code in np.flatnonzero(counts):
            if code != reference:
                columns.append((codes == code).astype(float))
                names.append(f"grade={labels[code]}")
    columns.append(payroll.weekly_hours)
    names.append("weekly_hours")
    if service is not None:
        columns.append(service)
        names.append("service_years")
    x = np.column_stack([np.ones(len(payroll)), *columns])[keep]
    # A covariate that does not vary (everyone on the same hours) says nothing and would make
    # the regressions rank-deficient: leave it out.
    varies = np.r_[True, np.ptp(x[:, 1:], axis=0) > 0] if len(x) else np.ones(x.shape[1], bool)
    names = [n for n, v in zip(["const", *names], varies, strict=True) if v]
    return np.log(rate[keep]), x[:, varies], payroll.sex[keep] == FEMALE, names


def _parts(y: np.ndarray, x: np.ndarray, female: np.ndarray) -> tuple[float, float, float]:
    """(gap, explained, unexplained) by least squares — the same formulas as statsmodels'
    pooled two-fold decomposition, without its per-fit overhead (for the bootstrap)."""
    pooled = np.linalg.lstsq(np.column_stack([x, female.astype(float)]), y, rcond=None)[0][:-1]
    xm, xf = x[~female].mean(axis=0), x[female].mean(axis=0)
    gap = float(y[~female].mean() - y[female].mean())
    explained = float((xm - xf) @ pooled)
    return gap, explained, gap - explained


def decompose(payroll: Payroll, *, snapshot: date, bootstrap: int = 200, seed: int = 0,
              rate: np.ndarray | None = None, progress=None) -> dict:  # noqa: ANN001
    """The decomposition with its uncertainty, JSON-ready (log points and percentages).

    `progress`, if given, is called with the number of resamples done after each one.
    """
    from statsmodels.stats.oaxaca import OaxacaBlinder  # deferred: statsmodels costs ~2 s at start-up

    y, x, female, names = design(payroll, snapshot=snapshot, rate=rate)
    men, women = int((~female).sum()), int(female.sum())
    if men < MIN_PER_SEX or women < MIN_PER_SEX:
        raise InputError(f"the adjusted gap needs at least {MIN_PER_SEX} full-pay men and "
                         f"women (found {men} men, {women} women)")
    # Sex indicator last; swap=False keeps men (indicator 0) as the first group.
    exog = np.column_stack([x, female.astype(float)])
    model = OaxacaBlinder(y, exog, bifurcate=exog.shape[1] - 1, hasconst=True, swap=False)
    unexplained, explained, gap = model.two_fold(two_fold_type="pooled").params
    rng = np.random.default_rng(seed)
    male_rows, female_rows = np.flatnonzero(~female), np.flatnonzero(female)
    draws = np.empty((bootstrap, 3))
    for i in range(bootstrap):
        rows = np.concatenate([rng.choice(male_rows, men), rng.choice(female_rows, women)])
        draws[i] = _parts(y[rows], x[rows], female[rows])
        if progress is not None:
            progress(i + 1)

    def part(value: float, column: int) -> dict:
        out = {"log_points": float(value), "pct": float((1.0 - np.exp(-value)) * 100.0)}
        if bootstrap >= 2:
            low, high = np.percentile(draws[:, column], [2.5, 97.5])
            out.update({"se": float(draws[:, column].std(ddof=1)), "ci_low": float(low),
                        "ci_high": float(high)})
        return out

    return {
        "method": "Oaxaca-Blinder two-fold decomposition, pooled reference with sex indicator "
                  "(statsmodels OaxacaBlinder)",
        "outcome": "log hourly pay, full-pay men and women",
        "covariates": names[1:],
        "employees": int(len(y)), "male": men, "female": women,
        "gap": part(gap, 0), "explained": part(explained, 1),
        "unexplained": part(unexplained, 2),
        "share_explained": float(explained / gap) if gap else None,
        "uncertainty": f"bootstrap, {bootstrap} resamples of men and of women separately; "
                       "95% percentile intervals" if bootstrap >= 2 else "none",
        "seed": seed,
    }
