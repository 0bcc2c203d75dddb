"""Tables of the workforce domain: one row per (year, force, sex, worker type, rank)."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, String, UniqueConstraint
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
