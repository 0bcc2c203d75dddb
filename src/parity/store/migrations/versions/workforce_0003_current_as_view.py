"""workforce: the current figures as a view (decision 0901).

``workforce_counts`` held a copy of the rows of the edition current for each force-year. It
becomes a view over the editions' rows (``workforce_edition_counts``) and a small table naming,
force-year by force-year, the edition they come from (``workforce_current``): the same figures,
stored once.
"""

import sqlalchemy as sa
from alembic import op

revision = "workforce_0003"
down_revision = "workforce_0002"
branch_labels = None
depends_on = None

COLUMNS = ("id", "source_id", "source_row", "year", "force_id", "worker_type", "rank", "sex",
           "headcount", "fte")


def _column(name: str) -> str:
    # the year and force from the small table: a condition on them narrows it, not the rows
    return f"w.{name}" if name in ("year", "force_id") else f"c.{name}"


def _view_sql(engine: str) -> str:
    # SQLite, without statistics, starts from the small table only when told (CROSS JOIN)
    join = "CROSS JOIN" if engine == "sqlite" else "JOIN"
    return ("CREATE VIEW workforce_counts AS SELECT " + ", ".join(_column(c) for c in COLUMNS)
            + f" FROM workforce_current AS w {join} workforce_edition_counts AS c"
              " ON c.source_id = w.source_id AND c.year = w.year AND c.force_id = w.force_id")


def upgrade() -> None:
    op.create_table(
        "workforce_current",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f("fk_workforce_current_source_id_sources")),
        sa.PrimaryKeyConstraint("year", "force_id", name=op.f("pk_workforce_current")),
    )
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT EXISTS (SELECT 1 FROM workforce_counts)")).scalar():
        conn.execute(sa.text(
            "INSERT INTO workforce_current (year, force_id, source_id) "
            "SELECT DISTINCT year, force_id, source_id FROM workforce_counts"))
    op.drop_table("workforce_counts")
    op.execute(_view_sql(conn.dialect.name))


def downgrade() -> None:
    op.execute("ALTER TABLE workforce_current RENAME TO workforce_current_old")
    op.execute("DROP VIEW workforce_counts")
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
    op.create_index("ix_workforce_counts_source_id", "workforce_counts", ["source_id"])
    op.create_index("ix_workforce_counts_year_type", "workforce_counts",
                    ["year", "worker_type", "rank"])
    op.execute(
        "INSERT INTO workforce_counts (source_id, source_row, year, force_id, worker_type, rank, "
        "sex, headcount, fte) SELECT c.source_id, c.source_row, c.year, c.force_id, "
        "c.worker_type, c.rank, c.sex, c.headcount, c.fte FROM workforce_current_old AS w "
        "JOIN workforce_edition_counts AS c ON c.source_id = w.source_id AND c.year = w.year "
        "AND c.force_id = w.force_id ORDER BY c.year, c.source_row")
    op.drop_table("workforce_current_old")
