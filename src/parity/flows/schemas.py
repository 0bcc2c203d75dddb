"""The shapes of what the flows service returns (the JSON of ``parity flows`` and ``parity
project``), for the web, the report and other domains. A test checks real answers against
these keys, so they stay true.

Shares are fractions in [0, 1]; rates are fractions a year; None (JSON null) where a figure is
suppressed (a group under 10 people) or undefined.
"""

from __future__ import annotations

from typing import TypedDict


class FlowCell(TypedDict):
    """One officer rank and sex in one flows year."""

    start: int | None
    joiners: int | None
    changed_in: int | None
    promotions_in: int | None
    promotions_out: int | None
    leavers: int | None
    changed_out: int | None
    end: int | None
    leavers_by_reason: dict[str, int | None]
    promotion_rate: float | None
    leaving_rate: float | None
    joining_rate: float | None
    suppressed: bool


class RateRatio(TypedDict):
    """Women's rate over men's with its interval (docs/decisions/0400)."""

    ratio: float | None
    ci_low: float | None
    ci_high: float | None  # None: unbounded
    level: float
    method: str
    suppressed: bool


class FlowsResult(TypedDict):
    """`service.flows`: ``ranks`` holds, per rank, ``rank``, ``label``, a `FlowCell` under
    ``female``, ``male`` and ``other``, and ``ratios`` ({"promotion", "leaving"}:
    `RateRatio`); ``all_ranks`` the same over every rank."""

    force_id: str
    force: str
    year: int
    period_start: str
    period_end: str
    ranks: list[dict]
    all_ranks: dict
    identity_holds: bool
    pipeline: dict
    reconciliation: dict
    min_group: int
    suppressed: bool
    interval: str


class ProjectionYear(TypedDict):
    """One projected 31 March: rank group -> median share of women over the runs, and the 5th
    and 95th percentiles."""

    year: int
    share_female: dict[str, float | None]
    share_female_low: dict[str, float | None]
    share_female_high: dict[str, float | None]


class ScenarioResult(TypedDict):
    name: str
    label: str
    settings: dict
    years: list[ProjectionYear]
    parity_year: int | None
    parity_probability: float | None
    parity_year_by_runs: dict[str, int | None]


class ProjectionResult(TypedDict):
    """`service.project` (the JSON of ``parity project``)."""

    area: str
    area_kind: str
    from_year: int
    to_year: int
    years_ahead: int
    runs: int
    seed: int
    measure: str
    target: float | None
    parity_definition: str
    scenario: dict
    rates: dict
    rates_source: str
    notes: list[str]
    years: list[ProjectionYear]
    parity_year: int | None
    parity_probability: float | None
    parity_year_by_runs: dict[str, int | None]
    scenarios: list[ScenarioResult]


class ChartSeries(TypedDict):
    scenario: str
    label: str
    values: list[float | None]
    low: list[float | None]
    high: list[float | None]
    parity_year: int | None


class ChartData(TypedDict):
    """`service.chart_data` / `service.projection_chart`."""

    area: str
    group: str
    measure: str
    x: list[int]
    reference: dict
    series: list[ChartSeries]
