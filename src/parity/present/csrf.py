"""CSRF tokens for every form that posts.

Two kinds of token, both random and compared in constant time:

- signed in: the session's own token (`parity.accounts.service.SignedIn.csrf_token`), kept in
  the database beside the session;
- not signed in (the sign-in form): a random token in its own cookie (HttpOnly,
  SameSite=Strict), repeated in the form ("double submit"), so that another site cannot sign
  a browser in to an account of its choosing.

Every POST route depends on `require_csrf` (a test walks the app's routes and checks that a
POST without the token is refused), and every ``<form method="post">`` in a template carries
``<input type="hidden" name="csrf_token" value="{{ csrf_token }}">`` (a test parses every
template for it).
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Depends, HTTPException, Request, Response

from parity.present.deps import signed_in

FIELD = "csrf_token"
COOKIE = "parity_csrf"
COOKIE_MAX_AGE = 2 * 60 * 60


def is_https(request: Request) -> bool:
    """Served over https (directly, or behind a proxy that uvicorn trusts with
    ``--proxy-headers``): cookies are then marked Secure."""
    return request.url.scheme == "https"


def anonymous_token(request: Request) -> str:
    """The token of the anonymous CSRF cookie, or a new one (set it with `set_anonymous`)."""
    token = request.cookies.get(COOKIE) or ""
    return token if 20 <= len(token) <= 100 else secrets.token_urlsafe(32)


def set_anonymous(request: Request, response: Response, token: str) -> None:
    response.set_cookie(COOKIE, token, max_age=COOKIE_MAX_AGE, path="/", httponly=True,
                        samesite="strict", secure=is_https(request))


def tokens_match(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


async def require_csrf(request: Request) -> None:
    """Refuse (403) a POST whose form has no token, or not the right one: the signed-in
    session's token, or else the anonymous cookie's."""
    form = await request.form()
    given = form.get(FIELD)
    given = given if isinstance(given, str) else None
    user = signed_in(request)
    expected = user.csrf_token if user is not None else request.cookies.get(COOKIE)
    if not tokens_match(expected, given):
        raise HTTPException(403, "the form has expired or did not come from this site: "
                                 "reload the page and try again")


CsrfChecked = Depends(require_csrf)
