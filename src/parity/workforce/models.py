"""Tables of the workforce domain: the editions of the open data table, every edition's rows
as published, and which edition gives the current figures of each force-year; the current
figures themselves are a view over those (decision 0901)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    DDL,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from parity.store.base import Base

COLUMNS = ("id", "source_id", "source_row", "year", "force_id", "worker_type", "rank", "sex",
           "headcount", "fte")
VIEW = "workforce_counts"


def _column(name: str) -> str:
    # the year and force from the small table: a condition on them narrows it, not the rows
    return f"w.{name}" if name in ("year", "force_id") else f"c.{name}"


def view_sql(engine: str) -> str:
    """The current figures: each force-year's rows from the edition `workforce_current` names
    for it. SQLite, without statistics, would scan every edition's rows for a question about
    one force; CROSS JOIN makes it start from the small table (a force's years: 4 ms -> 1.4 ms),
    and the year and force it gives are the small table's, so that a condition on them (the
    latest year on or before 2023) narrows that table rather than the rows (1.5 s -> 2.5 ms)."""
    join = "CROSS JOIN" if engine == "sqlite" else "JOIN"
    return (f"CREATE VIEW {VIEW} AS SELECT " + ", ".join(_column(c) for c in COLUMNS)
            + f" FROM workforce_current AS w {join} workforce_edition_counts AS c"
              " ON c.source_id = w.source_id AND c.year = w.year AND c.force_id = w.force_id")


class WorkforceEdition(Base):
    """An edition of the open data table: the file imported (its `Source`) and the day its
    publisher published it. The current figures come, force-year by force-year, from the
    latest published edition covering each, or from the edition chosen with ``parity editions
    use`` (``in_use``) where it covers them (decision 0900)."""

    __tablename__ = "workforce_editions"

    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), primary_key=True)
    published: Mapped[date] = mapped_column(Date)
    in_use: Mapped[bool] = mapped_column(Boolean, default=False)


class WorkforceEditionCount(Base):
    """Every edition's rows as published: headcount and FTE as at 31 March of `year`.
    ``fte`` is NULL where not applicable (special constables and police support volunteers
    are counted by headcount only)."""

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


class WorkforceCurrent(Base):
    """The edition (its source id) whose rows are the current figures of a force-year
    (`parity.workforce.editions.make_current` writes it; decision 0901)."""

    __tablename__ = "workforce_current"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    force_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))


# The view is not one of the tables `Base.metadata` makes (nor one the models are compared
# with): it is made, and dropped, with the metadata's tables.
_VIEWS = MetaData()
counts_view = Table(
    VIEW, _VIEWS,
    Column("id", Integer, primary_key=True), Column("source_id", Integer),
    Column("source_row", Integer), Column("year", Integer), Column("force_id", String(64)),
    Column("worker_type", String(16)), Column("rank", String(40)), Column("sex", String(32)),
    Column("headcount", Float), Column("fte", Float, nullable=True),
)
for _engine in ("sqlite", "postgresql"):
    event.listen(Base.metadata, "after_create", DDL(view_sql(_engine)).execute_if(dialect=_engine))
event.listen(Base.metadata, "before_drop", DDL(f"DROP VIEW IF EXISTS {VIEW}"))


class WorkforceCount(Base):
    """The current figures (read only): one row per (year, force, sex, worker type, rank), the
    rows of the edition `WorkforceCurrent` names for the force-year."""

    __table__ = counts_view

    id: Mapped[int]
    source_id: Mapped[int]
    source_row: Mapped[int]
    year: Mapped[int]
    force_id: Mapped[str]
    worker_type: Mapped[str]
    rank: Mapped[str]
    sex: Mapped[str]
    headcount: Mapped[float]
    fte: Mapped[float | None]
