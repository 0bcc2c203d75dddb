"""Import articles: Markdown files with YAML front matter, saved HTML pages, or folders of
either (searched recursively).

Each file is read and checked on its own; a file that cannot be read becomes a `Problem`
(file and reason) and the others still import, unless ``strict`` asks for all or nothing.
An article is known by its URL (normalised) or, without one, by its text: importing it again
updates the stored row (new text, new tags) and keeps the manual corrections; a file whose
bytes were imported before changes nothing. Every stored article keeps a ``source_id``.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Container, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from parity.budget import MAX_MARKDOWN_CHARS
from parity.errors import InputError, Problem
from parity.library import render, tagging
from parity.library.schemas import KIND, ImportReport, ParsedArticle
from parity.library.tagging import Tag, tags_of
from parity.library.validation import (
    BadFile,
    content_hash,
    nested,
    no_nul_characters,
    normalise_url,
    parse_date,
    split_front_matter,
    text_field,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# No SQLAlchemy here: `ReadAhead` starts reading an import's files in worker processes before
# the command has loaded the database layer (`parity.library.saving`, loaded when writing).
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
MAX_BYTES = 5 * 1024 * 1024


def article_files(path: Path) -> list[Path]:
    """The article files at `path`: the file itself, or every Markdown and HTML file under a
    folder (recursively, hidden files and folders skipped, links to folders not followed), in
    a stable order (folder by folder, as sorted paths compare)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_file():
        return [path]
    suffixes = MARKDOWN_SUFFIXES | HTML_SUFFIXES
    found, folders = [], [str(path)]
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:  # a folder that cannot be listed is passed over, as before
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
            elif (os.path.splitext(entry.name)[1].lower() in suffixes
                  and entry.is_file()):  # a link to a file counts
                found.append(entry.path)
    start = len(os.path.join(path, ""))
    found.sort(key=lambda full: full[start:].split(os.sep))
    return [Path(full) for full in found]


def _read(path: Path) -> tuple[bytes, str]:
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise BadFile(f"larger than {MAX_BYTES // (1024 * 1024)} MB: not an article")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its BOM ("Unicode text")
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadFile(f"not UTF-16 text though it starts like it (byte {exc.start})") \
                from exc
    if not data.strip():
        raise BadFile("the file is empty")
    if b"\x00" in data:  # no database stores a NUL character in text
        at = data.index(b"\x00")
        raise BadFile(f"NUL bytes (byte {at}): binary data or UTF-16 text; expected UTF-8 text")
    return data, hashlib.sha256(data).hexdigest()


def _bounded(body: str) -> str:
    """`body`, if it is within the Markdown budget (`parity.budget.MAX_MARKDOWN_CHARS`)."""
    if len(body) > MAX_MARKDOWN_CHARS:
        raise BadFile(f"the article's text is {len(body):,} characters long; at most "
                      f"{MAX_MARKDOWN_CHARS:,} are taken")
    return body


def parse_markdown(path: Path, data: bytes, sha256: str) -> ParsedArticle:
    """An article from a Markdown file with front matter (title, url, area, publish.date,
    og.description)."""
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadFile(f"not UTF-8 text (byte {exc.start})") from exc
    meta, body, _ = split_front_matter(source)
    no_nul_characters(meta)
    title = text_field(meta, "title", required=True, limit=500) or ""
    url = normalise_url(meta.get("url"))
    area = text_field(meta, "area", limit=200)
    published = parse_date(nested(meta, "publish", "date"))
    description = nested(meta, "og", "description") or meta.get("description")
    description = " ".join(str(description).split()) if description else None
    body = _bounded(body.strip())
    text = render.markdown_to_text(body)
    if not text:
        raise BadFile("the article has no text after the front matter")
    return ParsedArticle(str(path), "markdown", sha256, title, url, area, published, description,
                         body, text, content_hash(text))


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def _decode_page(data: bytes) -> str:
    """A saved page's text: UTF-8, else the encoding its ``<meta charset>`` names, else
    Windows-1252 (what older pages that say nothing are written in)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    named = _CHARSET.search(data[:4096])
    for encoding in ([named.group(1).decode("ascii")] if named else []) + ["cp1252"]:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def parse_html(path: Path, data: bytes, sha256: str) -> ParsedArticle:
    """An article from a saved web page: main text (as Markdown) and metadata by trafilatura."""
    import trafilatura  # deferred: trafilatura costs ~0.5 s at start-up
    from trafilatura.metadata import extract_metadata  # deferred: trafilatura costs ~0.5 s at start-up

    html = _decode_page(data)
    body = trafilatura.extract(html, output_format="markdown", include_links=True,
                               include_formatting=True, include_comments=False,
                               include_tables=True, with_metadata=False)
    if not body or not body.strip():
        raise BadFile("no article text found in the page (is it a saved article page?)")
    meta = extract_metadata(html)
    title = " ".join((meta.title or "").split()) if meta else ""
    if not title:
        raise BadFile("the page has no title")
    site = (meta.sitename or "") if meta else ""
    area = site or None
    published = None
    if meta and meta.date:
        try:
            published = parse_date(meta.date, key="date")
        except BadFile:
            published = None
    try:
        url = normalise_url(meta.url) if meta and meta.url else None
    except BadFile:
        url = None
    body = _bounded(body.strip())
    if body.startswith("# ") and body.splitlines()[0][2:].strip() == title:
        body = body.split("\n", 1)[1].strip() if "\n" in body else body
    text = render.markdown_to_text(body)
    description = " ".join(meta.description.split()) if meta and meta.description else None
    return ParsedArticle(str(path), "html", sha256, title[:500], url, area, published,
                         description, body, text, content_hash(text))


def parse_file(path: Path) -> ParsedArticle:
    """Read one article file (Markdown or HTML by its suffix); `BadFile` if it cannot be."""
    data, sha256 = _read(path)
    if path.suffix.lower() in HTML_SUFFIXES:
        return parse_html(path, data, sha256)
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        return parse_markdown(path, data, sha256)
    raise BadFile("not an article file (expected .md or .html)")


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root)) if root.is_dir() else path.name
    except ValueError:
        return str(path)


def read_articles(
    files: Iterable[Path], *, root: Path, known_sha: Container[str] | None = None,
    progress: Callable[[int], None] | None = None, problem_sha: list[str | None] | None = None,
) -> tuple[list[ParsedArticle], list[Problem], int]:
    """(articles read, problems, files skipped because their bytes were imported before).
    `problem_sha`, if given, gets the sha256 of each problem's bytes (None where the file
    could not be read), in the problems' order."""
    parsed, problems, unchanged = [], [], 0
    for path in files:
        sha256 = None
        try:
            data, sha256 = _read(path)
            if known_sha is not None and sha256 in known_sha:
                unchanged += 1
            elif path.suffix.lower() in HTML_SUFFIXES:
                parsed.append(parse_html(path, data, sha256))
            else:
                parsed.append(parse_markdown(path, data, sha256))
        except BadFile as exc:
            problems.append(Problem(_display(path, root), str(exc)))
            if problem_sha is not None:
                problem_sha.append(sha256)
        except OSError as exc:
            problems.append(Problem(_display(path, root), f"cannot read the file: {exc.strerror}"))
            if problem_sha is not None:
                problem_sha.append(sha256)
        if progress:
            progress(1)
    return parsed, problems, unchanged


Tags = dict[str, Tag]  # path -> (themes, (force id, origin))
Chunk = tuple[list[ParsedArticle], list[Problem], int, Tags, int]  # ... and files covered
PARALLEL_FROM = 400  # files from which reading and tagging are shared among processes
_CHUNK = 200  # files a worker process reads at a time
_worker: tuple[tagging.Rules, _KnownSoon] | None = None  # a worker process's rules, files held


class _KnownSoon:
    """In a worker process: the sha256 of the files imported before, from the file the main
    process writes once it knows them (`ReadAhead.know`); none until then. Looked for at each
    file read until it is there."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.held: frozenset[str] | None = None

    def __contains__(self, sha256: object) -> bool:
        if self.held is None:
            if not os.path.exists(self.path):
                return False
            self.held = frozenset(Path(self.path).read_text("ascii").split())
        return sha256 in self.held


def _start_worker(rules: tagging.Rules, known: str) -> None:
    global _worker
    gc.disable()  # see `_collector_paused`
    os.nice(10)
    _worker = (rules, _KnownSoon(known))


def _read_and_tag(files: list[Path], root: Path
                  ) -> tuple[list[tuple], list[Problem], list[str | None], int, list[Tag]]:
    """In a worker process: `read_articles` of `files` (each article as the tuple of its
    fields in their declared order: they travel back to the main process faster than the
    dataclass), the sha256 of each problem's file, and the tags of each article. Files
    imported before are skipped once the main process has said which they are."""
    assert _worker is not None
    rules, known = _worker
    problem_sha: list[str | None] = []
    parsed, problems, unchanged = read_articles(files, root=root, known_sha=known,
                                                problem_sha=problem_sha)
    return ([tuple(vars(a).values()) for a in parsed], problems, problem_sha, unchanged,
            [tags_of(a, rules) for a in parsed])


class ReadAhead:
    """An import's files, read and tagged in worker processes (one a core, at most four) from
    the moment it is made: a command makes it before loading the database layer and opening
    the database (about 0.5 s), so the workers read while it does. Which files were imported
    before is known only once the database is open (`know`): the files the workers read
    before then are read whole, and those imported before are counted as unchanged here
    instead; from then on the workers skip them (the sha256 of their bytes is all they read).

    Fewer than `PARALLEL_FROM` files, or one core: nothing is read ahead, and `chunks`
    reads them in this process. Use it as a context manager (the workers stop at its end)."""

    def __init__(self, path: Path | str, *, rules: tagging.Rules | None = None,
                 workers: int | None = None) -> None:
        self.root = Path(path)
        self.files = article_files(self.root)
        if not self.files:
            raise InputError(f"{self.root}: no article files (.md or .html) found")
        self.rules = rules or tagging.load_rules()
        self.known: set[str] | None = None
        self._folder: str | None = None  # where `know` writes them for the workers
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False
        if len(self.files) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
            return
        self._chunks = [self.files[at:at + _CHUNK] for at in range(0, len(self.files), _CHUNK)]
        self._folder = tempfile.mkdtemp(prefix="parity-import-")
        self._pool = ProcessPoolExecutor(max_workers=workers or min(os.cpu_count() or 1, 4),
                                         initializer=_start_worker,
                                         initargs=(self.rules, self._known_path()))
        # the worker processes start (fork) at the first chunk handed over
        self._futures = [self._pool.submit(_read_and_tag, chunk, self.root)
                         for chunk in self._chunks]

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (what they have not begun is dropped)."""
        if self._closed:
            return
        self._closed = True
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def _known_path(self) -> str:
        assert self._folder is not None
        return os.path.join(self._folder, "known.txt")

    def know(self, known_sha: set[str]) -> None:
        """The sha256 of the files imported before: from now on the workers skip those files
        (written to a file, whole, under the name they look for)."""
        self.known = known_sha
        if self._folder is not None:
            path = self._known_path()
            Path(path + ".part").write_text("\n".join(known_sha), encoding="ascii")
            os.replace(path + ".part", path)

    def chunks(self, progress: Callable[[int], None] | None = None) -> Iterator[Chunk]:
        """(articles, problems, unchanged, tags, files covered) of each chunk of files, in
        the files' order, as they come (`know` first). Without workers: one chunk, read here,
        `progress` called a file at a time (with workers, the caller counts chunks)."""
        known = self.known
        assert known is not None, "know() first"
        if self._pool is None:
            yield (*read_articles(self.files, root=self.root, known_sha=known,
                                  progress=progress), {}, 0)
            return
        for chunk, future in zip(self._chunks, self._futures, strict=True):
            got, bad, bad_sha, same, tagged = future.result()
            articles, tags = [], {}
            for fields, tag in zip(got, tagged, strict=True):
                if fields[2] in known:  # read before `know`: imported before
                    same += 1
                    continue
                article = ParsedArticle(*fields)
                articles.append(article)
                tags[article.path] = tag
            if known:
                kept = [i for i, sha in enumerate(bad_sha) if sha not in known]
                same += len(bad) - len(kept)
                bad = [bad[i] for i in kept]
            yield articles, bad, same, tags, len(chunk)


def import_articles(
    session: Session, *, path: Path | str, strict: bool = False,
    progress: Callable[[int], None] | None = None, on_total: Callable[[int], None] | None = None,
    on_stage: Callable[[str], None] | None = None, rules: tagging.Rules | None = None,
    ahead: ReadAhead | None = None,
) -> ImportReport:
    """Import the article file or folder at `path`; see the module docstring.

    ``strict``: any bad file fails the whole import (`InputError`, nothing written).
    ``progress`` is called with the number of files read as they are, ``on_total`` once
    with the number of files, ``on_stage`` with a description of the next stage ("saving
    9,998 articles"). ``ahead``: the reading of `path`, begun before the session was
    opened (`ReadAhead`, made with the same rules); this call closes it. The caller commits.
    """
    with _collector_paused():
        if ahead is None:
            ahead = ReadAhead(path, rules=rules)
        with ahead:
            return _import_articles(session, ahead=ahead, strict=strict, progress=progress,
                                    on_total=on_total, on_stage=on_stage)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused (in worker processes too, which inherit it):
    an import makes many objects that form no cycles (articles, texts, rows), and the
    collector's passes over them cost about a tenth of the CPU of importing 10,000 articles."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _import_articles(
    session: Session, *, ahead: ReadAhead, strict: bool,
    progress: Callable[[int], None] | None, on_total: Callable[[int], None] | None,
    on_stage: Callable[[str], None] | None,
) -> ImportReport:
    # deferred: the database layer (~0.3 s) loads while `ReadAhead`'s workers read
    from sqlalchemy import select

    from parity.library.saving import ArticleWriter  # deferred: as above (SQLAlchemy)
    from parity.store.models import Source  # deferred: as above (SQLAlchemy)

    root, files, rules = ahead.root, ahead.files, ahead.rules
    report = ImportReport(path=str(root), files=len(files))
    if on_total:
        on_total(len(files))
    ahead.know(set(session.scalars(select(Source.sha256).where(Source.kind == KIND))))
    # Each chunk is written as it comes (`ArticleWriter`): the database works on the first
    # files while the workers read the others.
    writer = ArticleWriter(session, report=report, rules=rules, files=len(files),
                           display=lambda name: _display(Path(name), root))
    problems: list[Problem] = []
    read = 0
    try:
        for parsed, bad, unchanged, tags, covered in ahead.chunks(progress):
            writer.add(parsed, tags, files=covered or len(files))
            problems += bad
            report.unchanged += unchanged
            read += len(parsed)
            if progress and covered:
                progress(covered)
        if problems and (strict or not read and not report.unchanged):
            raise InputError(f"{root}: {len(problems)} of {len(files)} files could not be "
                             "imported" + ("; nothing was written" if strict else ""), problems)
        if on_stage:
            on_stage(f"saving {read:,} articles")
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    report.problems = problems + writer.clashes
    if strict and report.problems:  # clashes found while storing; the caller rolls back
        raise InputError(f"{root}: {len(report.problems)} files could not be imported; "
                         "nothing was written", report.problems)
    return report
