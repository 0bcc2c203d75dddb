"""Full-text search on either engine: the query language, and its SQL for SQLite FTS5 and for
PostgreSQL full-text search.

A query is words and "quoted phrases"; every word must match (after stemming: "recruiting"
finds "recruitment"); a trailing * matches any ending; ``OR`` between two words matches
either. Common English words ("the", "of", "our" ...) are dropped on both engines alike, so
that SQLite, which would otherwise require them, and PostgreSQL, which ignores them, find the
same articles. Results are ranked by relevance with matches in the title weighing most, then
the description, then the text (bm25 on SQLite, ts_rank on PostgreSQL), ties broken by the
article id (the order of import).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from parity.errors import InputError

# PostgreSQL's English stop words (the 'english' text search configuration), so that both
# engines drop the same words from a query.
STOP_WORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being
below between both but by can did do does doing don down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself
just me more most my myself no nor not now of off on once only or other our ours ourselves
out over own s same she should so some such t than that the their theirs them themselves then
there these they this those through to too under until up very was we were what when where
which while who whom why will with you your yours yourself yourselves
""".split())
MARK_START, MARK_END = "\x02", "\x03"
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"[^\W_]+(?:\*)?", re.UNICODE)
TITLE_WEIGHT, DESCRIPTION_WEIGHT, TEXT_WEIGHT = 10.0, 4.0, 1.0


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or a phrase
    prefix: bool = False


@dataclass(frozen=True)
class Query:
    """A parsed query: a conjunction of alternatives ([[a], [b, c]] means a AND (b OR c))."""

    groups: tuple[tuple[Term, ...], ...]

    def __bool__(self) -> bool:
        return bool(self.groups)

    def fts5(self) -> str:
        def term(t: Term) -> str:
            phrase = '"' + " ".join(t.words) + '"'
            return phrase + ("*" if t.prefix else "")

        parts = []
        for group in self.groups:
            inner = " OR ".join(term(t) for t in group)
            parts.append(f"({inner})" if len(group) > 1 else inner)
        return " AND ".join(parts)

    def tsquery(self) -> str:
        def term(t: Term) -> str:
            words = [w + (":*" if t.prefix and i == len(t.words) - 1 else "")
                     for i, w in enumerate(t.words)]
            return "(" + " <-> ".join(words) + ")" if len(words) > 1 else words[0]

        return " & ".join("(" + " | ".join(term(t) for t in g) + ")" for g in self.groups)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def parse_query(text: str) -> Query:
    """Parse a user's query; `InputError` when nothing searchable is left."""
    groups: list[list[Term]] = []
    join_next = False
    for match in _TOKEN.finditer(text or ""):
        phrase, word = match.group(1), match.group(2)
        if word is not None and word == "OR":
            join_next = bool(groups)
            continue
        raw = phrase if phrase is not None else word
        words = _words(raw)
        prefix = bool(words) and words[-1].endswith("*")
        words = [w.rstrip("*") for w in words if w.rstrip("*")]
        if all(w in STOP_WORDS for w in words):
            continue
        if phrase is None or len(words) == 1:
            words = [w for w in words if w not in STOP_WORDS]
        terms = [Term(tuple(words), prefix)] if phrase is not None else [
            Term((w,), prefix and i == len(words) - 1) for i, w in enumerate(words)]
        if join_next and groups:
            groups[-1].append(terms[0])
            terms = terms[1:]
        groups.extend([t] for t in terms)
        join_next = False
    if not groups:
        raise InputError(f"nothing to search for in {text!r} (only common words or punctuation)")
    return Query(tuple(tuple(g) for g in groups))


def any_of(words: list[str]) -> Query:
    """A query matching any of `words`."""
    terms = tuple(Term((w,)) for w in words if w not in STOP_WORDS)
    if not terms:
        raise InputError("no distinctive words to search for")
    return Query((terms,))


@dataclass(frozen=True)
class AnyTwo(Query):
    """A query matching texts with at least two of `words` (for "more like this")."""

    words: tuple[str, ...] = ()

    def fts5(self) -> str:
        pairs = [f'("{a}" AND "{b}")' for i, a in enumerate(self.words)
                 for b in self.words[i + 1:]]
        return " OR ".join(pairs)

    def tsquery(self) -> str:
        pairs = [f"({a} & {b})" for i, a in enumerate(self.words) for b in self.words[i + 1:]]
        return " | ".join(pairs)


def any_two_of(words: list[str]) -> Query:
    """A query matching texts that share at least two of `words`."""
    kept = tuple(dict.fromkeys(w for w in words if w not in STOP_WORDS and _WORD.fullmatch(w)))
    if len(kept) < 2:
        return any_of(list(kept))
    return AnyTwo(groups=((Term((kept[0],)),),), words=kept)


@dataclass(frozen=True)
class Filters:
    force_ids: tuple[str, ...] | None = None
    theme: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    exclude_id: int | None = None

    def sql(self, params: dict) -> str:
        conds = []
        if self.force_ids is not None:
            names = []
            for i, fid in enumerate(self.force_ids):
                params[f"force_{i}"] = fid
                names.append(f":force_{i}")
            conds.append(f"a.force_id IN ({', '.join(names)})" if names else "1 = 0")
        if self.theme:
            params["theme"] = self.theme
            conds.append("EXISTS (SELECT 1 FROM library_article_themes t "
                         "WHERE t.article_id = a.id AND t.theme = :theme)")
        if self.date_from:
            params["date_from"] = self.date_from
            conds.append("a.published >= :date_from")
        if self.date_to:
            params["date_to"] = self.date_to
            conds.append("a.published <= :date_to")
        if self.exclude_id is not None:
            params["exclude_id"] = self.exclude_id
            conds.append("a.id <> :exclude_id")
        return "".join(f" AND {c}" for c in conds)


def run(session: Session, query: Query, filters: Filters, *, limit: int, offset: int = 0,
        snippet_words: int = 24) -> tuple[list[dict], int]:
    """([{id, score, snippet_marked}], total matches) for `query` on the session's engine.
    ``score``: higher is more relevant (engine-specific scale). Snippets bracket highlights
    with MARK_START and MARK_END."""
    dialect = session.get_bind().dialect.name
    params: dict = {"limit": limit, "offset": offset}
    where = filters.sql(params)
    if dialect == "sqlite":
        # Without filters the FTS5 table alone ranks (joining every match to its article
        # costs more than the ranking). FTS5's functions cannot share a query with window
        # functions, so the total is a separate (cheap) count; snippets are made for the
        # page of hits only.
        params["q"] = query.fts5()
        weights = f"{TITLE_WEIGHT}, {DESCRIPTION_WEIGHT}, {TEXT_WEIGHT}"
        source = "library_fts"
        if where:
            source += " JOIN library_articles a ON a.id = library_fts.rowid"
        ranked = session.execute(sql(
            f"""SELECT library_fts.rowid, -bm25(library_fts, {weights}) AS score
            FROM {source} WHERE library_fts MATCH :q{where}
            ORDER BY bm25(library_fts, {weights}), library_fts.rowid
            LIMIT :limit OFFSET :offset"""), params).all()
        total = int(session.execute(sql(
            f"SELECT count(*) FROM {source} WHERE library_fts MATCH :q{where}"), params
        ).scalar() or 0)
        snippets: dict[int, str] = {}
        if ranked:
            ids = ", ".join(str(int(r[0])) for r in ranked)
            snippets = dict(session.execute(sql(
                f"""SELECT rowid, snippet(library_fts, 2, :ms, :me, '…', :words)
                FROM library_fts WHERE library_fts MATCH :q AND rowid IN ({ids})"""),
                {"q": params["q"], "ms": MARK_START, "me": MARK_END,
                 "words": min(snippet_words, 64)}).all())
        hits = [(r[0], r[1], snippets.get(r[0], "")) for r in ranked]
    elif dialect == "postgresql":
        rows = _postgres_hits(session, query, params, where, snippet_words)
        hits = [(r[0], r[1], r[2]) for r in rows]
        if rows:
            total = int(rows[0][3])
        elif offset:
            total = run(session, query, filters, limit=1, offset=0)[1]
        else:
            total = 0
    else:
        raise InputError(f"full-text search is not available on {dialect}")
    return [{"id": h[0], "score": float(h[1]), "snippet_marked": h[2] or ""} for h in hits], total


def _postgres_hits(session: Session, query: Query, params: dict, where: str,
                   snippet_words: int) -> list:  # of rows (id, score, snippet, total)
    params["q"] = query.tsquery()
    options = (f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={snippet_words}, "
               f"MinWords={max(5, snippet_words // 2)}, ShortWord=2, MaxFragments=1, "
               "FragmentDelimiter=…")
    weights = (f"{{0.1, {TEXT_WEIGHT / TITLE_WEIGHT}, {DESCRIPTION_WEIGHT / TITLE_WEIGHT}, "
               "1.0}")
    # The ranks are materialised as (id, score) pairs so that counting all matches does not
    # carry every tsvector along.
    return list(session.execute(sql(
        f"""WITH q AS (SELECT to_tsquery('english', :q) AS query),
        matches AS MATERIALIZED (
            SELECT a.id, ts_rank('{weights}', a.search_vector, q.query, 1) AS score
            FROM library_articles a, q
            WHERE a.search_vector @@ q.query{where}),
        ranked AS (
            SELECT id, score, count(*) OVER () AS total FROM matches
            ORDER BY score DESC, id
            LIMIT :limit OFFSET :offset)
        SELECT r.id, r.score, ts_headline('english', a.text, q.query, :options) AS snip,
               r.total
        FROM ranked r JOIN library_articles a ON a.id = r.id, q
        ORDER BY r.score DESC, r.id"""),
        {**params, "options": options},
    ).all())


def document_frequencies(session: Session, words: list[str], *, cap: int
                         ) -> dict[str, int]:
    """{word: number of articles containing it (after stemming), counted up to `cap`} for
    each plain word. Past the cap a word is common, and counting further would cost a scan
    of every article that has it."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        statement = sql("SELECT count(*) FROM (SELECT 1 FROM library_fts "
                        "WHERE library_fts MATCH :q LIMIT :cap)")
    else:
        statement = sql("SELECT count(*) FROM (SELECT 1 FROM library_articles "
                        "WHERE search_vector @@ to_tsquery('english', :q) LIMIT :cap) s")
    out = {}
    for word in words:
        if not _WORD.fullmatch(word) or word.endswith("*"):
            continue
        q = f'"{word}"' if dialect == "sqlite" else word
        out[word] = int(session.execute(statement, {"q": q, "cap": cap}).scalar() or 0)
    return out
