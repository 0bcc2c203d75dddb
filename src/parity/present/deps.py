"""What a view needs from the application: a database session, and who is signed in.

    from parity.present.deps import NO_STORE, RequireUser, SessionDep

    @router.get("/thing")
    def thing(session: SessionDep) -> dict: ...

The session belongs to the request: it is closed (and anything uncommitted rolled back) when
the response has been sent. The engine is built once, by `parity.web.app.create_app`.

Who is signed in is asked of the app's ``identify`` hook (``app.state.identify(request)``,
installed by `parity.web.auth.install`; None when nobody is), once per request, so that a
domain's private pages need nothing from the web package: `RequireUser` refuses a request
without a user (`SignInRequired`: the app redirects pages to the sign-in page, else 401), and
`private_force` finds the force of a private address that the user may see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from parity.forces import Force, registry

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def get_session(request: Request) -> Iterator[Session]:
    session = Session(request.app.state.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def signed_in(request: Request) -> Any:
    """Who is signed in on this request (the app's ``identify`` hook, asked once), or None."""
    try:
        return request.state.user
    except AttributeError:
        pass
    identify = getattr(request.app.state, "identify", None)
    user = identify(request) if identify is not None else None
    request.state.user = user
    return user


class SignInRequired(Exception):
    """Raised by `require_user`; the app answers with a redirect (pages) or a 401."""


def require_user(request: Request) -> Any:
    user = signed_in(request)
    if user is None:
        raise SignInRequired()
    return user


RequireUser = Annotated[Any, Depends(require_user)]


def private_force(user: Any, force_id: str, *, allowed: Callable[[Any, str], bool]) -> Force:
    """The force of a private address: 404 for an unknown id (or a spelling other than its
    id), 403 when `allowed(user, force.id)` says the user may not see it."""
    force = registry().find_force(force_id)
    if force is None or force.id != force_id:
        raise HTTPException(404, f"no force with the id {force_id!r}")
    if not allowed(user, force.id):
        raise HTTPException(403, "this force's private figures are for its own users")
    return force
