"""Writing an import's articles as they are read (`ArticleWriter`), so that the database works
on the first files while the others are still being read.

Each article read is, in the files' order: new (inserted at once, in bulk, with its source
and its themes), an update of a stored article with the same URL or text (written at the
end), a repeat of an earlier file of this import with the same URL or text (the later file
wins: at the end, the row inserted for the earlier one takes the later one's fields), or a
clash (the text of one stored article with the URL of another: skipped, a `Problem`). The
full-text index is filled once for all the new rows (`parity.library.fts.filled_after`).
Nothing is committed: the caller owns the transaction, so an import stays all-or-nothing.

What is stored is what deciding over all the files first and then writing stores: the same
rows, ids, themes, sources (a source per file kept, ``row_count`` 1, and per file another file
of the import superseded, ``row_count`` 0) and full-text index.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Connection, delete, select, update
from sqlalchemy.orm import Session

from parity.errors import Problem
from parity.library import fts, tagging
from parity.library.models import Article, ArticleTheme
from parity.library.schemas import KIND, ImportReport, ParsedArticle
from parity.library.tagging import Tag, tags_of
from parity.store.bulk import copies, copying_rows, insert_rows
from parity.store.models import Source

ARTICLE_COLUMNS = ("source_id", "url", "content_hash", "title", "description", "area",
                   "published", "format", "file_name", "body", "text", "imported_at",
                   "updated_at", "force_id", "force_origin")
SOURCE_COLUMNS = ("kind", "file_name", "sha256", "imported_at", "row_count")
BATCH = 1000  # new articles written at a time (fewer statements; the rest waits for `finish`)


class ArticleWriter:
    """One import's writes, in the session's transaction: `add` the articles read, in the
    files' order, as they come; `finish` once after the last. ``files``: how many files the
    import reads (to judge whether it is large next to the articles held)."""

    def __init__(self, session: Session, *, report: ImportReport, rules: tagging.Rules,
                 display: Callable[[str], str], files: int) -> None:
        self.session, self.report, self.rules, self.display = session, report, rules, display
        self.files, self.seen = files, 0
        self.connection = session.connection()
        self.now = datetime.now(UTC)
        self.stamp = _to_driver(self.connection, Article.__table__.c.imported_at)(self.now)
        self.published = _to_driver(self.connection, Article.__table__.c.published)
        self.by_url: dict[str, int] = {}
        self.by_hash: dict[str, int] = {}
        for art_id, url, chash in session.execute(
                select(Article.id, Article.url, Article.content_hash)):
            if url:
                self.by_url[url] = art_id
            self.by_hash[chash] = art_id
        self.latest: list[ParsedArticle] = []  # slot (a new article) -> its latest file
        self.first: list[ParsedArticle] = []  # slot -> the file its row was inserted from
        self.ids: list[int] = []  # slot -> the id of its row
        self.new_url: dict[str, int] = {}  # -> slot
        self.new_hash: dict[str, int] = {}  # -> slot
        self.updates: dict[int, ParsedArticle] = {}  # stored article id -> latest file
        self.merged: list[ParsedArticle] = []  # files another file of this import supersedes
        self.tags: dict[str, Tag] = {}
        self.sources: dict[str, tuple[int, str, int]] = {}  # sha256 -> (id, file, row_count)
        self.clashes: list[Problem] = []
        self.index = ExitStack()  # the full-text index, waiting for the new rows
        self.new_ids: list[int] | None = None
        self.sent = 0  # slots whose rows went to the database
        # PostgreSQL: the last batch's rows, still going in (`_insert`), and their COPY
        self.pending: tuple[list[ParsedArticle], ExitStack] | None = None

    def add(self, items: list[ParsedArticle], tags: dict[str, Tag], *, files: int) -> None:
        """Take `items` (the articles read from the next `files` files, in order) with their
        tags where known."""
        self.seen += files
        for item in items:
            self.tags[item.path] = tags.get(item.path) or tags_of(item, self.rules)
            url, chash = item.url, item.content_hash
            existing = (self.by_url.get(url) if url else None) or self.by_hash.get(chash)
            clash = self.by_hash.get(chash)
            if existing is not None and clash is not None and clash != existing:
                self.clashes.append(Problem(
                    self.display(item.path),
                    f"same text as stored article {clash} but the URL of article {existing}: "
                    "skipped (remove one of them first)"))
                continue
            if existing is not None:
                if existing in self.updates:
                    self.report.duplicates += 1
                    self.merged.append(self.updates[existing])
                self.updates[existing] = item
                continue
            slot = self.new_url.get(url) if url else None
            slot = slot if slot is not None else self.new_hash.get(chash)
            if slot is None:
                slot = len(self.latest)
                self.latest.append(item)
            else:
                self.report.duplicates += 1
                self.merged.append(self.latest[slot])
                self.latest[slot] = item
            if url:
                self.new_url[url] = slot
            self.new_hash[chash] = slot
        if len(self.latest) - self.sent >= BATCH:
            self._insert(self.latest[self.sent:])

    def finish(self) -> None:
        """Fill the full-text index for the new rows; give the rows of repeated articles
        their latest file and write the updates; the sources' files and counts; the report's
        counts and ids."""
        if len(self.latest) > self.sent:
            self._insert(self.latest[self.sent:])
        self._settle()
        self.index.close()
        self._settle_sources()
        latest = {self.ids[slot]: item for slot, item in enumerate(self.latest)
                  if item is not self.first[slot]}
        latest.update(self.updates)
        if latest:
            self._rewrite(latest)
        report = self.report
        report.imported = len(self.ids)
        report.article_ids += self.ids
        if self.updates:
            # deferred: the service loads the figures check (~0.1 s); only updates need it
            from parity.library.service import apply_corrections

            apply_corrections(self.session, article_ids=list(self.updates), rules=self.rules)
            report.article_ids += list(self.updates)
            report.updated = len(self.updates)
        self.session.flush()

    def abort(self) -> None:
        """After an error: a COPY still open is ended as failed (the caller rolls back)."""
        if self.pending is not None:
            _, copy = self.pending
            self.pending = None
            try:
                copy.__exit__(RuntimeError, RuntimeError("the import stopped"), None)
            except Exception:  # noqa: BLE001 - the error that stopped the import is the one told
                pass

    def _insert(self, items: list[ParsedArticle]) -> None:
        """New articles: their sources, their rows (the full-text index waits), their themes.
        On PostgreSQL the rows go in by a COPY left open (`pending`) while the next files
        are read: the server fills each row's ``search_vector`` (its trigger: about 0.3 s a
        thousand articles) meanwhile, and `_settle` waits for it before the next statement."""
        self._settle()
        sources: dict[str, tuple[str, int]] = {}
        for item in items:
            if item.sha256 not in self.sources:
                sources.setdefault(item.sha256, (_file_name(item.path), 1))
        self._insert_sources(sources)
        if self.new_ids is None:
            expected = self.files * len(items) / max(self.seen, 1)  # new articles, roughly
            self.new_ids = self.index.enter_context(fts.filled_after(
                self.connection, large=expected >= len(self.by_hash)))
        rows = [(self.sources[item.sha256][0], item.url, item.content_hash, item.title,
                 item.description, item.area, self.published(item.published), item.format,
                 _file_name(item.path), item.body, item.text, self.stamp, self.stamp,
                 *self.tags[item.path][1]) for item in items]
        self.sent += len(items)
        if not copies(self.connection):
            insert_rows(self.connection, Article.__table__,  # type: ignore[arg-type]
                        ARTICLE_COLUMNS, rows)
            self._inserted(items)
            return
        with ExitStack() as copy:  # an error while writing ends the COPY as failed
            write = copy.enter_context(copying_rows(
                self.connection, Article.__table__, ARTICLE_COLUMNS))  # type: ignore[arg-type]
            for row in rows:
                write(row)
            self.pending = (items, copy.pop_all())  # left open: `_settle` ends it

    def _settle(self) -> None:
        """The last batch's COPY ended (the server has its rows), and `_inserted`."""
        if self.pending is None:
            return
        items, copy = self.pending
        self.pending = None
        copy.close()
        self._inserted(items)

    def _inserted(self, items: list[ParsedArticle]) -> None:
        """The rows of `items` in: their ids, and their themes."""
        # content_hash is unique: the ids of the rows just inserted
        ids = dict(self.session.execute(select(Article.content_hash, Article.id).where(
            Article.content_hash.in_([item.content_hash for item in items]))).all())
        new_ids = [ids[item.content_hash] for item in items]
        assert self.new_ids is not None  # made by the first `_insert`
        self.ids += new_ids
        self.new_ids += new_ids
        self.first += items
        _insert_themes(self.connection, [(art_id, theme, "rule") for item, art_id in
                                         zip(items, new_ids, strict=True)
                                         for theme in self.tags[item.path][0]])

    def _insert_sources(self, rows: dict[str, tuple[str, int]]) -> None:
        """Insert {sha256: (file name, row count)} as sources of this import."""
        if not rows:
            return
        insert_rows(self.connection, Source.__table__,  # type: ignore[arg-type]
                    SOURCE_COLUMNS, [(KIND, name, sha, self.stamp, count)
                                     for sha, (name, count) in rows.items()])
        # (kind, sha256) is unique: the ids of the rows just inserted
        for sha, source_id in self.session.execute(select(Source.sha256, Source.id).where(
                Source.kind == KIND, Source.sha256.in_(list(rows)))):
            self.sources[sha] = (source_id, *rows[sha])

    def _settle_sources(self) -> None:
        """The sources as deciding over all the files first makes them: one for each file
        kept (``row_count`` 1) and for each file superseded (0), named after the first file
        with those bytes among the new articles' latest files, the updates' and the
        superseded ones', in that order."""
        wanted: dict[str, tuple[str, int]] = {}
        for items, count in ((self.latest, 1), (self.updates.values(), 1), (self.merged, 0)):
            for item in items:
                wanted.setdefault(item.sha256, (_file_name(item.path), count))
        self._insert_sources({sha: want for sha, want in wanted.items()
                              if sha not in self.sources})
        for sha, (name, count) in wanted.items():
            source_id, held_name, held_count = self.sources[sha]
            if (name, count) != (held_name, held_count):
                self.session.execute(update(Source).where(Source.id == source_id).values(
                    file_name=name, row_count=count))
                self.sources[sha] = (source_id, name, count)

    def _rewrite(self, latest: dict[int, ParsedArticle]) -> None:
        """Rows (stored ones, or ones inserted earlier in this import) take the fields, tags
        and themes of their latest file."""
        session = self.session
        stored = {a.id: a for a in session.scalars(select(Article).where(
            Article.id.in_(list(latest))))}
        session.execute(delete(ArticleTheme).where(ArticleTheme.article_id.in_(list(latest))))
        theme_rows = []
        for art_id, item in latest.items():
            article = stored[art_id]
            for key, value in _fields(item, self.sources[item.sha256][0], self.now).items():
                setattr(article, key, value)
            themes, (article.force_id, article.force_origin) = self.tags[item.path]
            theme_rows += [(art_id, theme, "rule") for theme in themes]
        session.flush()
        _insert_themes(self.connection, theme_rows)


def _insert_themes(connection: Connection, rows: list[tuple[int, str, str]]) -> None:
    """Insert (article id, theme, origin) rows in bulk."""
    insert_rows(connection, ArticleTheme.__table__,  # type: ignore[arg-type]
                ("article_id", "theme", "origin"), rows)


def _to_driver(connection: Connection, column: ColumnElement) -> Callable[[object], object]:
    """How a value of `column` is handed to the driver: as SQLAlchemy would hand it (SQLite
    keeps dates and times as text in SQLAlchemy's format), or as it is for COPY (psycopg
    adapts it)."""
    dialect = connection.dialect
    process = None if copies(connection) else \
        column.type.dialect_impl(dialect).bind_processor(dialect)
    return process or (lambda value: value)


def _file_name(path: str) -> str:
    return os.path.basename(path)[:500]


def _fields(item: ParsedArticle, source_id: int, now: datetime) -> dict:
    """The stored columns of an article read from `item` (all but ``imported_at``)."""
    return {"source_id": source_id, "url": item.url, "content_hash": item.content_hash,
            "title": item.title, "description": item.description, "area": item.area,
            "published": item.published, "format": item.format,
            "file_name": _file_name(item.path), "body": item.body, "text": item.text,
            "updated_at": now}
