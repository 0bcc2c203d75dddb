"""Every importer driven as a user drives it, through the ``parity`` command (in process, with
Typer's runner) and through the private area's uploads, on damaged files: real files shipped
with Parity (the ONS crime tables, the HeForShe commitments) and small files cut from them or
made by code, then damaged (`tests.hardening.damage`: cells, rows and columns; bytes truncated,
flipped, NUL, BOM or another encoding; zip containers of XLSX and ODS broken).

The property: the command exits 0, or exits 2 with a message naming the damaged file; never
another status, never an uncaught exception (a traceback); on a refusal the database holds
exactly the rows it held. An upload answers 303 (taken) or 400 naming the file, never a 500.
On SQLite with `EXAMPLES` examples per property, and on PostgreSQL with `PG_EXAMPLES`.
"""

from __future__ import annotations

import os
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from parity.cli import lazy_app
from parity.store import make_engine
from tests.hardening import damage as d
from tests.hardening.conftest import (
    CRIME_FILE,
    DATA,
    RETURNS_FILE,
    article_text,
    hr_rows,
    payroll_rows,
    row_counts,
)
from tests.helpers import drop_pg_database, fresh_pg_with_workforce

EXAMPLES = int(os.environ.get("PARITY_FUZZ_EXAMPLES", "12"))
PG_EXAMPLES = max(EXAMPLES // 4, 2)
COMMITMENTS_FILE = DATA / "heforshe" / "commitments.csv"
ENV = {"COLUMNS": "160", "NO_COLOR": "1"}


def _counts(engine: Engine) -> dict[str, int]:
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        return row_counts(session)


@dataclass
class Cli:
    """The ``parity`` command on one database."""

    url: str
    engine: Engine
    app: object

    def check(self, args: list[str], damaged: Path) -> str:
        """Run ``parity ARGS``: 0, or 2 naming `damaged` and nothing written; never a
        traceback. "imported" or "refused"."""
        before = _counts(self.engine)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = CliRunner().invoke(self.app, [str(a) for a in args],
                                        env={**ENV, "PARITY_DATABASE_URL": self.url})
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            shown = "".join(traceback.format_exception(*result.exc_info))
            raise AssertionError(f"parity {' '.join(map(str, args))}: uncaught\n{shown}")
        output = result.stdout + result.stderr
        assert "Traceback" not in output, output[-3000:]
        assert result.exit_code in (0, 2), (result.exit_code, output[-3000:])
        if result.exit_code == 0:
            return "imported"
        assert damaged.name in result.stderr, \
            f"the refusal does not name {damaged.name}: {result.stderr[-2000:]}"
        assert result.stderr.lstrip().startswith("error: "), result.stderr[:500]
        assert _counts(self.engine) == before, "a refused import changed the database"
        return "refused"


@pytest.fixture(scope="module")
def app():  # noqa: ANN201
    return lazy_app()


@pytest.fixture
def sqlite_cli(tmp_path, sqlite_templates, app) -> Iterator[Cli]:  # noqa: ANN001
    import shutil

    path = tmp_path / "cli.db"
    shutil.copy(sqlite_templates["workforce"], path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    yield Cli(url, engine, app)
    engine.dispose()


@pytest.fixture(scope="module")
def pg_cli(app) -> Iterator[Cli]:  # noqa: ANN001
    name, url = fresh_pg_with_workforce("parity_test_damage")
    engine = make_engine(url)
    try:
        yield Cli(url, engine, app)
    finally:
        engine.dispose()
        drop_pg_database(name)


def on_both_engines(body: Callable[..., None]) -> tuple[Callable, Callable]:
    """Two tests of the property `body(cli, folder, data)`: on SQLite (`EXAMPLES` examples)
    and on PostgreSQL (`PG_EXAMPLES`)."""

    @settings(max_examples=EXAMPLES)
    @given(data=st.data())
    def on_sqlite(sqlite_cli, tmp_path, data):  # noqa: ANN001
        body(sqlite_cli, tmp_path, data)

    @settings(max_examples=PG_EXAMPLES)
    @given(data=st.data())
    def on_postgresql(pg_cli, tmp_path, data):  # noqa: ANN001
        body(pg_cli, tmp_path, data)

    on_sqlite.__doc__ = on_postgresql.__doc__ = body.__doc__
    return on_sqlite, on_postgresql


# --- writing a table, then damaging its bytes ---------------------------------------------------

FORMATS = ["csv-utf-8", "csv-utf-8-sig", "csv-utf-16", "csv-cp1252", "xlsx", "ods"]


def table_file(data, folder: Path, stem: str, rows: list[list], *, sheet: str = "Data",  # noqa: ANN001
               formats: list[str] = FORMATS) -> Path:
    """`rows` damaged (or not), written in a drawn format, then its bytes (or its zip
    container) damaged (or not)."""
    if data.draw(st.booleans(), label="damage the table"):
        rows, _ = d.damage_table(rows, data.draw(d.table_damage, label="table damage"))
    how = data.draw(st.sampled_from(formats), label="format")
    if how.startswith("csv"):
        path, raw = folder / f"{stem}.csv", d.csv_bytes(rows, how[4:])
    elif how == "xlsx":
        path, raw = folder / f"{stem}.xlsx", d.xlsx_bytes(rows, sheet)
    else:
        path, raw = folder / f"{stem}.ods", d.ods_bytes(rows, sheet)
    return d.write(path, damage_bytes(data, raw, zipped=not how.startswith("csv")))


def damage_bytes(data, raw: bytes, *, zipped: bool) -> bytes:  # noqa: ANN001
    choice = data.draw(st.sampled_from(["none", "bytes", "zip"] if zipped else ["none", "bytes"]),
                       label="byte damage")
    if choice == "bytes":
        return d.damage_more_bytes(raw, data.draw(d.more_byte_damage, label="bytes"))
    if choice == "zip":
        return d.damage_zip(raw, data.draw(d.zip_damage, label="zip"))
    return raw


# --- import workforce ---------------------------------------------------------------------------

def _workforce(cli: Cli, folder: Path, data) -> None:  # noqa: ANN001
    """``parity import workforce`` on a damaged cut of the Home Office table (CSV, XLSX, ODS)."""
    from tests.hardening.conftest import _workforce_rows

    path = table_file(data, folder, "workforce", _workforce_rows())
    cli.check(["import", "workforce", path], path)


test_import_workforce_sqlite, test_import_workforce_postgresql = on_both_engines(_workforce)


# --- import hr --------------------------------------------------------------------------------

def _hr(cli: Cli, folder: Path, data) -> None:  # noqa: ANN001
    """``parity import hr`` on a damaged HR extract."""
    path = table_file(data, folder, "extract", hr_rows(), sheet="Events")
    cli.check(["import", "hr", path, "--force", "Kent"], path)


test_import_hr_sqlite, test_import_hr_postgresql = on_both_engines(_hr)


# --- import crime: the ONS tables as shipped ---------------------------------------------------

def _crime(cli: Cli, folder: Path, data) -> None:  # noqa: ANN001
    """``parity import crime`` on the December 2019 edition as published, its zip container or
    bytes damaged."""
    raw = CRIME_FILE.read_bytes()
    if data.draw(st.booleans(), label="zip or bytes"):
        raw = d.damage_zip(raw, data.draw(d.zip_damage, label="zip"))
    else:
        raw = d.damage_more_bytes(raw, data.draw(d.more_byte_damage, label="bytes"))
    path = d.write(folder / CRIME_FILE.name, raw)
    cli.check(["import", "crime", path], path)


test_import_crime_sqlite, test_import_crime_postgresql = on_both_engines(_crime)


# --- import paygap-returns --------------------------------------------------------------------

def _returns(cli: Cli, folder: Path, data) -> None:  # noqa: ANN001
    """``parity import paygap-returns`` on a damaged cut of the 2019/20 download."""
    from tests.hardening.conftest import _returns_rows

    path = table_file(data, folder, RETURNS_FILE.stem, _returns_rows(),
                      formats=["csv-utf-8", "csv-utf-8-sig", "csv-utf-16", "csv-cp1252", "xlsx"])
    cli.check(["import", "paygap-returns", path], path)


test_import_returns_sqlite, test_import_returns_postgresql = on_both_engines(_returns)


# --- import articles --------------------------------------------------------------------------

def _articles(cli: Cli, folder: Path, data) -> None:  # noqa: ANN001
    """``parity import articles --strict`` on a damaged article (Markdown or a saved page)."""
    raw = article_text().encode()
    raw = d.damage_more_bytes(raw, data.draw(d.more_byte_damage, label="bytes"))
    suffix = data.draw(st.sampled_from([".md", ".html", ".markdown"]), label="suffix")
    path = d.write(folder / f"article{suffix}", raw)
    cli.check(["import", "articles", path, "--strict"], path)


test_import_articles_sqlite, test_import_articles_postgresql = on_both_engines(_articles)


# --- commitments import: the HeForShe file as shipped, and YAML -----------------------------------

def _commitments(cli: Cli, folder: Path, data) -> None:  # noqa: ANN001
    """``parity commitments import`` on the shipped HeForShe commitments (CSV), damaged, or on
    its YAML export, damaged."""
    import csv

    if data.draw(st.booleans(), label="csv or yaml"):
        with open(COMMITMENTS_FILE, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        path = table_file(data, folder, "commitments", rows,
                          formats=["csv-utf-8", "csv-utf-8-sig", "csv-utf-16", "csv-cp1252"])
    else:
        path = d.write(folder / "commitments.yaml",
                       d.damage_more_bytes(_commitments_yaml().encode(),
                                           data.draw(d.more_byte_damage, label="bytes")))
    cli.check(["commitments", "import", path, "--by", "fuzz"], path)


def _commitments_yaml() -> str:
    import yaml

    spec = {"ref": "kent-senior-1", "scope": "force", "force": "Kent",
            "title": "Women are 35% of senior officers by 2025",
            "theme": "senior representation", "owner": "ACC People", "made": "2020-06-01",
            "state": "active",
            "indicators": [{"kind": "representation",
                            "params": {"group": "senior", "worker_type": "officer",
                                       "measure": "fte"},
                            "baseline_year": 2019, "target_value": 0.35,
                            "target_date": "2025-03-31", "direction": "up"}]}
    return yaml.safe_dump({"commitments": [spec]}, sort_keys=False)


test_commitments_import_sqlite, test_commitments_import_postgresql = \
    on_both_engines(_commitments)


# --- paygap compute: a one-row extract, and pay lines with --columns and --codes -----------------

def _compute(cli: Cli, folder: Path, data) -> None:  # noqa: ANN001
    """``parity paygap compute`` on a damaged one-row payroll extract."""
    path = table_file(data, folder, "payroll", payroll_rows())
    cli.check(["paygap", "compute", path, "--json"], path)


@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_paygap_compute_one_row(sqlite_cli, tmp_path, data):  # noqa: ANN001
    _compute(sqlite_cli, tmp_path, data)


@pytest.fixture(scope="module")
def pay_lines(tmp_path_factory, sqlite_templates) -> dict[str, bytes]:  # noqa: ANN001
    """A small force's synthetic pay lines folder (`parity synth payroll --lines`), as bytes."""
    import shutil

    from sqlalchemy.orm import Session

    from parity.paygap.synth_lines import synth_pay_lines

    folder = tmp_path_factory.mktemp("lines")
    shutil.copy(sqlite_templates["workforce"], folder / "lines.db")
    engine = make_engine(f"sqlite:///{folder / 'lines.db'}")
    with Session(engine) as session:
        synth_pay_lines(session, force="City of London Police", year=2022,
                        out=folder / "out", rows=30, seed=3)
    engine.dispose()
    return {p.name: p.read_bytes() for p in (folder / "out").iterdir()}


@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_paygap_compute_pay_lines(sqlite_cli, tmp_path, pay_lines, data):  # noqa: ANN001
    """``parity paygap compute LINES --columns --codes`` with one of the three files damaged."""
    import csv
    import io

    for name, raw in pay_lines.items():
        (tmp_path / name).write_bytes(raw)
    which = data.draw(st.sampled_from(["pay-lines.csv", "columns.yaml", "codes.csv"]),
                      label="damaged file")
    if which == "columns.yaml":
        damaged = d.write(tmp_path / which, d.damage_more_bytes(
            pay_lines[which], data.draw(d.more_byte_damage, label="bytes")))
    else:
        rows = list(csv.reader(io.StringIO(pay_lines[which].decode("utf-8-sig"))))
        damaged = table_file(data, tmp_path, Path(which).stem, rows,
                             formats=["csv-utf-8", "csv-utf-8-sig", "csv-utf-16", "csv-cp1252"])
    lines = damaged if which == "pay-lines.csv" else tmp_path / "pay-lines.csv"
    codes = damaged if which == "codes.csv" else tmp_path / "codes.csv"
    sqlite_cli.check(["paygap", "compute", lines, "--columns", tmp_path / "columns.yaml",
                      "--codes", codes, "--totals", tmp_path / "period-totals.csv", "--json"],
                     damaged)


# --- the private area's uploads ------------------------------------------------------------------

@pytest.fixture
def uploads(sqlite_cli):  # noqa: ANN001, ANN201
    """A signed-in Kent analyst on the app (in process), with the 2023 reporting year open."""
    from datetime import date

    from sqlalchemy.orm import Session

    from parity.returns import service as returns
    from parity.web.app import create_app
    from tests.hardening.live import PASSWORD, add_users, csrf_of

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    add_users(sqlite_cli.url)
    with Session(sqlite_cli.engine) as session:
        returns.open_year(session, year=2023, deadline=date(2026, 12, 31),
                          opens_on=date(2026, 11, 1),
                          actor=returns.Actor("coord@example.org", "coordinator"))
        session.commit()
    with TestClient(create_app(sqlite_cli.url), follow_redirects=False) as client:
        token = csrf_of(client.get("/sign-in").text)
        signed = client.post("/sign-in", data={"email": "kent@example.org",
                                               "password": PASSWORD, "csrf_token": token})
        assert signed.status_code == 303, signed.text[:300]
        yield client
    sqlite_cli.engine.dispose()


UPLOADS = {"paygap": ("/private/forces/kent/paygap", "/private/forces/kent"),
           "flows": ("/private/forces/kent/flows", "/private/forces/kent"),
           "returns payroll": ("/private/returns/2023/forces/kent/payroll",
                               "/private/returns/2023/forces/kent")}


@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_uploads_of_damaged_files(sqlite_cli, uploads, tmp_path, data):  # noqa: ANN001
    """Every upload of the private area: a damaged payroll or HR extract is taken (303) or
    refused (400, naming the file, nothing kept); never a server error."""
    from tests.hardening.live import csrf_of

    where = data.draw(st.sampled_from(sorted(UPLOADS)), label="upload")
    rows = hr_rows() if where == "flows" else payroll_rows()
    path = table_file(data, tmp_path, "extract" if where == "flows" else "payroll", rows,
                      sheet="Events" if where == "flows" else "Data",
                      formats=["csv-utf-8", "csv-utf-16", "csv-cp1252", "xlsx"])
    post, page = UPLOADS[where]
    token = csrf_of(uploads.get(page).text)
    before = _counts(sqlite_cli.engine)
    response = uploads.post(post, data={"csrf_token": token},
                            files={"extract": (path.name, path.read_bytes())})
    assert response.status_code in (200, 303, 400), (where, response.status_code,
                                                     response.text[-1500:])
    if response.status_code == 400:
        assert path.name in response.text, (where, response.text[-1500:])
        assert _counts(sqlite_cli.engine) == before, f"a refused {where} upload was kept"
