"""Accounts service: users and roles, password checks, sessions and the sign-in throttle.

Every front end (the CLI's ``parity users ...``, the web sign-in) calls only these functions.

- Users: `add_user`, `list_users`, `remove_user`, `set_password`, `get_user`.
- Signing in: `authenticate` (Argon2id, throttled: `ThrottledError` after
  `MAX_FAILURES_PER_EMAIL` failures for an address, or `MAX_FAILURES_PER_CLIENT` from one
  client, within `THROTTLE_WINDOW`), then `start_session`; `session_for_token` finds the
  signed-in user of a cookie's token, `end_session` signs out.
- Scope: `visible_force_ids(user)` and `can_see_force(user, force_id)`: a force's users see
  only their own force; a coordinator sees every force.

Times are UTC; functions that depend on the clock take ``now=`` so that tests can set it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Delete, func, select
from sqlalchemy import delete as _delete
from sqlalchemy.orm import Session

from parity.accounts.models import LoginFailure, User, UserSession
from parity.errors import InputError, Problem
from parity.forces import registry

ROLES = ("coordinator", "force_lead", "analyst")
FORCE_ROLES = frozenset({"force_lead", "analyst"})
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # hashing a megabyte "password" is a cheap denial of service
SESSION_LIFETIME = timedelta(hours=8)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_CLIENT = 20
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Argon2id with the library's defaults (RFC 9106 "low memory" profile: t=3, m=64 MiB, p=4).
_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so that both answers take the same time."""
    return _hasher.hash(secrets.token_urlsafe(16))


class SignInError(Exception):
    """The e-mail and password do not match a user (deliberately not saying which)."""


class ThrottledError(SignInError):
    """Too many failed sign-ins recently; try again after `retry_after` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many failed sign-ins; try again in {retry_after // 60 + 1} minutes")
        self.retry_after = retry_after


@dataclass(frozen=True)
class SignedIn:
    """Who a session's cookie belongs to, and the session's CSRF token."""

    user_id: int
    email: str
    role: str
    force_id: str | None
    csrf_token: str
    expires_at: datetime


def delete(model) -> Delete:  # noqa: ANN001
    """A bulk DELETE that finds the deleted rows in the database, not by evaluating the
    criteria in Python (which cannot compare SQLite's naive datetimes with aware ones)."""
    return _delete(model).execution_options(synchronize_session="fetch")


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    """SQLite gives back naive datetimes for timezone-aware columns: they are UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _user_dict(user: User) -> dict:
    return {"email": user.email, "role": user.role, "force_id": user.force_id,
            "created_at": _aware(user.created_at),
            "last_sign_in_at": _aware(user.last_sign_in_at) if user.last_sign_in_at else None}


def check_password(password: str, *, field: str = "password") -> None:
    """`InputError` unless `password` is between 12 and 1024 characters long."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InputError("password not accepted", [Problem(
            field, f"expected {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters, "
                   f"got {len(password)}")])


def get_user(session: Session, *, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def add_user(session: Session, *, email: str, role: str, password: str, force: str | None = None,
             now: datetime | None = None) -> dict:
    """A new user. `force` (any spelling the registry knows) is required for a ``force_lead``
    or ``analyst`` and refused for a ``coordinator``. `InputError` lists every problem."""
    email = normalise_email(email)
    problems = []
    if not EMAIL.match(email) or len(email) > 254:
        problems.append(Problem("--email", f"expected an e-mail address, got {email!r}"))
    elif get_user(session, email=email) is not None:
        problems.append(Problem("--email", f"a user with the e-mail {email!r} already exists"))
    force_id = None
    if role not in ROLES:
        problems.append(Problem("--role", f"expected one of {', '.join(ROLES)}, got {role!r}"))
    elif role in FORCE_ROLES and not force:
        who = "an analyst" if role == "analyst" else "a force lead"
        problems.append(Problem("--force", f"{who} belongs to one force: give --force"))
    elif role == "coordinator" and force:
        problems.append(Problem("--force", "a coordinator is national: give no --force"))
    if force and role in FORCE_ROLES:
        found = registry().find_force(force)
        if found is None:
            problems.append(Problem("--force", f"unknown force {force!r}"))
        else:
            force_id = found.id
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        problems.append(Problem("password", f"expected {MIN_PASSWORD_LENGTH} to "
                                            f"{MAX_PASSWORD_LENGTH} characters, got {len(password)}"))
    if problems:
        raise InputError("user not added", problems)
    user = User(email=email, role=role, force_id=force_id, password_hash=_hasher.hash(password),
                created_at=_now(now))
    session.add(user)
    session.flush()
    return _user_dict(user)


def list_users(session: Session) -> list[dict]:
    """Every user by e-mail: ``email``, ``role``, ``force_id``, ``created_at``,
    ``last_sign_in_at`` (never the password hash)."""
    return [_user_dict(u) for u in session.scalars(select(User).order_by(User.email))]


def remove_user(session: Session, *, email: str) -> dict:
    """Remove a user and end their sessions; `InputError` if there is no such user."""
    user = get_user(session, email=email)
    if user is None:
        raise InputError(f"no user with the e-mail {normalise_email(email)!r}")
    out = _user_dict(user)
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.delete(user)
    session.flush()
    return out


def set_password(session: Session, *, email: str, password: str) -> None:
    """A new password for a user; their sessions end (sign in again everywhere)."""
    user = get_user(session, email=email)
    if user is None:
        raise InputError(f"no user with the e-mail {normalise_email(email)!r}")
    check_password(password)
    user.password_hash = _hasher.hash(password)
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.flush()


def _failures(session: Session, column, value: str, since: datetime) -> tuple[int, datetime | None]:  # noqa: ANN001
    count, first = session.execute(
        select(func.count(LoginFailure.id), func.min(LoginFailure.failed_at))
        .where(column == value, LoginFailure.failed_at > since)).one()
    return count, (_aware(first) if first else None)


def throttle_wait(session: Session, *, email: str, client: str, now: datetime | None = None) -> int:
    """Seconds before `email` or `client` may try again (0 when not throttled)."""
    now = _now(now)
    since = now - THROTTLE_WINDOW
    wait = 0
    for column, value, limit in ((LoginFailure.email, normalise_email(email)[:254],
                                  MAX_FAILURES_PER_EMAIL),
                                 (LoginFailure.client, client[:64], MAX_FAILURES_PER_CLIENT)):
        count, first = _failures(session, column, value, since)
        if count >= limit and first is not None:
            wait = max(wait, int((first + THROTTLE_WINDOW - now).total_seconds()) + 1)
    return wait


def authenticate(session: Session, *, email: str, password: str, client: str,
                 now: datetime | None = None) -> User:
    """The user whose e-mail and password these are. `SignInError` if they do not match
    (the failure is recorded), `ThrottledError` if the address or client has failed too often
    within `THROTTLE_WINDOW` (checked first: a right password is refused too while throttled).
    The caller commits, so that failures are kept."""
    now = _now(now)
    wait = throttle_wait(session, email=email, client=client, now=now)
    if wait:
        raise ThrottledError(wait)
    user = get_user(session, email=email) if len(email) <= 254 else None
    ok = False
    if len(password) <= MAX_PASSWORD_LENGTH:
        try:
            ok = _hasher.verify(user.password_hash if user else _dummy_hash(), password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
    if not ok or user is None:
        session.add(LoginFailure(email=normalise_email(email)[:254], client=client[:64],
                                 failed_at=now))
        session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - THROTTLE_WINDOW))
        session.flush()
        raise SignInError("the e-mail address or password is not right")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    user.last_sign_in_at = now
    session.flush()
    return user


def start_session(session: Session, *, user: User, now: datetime | None = None,
                  lifetime: timedelta = SESSION_LIFETIME) -> str:
    """A new session for `user`; returns the token for the cookie (only its SHA-256 is kept).
    Expired sessions of every user are removed on the way."""
    now = _now(now)
    token = secrets.token_urlsafe(32)
    session.execute(delete(UserSession).where(UserSession.expires_at <= now))
    session.add(UserSession(token_sha256=_sha256(token), user_id=user.id,
                            csrf_token=secrets.token_urlsafe(32), created_at=now,
                            expires_at=now + lifetime))
    session.flush()
    return token


def session_for_token(session: Session, *, token: str | None,
                      now: datetime | None = None) -> SignedIn | None:
    """Who is signed in with `token`, or None (no token, unknown, or expired)."""
    if not token or len(token) > 128:
        return None
    row = session.execute(select(UserSession, User).join(User, User.id == UserSession.user_id)
                          .where(UserSession.token_sha256 == _sha256(token))).first()
    if row is None:
        return None
    user_session, user = row
    expires = _aware(user_session.expires_at)
    if expires <= _now(now):
        return None
    return SignedIn(user.id, user.email, user.role, user.force_id, user_session.csrf_token,
                    expires)


def end_session(session: Session, *, token: str | None) -> None:
    """Sign out: the session of `token` is deleted (nothing happens for an unknown token)."""
    if token:
        session.execute(delete(UserSession).where(UserSession.token_sha256 == _sha256(token)))
        session.flush()


def visible_force_ids(user: SignedIn) -> list[str]:
    """The forces whose private figures `user` may see: every force for a coordinator."""
    if user.role == "coordinator":
        return [f.id for f in registry().forces]
    return [user.force_id] if user.force_id else []


def can_see_force(user: SignedIn, force_id: str) -> bool:
    return user.role == "coordinator" or (user.force_id is not None and user.force_id == force_id)
