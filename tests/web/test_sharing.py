"""Public answers shared between the processes serving one database (`parity.web.sharing`):
two apps on the same database and kept folder stand for two workers of `parity serve`."""

from __future__ import annotations

import os
import shutil
import time
import warnings

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from parity.web import sharing
from parity.web.auth import COOKIE
from parity.web.sharing import Entry, SharedPages

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from parity.web.app import create_app

PAGE = "/forces/kent"


@pytest.fixture
def workers(tmp_path, sqlite_templates, monkeypatch):  # noqa: ANN001, ANN201
    """Two apps (workers) on one SQLite copy of the workforce table, sharing a kept folder."""
    monkeypatch.setenv("PARITY_CACHE_DIR", str(tmp_path / "kept"))
    monkeypatch.setenv("PARITY_WEB_WORKERS", "2")  # as `parity serve --workers 2` sets it
    path = tmp_path / "parity.db"
    shutil.copy(sqlite_templates["workforce"], path)
    clients = [TestClient(create_app(f"sqlite:///{path}")) for _ in range(2)]
    for client in clients:
        client.__enter__()
    yield clients
    for client in clients:
        client.__exit__(None, None, None)


def _cache(client):  # noqa: ANN001, ANN202
    return client.app.state.page_cache


def test_a_page_made_by_one_worker_is_taken_by_the_other(workers) -> None:  # noqa: ANN001
    one, two = workers
    first = one.get(PAGE)
    assert first.status_code == 200 and _cache(one).misses == 1
    second = two.get(PAGE)
    assert (second.status_code, second.content, second.headers["etag"]) == (
        200, first.content, first.headers["etag"])
    assert _cache(two).shared_hits == 1 and _cache(two).misses == 0
    assert second.headers["content-type"] == first.headers["content-type"]


def test_one_worker_alone_shares_nothing(tmp_path, sqlite_templates, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("PARITY_CACHE_DIR", str(tmp_path / "kept"))
    monkeypatch.delenv("PARITY_WEB_WORKERS", raising=False)
    path = tmp_path / "parity.db"
    shutil.copy(sqlite_templates["workforce"], path)
    with TestClient(create_app(f"sqlite:///{path}")) as client:
        assert client.get(PAGE).status_code == 200
    assert not (tmp_path / "kept" / "pages").exists()


def test_a_signed_in_answer_is_never_shared(workers) -> None:  # noqa: ANN001
    one, two = workers
    cookie = {"cookie": f"{COOKIE}=not-a-real-session"}
    assert one.get(PAGE, headers=cookie).status_code == 200
    assert two.get(PAGE, headers=cookie).status_code == 200
    assert _cache(two).shared_hits == 0 and _cache(two).misses == 1


def test_after_a_change_the_other_worker_does_not_take_the_old_page(workers) -> None:  # noqa: ANN001
    one, two = workers
    before = one.get("/api/v1/representation?area=Kent&group=senior&year=2023")
    engine = one.app.state.engine
    with Session(engine) as s:
        s.execute(text("UPDATE workforce_edition_counts SET fte = fte + 100 WHERE "
                       "force_id = 'kent' AND year = 2023 AND sex = 'female' "
                       "AND rank = 'chief_superintendent'"))
        s.commit()
    after = two.get("/api/v1/representation?area=Kent&group=senior&year=2023")
    assert after.json()["female"] == pytest.approx(before.json()["female"] + 100)
    assert _cache(two).shared_hits == 0


def test_old_versions_are_removed_and_nothing_is_shared_when_nothing_is_kept(
        tmp_path, monkeypatch) -> None:  # noqa: ANN001
    pages = SharedPages("sqlite:///x.db", "code", folder=tmp_path / "projections")
    key = ("stamp-a", "2026-12-04", "/forces/kent", b"", False)
    pages.put(key, Entry(200, [(b"content-type", b"text/html; charset=utf-8")], b"<p>Kent</p>"))
    assert pages.get(key).body == b"<p>Kent</p>"
    assert pages.get(("stamp-a", "2026-12-05", "/forces/kent", b"", False)) is None
    monkeypatch.setattr(sharing, "STALE_AFTER", 0.0)
    pages.forget_others("stamp-a")  # the current version stays
    assert pages.get(key) is not None
    time.sleep(0.01)
    pages.forget_others("stamp-b")
    assert pages.get(key) is None
    kept = os.environ["PARITY_CACHE_DIR"]
    monkeypatch.setenv("PARITY_CACHE_DIR", "none")
    assert SharedPages("sqlite:///x.db", "code").root is None
    monkeypatch.setenv("PARITY_CACHE_DIR", kept)
    pages.put(key, Entry(200, [], b"<p>Kent</p>"))
    monkeypatch.setenv("PARITY_REPORT_CONTACT", "someone else")  # another setting: not taken
    other = SharedPages("sqlite:///x.db", "code", folder=tmp_path / "projections")
    assert other.get(key) is None
    monkeypatch.delenv("PARITY_REPORT_CONTACT")
    same = SharedPages("sqlite:///x.db", "code", folder=tmp_path / "projections")
    assert same.get(key).body == b"<p>Kent</p>"
    assert SharedPages("sqlite:///y.db", "code", folder=tmp_path / "projections").get(key) is None


def test_one_process_leaves_a_bounded_number_of_answers(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """A crawler asking for endless query strings cannot fill the disk."""
    monkeypatch.setattr(sharing, "MAX_FILES", 3)
    pages = SharedPages("sqlite:///x.db", "code", folder=tmp_path / "projections")
    keys = [("stamp-a", "2026-12-04", "/league", f"x={i}".encode(), False) for i in range(5)]
    for key in keys:
        pages.put(key, Entry(200, [], b"<p>league</p>"))
    assert [pages.get(key) is not None for key in keys] == [True, True, True, False, False]
    fresh = ("stamp-b", "2026-12-04", "/league", b"", False)  # a new version: a new allowance
    pages.put(fresh, Entry(200, [], b"<p>league</p>"))
    assert pages.get(fresh) is not None
