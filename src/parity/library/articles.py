"""Looking articles up: one article by its id or its web address, its themes, its summary.

Re-exported by parity.library.service, which other domains and the front ends call."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from parity.errors import InputError
from parity.forces import registry
from parity.library import tagging
from parity.library.models import Article, ArticleTheme
from parity.library.validation import BadFile, normalise_url


# looking articles up --------------------------------------------------------------------
def get_article(session: Session, *, ref: str | int) -> Article:
    """The article with id, URL or file name `ref`; `InputError` when none (or several)."""
    text = str(ref).strip()
    if text.isdigit():
        found = session.get(Article, int(text))
        if found:
            return found
    if "://" in text:
        try:
            url = normalise_url(text)
        except BadFile as exc:
            raise InputError(str(exc)) from exc
        found = session.scalar(select(Article).where(Article.url == url))
        if found:
            return found
    matches = list(session.scalars(select(Article).where(Article.file_name == text).limit(2)))
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise InputError(f"several articles come from files named {text!r}: use the id or URL")
    raise InputError(f"no article {text!r} in the library (give its id, URL or file name; "
                     "`parity library search` finds ids)")


def themes_of(session: Session, *, article_ids: list[int]) -> dict[int, list[str]]:
    """{article id: theme ids in the rules' order}."""
    order = {t: i for i, t in enumerate(tagging.load_rules().ids())}
    out: dict[int, list[str]] = {i: [] for i in article_ids}
    if not article_ids:
        return out
    for art_id, theme in session.execute(
        select(ArticleTheme.article_id, ArticleTheme.theme)
        .where(ArticleTheme.article_id.in_(article_ids))
    ):
        out[art_id].append(theme)
    for themes in out.values():
        themes.sort(key=lambda t: (order.get(t, len(order)), t))
    return out


def summary(article: Article, themes: list[str]) -> dict:
    force = registry().get(article.force_id) if article.force_id else None
    return {
        "id": article.id, "title": article.title, "url": article.url,
        "area": force.name if force else None, "force_id": article.force_id,
        "region": force.region if force else None,
        "published": article.published.isoformat() if article.published else None,
        "themes": themes, "commitments": tagging.load_rules().commitments_of(themes),
        "description": article.description,
    }


def themes(session: Session | None = None) -> dict:
    """The theme rules in force (file, thresholds, phrases), with article counts when a
    session is given."""
    rules = tagging.load_rules()
    counts = {}
    if session is not None:
        counts = dict(session.execute(select(ArticleTheme.theme, func.count())
                                      .group_by(ArticleTheme.theme)).all())
    return {"rules_file": str(rules.path), "themes": [
        {"id": t.id, "label": t.label, "min_mentions": t.min_mentions,
         "phrases": list(t.phrases), "commitments": list(t.commitments),
         "articles": counts.get(t.id, 0)} for t in rules.themes]}
