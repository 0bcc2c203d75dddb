"""context: published pay gap returns and police recorded crime."""

import sqlalchemy as sa
from alembic import op

revision = "context_0001"
down_revision = None
branch_labels = ("context",)
depends_on = "store_0001"


def upgrade() -> None:
    op.create_table(
        "paygap_returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("snapshot_year", sa.Integer(), nullable=False),
        sa.Column("partial", sa.Boolean(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("employer_name", sa.String(length=500), nullable=False),
        sa.Column("current_name", sa.String(length=500), nullable=True),
        sa.Column("post_code", sa.String(length=32), nullable=True),
        sa.Column("company_number", sa.String(length=32), nullable=True),
        sa.Column("sic_codes", sa.String(length=300), nullable=False),
        sa.Column("public_administration", sa.Boolean(), nullable=False),
        sa.Column("force_id", sa.String(length=64), nullable=True),
        sa.Column("diff_mean_hourly_percent", sa.Float(), nullable=True),
        sa.Column("diff_median_hourly_percent", sa.Float(), nullable=True),
        sa.Column("diff_mean_bonus_percent", sa.Float(), nullable=True),
        sa.Column("diff_median_bonus_percent", sa.Float(), nullable=True),
        sa.Column("male_bonus_percent", sa.Float(), nullable=True),
        sa.Column("female_bonus_percent", sa.Float(), nullable=True),
        sa.Column("male_lower_quartile", sa.Float(), nullable=True),
        sa.Column("female_lower_quartile", sa.Float(), nullable=True),
        sa.Column("male_lower_middle_quartile", sa.Float(), nullable=True),
        sa.Column("female_lower_middle_quartile", sa.Float(), nullable=True),
        sa.Column("male_upper_middle_quartile", sa.Float(), nullable=True),
        sa.Column("female_upper_middle_quartile", sa.Float(), nullable=True),
        sa.Column("male_top_quartile", sa.Float(), nullable=True),
        sa.Column("female_top_quartile", sa.Float(), nullable=True),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("responsible_person", sa.Text(), nullable=True),
        sa.Column("employer_size", sa.String(length=32), nullable=True),
        sa.Column("size_min", sa.Integer(), nullable=True),
        sa.Column("size_max", sa.Integer(), nullable=True),
        sa.Column("submitted_late", sa.Boolean(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("date_submitted", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f("fk_paygap_returns_source_id_sources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paygap_returns")),
    )
    op.create_index("ix_paygap_returns_year_force", "paygap_returns",
                    ["snapshot_year", "force_id"])
    op.create_index("ix_paygap_returns_employer", "paygap_returns", ["employer_id"])
    op.create_index(op.f("ix_paygap_returns_source_id"), "paygap_returns", ["source_id"])

    op.create_table(
        "crime_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("area_id", sa.String(length=64), nullable=False),
        sa.Column("area_kind", sa.String(length=16), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=True),
        sa.Column("area_name", sa.String(length=200), nullable=False),
        sa.Column("offence", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Float(), nullable=True),
        sa.Column("rate", sa.Float(), nullable=True),
        sa.Column("change_pct", sa.Float(), nullable=True),
        sa.Column("population", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f("fk_crime_figures_source_id_sources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crime_figures")),
        sa.UniqueConstraint("period_end", "area_id", "offence",
                            name=op.f("uq_crime_figures_period_end")),
    )
    op.create_index("ix_crime_figures_area_offence", "crime_figures", ["area_id", "offence"])
    op.create_index(op.f("ix_crime_figures_source_id"), "crime_figures", ["source_id"])


def downgrade() -> None:
    op.drop_table("crime_figures")
    op.drop_table("paygap_returns")
