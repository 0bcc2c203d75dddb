"""Tables of the reporting cycle: the reporting years, each force's return, and its audit trail.

A return's content (pay gap figures, commitment progress, case studies, narrative, and for
forces outside England and Wales their workforce figures) is one JSON document validated by
`parity.returns.schemas`; the figures a force's payroll gave are kept beside it (the figures
only, never the extract). Every step — saved, payroll computed, submitted, returned, accepted,
reopened — is a `ReturnEvent` row with who, when, the comment and what changed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from parity.store.base import Base


class ReportingYear(Base):
    """A year of the cycle, opened by the coordinator: returns are due by ``deadline``."""

    __tablename__ = "reporting_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    opens_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    publication_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    max_case_studies: Mapped[int] = mapped_column(Integer, default=3)
    change_threshold_points: Mapped[int] = mapped_column(Integer, default=5)
    opened_by: Mapped[str] = mapped_column(String(254))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ForceReturn(Base):
    """One force's return for one reporting year, in one of the states of `schemas.STATES`."""

    __tablename__ = "force_returns"
    __table_args__ = (UniqueConstraint("year", "force_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("reporting_years.year", ondelete="CASCADE"),
                                      index=True)
    force_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    content: Mapped[dict] = mapped_column(JSON)
    computed_paygap: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    submitted_by: Mapped[str | None] = mapped_column(String(254), nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    accepted_by: Mapped[str | None] = mapped_column(String(254), nullable=True)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The content as last accepted: what the public sees, until a new version is accepted.
    published: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReturnEvent(Base):
    """One step in a return's life: who did what, when, with which comment and changes."""

    __tablename__ = "return_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("force_returns.id", ondelete="CASCADE"),
                                           index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    changes: Mapped[dict | None] = mapped_column(JSON, nullable=True)
