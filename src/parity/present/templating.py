"""The one Jinja set-up of Parity: pages, report and report sections alike.

`environment(*folders, **globals)` is a Jinja environment with autoescaping on (every
template, every extension: text written by users is never trusted), the formatting filters of
`parity.present.format`, the ``markdown`` filter, and the shared templates of
``present/templates`` (``base.html``: the site's header, navigation and footer;
``macros.html``: ``figure``, ``change``, ``select``) searched after `folders`.
`templates_for(*folders, **globals)` wraps it for FastAPI views; `render_fragment` renders a
report section's body; `clean_html` (from `parity.present.sanitise`) makes user-written HTML
safe to show.

A domain passes its own charts as a global (``charts=...``): this module imports no domain.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from parity.present import format as fmt
from parity.present.sanitise import clean_html

__all__ = ["clean_html", "environment", "markdown", "render_fragment", "templates_for"]

HERE = Path(__file__).parent / "templates"


def environment(*folders: Path | str, **globals: Any) -> jinja2.Environment:
    """Templates from `folders` (searched first), then the shared ones; `globals` added."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*(str(f) for f in folders), str(HERE)]),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, bytecode_cache=_bytecode())
    fmt.install(env)
    env.filters["markdown"] = markdown
    env.filters["focusable_tables"] = focusable_tables
    env.globals.update(globals)
    return env


@functools.lru_cache(maxsize=1)
def _bytecode() -> jinja2.BytecodeCache | None:
    """Compiled templates kept on disk between processes, as Python keeps ``.pyc`` files:
    Jinja's cache in the system's temporary folder, one per user, checked against each
    template's source. None (compile every time) where that folder cannot be written."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


def templates_for(*folders: Path | str, **globals: Any) -> Any:
    """`environment` for a domain's pages (a FastAPI ``Jinja2Templates``): its `folders`
    first, then ``base.html`` ..."""
    # deferred: FastAPI (~0.5 s to import) is for the web pages; the report renders without it
    from fastapi.templating import Jinja2Templates

    return Jinja2Templates(env=environment(*folders, **globals))


def render_fragment(folder: Path | str, template: str, **context: Any) -> Markup:
    """Render `template` from `folder` (autoescaped) as a section body."""
    return Markup(_fragments(str(folder)).get_template(template).render(**context))


@functools.lru_cache(maxsize=64)
def _fragments(folder: str) -> jinja2.Environment:
    """One environment per folder of section templates, kept: Jinja keeps each template
    compiled (a report renders the same fragments for 44 forces)."""
    return environment(folder)


def focusable_tables(html: str) -> Markup:
    """The page's rendered HTML with every table reachable by keyboard (``tabindex="0"``): on
    a phone a wide table scrolls inside its own box (axe: scrollable-region-focusable)."""
    return Markup(str(html).replace("<table ", '<table tabindex="0" '))


def markdown(text: str | None) -> Markup:
    """Inline Markdown of the project's own text (API descriptions) as HTML; raw HTML in the
    text is escaped, not passed through."""
    from markdown_it import MarkdownIt  # deferred: only the API docs page uses it

    return Markup(MarkdownIt("commonmark", {"html": False}).renderInline(text or ""))
