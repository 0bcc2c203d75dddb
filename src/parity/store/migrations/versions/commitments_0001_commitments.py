"""commitments: commitments, indicators, manual values, links and the change history."""

import sqlalchemy as sa
from alembic import op

revision = "commitments_0001"
down_revision = None
branch_labels = ("commitments",)
depends_on = "store_0001"


def upgrade() -> None:
    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("force_id", sa.String(length=64), nullable=True),
        sa.Column("parent_ref", sa.String(length=80), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("theme", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f("fk_commitments_source_id_sources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitments")),
        sa.UniqueConstraint("ref", name=op.f("uq_commitments_ref")),
    )
    op.create_index("ix_commitments_force_id", "commitments", ["force_id"])
    op.create_index(op.f("ix_commitments_source_id"), "commitments", ["source_id"])

    op.create_table(
        "commitment_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("baseline_year", sa.Integer(), nullable=True),
        sa.Column("baseline_value", sa.Float(), nullable=True),
        sa.Column("baseline_evidence", sa.Text(), nullable=True),
        sa.Column("target_value", sa.Float(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["commitment_id"], ["commitments.id"],
                                name=op.f("fk_commitment_indicators_commitment_id_commitments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_indicators")),
        sa.UniqueConstraint("commitment_id", "position",
                            name=op.f("uq_commitment_indicators_commitment_id")),
    )
    op.create_index(op.f("ix_commitment_indicators_commitment_id"), "commitment_indicators",
                    ["commitment_id"])

    op.create_table(
        "commitment_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("force_id", sa.String(length=64), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["indicator_id"], ["commitment_indicators.id"],
                                name=op.f("fk_commitment_values_indicator_id_commitment_indicators")),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f("fk_commitment_values_source_id_sources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_values")),
    )
    op.create_index("ix_commitment_values_lookup", "commitment_values",
                    ["indicator_id", "force_id", "year"])
    op.create_index(op.f("ix_commitment_values_source_id"), "commitment_values", ["source_id"])

    op.create_table(
        "commitment_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("article", sa.String(length=500), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["commitment_id"], ["commitments.id"],
                                name=op.f("fk_commitment_links_commitment_id_commitments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_links")),
        sa.UniqueConstraint("commitment_id", "article",
                            name=op.f("uq_commitment_links_commitment_id")),
    )
    op.create_index(op.f("ix_commitment_links_commitment_id"), "commitment_links",
                    ["commitment_id"])

    op.create_table(
        "commitment_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["commitment_id"], ["commitments.id"],
                                name=op.f("fk_commitment_changes_commitment_id_commitments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_changes")),
        sa.UniqueConstraint("commitment_id", "version",
                            name=op.f("uq_commitment_changes_commitment_id")),
    )
    op.create_index(op.f("ix_commitment_changes_commitment_id"), "commitment_changes",
                    ["commitment_id"])


def downgrade() -> None:
    op.drop_table("commitment_changes")
    op.drop_table("commitment_links")
    op.drop_table("commitment_values")
    op.drop_table("commitment_indicators")
    op.drop_table("commitments")
