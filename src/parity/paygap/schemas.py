"""The shape of what `service.compute_figures` returns (for the API, dashboard and report).

Percentages (`*_pct`) are unrounded numbers such as 12.5; money (`*_gbp`) in pounds; None where
a figure cannot be computed (decision 0300). `ServiceFields` are rounded to one decimal place.
"""

from __future__ import annotations

from typing import TypedDict


class Quarter(TypedDict):
    quarter: str                       # lower, lower_middle, upper_middle, upper
    employees: int
    male: int
    female: int
    male_pct: float | None
    female_pct: float | None
    min_hourly_gbp: float | None
    max_hourly_gbp: float | None
    mean_hourly_gap_pct: float | None  # within the quarter
    median_hourly_gap_pct: float | None


class Counts(TypedDict):
    employees: int
    male: int
    female: int
    other_sex: int
    full_pay_male: int
    full_pay_female: int
    not_full_pay: int
    male_paid_bonus: int
    female_paid_bonus: int


class ServiceFields(TypedDict):
    DiffMeanHourlyPercent: float | None
    DiffMedianHourlyPercent: float | None
    DiffMeanBonusPercent: float | None
    DiffMedianBonusPercent: float | None
    MaleBonusPercent: float | None
    FemaleBonusPercent: float | None
    MaleLowerQuartile: float | None
    FemaleLowerQuartile: float | None
    MaleLowerMiddleQuartile: float | None
    FemaleLowerMiddleQuartile: float | None
    MaleUpperMiddleQuartile: float | None
    FemaleUpperMiddleQuartile: float | None
    MaleTopQuartile: float | None
    FemaleTopQuartile: float | None


class Figures(TypedDict, total=False):
    file: str
    snapshot: str
    snapshot_inferred: bool
    mean_hourly_gap_pct: float | None
    median_hourly_gap_pct: float | None
    mean_bonus_gap_pct: float | None
    median_bonus_gap_pct: float | None
    male_bonus_pct: float | None
    female_bonus_pct: float | None
    quarters: list[Quarter]
    pence_per_pound: float | None
    pence_per_pound_mean: float | None
    male_mean_hourly_gbp: float | None
    female_mean_hourly_gbp: float | None
    male_median_hourly_gbp: float | None
    female_median_hourly_gbp: float | None
    male_mean_bonus_gbp: float | None
    female_mean_bonus_gbp: float | None
    male_median_bonus_gbp: float | None
    female_median_bonus_gbp: float | None
    counts: Counts
    other_sex_values: dict[str, int]
    service_fields: ServiceFields
    by: str
    groups: list[dict]                 # per worker type or grade; suppressed under 10
    adjusted: dict                     # see parity.paygap.adjusted.decompose
