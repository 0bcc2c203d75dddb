"""Every form that posts carries a CSRF token, and every POST route refuses one without it."""

from __future__ import annotations

import re
from pathlib import Path

import parity
from tests.accounts.webapp import (  # noqa: F401  (fixtures)
    anon,
    app,
    coordinator,
    csrf_of,
    walk_routes,
)
from tests.web.conftest import page

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
POSTS = re.compile(r"""method\s*=\s*["']?post""", re.I)
TOKEN_FIELD = re.compile(
    r"""<input\b[^>]*type="hidden"[^>]*name="csrf_token"[^>]*value="\{\{\s*csrf_token\s*\}\}\"""")
SAMPLE = {"force_id": "kent"}


def template_files() -> list[Path]:
    root = Path(parity.__file__).parent
    return sorted(p for p in root.rglob("templates/**/*") if p.suffix in {".html", ".j2"})


def post_forms(text: str) -> list[str]:
    return [body for attrs, body in FORM.findall(text) if POSTS.search(attrs)]


def test_every_post_form_in_every_template_carries_the_token():
    files = template_files()
    assert len(files) > 10
    seen = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        for body in post_forms(text):
            seen += 1
            assert TOKEN_FIELD.search(body), f"{path}: a POST form without the CSRF token"
        # a form without a method is a GET; one with any other method than get/post is odd
        for attrs, _ in FORM.findall(text):
            method = re.search(r"""method\s*=\s*["']?(\w+)""", attrs, re.I)
            assert method is None or method.group(1).lower() in {"get", "post"}, path
    assert seen >= 4  # sign in, sign out, the two uploads


def _post_routes(application) -> list[str]:  # noqa: ANN001
    paths = []
    for route_path, methods in walk_routes(application):
        if methods & {"POST", "PUT", "PATCH", "DELETE"}:
            paths.append(re.sub(r"\{(\w+)(?::\w+)?\}",
                                lambda m: SAMPLE.get(m.group(1), "x"), route_path))
    return paths


def test_every_post_route_refuses_a_missing_or_wrong_token(app, anon, coordinator):  # noqa: F811
    paths = _post_routes(app)
    assert {"/sign-in", "/sign-out", "/private/forces/kent/paygap",
            "/private/forces/kent/flows"} <= set(paths)
    good = csrf_of(coordinator.get("/private/forces/kent"))
    for path in paths:
        for client in (anon, coordinator):
            for data in ({}, {"csrf_token": ""}, {"csrf_token": good[:-2] + "xx"}):
                response = client.post(path, data=data,
                                       files={"extract": ("x.csv", b"a\n1\n", "text/csv")})
                assert response.status_code in {401, 403}, (path, data, response.status_code)
                assert "set-cookie" not in response.headers or \
                    "parity_session=" not in response.headers["set-cookie"]
    # the anonymous sign-in form's token is no good once signed in, and vice versa
    anonymous = csrf_of(anon.get("/sign-in"))
    assert coordinator.post("/sign-out", data={"csrf_token": anonymous}).status_code == 403
    assert anon.post("/sign-in", data={"email": "coord@example.org", "password": "x" * 20,
                                       "csrf_token": good}).status_code == 403


def test_rendered_post_forms_carry_a_real_token(anon, coordinator):  # noqa: F811
    for client, path in ((anon, "/sign-in"), (coordinator, "/private"),
                         (coordinator, "/private/forces/kent")):
        doc = page(client.get(path))
        forms = doc.xpath("//form[translate(@method, 'POST', 'post')='post']")
        assert forms, path
        for form in forms:
            token = form.xpath(".//input[@name='csrf_token']/@value")
            assert token and len(token[0]) >= 40, (path, form.get("action"))
