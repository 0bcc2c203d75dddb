"""Signing in and out, the session cookie, the throttle, and who sees which force."""

from __future__ import annotations

import hashlib
from http.cookies import SimpleCookie

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from parity.accounts.models import SignInCounter, UserSession
from parity.accounts.service import MAX_FAILURES_PER_EMAIL
from tests.accounts.webapp import (  # noqa: F401  (fixtures)
    PASSWORD,
    anon,
    app,
    coordinator,
    csrf_of,
    kent_analyst,
    sign_in,
    signed_in_client,
)
from tests.web.conftest import page, text_of


def _cookie(response, name: str) -> SimpleCookie:  # noqa: ANN001
    for header in response.headers.get_list("set-cookie"):
        jar = SimpleCookie()
        jar.load(header)
        if name in jar:
            return jar
    raise AssertionError(f"no {name} cookie in {response.headers.get_list('set-cookie')}")


def test_private_area_sends_anonymous_visitors_to_sign_in(anon):  # noqa: F811
    nav = page(anon.get("/")).xpath("//nav//a")
    assert ("Sign in", "/sign-in") in [(text_of(a), a.get("href")) for a in nav]
    response = anon.get("/private/forces/kent")
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=/private/forces/kent"
    assert response.headers["cache-control"] == "no-store"


def test_signing_in_sets_a_strict_session_cookie_stored_hashed(app, anon):  # noqa: F811
    response = sign_in(anon, "Kent.Analyst@example.org ")
    assert response.status_code == 303 and response.headers["location"] == "/private"
    jar = _cookie(response, "parity_session")
    morsel = jar["parity_session"]
    assert morsel["httponly"] and morsel["samesite"].lower() == "strict"
    assert morsel["path"] == "/" and int(morsel["max-age"]) == 8 * 3600
    assert not morsel["secure"]  # plain http here; see the https test
    token = morsel.value
    with Session(app.state.engine) as s:
        stored = s.scalars(select(UserSession.token_sha256)).all()
    assert token not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    # the navigation offers the private area instead of signing in
    nav = page(anon.get("/about")).xpath("//nav//a")
    assert ("Private area", "/private") in [(text_of(a), a.get("href")) for a in nav]
    # the force's user lands on their own force
    home = anon.get("/private")
    assert home.status_code == 303 and home.headers["location"] == "/private/forces/kent"
    doc = page(anon.get("/private/forces/kent"))
    assert text_of(doc.xpath("//h1")[0]) == "Kent"
    assert "kent.analyst@example.org" in text_of(doc)


def test_cookie_is_secure_over_https(app):  # noqa: F811
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        form = _cookie(client.get("/sign-in"), "parity_csrf")["parity_csrf"]
        assert form["secure"] and form["httponly"] and form["samesite"].lower() == "strict"
        response = sign_in(client, "kent.lead@example.org")
        assert response.status_code == 303
        assert _cookie(response, "parity_session")["parity_session"]["secure"]


def test_wrong_password_is_refused_without_saying_which_part(anon):  # noqa: F811
    wrong = sign_in(anon, "kent.analyst@example.org", "not the password at all")
    unknown = sign_in(anon, "nobody@example.org", PASSWORD)
    assert wrong.status_code == unknown.status_code == 400
    assert "parity_session" not in wrong.headers.get("set-cookie", "")
    reason = "The e-mail address or password is not right."
    assert reason in text_of(page(wrong)) and reason in text_of(page(unknown))


def test_repeated_failures_are_throttled_even_with_the_right_password(app, anon):  # noqa: F811
    email = "essex.analyst@example.org"
    for _ in range(MAX_FAILURES_PER_EMAIL):
        assert sign_in(anon, email, "wrong password guess").status_code == 400
    blocked = sign_in(anon, email, PASSWORD)
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["retry-after"]) <= 15 * 60 + 1
    assert "too many failed sign-ins" in text_of(page(blocked)).lower()
    assert "parity_session" not in blocked.headers.get("set-cookie", "")
    with Session(app.state.engine) as s:
        s.execute(delete(SignInCounter))
        s.commit()
    assert sign_in(anon, email, PASSWORD).status_code == 303


def test_after_sign_in_only_private_paths_are_followed(app):  # noqa: F811
    from fastapi.testclient import TestClient

    for target, expected in (("//evil.example/", "/private"), ("/private/forces/kent", None),
                             ("https://evil.example/private", "/private"),
                             ("/private/../about", "/private"), ("/about", "/private"),
                             ("/privateer", "/private")):
        with TestClient(app, follow_redirects=False) as client:
            token = csrf_of(client.get("/sign-in", params={"next": target}))
            response = client.post("/sign-in", data={
                "email": "coord@example.org", "password": PASSWORD, "csrf_token": token,
                "next": target})
        assert response.status_code == 303
        assert response.headers["location"] == (expected or target)


def test_signing_out_ends_the_session_on_the_server(app, kent_analyst):  # noqa: F811
    token = kent_analyst.cookies.get("parity_session")
    form = csrf_of(kent_analyst.get("/private/forces/kent"))
    response = kent_analyst.post("/sign-out", data={"csrf_token": form})
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert 'parity_session=""' in response.headers["set-cookie"]
    with Session(app.state.engine) as s:
        held = s.scalar(select(UserSession).where(
            UserSession.token_sha256 == hashlib.sha256(token.encode()).hexdigest()))
    assert held is None
    # the old token, replayed, opens nothing
    kent_analyst.cookies.set("parity_session", token)
    assert kent_analyst.get("/private/forces/kent").status_code == 303


def test_a_force_user_sees_only_their_own_force(kent_analyst):  # noqa: F811
    assert kent_analyst.get("/private/forces/kent").status_code == 200
    refused = kent_analyst.get("/private/forces/essex")
    assert refused.status_code == 403
    assert "Essex" not in text_of(page(refused).xpath("//main")[0])
    assert kent_analyst.get("/private/forces/no-such-force").status_code == 404
    token = csrf_of(kent_analyst.get("/private/forces/kent"))
    upload = kent_analyst.post("/private/forces/essex/flows", data={"csrf_token": token},
                               files={"extract": ("hr.csv", b"a,b\n1,2\n", "text/csv")})
    assert upload.status_code in {403, 404}


def test_a_coordinator_sees_every_force(coordinator):  # noqa: F811
    doc = page(coordinator.get("/private"))
    links = doc.xpath("//main//a[starts-with(@href, '/private/forces/')]/@href")
    assert len(links) >= 43 and "/private/forces/kent" in links
    for force_id in ("kent", "essex", "metropolitan-police"):
        assert coordinator.get(f"/private/forces/{force_id}").status_code == 200, force_id


def test_a_removed_user_is_signed_out_at_once(app):  # noqa: F811
    from parity.accounts import service

    with Session(app.state.engine) as s:
        service.add_user(s, email="temp@example.org", role="analyst", force="Kent",
                         password=PASSWORD)
        s.commit()
    client = signed_in_client(app, "temp@example.org")
    assert client.get("/private/forces/kent").status_code == 200
    with Session(app.state.engine) as s:
        service.remove_user(s, email="temp@example.org")
        s.commit()
    assert client.get("/private/forces/kent").status_code == 303
