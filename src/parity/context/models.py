"""Tables of the context domain.

- ``paygap_returns``: every employer's published gender pay gap return, one row per return
  as the government service published it (all employers, not only police forces, so that a
  force can be compared with the public sector), with the force it belongs to where it is one.
- ``crime_figures``: police recorded crime per area (force, region or nation), offence and
  period (a year ending on ``period_end``), from the ONS police force area data tables.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from parity.store.base import Base


class PaygapReturn(Base):
    """One published return. ``snapshot_year`` is the year of the snapshot date (31 March for
    the public sector, 5 April otherwise): 2022 for the 2022/23 return. Figures are as
    published, in percent; NULL where the return left them blank."""

    __tablename__ = "paygap_returns"
    __table_args__ = (
        Index("ix_paygap_returns_year_force", "snapshot_year", "force_id"),
        Index("ix_paygap_returns_employer", "employer_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    source_row: Mapped[int] = mapped_column(Integer)
    snapshot_year: Mapped[int] = mapped_column(Integer)
    partial: Mapped[bool] = mapped_column(Boolean)
    employer_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    employer_name: Mapped[str] = mapped_column(String(500))
    current_name: Mapped[str | None] = mapped_column(String(500), nullable=True)
    post_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    company_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    sic_codes: Mapped[str] = mapped_column(String(300))
    public_administration: Mapped[bool] = mapped_column(Boolean)
    force_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    diff_mean_hourly_percent: Mapped[float | None] = mapped_column(Float, nullable=True)
    diff_median_hourly_percent: Mapped[float | None] = mapped_column(Float, nullable=True)
    diff_mean_bonus_percent: Mapped[float | None] = mapped_column(Float, nullable=True)
    diff_median_bonus_percent: Mapped[float | None] = mapped_column(Float, nullable=True)
    male_bonus_percent: Mapped[float | None] = mapped_column(Float, nullable=True)
    female_bonus_percent: Mapped[float | None] = mapped_column(Float, nullable=True)
    male_lower_quartile: Mapped[float | None] = mapped_column(Float, nullable=True)
    female_lower_quartile: Mapped[float | None] = mapped_column(Float, nullable=True)
    male_lower_middle_quartile: Mapped[float | None] = mapped_column(Float, nullable=True)
    female_lower_middle_quartile: Mapped[float | None] = mapped_column(Float, nullable=True)
    male_upper_middle_quartile: Mapped[float | None] = mapped_column(Float, nullable=True)
    female_upper_middle_quartile: Mapped[float | None] = mapped_column(Float, nullable=True)
    male_top_quartile: Mapped[float | None] = mapped_column(Float, nullable=True)
    female_top_quartile: Mapped[float | None] = mapped_column(Float, nullable=True)
    link: Mapped[str | None] = mapped_column(Text, nullable=True)
    responsible_person: Mapped[str | None] = mapped_column(Text, nullable=True)
    employer_size: Mapped[str | None] = mapped_column(String(32), nullable=True)
    size_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    size_max: Mapped[int | None] = mapped_column(Integer, nullable=True)
    submitted_late: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    date_submitted: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class CrimeFigure(Base):
    """Police recorded crime for one area, offence and 12-month period ending ``period_end``.

    ``count`` offences; ``rate`` per 1,000 population (ONS mid-year estimate); ``change_pct``
    the ONS percentage change on the same period a year before. NULL means the publisher gave
    no figure ('..' not available, '+' suppressed, '-' not calculated, or blank): never zero.
    """

    __tablename__ = "crime_figures"
    __table_args__ = (
        UniqueConstraint("period_end", "area_id", "offence"),
        Index("ix_crime_figures_area_offence", "area_id", "offence"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    source_row: Mapped[int] = mapped_column(Integer)
    period_end: Mapped[date] = mapped_column(Date)
    area_id: Mapped[str] = mapped_column(String(64))
    area_kind: Mapped[str] = mapped_column(String(16))
    area_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    area_name: Mapped[str] = mapped_column(String(200))
    offence: Mapped[str] = mapped_column(String(40))
    count: Mapped[float | None] = mapped_column(Float, nullable=True)
    rate: Mapped[float | None] = mapped_column(Float, nullable=True)
    change_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    population: Mapped[float | None] = mapped_column(Float, nullable=True)
