"""Fixtures for the pay gap tests: small payroll extracts built by code."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

COLUMNS = ("employee_id", "sex", "ordinary_pay", "bonus_pay_in_period", "pay_period_days",
           "weekly_hours", "full_pay", "bonus_pay_12m")


def person(employee_id: object, sex: str, hourly: float, **extra: object) -> dict:
    """One employee paid `hourly` pounds an hour: a 7-day pay period of 10 hours a week, so
    ordinary pay = hourly x 10 (the rate formula gives back `hourly`)."""
    row = {"employee_id": employee_id, "sex": sex, "ordinary_pay": hourly * 10,
           "bonus_pay_in_period": "", "pay_period_days": 7, "weekly_hours": 10,
           "full_pay": "true", "bonus_pay_12m": ""}
    row.update(extra)
    return row


def write_csv(path: Path, rows: list[dict], columns: tuple[str, ...] | None = None) -> Path:
    columns = columns or tuple(dict.fromkeys([*COLUMNS, *(k for r in rows for k in r)]))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


@pytest.fixture
def payroll_file(tmp_path):  # noqa: ANN001, ANN201
    """Write rows (dicts) as a payroll CSV in the test's folder; returns its path."""
    def make(rows: list[dict], name: str = "payroll.csv", **kwargs: object) -> Path:
        return write_csv(tmp_path / name, rows, **kwargs)

    return make
