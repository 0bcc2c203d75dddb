"""Reading and checking one article file: front matter, dates, URLs, text.

Each check raises `BadFile` with a reason a person can act on; the importer turns it into a
`Problem` naming the file and carries on with the others.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import yaml

from parity.budget import load_yaml
from parity.errors import InputError

DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%d/%m/%Y", "%B %d, %Y", "%b %d, %Y",
                "%d %b. %Y", "%A %d %B %Y", "%a %d %b %Y", "%d.%m.%Y", "%d-%b-%Y", "%d %B, %Y",
                "%d %b, %Y", "%A, %d %B %Y", "%a, %d %b %Y")
_SEPT = re.compile(r"\bSept\b\.?", re.IGNORECASE)  # "22 Sept 2019": strptime knows only "Sep"
# a time after the date ("22 Nov 2019 10:30", "22 Nov 2019, 10:30am GMT")
_TIME = re.compile(r"(?:[ ,]+(?:at\s+)?|T)\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?\s*(?:am|pm)?"
                   r"(?:\s*(?:GMT|BST|UTC|Z|[+-]\d{2}:?\d{2}))?$", re.IGNORECASE)
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?$\n?", re.S | re.M)
# The same keys in a fenced block, as some crawlers and clipping tools save a page:
# a line ```yaml, the keys (nested ones too), a closing ```.
_FENCED = re.compile(r"\A\ufeff?[ \t]*(?:\r?\n)*```[ \t]*ya?ml[ \t]*\r?\n(.*?)^```[ \t]*\r?$\n?",
                     re.S | re.M | re.I)
_TRACKING = ("utm_", "fbclid", "gclid")

# Front matter as almost every article writes it — `key: value` lines, one level of nested
# keys, values quoted or plain text — is read directly; anything else (comments, lists, flow
# collections, multi-line values, numbers, dates, tabs ...) goes to the YAML loader.
_SIMPLE_LINE = re.compile(r"( *)([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*?))? *")
_SINGLE = re.compile(r"'((?:[^']|'')*)'")
_DOUBLE = re.compile(r'"([^"\\]*)"')
_PLAIN = re.compile(r"[A-Za-z][^\n]*")
# YAML reads these words as booleans and nulls, not text
_NOT_TEXT = frozenset("yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF "
                      "null Null NULL".split())
# what YAML refuses or reads differently from the simple reading: characters it does not
# accept, tabs, carriage returns and other line breaks, a byte order mark
_NOT_SIMPLE = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                         "\U00010000-\U0010ffff]")


class BadFile(Exception):
    """A file that cannot be imported, with the reason (the message)."""


def _simple_value(value: str | None) -> str | None:
    """The text of a one-line value as YAML reads it, or None when it is not simple."""
    if value is None:
        return None
    if value[0] == "'":
        quoted = _SINGLE.fullmatch(value)
        return quoted.group(1).replace("''", "'") if quoted else None
    if value[0] == '"':
        quoted = _DOUBLE.fullmatch(value)
        return quoted.group(1) if quoted else None
    if (_PLAIN.fullmatch(value) and ": " not in value and " #" not in value
            and not value.endswith(":") and value not in _NOT_TEXT):
        return value
    return None


def simple_front_matter(text: str) -> dict | None:
    """The front matter `text` as YAML would read it, when it is simple enough to read
    directly (see `_SIMPLE_LINE`); None when the YAML loader must read it."""
    if _NOT_SIMPLE.search(text):
        return None
    meta: dict = {}
    inner: dict | None = None  # the mapping nested lines go to
    indent = 0
    for line in text.split("\n"):
        if not line.strip():
            continue
        found = _SIMPLE_LINE.fullmatch(line)
        if not found or found.group(2) in _NOT_TEXT:
            return None
        spaces, key, raw = len(found.group(1)), found.group(2), found.group(3) or None
        if spaces and inner is not None and spaces == (indent or spaces) and raw is not None:
            indent = spaces
            value = _simple_value(raw)
            if value is None:
                return None
            inner[key] = value
            continue
        if spaces or (inner is not None and not indent):  # a nested key with no nested lines
            return None
        inner, indent = None, 0
        if raw is None:
            inner = meta[key] = {}
            continue
        value = _simple_value(raw)
        if value is None:
            return None
        meta[key] = value
    if inner is not None and not indent:
        return None
    return meta or None


def split_front_matter(source: str) -> tuple[dict, str, int]:
    """(front matter, Markdown body, line where the body starts) of a file's text."""
    match = _FRONT.match(source) or _FENCED.match(source)
    if not match:
        raise BadFile("no YAML front matter: the file must start with a line '---', the keys, "
                      "and a closing '---' (or a fenced ```yaml block)")
    try:
        meta = simple_front_matter(match.group(1))
        if meta is None:
            meta = load_yaml(match.group(1), name="front matter")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BadFile(f"the front matter is not valid YAML{where}: {problem}") from exc
    except InputError as exc:
        raise BadFile(f"the front matter is too large ({exc.problems[0].message})") from exc
    except (ValueError, OverflowError) as exc:  # an impossible date such as 2020-13-45
        raise BadFile(f"the front matter holds a value YAML cannot read ({exc}); quote it") \
            from exc
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise BadFile("the front matter must be a mapping of keys (title, url, area, ...)")
    return meta, source[match.end():], match.group(0).count("\n") + 1


def parse_front_matter_text(source: str) -> tuple[dict, str]:
    """({"title", "area", "published"}, body) of a draft's text, whose front matter (or
    fenced ```yaml block) is optional."""
    if not (_FRONT.match(source) or _FENCED.match(source)):
        return {"title": None, "area": None, "published": None}, source
    meta, body, _ = split_front_matter(source)
    no_nul_characters(meta)
    published = parse_date(nested(meta, "publish", "date")) or parse_date(meta.get("date"),
                                                                          key="date")
    return {"title": text_field(meta, "title", limit=500), "area": text_field(meta, "area",
                                                                             limit=200),
            "published": published}, body


def parse_date(value: object, *, key: str = "publish.date") -> date | None:
    """A date from front matter: a YAML date, or text such as '22 Nov 2019' or '2019-11-22'."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    found = _date_from_text(str(value))
    if found is None:
        raise BadFile(f"{key}: cannot read the date {value!r}; expected e.g. '22 Nov 2019' or "
                      "'2019-11-22'")
    return found


@lru_cache(maxsize=4096)  # articles of one day share their date; strptime is slow
def _date_from_text(value: str) -> date | None:
    text = " ".join(value.replace(",", ", ").split()).replace(" ,", ",")
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    text = _SEPT.sub("Sep", _TIME.sub("", text))
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:  # as in feeds and e-mail: "Fri, 22 Nov 2019 10:00:00 GMT"
        return parsedate_to_datetime(value.strip()).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    return None


def normalise_url(value: object) -> str | None:
    """The URL an article is known by: https, host in lower case without ``www.``, no
    fragment, no tracking parameters, no trailing slash. None for none."""
    if value is None or not str(value).strip():
        return None
    raw = str(value).strip()
    parts = urlsplit(raw)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise BadFile(f"url: {raw!r} is not a web address (expected http:// or https://)")
    host = parts.netloc.lower()
    host = host[4:] if host.startswith("www.") else host
    query = "&".join(q for q in parts.query.split("&")
                     if q and not q.lower().startswith(_TRACKING))
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("https", host, path, query, ""))


def content_hash(text: str) -> str:
    """SHA-256 of the text with case, punctuation and spacing ignored (the 'same text' test)."""
    words = re.findall(r"\w+", text.casefold())
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def no_nul_characters(meta: object, key: str = "front matter") -> None:
    """Refuse a NUL character anywhere in the front matter (YAML writes one as ``"\\0"``;
    no database stores it in text)."""
    if isinstance(meta, dict):
        for k, v in meta.items():
            no_nul_characters(v, str(k))
    elif isinstance(meta, list):
        for v in meta:
            no_nul_characters(v, key)
    elif isinstance(meta, str) and "\x00" in meta:
        raise BadFile(f"{key}: holds a NUL character; expected text")


def text_field(meta: dict, key: str, *, required: bool = False, limit: int | None = None
               ) -> str | None:
    value = meta.get(key)
    if isinstance(value, dict | list):
        raise BadFile(f"{key}: expected text, found a {type(value).__name__}")
    text = " ".join(str(value).split()) if value is not None else ""
    if required and not text:
        raise BadFile(f"{key}: missing (every article needs a {key})")
    if limit and len(text) > limit:
        raise BadFile(f"{key}: longer than {limit} characters")
    return text or None


def nested(meta: dict, key: str, inner: str) -> object:
    """``meta[key][inner]`` where ``meta[key]`` is a mapping (``publish: {date: ...}``); a plain
    value under ``key`` is also accepted for ``publish``."""
    value = meta.get(key)
    if isinstance(value, dict):
        return value.get(inner)
    if value is not None and key == "publish":
        return value
    return None
