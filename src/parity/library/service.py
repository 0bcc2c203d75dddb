"""Reads and writes of the library, for the CLI, the web app, the report and other domains.

Every function takes the session first and keyword-only arguments. An article is referred to
by its id, its URL (as stored, or as written: it is normalised) or a unique file name
(`get_article`). Shares are fractions in [0, 1].

- `search`: ranked hits with a highlighted snippet (safe HTML: text escaped, ``<mark>``
  around matches), filtered by force, region, theme and publication dates.
- `more_like_this`: articles sharing the most distinctive words of one article.
- `article_detail`, `safe_article_html`: an article for display; its HTML is always
  sanitised (nh3) — pages must show nothing else.
- `tag`, `apply_corrections`, `corrections`: manual corrections of force and themes, kept
  apart and re-applied after every re-import.
- `check_figures`: the workforce figures an article quotes, checked against the official
  Home Office figures (`parity.workforce.service.representation`).
- `themes`: the rules in force; `articles_for_force`, `articles_for_commitment`: the newest
  articles of a force, or serving a HeForShe commitment theme.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import UTC, date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, load_only

from parity.errors import InputError
from parity.forces import registry
from parity.library import claims as claims_mod
from parity.library import render, tagging
from parity.library import search as search_mod
from parity.library.articles import (  # re-exported: other domains and the front ends call the service
    get_article as get_article,
)
from parity.library.articles import (
    summary as summary,
)
from parity.library.articles import themes as themes
from parity.library.articles import (
    themes_of as themes_of,
)
from parity.library.check import (  # re-exported: drafts and forces' returns are checked too
    check_text as check_text,
)
from parity.library.figures import (  # re-exported: other domains and the front ends call the service
    check_figures as check_figures,
)
from parity.library.models import Article, ArticleTheme, Correction
from parity.library.validation import BadFile, normalise_url

ACTIONS = ("set_force", "add_theme", "remove_theme")


# search ---------------------------------------------------------------------------------
def _filters(*, force: str | None, region: str | None, theme: str | None,
             date_from: date | None, date_to: date | None, exclude_id: int | None = None
             ) -> search_mod.Filters:
    force_ids: set[str] | None = None
    if force:
        force_ids = {registry().force(force).id}
    if region:
        area = registry().area(region)
        if area.kind == "force":
            raise InputError(f"{region!r} is a force, not a region: use --force")
        ids = set(area.force_ids)
        force_ids = ids if force_ids is None else force_ids & ids
    if theme:
        theme = tagging.load_rules().get(theme).id
    if date_from and date_to and date_from > date_to:
        raise InputError(f"the date range is empty: {date_from} is after {date_to}")
    return search_mod.Filters(tuple(sorted(force_ids)) if force_ids is not None else None,
                              theme, date_from, date_to, exclude_id)


def search(
    session: Session, *, query: str, force: str | None = None, region: str | None = None,
    theme: str | None = None, date_from: date | None = None, date_to: date | None = None,
    limit: int = 20, offset: int = 0,
) -> dict:
    """Articles matching `query` (see `parity.library.search` for the query language), best
    first: ``{"query", "total", "hits": [{id, title, url, area, force_id, region, published
    (ISO date), themes, description, score, snippet}]}``. ``snippet`` is safe HTML."""
    if limit < 1:
        raise InputError("--limit must be at least 1")
    parsed = search_mod.parse_query(query)
    filters = _filters(force=force, region=region, theme=theme, date_from=date_from,
                       date_to=date_to)
    rows, total = search_mod.run(session, parsed, filters, limit=limit, offset=offset)
    return {"query": query, "total": total, "hits": _hits(session, rows)}


def _hits(session: Session, rows: list[dict]) -> list[dict]:
    ids = [r["id"] for r in rows]
    listed = load_only(Article.id, Article.title, Article.url, Article.force_id,
                       Article.published, Article.description)  # not the long texts
    articles = {a.id: a for a in session.scalars(
        select(Article).options(listed).where(Article.id.in_(ids)))}
    themes = themes_of(session, article_ids=ids)
    hits = []
    for row in rows:
        article = articles[row["id"]]
        snippet = " ".join((row["snippet_marked"] or article.description or "").split())
        hits.append({**summary(article, themes[article.id]), "score": round(row["score"], 6),
                     "snippet": render.highlight(snippet, search_mod.MARK_START,
                                                 search_mod.MARK_END)})
    return hits


_WORDS = re.compile(r"[^\W\d_]{4,}", re.UNICODE)


def _term_counts(article: Article) -> Counter[str]:
    force_words: set[str] = set()
    if article.force_id:
        force = registry().get(article.force_id)
        for name in (force.name, *force.aliases):
            force_words.update(w.lower() for w in name.split())
    skip = search_mod.STOP_WORDS | force_words
    counts: Counter[str] = Counter()
    for part, weight in ((article.title, 3), (article.description or "", 2), (article.text, 1)):
        for word in _WORDS.findall(part.lower()):
            if word not in skip:
                counts[word] += weight
    return counts


def distinctive_words(session: Session, article: Article, *, count: int = 5,
                      candidates: int = 15) -> list[str]:
    """The words that best tell `article` apart: of its `candidates` most frequent words
    (title words count three times, description words twice; common English and the force's
    own name left out), the `count` with the highest tf-idf (frequency in the article times
    the log of how rare the word is in the library), leaving out words found in one article
    in twenty or more (at least 50) while at least two others remain."""
    counts = _term_counts(article)
    top = [w for w, _ in counts.most_common(candidates)]
    if not top:
        return []
    size = session.scalar(select(func.count()).select_from(Article)) or 1
    cap = max(50, size // 20)
    frequencies = search_mod.document_frequencies(session, top, cap=cap)
    rarer = [w for w in top if frequencies.get(w, 0) < cap]
    if len(rarer) >= 2:  # words in very many articles say little about this one
        top = rarer
    score = {w: counts[w] * math.log((size + 1) / (frequencies.get(w, 0) + 1)) for w in top}
    return sorted(top, key=lambda w: (-score[w], w))[:count]


MORE_LIKE_THIS_WORDS = 4


def more_like_this(session: Session, *, ref: str | int, limit: int = 10,
                   force: str | None = None, theme: str | None = None) -> dict:
    """Articles most like article `ref`, best first: those sharing at least two of its
    `MORE_LIKE_THIS_WORDS` most distinctive words (any one of them when none shares two),
    ranked like a search for those words."""
    article = get_article(session, ref=ref)
    words = distinctive_words(session, article, count=MORE_LIKE_THIS_WORDS)
    if not words:
        raise InputError(f"article {article.id} has no words to compare")
    filters = _filters(force=force, region=None, theme=theme, date_from=None, date_to=None,
                       exclude_id=article.id)
    rows, total = search_mod.run(session, search_mod.any_two_of(words), filters, limit=limit)
    if not rows:
        rows, total = search_mod.run(session, search_mod.any_of(words), filters, limit=limit)
    return {"article": summary(article, themes_of(session, article_ids=[article.id])[article.id]),
            "words": words, "total": total, "hits": _hits(session, rows)}


# display --------------------------------------------------------------------------------
def safe_article_html(session: Session, *, ref: str | int) -> str:
    """The article's body as HTML that a page may show as it is (rendered, then sanitised)."""
    return render.safe_html(get_article(session, ref=ref).body)


def article_detail(session: Session, *, ref: str | int) -> dict:
    """An article with its tags, why it has them, its corrections and its safe HTML body."""
    article = get_article(session, ref=ref)
    rules = tagging.load_rules()
    themes = themes_of(session, article_ids=[article.id])[article.id]
    origins = dict(session.execute(select(ArticleTheme.theme, ArticleTheme.origin)
                                   .where(ArticleTheme.article_id == article.id)).all())
    matches = tagging.theme_matches(rules, title=article.title,
                                    description=article.description, text=article.text)
    return {
        **summary(article, themes),
        "area_as_written": article.area, "force_origin": article.force_origin,
        "theme_origins": origins, "theme_matches": matches,
        "format": article.format, "file_name": article.file_name,
        "imported_at": article.imported_at, "updated_at": article.updated_at,
        "corrections": corrections(session, ref=article.id),
        "html": render.safe_html(article.body), "text": article.text,
    }


# manual corrections ---------------------------------------------------------------------
def corrections(session: Session, *, ref: str | int) -> list[dict]:
    article = get_article(session, ref=ref)
    rows = session.scalars(select(Correction).where(Correction.article_id == article.id)
                           .order_by(Correction.id))
    return [{"id": c.id, "action": c.action, "value": c.value, "note": c.note,
             "made_at": c.made_at} for c in rows]


def tag(
    session: Session, *, ref: str | int, force: str | None = None, no_force: bool = False,
    add_themes: list[str] | tuple[str, ...] = (), remove_themes: list[str] | tuple[str, ...] = (),
    reset: bool = False, note: str | None = None,
) -> dict:
    """Correct an article's force and themes by hand; the corrections are stored and re-applied
    after every re-import. ``reset`` drops this article's corrections (back to the rules).
    Returns the article's summary after the change."""
    article = get_article(session, ref=ref)
    rules = tagging.load_rules()
    if force and no_force:
        raise InputError("give either --force or --no-force, not both")
    adds = [rules.get(t).id for t in add_themes]
    removes = [rules.get(t).id for t in remove_themes]
    if set(adds) & set(removes):
        raise InputError(f"a theme cannot be added and removed at once: "
                         f"{', '.join(sorted(set(adds) & set(removes)))}")
    now = datetime.now(UTC)
    if reset:
        session.execute(delete(Correction).where(Correction.article_id == article.id))
    new = []
    if force or no_force:
        new.append(("set_force", registry().force(force).id if force else ""))
    new += [("add_theme", t) for t in adds] + [("remove_theme", t) for t in removes]
    if not new and not reset:
        raise InputError("nothing to change: give --force, --no-force, --add-theme, "
                         "--remove-theme or --reset")
    for action, value in new:
        session.add(Correction(article_id=article.id, action=action, value=value, note=note,
                               made_at=now))
    session.flush()
    if reset:
        _retag_from_rules(session, article, rules)
    apply_corrections(session, article_ids=[article.id], rules=rules)
    session.flush()
    return summary(article, themes_of(session, article_ids=[article.id])[article.id])


def _retag_from_rules(session: Session, article: Article, rules: tagging.Rules) -> None:
    force_id, origin = tagging.force_for(area=article.area, title=article.title,
                                         description=article.description, text=article.text)
    article.force_id, article.force_origin = force_id, origin
    session.execute(delete(ArticleTheme).where(ArticleTheme.article_id == article.id))
    for theme in tagging.themes_for(rules, title=article.title,
                                    description=article.description, text=article.text):
        session.add(ArticleTheme(article_id=article.id, theme=theme, origin="rule"))
    session.flush()


def apply_corrections(session: Session, *, article_ids: list[int],
                      rules: tagging.Rules | None = None) -> None:
    """Apply the stored manual corrections of these articles over the rules' tags. For each
    force, and for each theme, the latest correction wins."""
    if not article_ids:
        return
    rows = list(session.scalars(select(Correction).where(Correction.article_id.in_(article_ids))
                                .order_by(Correction.id)))
    if not rows:
        return
    latest_force: dict[int, str] = {}
    latest_theme: dict[tuple[int, str], str] = {}
    for c in rows:
        if c.action == "set_force":
            latest_force[c.article_id] = c.value
        else:
            latest_theme[(c.article_id, c.value)] = c.action
    for art_id, force_id in latest_force.items():
        article = session.get_one(Article, art_id)
        article.force_id, article.force_origin = (force_id or None), "manual"
    for (art_id, theme), action in latest_theme.items():
        current = session.get(ArticleTheme, (art_id, theme))
        if action == "add_theme":
            if current is None:
                session.add(ArticleTheme(article_id=art_id, theme=theme, origin="manual"))
            else:
                current.origin = "manual"
        elif current is not None:
            session.delete(current)
    session.flush()


# themes ---------------------------------------------------------------------------------
def articles_for_force(session: Session, *, force: str, limit: int = 20) -> list[dict]:
    """The newest articles tagged with `force` (for force pages and report sections)."""
    force_id = registry().force(force).id
    rows = list(session.scalars(select(Article).where(Article.force_id == force_id)
                                .order_by(Article.published.desc(), Article.id).limit(limit)))
    tags = themes_of(session, article_ids=[a.id for a in rows])
    return [summary(a, tags[a.id]) for a in rows]


def articles_for_commitment(session: Session, *, commitment: str, force: str | None = None,
                            limit: int = 20) -> list[dict]:
    """The newest articles whose themes serve a HeForShe commitment theme ("senior
    representation", "middle management", "domestic and sexual abuse", "culture", "annual
    reporting"; the links are in the theme rules), optionally for one force."""
    rules = tagging.load_rules()
    theme_ids = rules.themes_for_commitment(commitment)
    if not theme_ids:
        known = sorted({c for t in rules.themes for c in t.commitments})
        raise InputError(f"no theme is linked to the commitment {commitment!r}; linked: "
                         f"{', '.join(known)}")
    query = (select(Article).options(load_only(
        Article.id, Article.title, Article.url, Article.force_id, Article.published,
        Article.description))
        .where(Article.id.in_(select(ArticleTheme.article_id)
                              .where(ArticleTheme.theme.in_(theme_ids))))
        .order_by(Article.published.desc(), Article.id).limit(limit))
    if force:
        query = query.where(Article.force_id == registry().force(force).id)
    rows = list(session.scalars(query))
    tags = themes_of(session, article_ids=[a.id for a in rows])
    return [summary(a, tags[a.id]) for a in rows]


# browsing, for the web pages and the report ----------------------------------------------
_LISTED = (Article.id, Article.title, Article.url, Article.force_id, Article.published,
           Article.description)


def _summaries(session: Session, rows: list[Article]) -> list[dict]:
    tags = themes_of(session, article_ids=[a.id for a in rows])
    return [summary(a, tags[a.id]) for a in rows]


def browse(
    session: Session, *, force: str | None = None, region: str | None = None,
    theme: str | None = None, date_from: date | None = None, date_to: date | None = None,
    limit: int = 20, offset: int = 0,
) -> dict:
    """Articles without search words, newest first (undated last), with the same filters as
    `search`: ``{"force_id", "region", "theme", "date_from", "date_to", "total", "articles":
    [summary]}`` (each article as a search hit without ``score`` and ``snippet``)."""
    if limit < 1:
        raise InputError("--limit must be at least 1")
    if offset < 0:
        raise InputError("the offset must be 0 or more")
    filters = _filters(force=force, region=region, theme=theme, date_from=date_from,
                       date_to=date_to)
    conds: list = []
    if filters.force_ids is not None:
        conds.append(Article.force_id.in_(filters.force_ids))
    if filters.theme:
        conds.append(Article.id.in_(select(ArticleTheme.article_id)
                                    .where(ArticleTheme.theme == filters.theme)))
    if date_from:
        conds.append(Article.published >= date_from)
    if date_to:
        conds.append(Article.published <= date_to)
    total = session.scalar(select(func.count()).select_from(Article).where(*conds)) or 0
    rows = list(session.scalars(
        select(Article).options(load_only(*_LISTED)).where(*conds)
        .order_by(Article.published.desc().nulls_last(), Article.id.desc())
        .limit(limit).offset(offset)))
    return {"force_id": force and registry().force(force).id, "region": region,
            "theme": filters.theme, "date_from": date_from.isoformat() if date_from else None,
            "date_to": date_to.isoformat() if date_to else None, "total": int(total),
            "articles": _summaries(session, rows)}


def counts_by_force(session: Session, *, published_to: date | None = None) -> dict:
    """How many articles each force has (every force in the registry, in its order, with its
    newest publication date), and how many are tagged with no force:
    ``{"published_to", "total", "no_force", "forces": [{force_id, area, region, articles,
    latest}]}``. Only articles published on or before `published_to` when given."""
    query = select(Article.force_id, func.count(), func.max(Article.published))
    if published_to:
        query = query.where(Article.published <= published_to)
    found = {fid: (n, latest) for fid, n, latest in session.execute(
        query.group_by(Article.force_id))}
    forces = [{"force_id": f.id, "area": f.name, "region": f.region,
               "articles": int(found.get(f.id, (0, None))[0]),
               "latest": _iso(found.get(f.id, (0, None))[1])} for f in registry().forces]
    return {"published_to": published_to.isoformat() if published_to else None,
            "total": int(sum(n for n, _ in found.values())),
            "no_force": int(found.get(None, (0, None))[0]), "forces": forces}


def shared_practice(session: Session, *, per_theme: int = 3, force: str | None = None,
                    published_to: date | None = None) -> dict:
    """What forces share, theme by theme: for each theme of the rules (in their order) its
    number of articles and its `per_theme` newest ones, optionally for one force and up to a
    publication date: ``{"force_id", "published_to", "total", "themes": [{id, label,
    commitments, articles, latest: [summary]}]}`` (``total``: articles, each counted once)."""
    rules = tagging.load_rules()
    conds = []
    force_id = registry().force(force).id if force else None
    if force_id:
        conds.append(Article.force_id == force_id)
    if published_to:
        conds.append(Article.published <= published_to)
    counted = (select(ArticleTheme.theme, func.count()).join(
        Article, Article.id == ArticleTheme.article_id).where(*conds)
        .group_by(ArticleTheme.theme))
    counts = dict(session.execute(counted).all())
    out = []
    for theme in rules.themes:
        latest: list[Article] = []
        if counts.get(theme.id) and per_theme > 0:
            latest = list(session.scalars(
                select(Article).options(load_only(*_LISTED))
                .where(*conds, Article.id.in_(select(ArticleTheme.article_id)
                                              .where(ArticleTheme.theme == theme.id)))
                .order_by(Article.published.desc().nulls_last(), Article.id.desc())
                .limit(per_theme)))
        out.append({"id": theme.id, "label": theme.label, "commitments": list(theme.commitments),
                    "articles": int(counts.get(theme.id, 0)),
                    "latest": _summaries(session, latest)})
    total = session.scalar(select(func.count()).select_from(Article).where(*conds)) or 0
    return {"force_id": force_id, "published_to": published_to.isoformat() if published_to
            else None, "total": int(total), "themes": out}


def force_figures_checks(session: Session, *, force: str, published_to: date | None = None,
                         limit: int = 10, scan: int = 200) -> dict:
    """The figures checks (`check_figures`) of a force's newest articles that quote workforce
    figures: of its `scan` newest articles (published on or before `published_to` when
    given), the first `limit` with at least one claim. ``{"force_id", "area",
    "published_to", "articles_scanned", "claims", "matches", "does_not_match",
    "cannot_tell", "articles": [check_figures result]}``."""
    force_obj = registry().force(force)
    query = (select(Article.id, Article.title, Article.description, Article.text)
             .where(Article.force_id == force_obj.id)
             .order_by(Article.published.desc().nulls_last(), Article.id.desc()).limit(scan))
    if published_to:
        query = query.where(Article.published <= published_to)
    rows = session.execute(query).all()
    ids = [row.id for row in rows]
    checked: list[dict] = []
    for row in rows:
        if len(checked) >= limit:
            break
        # the claims are found first (cheap), so only articles quoting figures are checked
        if not claims_mod.find_figures_quick(f"{row.title}\n\n{row.description or ''}\n\n"
                                             f"{row.text}"):
            continue
        result = check_figures(session, ref=row.id)
        if result["claims"]:
            checked.append(result)
    return {"force_id": force_obj.id, "area": force_obj.name,
            "published_to": published_to.isoformat() if published_to else None,
            "articles_scanned": len(ids),
            "claims": sum(len(r["claims"]) for r in checked),
            "matches": sum(r["matches"] for r in checked),
            "does_not_match": sum(r["does_not_match"] for r in checked),
            "cannot_tell": sum(r["cannot_tell"] for r in checked), "articles": checked}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def cites(target: str, article: Article) -> bool:
    """Whether a link as entered (a library id, or a web address) names `article`."""
    target = target.strip()
    if target.isdigit():
        return int(target) == article.id
    if article.url and "://" in target:
        try:
            return normalise_url(target) == article.url
        except BadFile:
            return False
    return False
