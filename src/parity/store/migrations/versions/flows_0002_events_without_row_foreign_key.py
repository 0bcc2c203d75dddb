"""flows: hr_events.source_id without a foreign key or an index of its own.

A large force's history is a few hundred thousand events; on PostgreSQL the foreign key check
of every row took more of an import than the rest of the writing together. The events keep
the id of the extract they came from, and the force's `hr_stocks` rows, written in the same
transaction, keep the foreign key (docs/decisions/0406).
"""

from alembic import op

revision = "flows_0002"
down_revision = "flows_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hr_events") as batch:
        batch.drop_index("ix_hr_events_source_id")
        batch.drop_constraint("fk_hr_events_source_id_sources", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("hr_events") as batch:
        batch.create_foreign_key("fk_hr_events_source_id_sources", "sources", ["source_id"],
                                 ["id"])
        batch.create_index("ix_hr_events_source_id", ["source_id"])

