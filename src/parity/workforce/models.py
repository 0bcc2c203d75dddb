"""Tables of the workforce domain: the current figures, one row per (year, force, sex, worker
type, rank), and the editions of the open data table they come from."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from parity.store.base import Base


class WorkforceCount(Base):
    """Headcount and FTE as at 31 March of `year`. ``fte`` is NULL where not applicable
    (special constables and police support volunteers are counted by headcount only)."""

    __tablename__ = "workforce_counts"
    __table_args__ = (
        UniqueConstraint("year", "force_id", "worker_type", "rank", "sex"),
        Index("ix_workforce_counts_force_year", "force_id", "year"),
        Index("ix_workforce_counts_year_type", "year", "worker_type", "rank"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    source_row: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    force_id: Mapped[str] = mapped_column(String(64))
    worker_type: Mapped[str] = mapped_column(String(16))
    rank: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(32))
    headcount: Mapped[float] = mapped_column(Float)
    fte: Mapped[float | None] = mapped_column(Float, nullable=True)


class WorkforceEdition(Base):
    """An edition of the open data table: the file imported (its `Source`) and the day its
    publisher published it. The current figures (``workforce_counts``) come, force-year by
    force-year, from the latest published edition covering each, or from the edition chosen
    with ``parity editions use`` (``in_use``) where it covers them (decision 0900)."""

    __tablename__ = "workforce_editions"

    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), primary_key=True)
    published: Mapped[date] = mapped_column(Date)
    in_use: Mapped[bool] = mapped_column(Boolean, default=False)


class WorkforceEditionCount(Base):
    """Every edition's rows as published, so that an edition can be compared with another and
    made current again exactly (same columns as `WorkforceCount`)."""

    __tablename__ = "workforce_edition_counts"
    __table_args__ = (
        UniqueConstraint("source_id", "year", "force_id", "worker_type", "rank", "sex"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    source_row: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    force_id: Mapped[str] = mapped_column(String(64))
    worker_type: Mapped[str] = mapped_column(String(16))
    rank: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(32))
    headcount: Mapped[float] = mapped_column(Float)
    fte: Mapped[float | None] = mapped_column(Float, nullable=True)
