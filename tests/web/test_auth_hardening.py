"""Hardening of the web layer: headers on every route, no private route without a session,
no stack traces in error pages, and query parameters that can never cause an internal error
(a hypothesis-driven walk over the public API described by /api/openapi.json)."""

from __future__ import annotations

import re
import shutil
import warnings
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from parity.web.app import CONTENT_SECURITY_POLICY, SECURITY_HEADERS, create_app
from tests.accounts.webapp import (  # noqa: F401  (fixtures)
    anon,
    app,
    coordinator,
    kent_analyst,
    walk_routes,
)

SAMPLE = {"force_id": "kent", "path": "parity.css", "ref": "no-such-ref"}
PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")


def _concrete(path: str) -> str:
    """The route's path with a sample value for each parameter ("x" for one not known here:
    the answer may be a 404, but it must still carry the headers and not be a 500)."""
    return PARAMETER.sub(lambda m: SAMPLE.get(m.group(1), "x"), path)


def _get_paths(application) -> list[str]:  # noqa: ANN001
    return sorted({_concrete(p) for p, methods in walk_routes(application) if "GET" in methods})


def _has_headers(response) -> None:  # noqa: ANN001
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response.url, name)


def test_every_route_answers_with_the_security_headers(app, anon, coordinator):  # noqa: F811
    paths = _get_paths(app)
    assert {"/", "/sign-in", "/private", "/private/forces/kent", "/api/v1/league"} <= set(paths)
    extra = ["/static/parity.css", "/no-such-page", "/private/nothing-here"]
    signed_in_paths = [p for p in paths + extra if p.startswith(("/private", "/sign"))]
    for client, walk in ((anon, paths + extra), (coordinator, signed_in_paths)):
        for path in walk:
            response = client.get(path)
            assert response.status_code < 500, (path, response.status_code)
            _has_headers(response)
            assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    for path in [p for p in paths if p.startswith("/private")] + ["/sign-in"]:
        assert coordinator.get(path).headers.get("cache-control") == "no-store", path


def test_no_private_route_answers_without_a_session(app, anon):  # noqa: F811
    private = [(p, m) for p, m in walk_routes(app) if p.startswith("/private")]
    assert len(private) >= 5
    forged = TestClient(app, follow_redirects=False, cookies={"parity_session": "x" * 43})
    for client in (anon, forged):
        for route_path, methods in private:
            path = _concrete(route_path)
            for method in methods:
                response = client.request(method, path)
                if method in {"GET", "HEAD"}:
                    assert response.status_code == 303, (method, path)
                    assert response.headers["location"].startswith("/sign-in?next=/private")
                else:
                    assert response.status_code in {401, 403}, (method, path)
                assert "kent" not in response.text.lower() or "sign" in response.text.lower()
    forged.close()


def test_private_paths_are_left_out_of_the_public_api(anon):  # noqa: F811
    spec = anon.get("/api/openapi.json").json()
    assert not [p for p in spec["paths"] if p.startswith(("/private", "/sign"))]
    docs = anon.get("/api/docs").text
    assert "/private" not in docs


def test_a_request_too_large_or_without_a_length_is_refused_before_it_is_read(app, kent_analyst):  # noqa: F811
    assert app.state.max_upload_bytes == 50 * 1024 * 1024
    token = kent_analyst.get("/private/forces/kent").text.split('name="csrf_token" value="')[1]
    token = token.split('"')[0]
    app.state.max_upload_bytes = limit = 64 * 1024
    try:
        big = kent_analyst.post("/private/forces/kent/flows", data={"csrf_token": token},
                                files={"extract": ("hr.csv", b"x" * (limit + 1), "text/csv")})
    finally:
        app.state.max_upload_bytes = 50 * 1024 * 1024
    assert big.status_code == 413
    assert "larger than the limit of 65,536 bytes" in big.text
    _has_headers(big)
    chunked = kent_analyst.post("/private/forces/kent/flows",
                                content=iter([b"csrf_token=", token.encode()]),
                                headers={"content-type": "application/x-www-form-urlencoded"})
    assert chunked.status_code == 411


@pytest.fixture(scope="module")
def plain(sqlite_templates, tmp_path_factory) -> Iterator[TestClient]:  # noqa: ANN001
    """The app on SQLite with two routes that fail, as a bug would."""
    path = tmp_path_factory.mktemp("hardening") / "h.db"
    shutil.copy(sqlite_templates["workforce"], path)
    application = create_app(f"sqlite:///{path}")

    def boom() -> None:
        raise RuntimeError("secret detail: /srv/parity/passwords.txt")

    application.add_api_route("/boom", boom, include_in_schema=False)
    application.add_api_route("/api/v1/boom", boom, include_in_schema=False)
    with TestClient(application, raise_server_exceptions=False) as client:
        yield client


def test_error_pages_leak_no_stack_trace(plain):
    for path in ("/boom", "/api/v1/boom", "/forces/no-such-force", "/league?year=abc"):
        response = plain.get(path)
        assert response.status_code in {400, 404, 500}, path
        for leak in ("Traceback", "secret detail", "RuntimeError", 'File "', "site-packages"):
            assert leak not in response.text, (path, leak)
        _has_headers(response)
    assert plain.get("/boom").status_code == 500
    assert "internal error" in plain.get("/boom").text
    assert plain.get("/api/v1/boom").json() == {
        "error": "an internal error; it has been logged", "problems": []}


TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
VALUES = {
    "year": st.one_of(st.integers(min_value=-10**12, max_value=10**12).map(str), TEXT,
                      st.sampled_from(["2023", "2007", "2006", "2024", "", "2023.0", "1e3"])),
    "area": st.one_of(TEXT, st.sampled_from(["Kent", "kent", "England", "Wales", "London",
                                             "England and Wales", "British Transport Police",
                                             "%", "Metropolitan Police", "\u0000"])),
    "group": st.one_of(TEXT, st.sampled_from(["all", "senior", "middle", "chief_officer", ""])),
    "measure": st.one_of(TEXT, st.sampled_from(["fte", "headcount", "FTE"])),
    "worker_type": st.one_of(TEXT, st.sampled_from(["officer", "staff", "pcso", "special",
                                                    "volunteer", "designated"])),
    "include_btp": st.one_of(TEXT, st.sampled_from(["true", "false", "1", "0", "yes"])),
}


def _endpoints(client: TestClient) -> list[tuple[str, list[str]]]:
    """Every GET endpoint of the API without path parameters, with its query parameters."""
    spec = client.get("/api/openapi.json").json()
    out = []
    for path, ops in spec["paths"].items():
        if "get" in ops and path.startswith("/api/v1/") and "{" not in path:
            out.append((path, [p["name"] for p in ops["get"].get("parameters", [])
                               if p["in"] == "query"]))
    return out


def test_public_api_query_parameters_never_cause_an_internal_error(plain):
    endpoints = _endpoints(plain)
    assert {"/api/v1/representation", "/api/v1/league", "/api/v1/trend"} <= {
        p for p, _ in endpoints}

    @settings(max_examples=60, deadline=None)
    @given(data=st.data())
    def check(data) -> None:  # noqa: ANN001
        path, names = data.draw(st.sampled_from(endpoints))
        chosen = data.draw(st.lists(st.sampled_from(names), unique=True)) if names else []
        params = {n: data.draw(VALUES.get(n, TEXT)) for n in chosen}
        response = plain.get(path, params=params)
        assert response.status_code in {200, 400, 404}, (path, params, response.text[:300])
        body = response.json()
        if response.status_code != 200:
            assert isinstance(body["error"], str) and body["error"], (path, params)
        _has_headers(response)

    check()


@settings(max_examples=40, deadline=None)
@given(year=VALUES["year"], area=VALUES["area"], group=VALUES["group"])
def test_pages_answer_bad_filters_with_400_never_500(plain, year, area, group):
    for path, params in (("/trend", {"area": area, "group": group}),
                         ("/league", {"year": year, "group": group}), ("/", {"year": year})):
        response = plain.get(path, params=params)
        assert response.status_code in {200, 400}, (path, params, response.status_code)
