"""Tables of the library: articles, their themes, and the corrections people made by hand.

The full-text index is not a model: on SQLite it is the FTS5 table ``library_fts`` (external
content, kept in step by triggers), on PostgreSQL the ``search_vector`` column below, kept in
step by a trigger and indexed with GIN. Both are created in ``library_0001``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    DDL,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, deferred, mapped_column

from parity.library.fts import POSTGRES_FTS, SQLITE_FTS
from parity.store.base import Base
from parity.store.models import Source  # noqa: F401  (the target of source_id must be mapped)

# The tables of the SQLite full-text index: the FTS5 table and the shadow tables FTS5 keeps
# its index in. No model can describe them; comparisons of models with the database leave
# out the names listed under ``Base.metadata.info["unmodelled_tables"]``.
FTS_TABLES = frozenset({"library_fts", "library_fts_data", "library_fts_idx",
                        "library_fts_docsize", "library_fts_config"})
Base.metadata.info.setdefault("unmodelled_tables", set()).update(FTS_TABLES)

# The column exists on both engines so that one model describes both; only PostgreSQL fills
# it (SQLite searches through the FTS5 table instead).
SearchVector = TSVECTOR().with_variant(Text(), "sqlite")


class Article(Base):
    """One article. ``url`` (normalised) or ``content_hash`` (of the normalised text) identify
    it: importing the same article again updates this row. ``force_id`` and the themes are the
    rules' tags with the manual corrections applied."""

    __tablename__ = "library_articles"
    __table_args__ = (
        UniqueConstraint("url"),
        UniqueConstraint("content_hash"),
        Index("ix_library_articles_force_published", "force_id", "published"),
        Index("ix_library_articles_published", "published"),
        Index("ix_library_articles_search_vector", "search_vector", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    area: Mapped[str | None] = mapped_column(String(200), nullable=True)
    force_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    force_origin: Mapped[str | None] = mapped_column(String(16), nullable=True)
    published: Mapped[date | None] = mapped_column(Date, nullable=True)
    format: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    search_vector: Mapped[str | None] = deferred(mapped_column(SearchVector, nullable=True))


class ArticleTheme(Base):
    """A theme of an article; ``origin`` is ``rule`` or ``manual``."""

    __tablename__ = "library_article_themes"
    __table_args__ = (Index("ix_library_article_themes_theme", "theme", "article_id"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("library_articles.id", ondelete="CASCADE"), primary_key=True
    )
    theme: Mapped[str] = mapped_column(String(64), primary_key=True)
    origin: Mapped[str] = mapped_column(String(16))


class Correction(Base):
    """A manual correction, kept apart from the rules' output so that re-imports respect it.

    ``action`` is ``set_force`` (value: a force id, or empty for "no force"), ``add_theme``
    or ``remove_theme`` (value: a theme id). The latest correction of a kind and value wins.
    """

    __tablename__ = "library_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("library_articles.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# A blank database built from the models (`parity.store.migrate`) gets the same full-text
# index as the migration makes: the DDL runs right after the articles table is created.
for _statement in SQLITE_FTS:
    event.listen(Article.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRES_FTS:
    event.listen(Article.__table__, "after_create",
                 DDL(_statement).execute_if(dialect="postgresql"))
