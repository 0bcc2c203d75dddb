"""The best-practice library in the annual report: what forces share.

`section(session, *, year, force_id)` is found by `parity.reports.sections.discover`:

- national (``force_id`` None): "Shared practice": the articles held, by theme (a chart and a
  table), with the newest articles of each theme;
- per force: the force's newest articles and the check of the workforce figures they quote
  against the official figures (each claim's verdict beside the official figure).

A report for 31 March `year` counts the articles published up to 30 March of `year` + 1, the
eve of the next snapshot (the cut-off the commitments section uses too), so building it again
later, after more articles are imported, gives the same section. Article titles and claims
are text written by others: the templates escape them; no article body is shown.
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from parity import calendar
from parity.library import service
from parity.library.claims import official_label
from parity.library.labels import long_date, theme_label, web_href
from parity.present.charts import Bar, bar_chart
from parity.present.format import number
from parity.present.templating import environment

TEMPLATES = Path(__file__).parent / "templates"
PER_THEME = 3
FORCE_ARTICLES = 5
FORCE_CHECKS = 5
SOURCES = [
    "Best-practice articles: news stories, case studies and reports published by police "
    "forces on their own websites, as imported into Parity's library (titles, dates and "
    "links; the articles remain their publishers').",
    "Figures checks: Home Office, Police workforce, England and Wales, open data table "
    "(figures as at 31 March). Contains public sector information licensed under the Open "
    "Government Licence v3.0.",
]


def cut_off(year: int) -> date:
    """The last publication date counted in the report for 31 March `year`."""
    return calendar.report_date(year)


@functools.lru_cache(maxsize=1)
def _env():  # noqa: ANN202
    """Kept: Jinja keeps the templates compiled for every force's section."""
    env = environment(TEMPLATES)
    env.filters["long_date"] = long_date
    env.filters["web_href"] = web_href
    env.filters["theme_label"] = theme_label
    env.filters["official_label"] = official_label
    return env


def section(session: Session, *, year: int, force_id: str | None) -> dict | None:
    """The national "shared practice" (`force_id` None) or one force's articles and figures
    checks, counting articles published up to `cut_off(year)`."""
    to = cut_off(year)
    if force_id is None:
        practice = service.shared_practice(session, per_theme=PER_THEME, published_to=to)
        if not practice["total"]:
            return None
        themes = practice["themes"]
        chart = bar_chart([Bar(t["label"], t["articles"]) for t in themes],
                          title="Articles in the library by theme", fmt=number, width=600)
        body = _env().get_template("report_national.html").render(
            practice=practice, chart=chart, year=year, cut_off=long_date(to))
        figures = {"published_to": practice["published_to"], "articles": practice["total"],
                   "themes": {t["id"]: t["articles"] for t in themes},
                   "newest": {t["id"]: [a["id"] for a in t["latest"]] for t in themes}}
        return {"title": "Shared practice", "html": body, "figures": figures,
                "sources": SOURCES}
    articles = service.browse(session, force=force_id, date_to=to, limit=FORCE_ARTICLES)
    if not articles["total"]:
        return None
    checks = service.force_figures_checks(session, force=force_id, published_to=to,
                                          limit=FORCE_CHECKS)
    body = _env().get_template("report_force.html").render(
        articles=articles, checks=checks, year=year, cut_off=long_date(to))
    figures = {"published_to": to.isoformat(), "articles": articles["total"],
               "newest": [a["id"] for a in articles["articles"]],
               "claims": checks["claims"], "matches": checks["matches"],
               "does_not_match": checks["does_not_match"], "cannot_tell": checks["cannot_tell"],
               "verdicts": [{"article": c["id"], "quoted": claim["quoted"],
                             "verdict": claim["verdict"], "label": claim["label"]}
                            for c in checks["articles"] for claim in c["claims"]]}
    return {"title": "Shared practice", "html": body, "figures": figures, "sources": SOURCES}
