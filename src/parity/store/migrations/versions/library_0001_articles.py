"""library: articles, themes, manual corrections, and the full-text index of each engine.

SQLite: the FTS5 table ``library_fts`` (external content on ``library_articles``; porter
stemming) and three triggers that keep it in step. FTS5 keeps its data in shadow tables
``library_fts_data``, ``library_fts_idx``, ``library_fts_docsize`` and ``library_fts_config``.
PostgreSQL: the ``search_vector`` tsvector column, filled by a trigger (title weight A,
description B, text C, English configuration), kept in the row (storage MAIN) and indexed
with GIN.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# The full-text index as this migration made it, copied here so that the migration never
# changes when `parity.library.fts` does (a migration must not import live code).
SQLITE_FTS = [
    """CREATE VIRTUAL TABLE library_fts USING fts5(
        title, description, text,
        content='library_articles', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER library_fts_after_insert AFTER INSERT ON library_articles BEGIN
        INSERT INTO library_fts(rowid, title, description, text)
        VALUES (new.id, new.title, new.description, new.text);
    END""",
    """CREATE TRIGGER library_fts_after_delete AFTER DELETE ON library_articles BEGIN
        INSERT INTO library_fts(library_fts, rowid, title, description, text)
        VALUES ('delete', old.id, old.title, old.description, old.text);
    END""",
    """CREATE TRIGGER library_fts_after_update AFTER UPDATE OF title, description, text
        ON library_articles BEGIN
        INSERT INTO library_fts(library_fts, rowid, title, description, text)
        VALUES ('delete', old.id, old.title, old.description, old.text);
        INSERT INTO library_fts(rowid, title, description, text)
        VALUES (new.id, new.title, new.description, new.text);
    END""",
]

POSTGRES_FTS = [
    """CREATE FUNCTION library_articles_search_vector() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
            setweight(to_tsvector('english', coalesce(NEW.description, '')), 'B') ||
            setweight(to_tsvector('english', coalesce(NEW.text, '')), 'C');
        RETURN NEW;
    END
    $$""",
    """CREATE TRIGGER library_articles_search_vector
    BEFORE INSERT OR UPDATE OF title, description, text ON library_articles
    FOR EACH ROW EXECUTE FUNCTION library_articles_search_vector()""",
    # Keep the tsvector in the row (compressed) and move the long texts out instead: ranking
    # reads every matching tsvector, and fetching each from the TOAST table doubled the time
    # of a search for a common word (docs/decisions/0600).
    "ALTER TABLE library_articles ALTER COLUMN search_vector SET STORAGE MAIN",
]

revision = "library_0001"
down_revision = None
branch_labels = ("library",)
depends_on = "store_0001"

def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    vector = postgresql.TSVECTOR() if dialect == "postgresql" else sa.Text()
    op.create_table(
        "library_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("area", sa.String(length=200), nullable=True),
        sa.Column("force_id", sa.String(length=64), nullable=True),
        sa.Column("force_origin", sa.String(length=16), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("search_vector", vector, nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f("fk_library_articles_source_id_sources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_articles")),
        sa.UniqueConstraint("url", name=op.f("uq_library_articles_url")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_library_articles_content_hash")),
    )
    op.create_index("ix_library_articles_force_published", "library_articles",
                    ["force_id", "published"])
    op.create_index("ix_library_articles_published", "library_articles", ["published"])
    op.create_index(op.f("ix_library_articles_source_id"), "library_articles", ["source_id"])
    op.create_index("ix_library_articles_search_vector", "library_articles", ["search_vector"],
                    postgresql_using="gin")
    op.create_table(
        "library_article_themes",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["library_articles.id"], ondelete="CASCADE",
                                name=op.f("fk_library_article_themes_article_id_library_articles")),
        sa.PrimaryKeyConstraint("article_id", "theme", name=op.f("pk_library_article_themes")),
    )
    op.create_index("ix_library_article_themes_theme", "library_article_themes",
                    ["theme", "article_id"])
    op.create_table(
        "library_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["library_articles.id"], ondelete="CASCADE",
                                name=op.f("fk_library_corrections_article_id_library_articles")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_corrections")),
    )
    op.create_index(op.f("ix_library_corrections_article_id"), "library_corrections",
                    ["article_id"])
    statements = {"sqlite": SQLITE_FTS, "postgresql": POSTGRES_FTS}.get(dialect, [])
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS library_fts")
    op.drop_table("library_corrections")
    op.drop_table("library_article_themes")
    op.drop_table("library_articles")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS library_articles_search_vector()")
