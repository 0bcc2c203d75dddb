"""The one HTML sanitiser of Parity: `clean_html` makes HTML written by others (an article's
body, imported from force websites) safe to show on a page, in an API answer or in the report.

Kept apart from the templating so that importers reach it without loading Jinja or FastAPI.
"""

from __future__ import annotations

from markupsafe import Markup

# What user-written HTML (an article's body, imported from force websites) may keep: formatting
# tags, links to http, https and mailto addresses (``javascript:``, ``data:`` and any other
# scheme lose their target), a title on a link or an abbreviation, and a table's spans. Scripts,
# styles, frames, objects, SVG and MathML are dropped with their content; every event handler and
# ``style`` attribute, every form, image and comment is dropped.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "mark", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"colspan"},
                      "th": {"colspan", "scope"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
DROP_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript",
                               "template", "svg", "math"})


def clean_html(text: str) -> Markup:
    """User-written HTML made safe to show (nh3, with the allow-lists above): the one
    sanitiser of Parity, for pages, API answers and the report alike."""
    import nh3  # deferred: only library articles need it

    return Markup(nh3.clean(
        text, tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES), clean_content_tags=set(DROP_WITH_CONTENT),
        link_rel="noopener noreferrer nofollow", strip_comments=True,
    ))
