"""workforce: the workforce_counts table."""

import sqlalchemy as sa
from alembic import op

revision = "workforce_0001"
down_revision = None
branch_labels = ("workforce",)
depends_on = "store_0001"


def upgrade() -> None:
    op.create_table(
        "workforce_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("worker_type", sa.String(length=16), nullable=False),
        sa.Column("rank", sa.String(length=40), nullable=False),
        sa.Column("sex", sa.String(length=32), nullable=False),
        sa.Column("headcount", sa.Float(), nullable=False),
        sa.Column("fte", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f("fk_workforce_counts_source_id_sources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workforce_counts")),
        sa.UniqueConstraint("year", "force_id", "worker_type", "rank", "sex",
                            name=op.f("uq_workforce_counts_year")),
    )
    op.create_index("ix_workforce_counts_force_year", "workforce_counts", ["force_id", "year"])
    op.create_index("ix_workforce_counts_year_type", "workforce_counts",
                    ["year", "worker_type", "rank"])
    op.create_index(op.f("ix_workforce_counts_source_id"), "workforce_counts", ["source_id"])


def downgrade() -> None:
    op.drop_table("workforce_counts")
