"""Every table of every page, and every API answer, as CSV and XLSX at the same address.

One mechanism for the whole site, no code in the pages: `Downloads`, an ASGI middleware.

- A page: ``/league.csv``, ``/forces/kent.xlsx``, ``/index.csv`` (the home page), or the
  page's address with ``?format=csv|xlsx``. The middleware asks the app for the page's HTML
  and reads its ``<table>`` elements (`tables_from_html`), so a download holds exactly the
  rows and columns the page shows. A CSV holds one table (``?table=2`` for the second; the
  first by default); an XLSX holds an "About" sheet (title, address, source, licence, date)
  and one sheet per table.
- The open API: ``/api/v1/league?format=csv`` (or ``/api/v1/league.csv``): the JSON answer's
  list (its longest list of objects, or the answer itself as one row) flattened
  (`rows_from_json`), nested keys joined with a dot.

Cells are tidied for spreadsheets (`tidy`): a column whose cells read "31.4%" becomes the
number 31.4 under "Share (%)"; "+1.2 pts" becomes 1.2 under "... (percentage points)";
"31,245" becomes 31245; an em dash (no figure) an empty cell. Every cell goes through
`parity.present.cells` (no cell runs as a formula).

A route whose own path ends in a suffix parameter (``/returns/{year}.{fmt}``) serves its own
downloads and is left alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode

from lxml import html as lxml_html
from starlette.routing import Match

from parity.present import cells

SUFFIXES = {".csv": "csv", ".xlsx": "xlsx"}
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
DEFAULT_SOURCE = ("Home Office, Police workforce, England and Wales open data table "
                  "(figures as at 31 March each year)")
EMPTY = {"", "—", "–", "-", "n/a", "—%"}
MINUS = "−"

_PERCENT = re.compile(r"^[+\-−]?\d[\d,]*(?:\.\d+)?%$")
_POINTS = re.compile(r"^[+\-−]?\d[\d,]*(?:\.\d+)?\s*(?:pts?|points?)$")
_POUNDS = re.compile(r"^[+\-−]?£\d[\d,]*(?:\.\d+)?$")
_PENCE = re.compile(r"^[+\-−]?\d[\d,]*(?:\.\d+)?p$")
_NUMBER = re.compile(r"^[+\-−]?\d[\d,]*(?:\.\d+)?$")
_ORDINAL = re.compile(r"^=?(\d+)(?:st|nd|rd|th)$")
UNITS = [(_PERCENT, "%"), (_POINTS, "percentage points"), (_POUNDS, "£"), (_PENCE, "pence")]


@dataclass
class Table:
    name: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)


# --- reading a page's tables -------------------------------------------------------------

def _text(element: Any) -> str:
    return " ".join(element.text_content().split())


def _cells(row: Any) -> list[str]:
    out = []
    for cell in row.xpath("./th|./td"):
        value = cell.get("data-value")
        out.append(value if value is not None else _text(cell))
        span = int(cell.get("colspan", "1") or 1)
        out.extend([""] * (min(span, 50) - 1))
    return out


def _table_name(table: Any, number: int) -> str:
    caption = table.xpath("./caption")
    if caption and _text(caption[0]):
        return _text(caption[0])
    if table.get("aria-label"):
        return table.get("aria-label")
    heading = table.xpath("preceding::*[self::h2 or self::h3][1]")
    if heading and _text(heading[0]):
        return _text(heading[0])
    return f"Table {number}"


def tables_from_html(text: str, *, where: str = "//main") -> list[Table]:
    """The tables of a page (inside ``<main>``) with their header row and every body and foot
    row, as written on the page (see `tidy` for numbers)."""
    if not text.strip():
        return []
    root = lxml_html.fromstring(text)
    scope = root.xpath(where) or [root]
    out = []
    for hidden in scope[0].xpath(".//table//*[@aria-hidden='true']"):
        hidden.drop_tree()  # sort arrows and other marks for the eye only
    for number, table in enumerate(scope[0].iter("table"), start=1):
        head = table.xpath("./thead/tr")
        body = table.xpath("./tbody/tr|./tr|./tfoot/tr")
        if not head and body:
            head, body = body[:1], body[1:]
        header = _cells(head[-1]) if head else []
        rows = [_cells(r) for r in body]
        width = max([len(header), *(len(r) for r in rows)], default=0)
        header = [h or f"Column {i + 1}" for i, h in enumerate(header + [""] * (width - len(header)))]
        rows = [r + [""] * (width - len(r)) for r in rows]
        out.append(Table(_table_name(table, number), header, rows))
    return out


# --- tidy cells ----------------------------------------------------------------------------

def _number(text: str) -> float | int:
    cleaned = re.sub(r"[^\d.+\-−]", "", text).replace(MINUS, "-")
    value = float(cleaned)
    return int(value) if value.is_integer() and "." not in cleaned else value


def _unit(values: list[str]) -> str | None:
    """The unit every figure of a column shares ("%", "percentage points" ...), "" for plain
    numbers, None for text."""
    present = [v for v in values if v.strip() not in EMPTY]
    if not present:
        return None
    for pattern, unit in UNITS:
        if all(pattern.match(v.strip()) for v in present):
            return unit
    if all(_NUMBER.match(v.strip()) for v in present):
        return ""
    if all(_ORDINAL.match(v.strip()) for v in present):
        return "position"
    return None


def tidy(table: Table) -> Table:
    """Numbers as numbers, the unit in the column's name, no figure as an empty cell."""
    header = list(table.header)
    rows = [list(r) for r in table.rows]
    for i, name in enumerate(header):
        unit = _unit([r[i] for r in rows if isinstance(r[i], str)])
        if unit is None:
            continue
        if unit and unit != "position" and f"({unit})" not in name:
            header[i] = f"{name} ({unit})"
        for r in rows:
            value = r[i].strip() if isinstance(r[i], str) else r[i]
            if value in EMPTY:
                r[i] = None
            elif unit == "position":
                r[i] = int(_ORDINAL.match(value).group(1))
            else:
                r[i] = _number(value)
    header = ["Position" if h == "#" else h for h in header]
    return Table(table.name, header, rows)


# --- an API answer -------------------------------------------------------------------------

def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}{key}."))
    elif isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            out[prefix[:-1]] = "; ".join("" if v is None else str(v) for v in value)
    else:
        out[prefix[:-1]] = value
    return out


def _records(payload: Any) -> tuple[str, list[dict]]:
    if isinstance(payload, list):
        return "data", [p if isinstance(p, dict) else {"value": p} for p in payload]
    if isinstance(payload, dict):
        lists = [(k, v) for k, v in payload.items()
                 if isinstance(v, list) and v and all(isinstance(i, dict) for i in v)]
        if lists:
            key, longest = max(lists, key=lambda kv: len(kv[1]))
            context = {k: v for k, v in payload.items()
                       if not isinstance(v, list | dict)}
            return key, [{**context, **item} for item in longest]
        return "data", [payload]
    return "data", [{"value": payload}]


def rows_from_json(payload: Any) -> Table:
    """An API answer as one table: its longest list of objects (each row carrying the
    answer's plain top-level fields, such as its year), or the answer as one row."""
    name, records = _records(payload)
    flat = [_flatten(r) for r in records]
    keys: list[str] = []
    for row in flat:
        keys.extend(k for k in row if k not in keys)
    return Table(name, [unit_name(k) for k in keys], [[row.get(k) for k in keys] for row in flat])


def unit_name(key: str) -> str:
    """An API key with its unit: shares (``share_*``) are fractions of 1, their differences
    (``*_gap``, ``change*`` of a share) too."""
    last = key.rsplit(".", 1)[-1]
    if last.startswith("share") or "share" in key and (last.endswith("gap") or "change" in last):
        return f"{key} (fraction of 1)"
    if last == "senior_gap":
        return f"{key} (difference of fractions of 1)"
    return key


# --- writing -------------------------------------------------------------------------------

def csv_body(table: Table) -> bytes:
    return cells.csv_text(table.header, table.rows, lineterminator="\r\n").encode("utf-8")


def xlsx_body(tables: Sequence[Table], about: Sequence[tuple[str, str]]) -> bytes:
    return cells.xlsx_bytes([(t.name, t.header, t.rows) for t in tables], about=about)


def about_rows(*, title: str, address: str, source: str, day: date | None = None) -> list[
        tuple[str, str]]:
    return [("Title", title), ("Address", address), ("Source", source),
            ("Licence", f"{LICENCE} ({LICENCE_URL})"),
            ("Downloaded", (day or date.today()).isoformat()),
            ("Publisher", "Parity: gender equality in UK policing")]


# --- the middleware ------------------------------------------------------------------------

def wanted(path: str, query: str) -> tuple[str, str, list[tuple[str, str]]] | None:
    """(format, path without its suffix, query without ``format``) when a download is asked
    for, else None."""
    params = parse_qsl(query, keep_blank_values=True)
    for suffix, fmt in SUFFIXES.items():
        if path.endswith(suffix):
            base = path[: -len(suffix)]
            return fmt, ("/" if base == "/index" else base), params
    fmt = dict(params).get("format")
    if fmt in MEDIA:
        return fmt, path, [(k, v) for k, v in params if k != "format"]
    return None


def _leaf_routes(routes: Any) -> Iterator[Any]:
    """Every route under `routes`, those of included routers too (FastAPI keeps an included
    router as one entry, `original_router`, rather than copying its routes)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _leaf_routes(inner.routes)
        else:
            yield route


def _own_suffix(app: Any, scope: dict) -> bool:
    """A route whose path ends in its own suffix parameter matches: it serves the file."""
    for route in _leaf_routes(getattr(getattr(app, "router", None), "routes", ())):
        if ".{" in getattr(route, "path", "") and route.matches(scope)[0] == Match.FULL:
            return True
    return False


def download_name(path: str) -> str:
    stem = path.strip("/").replace("/", "-") or "index"
    return re.sub(r"[^A-Za-z0-9._-]", "_", stem)[:120]


class Downloads:
    """ASGI middleware: see the module's docstring. `app_for_routes` is the FastAPI app (to
    leave routes with their own suffix alone)."""

    def __init__(self, app: Any, routes_of: Any = None) -> None:
        self.app = app
        self.routes_of = routes_of

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        asked = wanted(scope["path"], query)
        if asked is None or (self.routes_of is not None and _own_suffix(self.routes_of, scope)):
            await self.app(scope, receive, send)
            return
        fmt, path, params = asked
        api = path.startswith("/api/v")
        inner_params = [(k, v) for k, v in params if k != "table"]
        if api:
            inner_params.append(("format", "json"))
        inner = dict(scope, path=path, raw_path=path.encode(), method="GET",
                     query_string=urlencode(inner_params).encode())
        status, headers, body = await _capture(self.app, inner, receive)
        if status != 200:
            await _replay(send, status, headers, body, scope["method"])
            return
        try:
            payload = _build(fmt, path, params, body, api=api)
        except LookupError as exc:
            await _replay(send, 404, [(b"content-type", b"text/plain; charset=utf-8")],
                          str(exc).encode(), scope["method"])
            return
        name = download_name(path) + (f"-table-{dict(params)['table']}"
                                      if fmt == "csv" and "table" in dict(params) else "")
        out_headers = [(b"content-type", MEDIA[fmt].encode()),
                       (b"content-disposition", f'attachment; filename="{name}.{fmt}"'.encode())]
        out_headers += [(k, v) for k, v in headers if k.lower() == b"cache-control"]
        await _replay(send, 200, out_headers, payload, scope["method"])


def _build(fmt: str, path: str, params: list[tuple[str, str]], body: bytes, *,
           api: bool) -> bytes:
    query = urlencode([(k, v) for k, v in params if k != "table"])
    address = path + (f"?{query}" if query else "")
    if api:
        tables = [rows_from_json(json.loads(body or b"null"))]
        title, source = f"Parity API: {path}", DEFAULT_SOURCE
    else:
        text = body.decode("utf-8", "replace")
        tables = [tidy(t) for t in tables_from_html(text)]
        title, source = page_title(text), page_source(text)
    if not tables:
        raise LookupError(f"{path} has no table to download")
    if fmt == "csv":
        number = dict(params).get("table", "1")
        if not number.isdigit() or not 1 <= int(number) <= len(tables):
            raise LookupError(f"{path} has {len(tables)} table(s); table={number} is not one")
        return csv_body(tables[int(number) - 1])
    return xlsx_body(tables, about_rows(title=title, address=address, source=source))


def page_title(text: str) -> str:
    root = lxml_html.fromstring(text)
    title = root.xpath("//title")
    return _text(title[0]).removesuffix(" · Parity") if title else "Parity"


def page_source(text: str) -> str:
    """The page's own source line (``<p class="footer__source">``), else the workforce table."""
    root = lxml_html.fromstring(text)
    found = root.xpath("//*[contains(@class, 'footer__source')]")
    return _text(found[0]).removeprefix("Source: ") if found else DEFAULT_SOURCE


async def _capture(app: Any, scope: dict, receive: Any) -> tuple[int, list, bytes]:
    status, headers, chunks = 500, [], []

    async def send(message: dict) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status, headers = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, headers, b"".join(chunks)


async def _replay(send: Any, status: int, headers: list, body: bytes, method: str) -> None:
    kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    kept.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": kept})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})
