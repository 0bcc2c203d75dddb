"""The figures check of an article in the library: each figure it states about the workforce,
with what it is about and the words that say so, against the Home Office table
(`parity.library.check` does the checking for articles and drafts alike).

Re-exported by `parity.library.service`, which other domains and the front ends call."""

from __future__ import annotations

from sqlalchemy.orm import Session

from parity.forces import registry
from parity.library import check as check_mod
from parity.library import claims as claims_mod
from parity.library.articles import get_article, summary, themes_of
from parity.library.models import Article


def check_figures(session: Session, *, ref: str | int) -> dict:
    """The workforce figures article `ref` quotes, each with what it is about (and the words
    that say so), the official figures it may refer to and a verdict: ``matches``, ``does
    not match``, ``cannot tell`` or ``not checked`` (`parity.library.check`)."""
    article = get_article(session, ref=ref)
    area = registry().get(article.force_id).name if article.force_id else None
    result = check_mod.check_text(
        session, text=article_text(article), area=area, published=article.published,
        area_certain=article.force_origin in {"area", "manual"})
    year = claims_mod.snapshot_year(article.published) if article.published else None
    return {**summary(article, themes_of(session, article_ids=[article.id])[article.id]),
            "snapshot_year": year, **result}


def article_text(article: Article) -> str:
    """What the figures check reads: the title, the description and the text, as paragraphs."""
    return f"{article.title}\n\n{article.description or ''}\n\n{article.text}"
