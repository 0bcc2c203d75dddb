"""Fixtures of the commitments tests: moments in UTC and a force commitment to work on."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest


def at(year: int, month: int = 1, day: int = 1, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def mentoring_articles(tmp_path: Path) -> Path:
    """A folder holding one made-up Kent article, for commitments that cite the library."""
    from parity.library.samples import front_matter_file

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "kent-mentoring.md").write_text(front_matter_file(
        title="Reverse mentoring for senior leaders", url=MENTORING_URL,
        area="Kent", published=date(2021, 3, 1), description="Made up for this test.",
        body="Constables mentor chief officers on what holds women back from promotion."),
        encoding="utf-8")
    return folder


MENTORING_URL = "https://example.org/kent/mentoring"


def kent_senior(**indicator) -> dict:
    """A force commitment on the senior share of women among Kent's officers."""
    return {
        "scope": "force", "force": "Kent", "refines": "national-2019-1",
        "title": "Women are 35% of senior officers by 2025", "theme": "senior representation",
        "owner": "ACC People", "made": "2020-06-01",
        "indicators": [{"kind": "representation",
                        "params": {"group": "senior", "worker_type": "officer", "measure": "fte"},
                        "baseline_year": 2019, "target_value": 0.35,
                        "target_date": "2025-03-31", "direction": "up", **indicator}],
    }


@pytest.fixture
def db(db):  # noqa: ANN001, ANN201
    """The empty database of tests/conftest.py with the bundled national commitments loaded,
    as ``parity serve`` and the commitments commands load them before any read."""
    from parity.commitments import service

    service.ensure_defaults(db)
    db.flush()
    return db


@pytest.fixture
def wf_db(wf_db):  # noqa: ANN001, ANN201
    """The workforce database of tests/conftest.py with the national commitments loaded."""
    from parity.commitments import service

    service.ensure_defaults(wf_db)
    wf_db.flush()
    return wf_db


@pytest.fixture
def kent(wf_db):
    from parity.commitments import service

    return service.add_commitment(wf_db, data=kent_senior(), by="analyst", at=at(2020, 6, 1))


# The context tests' databases (bundled pay gap downloads, ONS crime tables and workforce
# table, on both engines), for the paygap and crime_rate indicators on real figures.
from tests.context.conftest import (  # noqa: E402, F401
    ctx_db,
    ctx_pg_engine,
    ctx_sqlite_template,
)


@pytest.fixture(scope="session")
def dyfed_extract(tmp_path_factory, sqlite_templates):  # noqa: ANN001, ANN201
    """A synthetic HR extract for Dyfed-Powys, 31 March 2017 to 2023 (seed 5), made by the
    generator from the official table."""
    from parity.flows import synth
    from parity.store import make_engine, open_session

    path = tmp_path_factory.mktemp("commitments-hr") / "dyfed.csv"
    engine = make_engine(f"sqlite:///{sqlite_templates['workforce']}")
    with open_session(engine) as s:
        synth.generate(s, force="Dyfed-Powys", from_year=2017, to_year=2023, seed=5, out=path)
    engine.dispose()
    return path
