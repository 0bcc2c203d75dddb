"""Headless Chromium driven over the DevTools protocol through a pipe (``--remote-debugging-pipe``).

One browser is started for a whole report: it reads commands on its file descriptor 3 and
writes answers and events on 4, each a JSON message ended by a NUL byte. `Browser` starts it,
opens a page (`Browser.page`), and `Page.print` loads a file into it and prints it with
``Page.printToPDF``; leaving the ``with`` block closes the browser (``Browser.close``, then a
kill if it has not gone within `CLOSE_WAIT` seconds). Standard library only: no websocket, no
port to listen on (nothing else on the machine can talk to the browser).

The page fetches nothing but the file it was asked to print: every request is held
(``Fetch.enable``) and failed unless it is that file, beside the Content-Security-Policy the
printed HTML carries (`parity.reports.chromium`).

Why not ``subprocess`` with ``pass_fds``: it keeps descriptors open under their own numbers,
and Chromium wants the pipes as 3 and 4 exactly; moving them there in the child takes
``preexec_fn``, which is unsafe with threads (the command line's progress display runs one).
``os.posix_spawn`` moves them with its file actions, before the browser's code runs.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-extensions", "--disable-sync", "--no-first-run",
         "--disable-component-update", "--mute-audio", "--disable-default-apps",
         "--remote-debugging-pipe"]
CLOSE_WAIT = 5.0
READ = 1 << 20


class BrowserError(RuntimeError):
    """Chromium failed, answered with an error, or did not answer in time."""


class Browser:
    """A headless Chromium on a pipe; a context manager (the browser is closed on leaving)."""

    def __init__(self, executable: str, *, profile: Path, log: Path, timeout: float) -> None:
        self.timeout = timeout
        self.log = log
        self._next = 0
        self._parts: list[bytes] = []
        self._events: list[dict] = []
        self.handlers: dict[tuple[str, str | None], Callable[[dict], None]] = {}
        self._status: int | None = None  # the exit status, once the browser has gone
        commands_in, self._commands = os.pipe()
        self._answers, answers_out = os.pipe()
        # the child's 3 and 4 are dup2'd from these: sources above 4, so no action clobbers
        # another's source
        commands_in, answers_out = (_above_four(commands_in), _above_four(answers_out))
        argv = [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"]
        try:
            self.pid = os.posix_spawn(executable, argv, dict(os.environ), file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_OPEN, 2, str(log), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
                (os.POSIX_SPAWN_DUP2, commands_in, 3),
                (os.POSIX_SPAWN_DUP2, answers_out, 4),
            ], setsid=True)
        except OSError as error:
            for fd in (commands_in, answers_out, self._commands, self._answers):
                os.close(fd)
            raise BrowserError(f"Chromium could not be started ({executable}): {error}") \
                from error
        os.close(commands_in)
        os.close(answers_out)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def call(self, method: str, params: dict | None = None, *,
             session: str | None = None) -> dict:
        """Send a command and wait for its answer's ``result``."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._send(message)
        deadline = time.monotonic() + self.timeout
        while True:
            self._handle()
            found = self._take(lambda m: m.get("id") == message["id"])
            if found is not None:
                if "error" in found:
                    raise BrowserError(f"Chromium: {method} failed: "
                                       f"{found['error'].get('message', found['error'])}")
                return found.get("result", {})
            self._receive(deadline, method)

    def wait(self, event: str, *, session: str | None = None) -> dict:
        """Wait for `event` (on `session`) and return its ``params``."""
        deadline = time.monotonic() + self.timeout
        while True:
            self._handle()
            found = self._take(lambda m: m.get("method") == event
                               and m.get("sessionId") == session)
            if found is not None:
                return found.get("params", {})
            self._receive(deadline, event)

    def page(self) -> Page:
        """A new page (a tab) with its own session."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target,
                                                      "flatten": True})["sessionId"]
        return Page(self, session)

    def close(self) -> None:
        """Ask the browser to close, wait for it (a kill after `CLOSE_WAIT` s); idempotent."""
        if self._status is not None:
            return
        try:
            self._next += 1
            self._send({"id": self._next, "method": "Browser.close", "params": {}})
        except BrowserError:
            pass
        deadline = time.monotonic() + CLOSE_WAIT
        while self._status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self._status = status
                break
            if time.monotonic() > deadline:
                # the whole process group: the browser and its helpers (started with setsid)
                os.killpg(self.pid, signal.SIGKILL)
                _, self._status = os.waitpid(self.pid, 0)
                break
            time.sleep(0.01)
        for fd in (self._commands, self._answers):
            try:
                os.close(fd)
            except OSError:
                pass

    def _send(self, message: dict) -> None:
        data = json.dumps(message).encode() + b"\0"
        while data:
            try:
                written = os.write(self._commands, data)
            except OSError as error:  # the browser has gone: its end of the pipe is closed
                raise BrowserError(f"Chromium stopped before {message['method']}: "
                                   f"{self.stderr()}") from error
            data = data[written:]

    def forget(self, session: str | None) -> None:
        """Drop the events of `session` read so far (those no one waited for)."""
        self._events = [m for m in self._events
                        if "id" in m or m.get("sessionId") != session]

    def _handle(self) -> None:
        """Pass each event that has a handler (`handlers`, by name and session) to it."""
        while True:
            found = self._take(lambda m: (m.get("method", ""), m.get("sessionId"))
                               in self.handlers)
            if found is None:
                return
            self.handlers[(found["method"], found.get("sessionId"))](found.get("params", {}))

    def _take(self, wanted) -> dict | None:  # noqa: ANN001
        for index, message in enumerate(self._events):
            if wanted(message):
                return self._events.pop(index)
        return None

    def _receive(self, deadline: float, waiting_for: str) -> None:
        """Read what the browser wrote, at least one whole message, into the queue."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"Chromium did not answer {waiting_for} within "
                                   f"{self.timeout:.0f} s")
            ready, _, _ = select.select([self._answers], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._answers, READ)
            if not chunk:
                raise BrowserError(f"Chromium stopped before answering {waiting_for}: "
                                   f"{self.stderr()}")
            self._parts.append(chunk)
            if b"\0" in chunk:
                # a large answer (a PDF in base64) comes in many reads: joined once
                *whole, rest = b"".join(self._parts).split(b"\0")
                self._parts = [rest] if rest else []
                self._events.extend(json.loads(m) for m in whole)
                return

    def stderr(self) -> str:
        """The end of what the browser wrote on its standard error."""
        try:
            return self.log.read_text(encoding="utf-8", errors="replace").strip()[-500:]
        except OSError:
            return ""


class Page:
    """One tab of a `Browser`: load a file, print it."""

    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session
        self.allowed = ""
        browser.handlers[("Fetch.requestPaused", session)] = self._request
        browser.call("Page.enable", session=session)
        browser.call("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}, session=session)

    def open(self, source: Path) -> None:
        """Load `source` (a local HTML file) and wait for its load event; any other request
        (a stylesheet, an image, a frame) is failed."""
        self.allowed = source.resolve().as_uri()  # a relative path too (`--out out/report`)
        self.browser.forget(self.session)
        result = self.browser.call("Page.navigate", {"url": self.allowed},
                                   session=self.session)
        if result.get("errorText"):
            raise BrowserError(f"Chromium could not open {source}: {result['errorText']}")
        self.browser.wait("Page.loadEventFired", session=self.session)

    def print(self, pdf: Path, **options: Any) -> None:
        """Print the page to `pdf` with ``Page.printToPDF`` (`options` added to its
        parameters)."""
        params = {"printBackground": True, "preferCSSPageSize": True,
                  "displayHeaderFooter": False, "generateTaggedPDF": True,
                  "generateDocumentOutline": True, **options}
        data = self.browser.call("Page.printToPDF", params, session=self.session)["data"]
        pdf.write_bytes(base64.b64decode(data))

    def _request(self, params: dict) -> None:
        if params.get("request", {}).get("url") == self.allowed:
            self.browser.call("Fetch.continueRequest", {"requestId": params["requestId"]},
                              session=self.session)
        else:
            self.browser.call("Fetch.failRequest", {"requestId": params["requestId"],
                                                    "errorReason": "BlockedByClient"},
                              session=self.session)


def _above_four(fd: int) -> int:
    """`fd` moved to a descriptor numbered 5 or more (closed on exec), the old one closed."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 5)
    os.close(fd)
    return moved
