"""workforce: editions of the open data table (decision 0900).

Every edition imported keeps its rows (``workforce_edition_counts``) and its publication date
(``workforce_editions``); ``workforce_counts`` holds the current figures. A database from before
holds one set of figures: each file they came from becomes an edition, dated from its name where
the Home Office put the date (``...-260723.ods``), else the day it was imported.
"""

import re
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "workforce_0002"
down_revision = "workforce_0001"
branch_labels = None
depends_on = None

_DDMMYY = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def _published(name: str, imported_at: object) -> date:
    for pattern, order in ((_ISO, "ymd"), (_DDMMYY, "dmy")):
        for m in pattern.finditer(name):
            a, b, c = (int(g) for g in m.groups())
            y, mo, d = (a, b, c) if order == "ymd" else (2000 + c, b, a)
            try:
                return date(y, mo, d)
            except ValueError:
                continue
    return date.fromisoformat(str(imported_at)[:10])


def upgrade() -> None:
    op.create_table(
        "workforce_editions",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("published", sa.Date(), nullable=False),
        sa.Column("in_use", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f("fk_workforce_editions_source_id_sources")),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_workforce_editions")),
    )
    op.create_table(
        "workforce_edition_counts",
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
                                name=op.f("fk_workforce_edition_counts_source_id_sources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workforce_edition_counts")),
        sa.UniqueConstraint("source_id", "year", "force_id", "worker_type", "rank", "sex",
                            name=op.f("uq_workforce_edition_counts_source_id")),
    )
    conn = op.get_bind()
    held = conn.execute(sa.text(
        "SELECT id, file_name, imported_at FROM sources WHERE id IN "
        "(SELECT DISTINCT source_id FROM workforce_counts)")).all()
    editions = sa.table("workforce_editions", sa.column("source_id", sa.Integer),
                        sa.column("published", sa.Date), sa.column("in_use", sa.Boolean))
    if not held:  # a new database: nothing to carry over, and no write to change its data version
        return
    op.bulk_insert(editions, [{"source_id": i, "published": _published(name, at),
                               "in_use": False} for i, name, at in held])
    conn.execute(sa.text(
        "INSERT INTO workforce_edition_counts (source_id, source_row, year, force_id, "
        "worker_type, rank, sex, headcount, fte) SELECT source_id, source_row, year, force_id, "
        "worker_type, rank, sex, headcount, fte FROM workforce_counts"))


def downgrade() -> None:
    op.drop_table("workforce_edition_counts")
    op.drop_table("workforce_editions")
