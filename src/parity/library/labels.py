"""Labels the library's pages and its report section share: dates, themes, links.

Apart from the views so that the report (built without the web framework) can use them.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from parity.errors import InputError
from parity.library import tagging


def web_href(url: str | None) -> str | None:
    """`url` when it is an http(s) address (stored URLs always are), else None: no other
    scheme becomes a link."""
    if not url:
        return None
    parts = urlsplit(str(url).strip())
    return str(url).strip() if parts.scheme.lower() in {"http", "https"} and parts.netloc \
        else None


def long_date(value: str | date | None) -> str:
    """'8 March 2021' for an ISO date."""
    if not value:
        return "undated"
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.day} {day:%B} {day.year}"


def theme_label(theme_id: str) -> str:
    try:
        return tagging.load_rules().get(theme_id).label
    except InputError:
        return theme_id
