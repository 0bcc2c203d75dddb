"""Public answers shared between the processes that serve one database.

With ``parity serve --workers N`` (which sets ``PARITY_WEB_WORKERS``) each process keeps the
public answers it has made in memory (`parity.web.caching.PublicCache`). After the data
change (a new edition on publication day), every process would make every page again for
itself; here the first process to make an answer (anonymous readers' only) leaves it on disk,
and the others take it from there. One process alone shares nothing.

Where: beside the projections' kept runs (``PARITY_CACHE_DIR``, `parity.flows.simulations.
kept_folder`), in ``pages/<database>/<data version stamp>/``. An answer's file name is a
digest of what it answers (the day taken as today, the path and query string), of the
installed code and of the ``PARITY_*`` settings, so that another deployment, another day or
another setting never takes it. The folder of a data version no longer current is removed a
minute after the change (a process may still be reading the old version for a second). Every
failure to read or write is ignored: the answer is then made as if nothing were shared.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from parity.flows.simulations import kept_folder

STALE_AFTER = 60.0  # seconds after which a folder of an old data version is removed
# What one process leaves for one data version at most: as much as it keeps in memory, so that
# a crawler asking for endless query strings cannot fill the disk.
MAX_FILES = 2048
MAX_BYTES = 64 * 1024 * 1024


@dataclass
class Entry:
    """A public answer as kept: in a process's memory (`parity.web.caching`) or on disk here."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def several_workers() -> bool:
    """True when this process is one of several serving the database: ``PARITY_WEB_WORKERS``
    (set by ``parity serve --workers N``, or by hand for several servers behind a proxy) is 2
    or more."""
    raw = os.environ.get("PARITY_WEB_WORKERS", "").strip()
    return raw.isdigit() and int(raw) > 1


class SharedPages:
    """The shared answers of the database at `url`, made by the code `code`; nothing is
    shared when answers are not kept on disk (``PARITY_CACHE_DIR=none``) or when `enabled`
    is false (one process alone has no one to share with)."""

    def __init__(self, url: str, code: str, folder: Path | None = None, *,
                 enabled: bool = True):
        kept = folder if folder is not None else kept_folder()
        if not enabled:
            kept = None
        self.root = None if kept is None else kept.parent / "pages" / _digest(url)[:16]
        settings = sorted((k, v) for k, v in os.environ.items() if k.startswith("PARITY_"))
        self.salt = (code, tuple(settings))
        self._left: tuple[str, int, int] = ("", 0, 0)  # (stamp, files, bytes) left by this process

    def _file(self, key: tuple) -> Path | None:
        if self.root is None:
            return None
        stamp = key[0]
        return self.root / str(stamp) / (_digest(self.salt, key[1:])[:40] + ".page")

    def get(self, key: tuple) -> Entry | None:
        """The answer another process left for `key` (data version stamp first), or None."""
        path = self._file(key)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        head, sep, body = data.partition(b"\n")
        if not sep:
            return None
        try:
            meta = json.loads(head)
            headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in meta["headers"]]
            return Entry(int(meta["status"]), headers, body)
        except (ValueError, KeyError, TypeError):
            return None

    def put(self, key: tuple, entry: Entry) -> None:
        """Leave the answer for `key` to the other processes (written whole, then renamed:
        a reader never sees half of one)."""
        path = self._file(key)
        if path is None:
            return
        stamp, files, size = self._left if self._left[0] == key[0] else (str(key[0]), 0, 0)
        if files >= MAX_FILES or size + len(entry.body) > MAX_BYTES:
            return
        self._left = (stamp, files + 1, size + len(entry.body))
        head = json.dumps({"status": entry.status, "headers": [
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in entry.headers]}).encode()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
            with os.fdopen(handle, "wb") as out:
                out.write(head + b"\n" + entry.body)
            os.replace(temporary, path)
        except OSError:
            return

    def forget_others(self, stamp: str) -> None:
        """Remove the folders of data versions other than `stamp` left for a minute or more."""
        if self.root is None or not self.root.is_dir():
            return
        now = time.time()
        try:
            folders = list(self.root.iterdir())
        except OSError:
            return
        for folder in folders:
            try:
                old = folder.name != stamp and now - folder.stat().st_mtime >= STALE_AFTER
            except OSError:
                continue
            if old:
                shutil.rmtree(folder, ignore_errors=True)
