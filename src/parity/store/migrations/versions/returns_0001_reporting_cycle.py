"""returns: reporting years, force returns and their audit trail."""

import sqlalchemy as sa
from alembic import op

revision = "returns_0001"
down_revision = None
branch_labels = ("returns",)
depends_on = "store_0001"


def upgrade() -> None:
    op.create_table(
        "reporting_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("publication_date", sa.Date(), nullable=True),
        sa.Column("max_case_studies", sa.Integer(), nullable=False),
        sa.Column("change_threshold_points", sa.Integer(), nullable=False),
        sa.Column("opened_by", sa.String(length=254), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_reporting_years")),
    )
    op.create_table(
        "force_returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("computed_paygap", sa.JSON(), nullable=True),
        sa.Column("submitted_by", sa.String(length=254), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_by", sa.String(length=254), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["year"], ["reporting_years.year"], ondelete="CASCADE",
                                name=op.f("fk_force_returns_year_reporting_years")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_force_returns")),
        sa.UniqueConstraint("year", "force_id", name=op.f("uq_force_returns_year")),
    )
    op.create_index(op.f("ix_force_returns_year"), "force_returns", ["year"])
    op.create_table(
        "return_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["return_id"], ["force_returns.id"], ondelete="CASCADE",
                                name=op.f("fk_return_events_return_id_force_returns")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_events")),
    )
    op.create_index(op.f("ix_return_events_return_id"), "return_events", ["return_id"])


def downgrade() -> None:
    op.drop_table("return_events")
    op.drop_table("force_returns")
    op.drop_table("reporting_years")
