"""Public pages and the API computed once per data version, and told to browsers and proxies.

The figures change only when data are written (`parity.store.version`), so a public answer
(a page, its ``.json``, the ``/api/v1`` endpoints) is the same for everyone until the data
version changes. `PublicCache`, the app's outermost middleware, keeps each public answer in
memory under (data version, path, query, signed in or not) and sends it again without running
the page; concurrent requests for an answer not yet kept wait for the first to compute it.
Anonymous readers' answers are also left on disk for the other processes serving the same
database, which take them rather than make them again (`parity.web.sharing`).

Each public answer carries:

- ``ETag``: the data version's stamp, the date taken as today (`parity.calendar.today`: what
  is due or late depends on it) and a fingerprint of the installed code; ``If-None-Match``
  with it is answered ``304 Not Modified``;
- ``Last-Modified``: when the data last changed (or, if later, the start of today, or when
  this process started); ``If-Modified-Since`` at or after it is a ``304`` (``If-None-Match``
  wins when both are sent);
- ``Cache-Control: public, max-age=N`` (``PARITY_CACHE_MAX_AGE``, default 60 seconds), so that
  a proxy or CDN may serve it for that long. A request carrying a session cookie gets
  ``private, no-cache`` instead (the navigation then links to the private area): a shared
  cache keeps only what every reader would see.

Never kept, never marked: anything but GET and HEAD; the private area, signing in and out
(`parity.web.auth.PRIVATE_PREFIXES`, which answer ``no-store``); static files; any answer that
is not a 200, sets a cookie or says its own ``Cache-Control``. The data version is read at
most once a second per process, in the event loop, on a connection of the cache's own (a
change written by this process is seen at once), so another process's import shows within a
second.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import os
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

import parity
from parity.calendar import today
from parity.errors import InputError
from parity.store import make_engine
from parity.store.version import Version, current, local_changes
from parity.web.auth import COOKIE, PRIVATE_PREFIXES
from parity.web.sharing import Entry, SharedPages, several_workers

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

SKIPPED = (*PRIVATE_PREFIXES, "/static")
DEFAULT_MAX_AGE = 60  # seconds a proxy may serve a public answer without asking again
VERSION_TTL = 1.0  # seconds between reads of the data version (per process)
MAKING_AT_ONCE = 2  # public answers not kept yet that one process makes at the same time
MAX_ENTRIES = 2048
MAX_BYTES = 64 * 1024 * 1024  # all answers kept, per process
MAX_ENTRY_BYTES = 4 * 1024 * 1024
STARTED = int(time.time())


def code_fingerprint() -> str:
    """A short hash of the installed package's files (names, sizes, modification times): the
    same on every worker of one installation, new after a deployment."""
    root = Path(parity.__file__).parent
    digest = hashlib.sha256(parity.__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix not in {".pyc"}:
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns};"
                          .encode())
    return digest.hexdigest()[:10]


def max_age_from_env() -> int:
    raw = os.environ.get("PARITY_CACHE_MAX_AGE", "").strip()
    if not raw:
        return DEFAULT_MAX_AGE
    if not raw.isdigit() or int(raw) > 86400:
        raise InputError(f"PARITY_CACHE_MAX_AGE: expected seconds from 0 to 86400, "
                         f"found {raw!r}")
    return int(raw)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return value
    return None


def _signed_in(scope: Scope) -> bool:
    cookie = _header(scope, b"cookie")
    if not cookie:
        return False
    return any(part.strip().startswith(f"{COOKIE}=".encode()) for part in cookie.split(b";"))


def _matches(if_none_match: bytes, etag: bytes) -> bool:
    for candidate in if_none_match.split(b","):
        candidate = candidate.strip()
        if candidate == b"*" or candidate.removeprefix(b"W/") == etag:
            return True
    return False


def _not_modified_since(if_modified_since: bytes, last_modified: int) -> bool:
    try:
        when = email.utils.parsedate_to_datetime(if_modified_since.decode("latin-1"))
    except (TypeError, ValueError, IndexError):
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return last_modified <= when.timestamp()


class PublicCache:
    """The ASGI middleware described above, around `app`, reading the data version of
    `engine`."""

    def __init__(self, app: Callable, *, engine: Engine, max_age: int = DEFAULT_MAX_AGE,
                 version_ttl: float = VERSION_TTL, max_entries: int = MAX_ENTRIES,
                 max_bytes: int = MAX_BYTES, state: Any = None) -> None:
        self.app = app
        # The data version is read on a connection of its own: never queued behind the views'
        # (a pool the views have exhausted must not stall every public answer).
        self.engine = engine
        if engine.url.database not in (None, "", ":memory:"):
            self.engine = make_engine(engine.url.render_as_string(hide_password=False),
                                      pool_size=1, max_overflow=1, pool_timeout=10)
        self.max_age = max_age
        self.version_ttl = version_ttl
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.code = code_fingerprint()
        # what another worker serving this database made already (`parity.web.sharing`)
        self.shared = SharedPages(engine.url.render_as_string(hide_password=False), self.code,
                                  enabled=several_workers())
        self.entries: OrderedDict[tuple, Entry] = OrderedDict()
        self.size = 0
        self.hits = self.misses = self.not_modified = self.shared_hits = 0
        self._version: Version | None = None
        self._read_at = 0.0
        self._changes = -1
        self._pending: dict[tuple, asyncio.Event] = {}
        # Pages made at once by this process: a few, the others queued. After the data change,
        # readers ask for many pages no one has made yet; made all at once in the thread pool
        # (40 threads sharing the interpreter), every one of them finished late.
        self._making: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None
        if state is not None:
            state.page_cache = self

    # the data version ---------------------------------------------------------------------
    async def version(self) -> Version:
        # Read in the event loop itself, at most once a second: one primary-key read on a
        # connection of the cache's own (WAL readers never wait for a writer), rather than
        # queue for one of the thread pool's threads behind busy views.
        if not self._fresh():
            changes = local_changes()
            found = current(self.engine)
            if self._version is None or found.stamp != self._version.stamp:
                self.clear()
                self.shared.forget_others(found.stamp)
            self._version, self._read_at, self._changes = found, time.monotonic(), changes
        return self._version  # type: ignore[return-value]

    def _fresh(self) -> bool:
        return (self._version is not None and self._changes == local_changes()
                and time.monotonic() - self._read_at < self.version_ttl)

    def clear(self) -> None:
        self.entries.clear()
        self.size = 0

    # the middleware -----------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] not in ("GET", "HEAD")
                or scope["path"].startswith(SKIPPED)):
            await self.app(scope, receive, send)
            return
        version = await self.version()
        signed = _signed_in(scope)
        day = today()
        key = (version.stamp, day, scope["path"], scope.get("query_string", b""), signed)
        etag = f'"{version.stamp[:16]}-{day:%Y%m%d}-{self.code}{"-s" if signed else ""}"'
        last_modified = max(int(version.changed_at.timestamp()), STARTED,
                            int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()))
        marks = [
            (b"etag", etag.encode()),
            (b"last-modified", email.utils.formatdate(last_modified, usegmt=True).encode()),
            (b"cache-control", (b"private, no-cache" if signed else
                                f"public, max-age={self.max_age}".encode())),
        ]
        entry = await self._entry(key, scope, receive)
        if entry is None:  # not a public answer: sent as the app gave it
            await self.app(scope, receive, send)
            return
        if isinstance(entry, _Uncached):  # an error, a redirect ...: never marked nor a 304
            headers = entry.headers
        elif self._not_modified(scope, marks[0][1], last_modified):
            self.not_modified += 1
            await send({"type": "http.response.start", "status": 304, "headers": marks})
            await send({"type": "http.response.body", "body": b""})
            return
        else:
            headers = [*entry.headers, *marks]
        await send({"type": "http.response.start", "status": entry.status, "headers": headers})
        body = b"" if scope["method"] == "HEAD" else entry.body
        await send({"type": "http.response.body", "body": body})

    def _not_modified(self, scope: Scope, etag: bytes, last_modified: int) -> bool:
        if_none_match = _header(scope, b"if-none-match")
        if if_none_match is not None:
            return _matches(if_none_match, etag)
        if_modified_since = _header(scope, b"if-modified-since")
        return if_modified_since is not None and _not_modified_since(if_modified_since,
                                                                     last_modified)

    async def _entry(self, key: tuple, scope: Scope, receive: Receive) -> Entry | None:
        """The kept answer for `key`, computing it (once, however many ask at the same time)
        if it is not kept; None if the answer is not one to keep (the caller runs the app)."""
        while True:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
                self.hits += 1
                return entry
            pending = self._pending.get(key)
            if pending is None:
                break
            await pending.wait()
            if key not in self.entries:  # the first one's answer was not kept: compute anew
                return None
        event = self._pending[key] = asyncio.Event()
        try:
            taken = None if key[-1] else self.shared.get(key)  # never a signed-in answer
            if taken is not None:
                self.shared_hits += 1
                self._keep(key, taken)
                return taken
            self.misses += 1
            # a HEAD not yet kept is answered as its GET is (the same headers, its ETag among
            # them), the body left out when sent
            async with self._making_now():
                entry = await self._compute({**scope, "method": "GET"}, receive)
            if _keepable(entry):
                self._keep(key, entry)
                if not key[-1]:
                    self.shared.put(key, entry)
                return entry
            return _Uncached(entry.status, entry.headers, entry.body)
        finally:
            del self._pending[key]
            event.set()

    def _making_now(self) -> asyncio.Semaphore:
        """The limit on pages made at once, of the running event loop (one per server process;
        a test may run the app in several loops one after another)."""
        loop = asyncio.get_running_loop()
        if self._making is None or self._making[0] is not loop:
            self._making = (loop, asyncio.Semaphore(MAKING_AT_ONCE))
        return self._making[1]

    async def _compute(self, scope: Scope, receive: Receive) -> Entry:
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        return Entry(start.get("status", 500), list(start.get("headers", [])), b"".join(chunks))

    def _keep(self, key: tuple, entry: Entry) -> None:
        size = len(entry.body)
        if size > MAX_ENTRY_BYTES:
            return
        self.entries[key] = entry
        self.size += size
        while len(self.entries) > self.max_entries or self.size > self.max_bytes:
            _, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped.body)


def _keepable(entry: Entry) -> bool:
    names = {name.lower() for name, _ in entry.headers}
    return entry.status == 200 and b"set-cookie" not in names and b"cache-control" not in names


class _Uncached(Entry):
    """An answer computed but not to be kept or marked: sent once, as the app gave it."""


def dispose(app: Any) -> None:
    """Close the cache's own connection (at the app's shutdown)."""
    cache = getattr(app.state, "page_cache", None)
    if cache is not None and cache.engine is not app.state.engine:
        cache.engine.dispose()


def install(app: Any, engine: Engine, *, max_age: int | None = None) -> None:
    """Add `PublicCache` to `app` as its outermost middleware (call it after every other
    middleware is added); the cache is ``app.state.page_cache`` once the app has started."""
    app.add_middleware(PublicCache, engine=engine, state=app.state,
                       max_age=max_age_from_env() if max_age is None else max_age)
