"""Importer for the Home Office *Police workforce, England and Wales* open data table.

Reads the table as published (ODS, sheet ``Data``) or saved as CSV or XLSX by a spreadsheet
program, its columns matched by meaning (`parity.workforce.columns`), validates every row
(`parity.workforce.parsing`), and stores it all-or-nothing as an edition
(`parity.workforce.loading`): the latest published edition gives the current figures of each
force-year it covers, whatever the import order. A file already imported (same SHA-256)
changes nothing.

``parity import workforce`` takes `import_file`: on a connection of its own, without
SQLAlchemy, where it can; `import_workforce` does the same in a session's transaction.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from parity.errors import InputError
from parity.store.raw import WORKFORCE_LOCK, Raw, connect, ready, sha256_of
from parity.tabular import gc_paused
from parity.workforce import loading
from parity.workforce.columns import DEFAULT_FILE
from parity.workforce.loading import KIND as KIND
from parity.workforce.loading import ImportResult as ImportResult
from parity.workforce.parsing import COLUMNS as COLUMNS
from parity.workforce.parsing import find_table as find_table
from parity.workforce.parsing import parse

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _checked(path: Path) -> str:
    """The SHA-256 of the file at `path` ("" when there is none: `parse` says so)."""
    if path.exists() and not path.is_file():
        raise InputError(f"{path}: a folder, not a file; expected the open data table")
    return sha256_of(path) if path.exists() else ""


def _rows(path: Path) -> list[dict]:
    with gc_paused():
        rows, _covered = parse(path)
    return rows


def _published(path: Path, published: date | None) -> date:
    published = published or loading.published_from_name(path.name)
    if published is None:
        raise InputError(
            f"{path.name}: no publication date; the Home Office puts it in the file name "
            "(open-data-table-police-workforce-260723.ods is 26 July 2023); give it with "
            "--published YYYY-MM-DD")
    return published


def import_workforce(session: Session, *, path: Path | str = DEFAULT_FILE,
                     published: date | None = None) -> ImportResult:
    """Validate and store the table at `path` as an edition, in the session's transaction
    (caller commits), and make the current figures again (`loading.make_current`).

    `published` is the day the edition was published; by default the date in the file name
    (the Home Office's ``...-260723.ods``). `InputError` when neither gives one. A file held
    already (same SHA-256) changes nothing and says which edition it is and which is current.
    """
    path = Path(path)
    sha = _checked(path)
    raw = Raw.of(session)
    raw.lock(WORKFORCE_LOCK)  # an import of the same file meanwhile: this one finds it held
    answer = loading.held(raw, path, sha) if sha else None
    if answer is not None:
        return answer
    rows = _rows(path)
    with gc_paused():  # the rows made into tuples for COPY: no cycles among them
        return loading.store(Raw.of(session, writes=True), path, rows, sha=sha,
                             published=_published(path, published))


def import_file(path: Path, *, published: date | None = None,
                url: str | None = None) -> ImportResult | None:
    """`import_workforce` on a connection of its own to the database at `url` (default:
    ``PARITY_DATABASE_URL``), without SQLAlchemy: committed, with the data version bumped, or
    nothing written on any error. None, with nothing done, where it cannot: a URL
    `parity.store.raw.connect` does not open, or a database that needs a migration (the
    caller then takes a session). While this thread validates the rows, another connects and
    makes the schema of a blank database (server time, not this process's)."""
    import threading  # deferred: only the command's own connection needs it

    path = Path(path)
    sha = _checked(path)
    opened: dict[str, object] = {}

    def open_database() -> None:
        try:
            raw = connect(url)
            if raw is not None and not ready(raw):
                raw.dbapi.close()
                raw = None
            opened["raw"] = raw
        except BaseException as exc:  # handed to the thread that needs the connection
            opened["error"] = exc

    opening = threading.Thread(target=open_database, name="parity-open-database", daemon=True)
    opening.start()
    try:
        rows = _rows(path)
        error = None
    except InputError as exc:  # a file held already is not refused
        rows, error = [], exc
    opening.join()
    if "error" in opened:
        raise opened["error"]  # type: ignore[misc]
    raw = opened["raw"]
    if raw is None:
        return None
    assert isinstance(raw, Raw)
    try:
        raw.begin()
        raw.lock(WORKFORCE_LOCK)  # an import of the same file meanwhile: this one finds it held
        answer = loading.held(raw, path, sha) if sha else None
        if answer is None:
            if error is not None:
                raise error
            with gc_paused():  # the rows made into tuples for COPY: no cycles among them
                answer = loading.store(raw, path, rows, sha=sha,
                                       published=_published(path, published))
            raw.bump_version()
        raw.commit()
        return answer
    except BaseException:
        raw.rollback()
        raise
    finally:
        raw.dbapi.close()
