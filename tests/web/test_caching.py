"""Public answers computed once per data version (`parity.web.caching`): ETag, Last-Modified,
Cache-Control and 304 on public pages and the API; private answers never kept nor marked.
Both engines (the accounts' test app: a database of its own with the workforce table)."""

from __future__ import annotations

import asyncio
import email.utils

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from parity.store import data_version
from tests.accounts.webapp import anon, app, kent_analyst  # noqa: F401
from tests.helpers import statements_sent

PUBLIC = ["/", "/forces/hertfordshire", "/league", "/league.json?group=senior",
          "/api/v1/representation?area=Kent&group=senior", "/api/v1/league"]


@pytest.mark.parametrize("path", PUBLIC)
def test_a_public_answer_carries_its_version_and_may_be_kept(anon, path) -> None:  # noqa: ANN001, F811
    first = anon.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert first.headers["cache-control"].startswith("public, max-age=")
    modified = email.utils.parsedate_to_datetime(first.headers["last-modified"])
    assert modified.timestamp() >= data_version(anon.app.state.engine).changed_at.timestamp()
    assert first.headers["content-security-policy"]  # the security headers are kept too
    again = anon.get(path)
    assert (again.status_code, again.headers["etag"], again.content) == (200, etag,
                                                                         first.content)


def test_a_force_page_kept_runs_no_sql_statement(anon) -> None:  # noqa: ANN001, F811
    with statements_sent(anon.app.state.engine) as cold:
        anon.get("/forces/kent?year=2022")
    cache = anon.app.state.page_cache
    # Measured before the cache: ~90 statements for every request of a force page.
    assert len(cold) > 10
    hits = cache.hits
    with statements_sent(anon.app.state.engine) as warm:
        for _ in range(5):
            assert anon.get("/forces/kent?year=2022").status_code == 200
    assert cache.hits == hits + 5
    assert len(warm) <= 1  # at most the data version, read at most once a second


def test_if_none_match_and_if_modified_since_answer_304(anon) -> None:  # noqa: ANN001, F811
    first = anon.get("/api/v1/league")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    same = anon.get("/api/v1/league", headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.content == b""
    assert same.headers["etag"] == etag
    assert anon.get("/api/v1/league", headers={"If-None-Match": f'"other", W/{etag}'}
                    ).status_code == 304
    assert anon.get("/api/v1/league", headers={"If-Modified-Since": modified}).status_code == 304
    # a tag of another version, or a date before the change: the whole answer
    assert anon.get("/api/v1/league", headers={"If-None-Match": '"old"'}).status_code == 200
    assert anon.get("/api/v1/league", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
                    ).status_code == 200
    # If-None-Match wins over If-Modified-Since
    assert anon.get("/api/v1/league", headers={"If-None-Match": '"old"',
                                               "If-Modified-Since": modified}).status_code == 200
    # only an answer that is kept can be "not modified": never an error or a redirect
    for path in ["/forces/atlantis", "/forces/Kent"]:
        for condition in ({"If-None-Match": etag}, {"If-None-Match": "*"},
                          {"If-Modified-Since": modified}):
            assert anon.get(path, headers=condition).status_code in (307, 404), (path, condition)
    head = anon.head("/league")
    assert head.status_code == 200 and head.headers["etag"] and head.content == b""


def test_a_change_to_the_data_changes_the_answer_and_its_tag(anon) -> None:  # noqa: ANN001, F811
    path = "/api/v1/representation?area=Kent&group=senior&year=2023"
    before = anon.get(path)
    engine = anon.app.state.engine
    with Session(engine) as s:
        s.execute(text("UPDATE workforce_edition_counts SET fte = fte + 100 WHERE force_id = 'kent' "
                       "AND year = 2023 AND sex = 'female' AND rank = 'chief_superintendent'"))
        s.commit()
    try:
        after = anon.get(path)
        assert after.headers["etag"] != before.headers["etag"]
        assert after.json()["female"] == pytest.approx(before.json()["female"] + 100)
        assert anon.get(path, headers={"If-None-Match": before.headers["etag"]}
                        ).status_code == 200
    finally:
        with Session(engine) as s:
            s.execute(text("UPDATE workforce_edition_counts SET fte = fte - 100 WHERE force_id = 'kent' "
                           "AND year = 2023 AND sex = 'female' "
                           "AND rank = 'chief_superintendent'"))
            s.commit()
    assert anon.get(path).json()["female"] == pytest.approx(before.json()["female"])


def test_private_answers_are_never_kept_nor_marked(app, kent_analyst) -> None:  # noqa: ANN001, F811
    for path in ["/private", "/private/forces/kent", "/private/forces/kent/commitments",
                 "/private/library/check"]:
        response = kent_analyst.get(path)
        assert response.status_code in (200, 303), path  # /private: to the user's force
        assert response.headers["cache-control"] == "no-store", path
        assert "etag" not in response.headers and "last-modified" not in response.headers
    cache = app.state.page_cache
    assert not [key for key in cache.entries if key[2].startswith("/private")]
    # the sign-in page (a redirect for a signed-in user) is not kept either
    assert "etag" not in kent_analyst.get("/sign-in").headers


def test_a_signed_in_reader_gets_a_private_copy_of_a_public_page(anon, kent_analyst) -> None:  # noqa: ANN001, F811
    public = anon.get("/league")
    mine = kent_analyst.get("/league")
    assert mine.headers["cache-control"] == "private, no-cache"
    assert mine.headers["etag"] != public.headers["etag"]
    assert "Private area" in mine.text and "Private area" not in public.text


def test_errors_and_redirects_are_not_kept(anon) -> None:  # noqa: ANN001, F811
    for path in ["/forces/atlantis", "/forces/Kent", "/api/v1/representation?area=Atlantis"]:
        response = anon.get(path)
        assert response.status_code in (307, 400, 404), path
        assert "etag" not in response.headers, path
    assert not [key for key in anon.app.state.page_cache.entries
                if "atlantis" in key[2].lower() or b"Atlantis" in key[3]]


def test_concurrent_requests_compute_a_page_once(anon) -> None:  # noqa: ANN001, F811
    cache = anon.app.state.page_cache
    path = "/forces/essex?year=2021"

    async def many() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=anon.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await asyncio.gather(*(client.get(path) for _ in range(8)))

    misses = cache.misses
    answers = asyncio.run(many())
    assert {r.status_code for r in answers} == {200}
    assert len({r.content for r in answers}) == 1
    assert cache.misses == misses + 1


def test_the_national_figures_are_read_once_per_data_version_for_every_force_page(
        anon, monkeypatch) -> None:  # noqa: ANN001, F811
    """After a data change each worker makes each force page anew: the England and Wales
    figures they all compare with are read for the first and kept for the others, and read
    again once the data change."""
    from parity.workforce import service

    leagues: list[int] = []
    league = service.league

    def counted(session, **kwargs):  # noqa: ANN001, ANN003, ANN202
        leagues.append(kwargs["year"])
        return league(session, **kwargs)

    monkeypatch.setattr(service, "league", counted)
    engine = anon.app.state.engine
    with Session(engine) as s:  # a new data version: no page kept, no figures kept
        s.execute(text("UPDATE workforce_edition_counts SET fte = fte + 1 WHERE force_id = 'kent' "
                       "AND year = 2023 AND sex = 'female' AND rank = 'chief_superintendent'"))
        s.commit()
    try:
        first = anon.get("/forces/essex?year=2023")
        after_first = len(leagues)
        assert after_first > 0
        kent = anon.get("/forces/kent?year=2023")
        assert first.status_code == kent.status_code == 200
        assert len(leagues) == after_first  # Kent's page: the figures Essex's read
        kent_senior = kent.text
    finally:
        with Session(engine) as s:
            s.execute(text("UPDATE workforce_edition_counts SET fte = fte - 1 WHERE force_id = 'kent' "
                           "AND year = 2023 AND sex = 'female' "
                           "AND rank = 'chief_superintendent'"))
            s.commit()
    again = anon.get("/forces/kent?year=2023")
    assert len(leagues) > after_first  # the data changed: read again
    assert again.text != kent_senior  # and the page shows the figures as they are now


def test_pages_not_kept_are_made_a_few_at_a_time(anon, monkeypatch) -> None:  # noqa: ANN001, F811
    """Many readers asking for many pages no one has made yet (after a data change): the
    process makes `MAKING_AT_ONCE` at a time, the others queued, not all at once."""
    from parity.web import caching

    cache = anon.app.state.page_cache
    cache.clear()
    at_once, most = [0], [0]
    compute = cache._compute

    async def counting(scope, receive):  # noqa: ANN001, ANN202
        at_once[0] += 1
        most[0] = max(most[0], at_once[0])
        try:
            return await compute(scope, receive)
        finally:
            at_once[0] -= 1

    monkeypatch.setattr(cache, "_compute", counting)
    paths = [f"/forces/{f}?year=2022" for f in ("essex", "kent", "surrey", "dorset", "durham",
                                                 "gwent")]

    async def many() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=anon.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await asyncio.gather(*(client.get(p) for p in paths))

    answers = asyncio.run(many())
    assert {r.status_code for r in answers} == {200}
    assert most[0] == caching.MAKING_AT_ONCE
