"""Tables of the commitments domain.

- `Commitment`: a pledge, national (adopted by every force) or made by one force.
- `Indicator`: how a commitment is measured (a provider kind with its parameters), with its
  baseline, target, target date and direction.
- `ManualValue`: a figure entered by hand for a ``manual`` indicator, with its evidence; rows
  are never updated, a correction is a newer row (so earlier reports stay reproducible).
- `CommitmentLink`: a best-practice article cited as an action taken for a commitment (stored
  as a URL or library id string; the library domain is not imported).
- `CommitmentChange`: the history; one row per change, holding a full snapshot of the
  commitment as it stood after the change. Reports "as of" a date read these snapshots.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parity.store import models as _store_models  # noqa: F401 - the sources table, for FKs
from parity.store.base import Base


class Commitment(Base):
    """A pledge. ``scope`` is ``national`` (force_id NULL) or ``force``. ``ref`` is the stable
    public identifier (``national-2019-1``, ``kent-1``); ``parent_ref`` names the national
    commitment a force commitment refines (the force's own target for it)."""

    __tablename__ = "commitments"
    __table_args__ = (Index("ix_commitments_force_id", "force_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(80), unique=True)
    scope: Mapped[str] = mapped_column(String(16))
    force_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    parent_ref: Mapped[str | None] = mapped_column(String(80), nullable=True)
    title: Mapped[str] = mapped_column(String(300))
    theme: Mapped[str] = mapped_column(String(64))
    owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    made_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    state: Mapped[str] = mapped_column(String(16), default="active")
    version: Mapped[int] = mapped_column(Integer, default=1)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), nullable=True,
                                                  index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="commitment", order_by="Indicator.position", cascade="all, delete-orphan"
    )
    links: Mapped[list[CommitmentLink]] = relationship(
        back_populates="commitment", order_by="CommitmentLink.id", cascade="all, delete-orphan"
    )


class Indicator(Base):
    """One measure of a commitment. ``kind`` names its provider; ``params`` its settings
    (for ``representation``: group, worker_type, measure). ``role`` is ``measure`` (judged
    against its target) or ``context`` (shown, never judged). A NULL ``baseline_value`` means
    "take it from the data at ``baseline_year``" (31 March snapshot year)."""

    __tablename__ = "commitment_indicators"
    __table_args__ = (UniqueConstraint("commitment_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(16), default="measure")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    direction: Mapped[str] = mapped_column(String(8), default="up")
    baseline_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    baseline_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    baseline_evidence: Mapped[str | None] = mapped_column(Text, nullable=True)
    target_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    target_date: Mapped[date | None] = mapped_column(Date, nullable=True)

    commitment: Mapped[Commitment] = relationship(back_populates="indicators")


class ManualValue(Base):
    """A value entered by hand for a manual indicator, for one force (NULL: national) and one
    31 March snapshot year, with its evidence. The newest row entered on or before a report's
    date wins."""

    __tablename__ = "commitment_values"
    __table_args__ = (
        Index("ix_commitment_values_lookup", "indicator_id", "force_id", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("commitment_indicators.id"))
    force_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    evidence: Mapped[str] = mapped_column(Text)
    entered_by: Mapped[str] = mapped_column(String(200))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), nullable=True,
                                                  index=True)


class CommitmentLink(Base):
    """A best-practice article cited for a commitment: a URL or a library article id."""

    __tablename__ = "commitment_links"
    __table_args__ = (UniqueConstraint("commitment_id", "article"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    article: Mapped[str] = mapped_column(String(500))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    commitment: Mapped[Commitment] = relationship(back_populates="links")


class CommitmentChange(Base):
    """One change to a commitment: who, when, what, and the commitment as it stood after it.

    ``effective_at`` is the moment the change counts from (reports as of a date use the newest
    snapshot effective on or before it); ``recorded_at`` is when it was written. They differ
    only for the bundled national commitments, effective from the date they were made."""

    __tablename__ = "commitment_changes"
    __table_args__ = (UniqueConstraint("commitment_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(200))
    effective_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    snapshot: Mapped[dict] = mapped_column(JSON)
