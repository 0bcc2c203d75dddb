"""flows: the hr_events and hr_stocks tables."""

import sqlalchemy as sa
from alembic import op

revision = "flows_0001"
down_revision = None
branch_labels = ("flows",)
depends_on = "store_0001"


def upgrade() -> None:
    op.create_table(
        "hr_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("sex", sa.String(length=32), nullable=False),
        sa.Column("event", sa.String(length=24), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("worker_type", sa.String(length=16), nullable=False),
        sa.Column("rank", sa.String(length=40), nullable=False),
        sa.Column("from_rank", sa.String(length=40), nullable=True),
        sa.Column("fte", sa.Float(), nullable=False),
        sa.Column("leaving_reason", sa.String(length=16), nullable=True),
        sa.Column("worker_type_before", sa.String(length=16), nullable=True),
        sa.Column("rank_before", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f("fk_hr_events_source_id_sources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hr_events")),
    )
    op.create_index("ix_hr_events_force_year", "hr_events", ["force_id", "year"])
    op.create_index(op.f("ix_hr_events_source_id"), "hr_events", ["source_id"])
    op.create_table(
        "hr_stocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("worker_type", sa.String(length=16), nullable=False),
        sa.Column("rank", sa.String(length=40), nullable=False),
        sa.Column("sex", sa.String(length=32), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("fte", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f("fk_hr_stocks_source_id_sources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hr_stocks")),
        sa.UniqueConstraint("force_id", "year", "worker_type", "rank", "sex",
                            name=op.f("uq_hr_stocks_force_id")),
    )
    op.create_index(op.f("ix_hr_stocks_source_id"), "hr_stocks", ["source_id"])


def downgrade() -> None:
    op.drop_table("hr_stocks")
    op.drop_table("hr_events")
