"""What other domains and the front ends call for the statutory gender pay gap.

- `read_payroll(path)` — read and check a payroll extract (CSV, XLSX, Parquet);
- `compute_figures(payroll, *, snapshot=None, by=None, adjusted=False)` — the six figures and
  everything around them, as one JSON-ready dict (`payroll` may also be a pyarrow Table or a
  pandas DataFrame with the extract's columns: it is checked first);
- `shown(figures)` — the figures as they may be shown (groups under 10 withheld);
- `service_fields(figures)` — the figures under the gender pay gap service's field names;
- `audit_trail(payroll)` / `write_audit(payroll, out)` — one row per employee;
- `synth_payroll(session, *, force, year, rows=None, seed=0, out)` — a synthetic extract.

Payroll extracts are private: nothing here stores them. Units: money in pounds, hourly rates in
pounds per hour, gaps and proportions as percentages (12.5 means 12.5%), unrounded; the
service-field output is rounded to one decimal place.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from parity import calendar, disclosure
from parity.errors import InputError
from parity.forces import registry
from parity.paygap import metrics, synth
from parity.paygap.adjusted import decompose
from parity.paygap.importer import read_payroll
from parity.paygap.validation import Payroll, check_payroll
from parity.present.cells import write_arrow_csv

if TYPE_CHECKING:  # a type only: `paygap compute` reads a file and never opens the database
    from sqlalchemy.orm import Session

__all__ = ["read_payroll", "as_payroll", "compute_figures", "service_fields", "audit_trail",
           "write_audit", "check_output", "default_snapshot", "infer_snapshot", "synth_payroll",
           "adjusted_gap", "shown"]
BY_CHOICES = ("worker_type", "grade")


def default_snapshot(today: date | None = None) -> date:
    """The latest 31 March on or before `today`: the public-sector snapshot date."""
    return calendar.snapshot_date(calendar.snapshot_year(today or calendar.today()))


def infer_snapshot(payroll: Payroll) -> date:
    """The snapshot date when none is given: the first 31 March on or after the latest start
    date in the extract (everyone on it was employed on the snapshot date, and a large force
    always has someone who joined in the last year), else the latest 31 March before today."""
    latest = default_snapshot()
    if payroll.start_date is None or not (~np.isnat(payroll.start_date)).any():
        return latest
    newest = payroll.start_date[~np.isnat(payroll.start_date)].max().astype(date)
    candidate = calendar.snapshot_date(calendar.next_snapshot_year(newest))
    return min(candidate, latest)


def as_payroll(data, *, file: str = "table") -> Payroll:  # noqa: ANN001
    """A checked `Payroll` from a `Payroll`, a pyarrow Table or a pandas DataFrame (columns as
    in an extract); raises `InputError` listing every problem, rows numbered from 2."""
    import pyarrow as pa  # deferred: pyarrow costs ~0.3 s at start-up


    if isinstance(data, Payroll):
        return data
    table = data if isinstance(data, pa.Table) else pa.Table.from_pandas(data,
                                                                         preserve_index=False)
    payroll, problems = check_payroll(table, file=file)
    if problems:
        raise InputError(f"{file}: the payroll data have {len(problems)} problem(s); nothing "
                         "was computed", problems)
    assert payroll is not None
    return payroll


def compute_figures(payroll, *, snapshot: date | None = None, by: str | None = None,  # noqa: ANN001
                    adjusted: bool = False, bootstrap: int = 200, seed: int = 0,
                    progress=None) -> dict:  # noqa: ANN001
    """The statutory figures for a checked payroll extract, JSON-ready.

    Who is included: hourly figures and quarters — full-pay relevant employees who are male or
    female; bonus figures — every relevant employee who is male or female; anyone else is
    counted under ``counts.other_sex`` and ``other_sex_values`` and left out. Gaps are
    (men - women) / men x 100, unrounded; ``quarters`` runs from lowest to highest pay.
    `by` (``worker_type`` or ``grade``) adds ``groups``, each suppressed where fewer than 10
    men or 10 women. `adjusted` adds the Oaxaca–Blinder decomposition (``adjusted``) with
    `bootstrap` resamples for its uncertainty (`progress` is called with the count done);
    `snapshot` dates length of service for it (default: `infer_snapshot`).
    """
    if by is not None and by not in BY_CHOICES:
        raise InputError(f"unknown grouping {by!r}; expected worker_type or grade")
    payroll = as_payroll(payroll)
    inferred = snapshot is None
    snapshot = snapshot or infer_snapshot(payroll)
    rate = metrics.hourly_rate(payroll)
    figures = metrics.six_figures(payroll, rate=rate)
    result = {"file": payroll.file, "snapshot": snapshot.isoformat(),
              "snapshot_inferred": inferred, **figures,
              "service_fields": metrics.service_fields(figures)}
    if by is not None:
        if (payroll.worker_type if by == "worker_type" else payroll.grade) is None:
            raise InputError(f"{payroll.file}: no {by} column, so no figures by {by}")
        result["by"] = by
        result["groups"] = metrics.figures_by(payroll, by=by)
    if adjusted:
        result["adjusted"] = adjusted_gap(payroll, snapshot=snapshot, bootstrap=bootstrap,
                                          seed=seed, rate=rate, progress=progress)
    return result


def adjusted_gap(payroll: Payroll, *, snapshot: date | None = None, bootstrap: int = 200,
                 seed: int = 0, rate=None, progress=None) -> dict:  # noqa: ANN001
    """Oaxaca–Blinder decomposition of the gap in log hourly pay (see `parity.paygap.adjusted`)."""
    return decompose(payroll, snapshot=snapshot or infer_snapshot(payroll), bootstrap=bootstrap,
                     seed=seed, rate=rate, progress=progress)


def service_fields(figures: dict) -> dict[str, float | None]:
    """``DiffMeanHourlyPercent`` ... ``FemaleTopQuartile``, one decimal place (decision 0300)."""
    return metrics.service_fields(figures)


def audit_trail(payroll: Payroll):  # noqa: ANN201
    """A pyarrow table: per employee, hourly rate, quarter, and each figure in or out and why."""
    return metrics.audit_table(payroll)


def check_output(out: Path | str, *, what: str, suffixes: tuple[str, ...] | None = None,
                 not_over: Path | str | None = None) -> Path:
    """`out` as a Path, or `InputError` when it cannot be written: its folder does not exist,
    it is a folder, its suffix is not one of `suffixes`, or it is the file `not_over` (the
    input: writing there would destroy it). Checked before any work is done."""
    out = Path(out)
    if suffixes is not None and out.suffix.lower() not in suffixes:
        raise InputError(f"{what} {out}: expected a file name ending {', '.join(suffixes)}")
    if out.is_dir():
        raise InputError(f"{what} {out}: a folder; expected a file name")
    if not out.parent.is_dir():
        raise InputError(f"{what} {out}: no such folder {str(out.parent)!r}")
    if not_over is not None and Path(not_over).exists() and out.exists() \
            and out.resolve() == Path(not_over).resolve():
        raise InputError(f"{what} {out}: the same file as the payroll extract; writing it "
                         "would overwrite the extract")
    return out


def write_audit(payroll: Payroll, out: Path | str) -> int:
    """Write the audit trail as CSV to `out`; returns the number of rows. Private output: it
    names every employee, so it goes to the payroll team, never to publication."""
    return write_table(audit_trail(payroll), out)


def write_table(table, out: Path | str, *, what: str = "--audit") -> int:  # noqa: ANN001
    """Write a pyarrow table as CSV to `out` (checked first, cells that could run as
    formulas neutralised); returns its rows."""
    out = check_output(out, what=what)
    try:
        write_arrow_csv(table, out)
    except OSError as exc:
        raise InputError(f"{what} {out}: cannot be written ({exc.strerror or exc})") from exc
    return table.num_rows


def synth_payroll(session: Session, *, force: str, year: int, out: Path | str,
                  rows: int | None = None, seed: int = 0) -> dict:
    """Write a synthetic payroll extract for `force` as at 31 March `year`; returns a summary.

    Officer, staff and PCSO headcounts by rank and sex are the Home Office figures for that
    force and year (the command loads the bundled table first if none is held), scaled to `rows` people when
    given. Pay and its basis (official, carried by official awards, or assumption) are
    described in the summary's ``pay_basis``.
    """
    if rows is not None and rows < 1:
        raise InputError(f"--rows must be at least 1, not {rows}")
    out = check_output(out, what="--out", suffixes=synth.SUFFIXES)
    if out.suffix.lower() == ".xlsx" and rows is not None and rows > synth.XLSX_ROWS:
        raise InputError(f"--out {out}: an XLSX sheet holds at most {synth.XLSX_ROWS:,} rows; "
                         "write CSV or Parquet")
    resolved, stock = force_stock(session, force=force, year=year)
    columns, summary = synth.generate(stock, force_id=resolved.id, year=year, rows=rows,
                                      seed=seed)
    try:
        synth.write(columns, out)
    except OSError as exc:
        raise InputError(f"--out {out}: cannot be written ({exc.strerror or exc})") from exc
    summary.file, summary.force = str(out), resolved.name
    return summary.__dict__


def force_stock(session: Session, *, force: str, year: int) -> tuple:  # noqa: ANN001
    """(the force, {worker type: {rank or role: {sex: headcount}}}) from the Home Office
    workforce table for `year` (the caller loads the bundled table first if none is held)."""

    # deferred: the workforce service loads SQLAlchemy (~0.3 s), which `paygap compute` never needs
    from parity.workforce import service as workforce

    resolved = registry().force(force)
    years = workforce.years_available(session)
    if not years:
        raise InputError("no Home Office workforce figures held: run `parity import bundled`")
    if year not in years:
        raise InputError(f"no Home Office workforce figures for {year} "
                         f"(held: {years[0]} to {years[-1]})")
    stock = {}
    for worker_type in ("officer", "staff", "pcso"):
        counts = workforce.stock_by_rank_and_sex(session, force_ids=[resolved.id], year=year,
                                                 worker_type=worker_type)
        if worker_type == "officer":
            stock["officer"] = counts
        else:
            merged: dict[str, float] = {}
            for sexes in counts.values():
                for sex, value in sexes.items():
                    merged[sex] = merged.get(sex, 0.0) + value
            stock[worker_type] = {worker_type: merged}
    return resolved, stock


def shown(figures: dict, *, minimum: int = disclosure.MINIMUM) -> dict:
    """`compute_figures`' result as it may be shown: the figures resting on fewer than
    `minimum` women or men withheld (None, and the section's ``suppressed`` flag set), and the
    service-field copy and the other sex values left out (the under-10 rule of
    `parity.disclosure`, applied here so that front ends only display)."""
    counts = figures.get("counts", {})
    hourly_ok = min(counts.get("full_pay_male", 0), counts.get("full_pay_female", 0)) >= minimum
    bonus_ok = min(counts.get("male_paid_bonus", 0), counts.get("female_paid_bonus", 0)) >= minimum
    everyone_ok = min(counts.get("male", 0), counts.get("female", 0)) >= minimum
    out = dict(figures)
    for key in ("mean_hourly_gap_pct", "median_hourly_gap_pct", "pence_per_pound",
                "pence_per_pound_mean", "male_mean_hourly_gbp", "female_mean_hourly_gbp",
                "male_median_hourly_gbp", "female_median_hourly_gbp"):
        if not hourly_ok:
            out[key] = None
    for key in ("mean_bonus_gap_pct", "median_bonus_gap_pct", "male_mean_bonus_gbp",
                "female_mean_bonus_gbp", "male_median_bonus_gbp", "female_median_bonus_gbp"):
        if not bonus_ok:
            out[key] = None
    if not everyone_ok or not bonus_ok:  # a share of women paid a bonus rests on both counts
        out["male_bonus_pct"] = out["female_bonus_pct"] = None
    out["quarters"] = [q if q.get("employees", 0) >= minimum and hourly_ok else
                       {"quarter": q.get("quarter"), "suppressed": True}
                       for q in figures.get("quarters", [])]
    out["suppressed"] = {"hourly": not hourly_ok, "bonus": not bonus_ok,
                         "everyone": not everyone_ok or not bonus_ok}
    out.pop("service_fields", None)
    out.pop("other_sex_values", None)
    return out
