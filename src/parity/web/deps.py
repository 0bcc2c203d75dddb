"""What a view needs from the application: a database session, typed for FastAPI.

    from parity.web.deps import SessionDep

    @router.get("/thing")
    def thing(session: SessionDep) -> dict: ...

The session belongs to the request: it is closed (and anything uncommitted rolled back) when
the response has been sent. The engine is built once, by `parity.web.app.create_app`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session


def get_session(request: Request) -> Iterator[Session]:
    session = Session(request.app.state.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]
