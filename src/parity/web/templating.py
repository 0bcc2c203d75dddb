"""Jinja templates for the pages: autoescaping on, Parity's formatting filters and charts.

A domain that adds pages makes its own `Jinja2Templates` with `templates_for(its_folder)`:
its templates come first and can ``{% extends "base.html" %}`` to get the site's header,
navigation (including every domain's ``nav`` entries) and footer.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from parity.reports import format as fmt
from parity.reports import visuals

HERE = Path(__file__).parent / "templates"
REPORT_TEMPLATES = Path(__file__).parent.parent / "reports" / "templates"


def templates_for(*folders: Path | str) -> Jinja2Templates:
    """Templates from `folders` (searched first), then the site's own (``base.html`` ...)."""
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader([str(f) for f in folders]),
                                  jinja2.FileSystemLoader([str(HERE), str(REPORT_TEMPLATES)])])
    env = jinja2.Environment(loader=loader, autoescape=jinja2.select_autoescape(
        enabled_extensions=("html", "j2", "svg"), default_for_string=True, default=True),
        trim_blocks=True, lstrip_blocks=True)
    fmt.install(env)
    env.filters["markdown"] = markdown
    env.globals["charts"] = visuals
    return Jinja2Templates(env=env)


def markdown(text: str | None) -> Markup:
    """Inline Markdown of the project's own text (API descriptions) as HTML; raw HTML in the
    text is escaped, not passed through."""
    from markdown_it import MarkdownIt

    return Markup(MarkdownIt("commonmark", {"html": False}).renderInline(text or ""))


templates = templates_for()
