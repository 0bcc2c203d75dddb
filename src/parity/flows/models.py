"""Tables of the flows domain: a force's HR events, and the 31 March stocks they imply.

`HrEvent` keeps each row of an imported extract, with two columns the importer derives from
the person's earlier rows (``worker_type_before``, ``rank_before``: where the person was just
before the event; NULL when not in service), so that flows are plain counts by year.
`HrStock` holds the headcount and FTE by worker type, rank and sex on each 31 March that the
events imply (computed once at import). Both are private to the force: public output derived
from them is suppressed for groups of fewer than 10 people.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from parity.store.base import Base


class HrEvent(Base):
    """One event of one person: joining, promotion, worker type or hours change, or leaving.

    ``worker_type``, ``rank`` and ``fte`` are the person's state after the event (for a leaving,
    at the moment of leaving); ``year`` is the April–March flows year of ``event_date``.
    """

    __tablename__ = "hr_events"
    __table_args__ = (Index("ix_hr_events_force_year", "force_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The extract the row came from: `sources.id`, without a foreign key (a check on each of a
    # few hundred thousand rows; the force's `HrStock` rows hold it; docs/decisions/0406).
    source_id: Mapped[int] = mapped_column(Integer)
    source_row: Mapped[int] = mapped_column(Integer)
    force_id: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[str] = mapped_column(String(64))
    sex: Mapped[str] = mapped_column(String(32))
    event: Mapped[str] = mapped_column(String(24))
    event_date: Mapped[date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    worker_type: Mapped[str] = mapped_column(String(16))
    rank: Mapped[str] = mapped_column(String(40))
    from_rank: Mapped[str | None] = mapped_column(String(40), nullable=True)
    fte: Mapped[float] = mapped_column(Float)
    leaving_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)
    worker_type_before: Mapped[str | None] = mapped_column(String(16), nullable=True)
    rank_before: Mapped[str | None] = mapped_column(String(40), nullable=True)


class HrStock(Base):
    """Headcount and FTE on 31 March of `year` implied by a force's events."""

    __tablename__ = "hr_stocks"
    __table_args__ = (UniqueConstraint("force_id", "year", "worker_type", "rank", "sex"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    force_id: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    worker_type: Mapped[str] = mapped_column(String(16))
    rank: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(32))
    headcount: Mapped[int] = mapped_column(Integer)
    fte: Mapped[float] = mapped_column(Float)
