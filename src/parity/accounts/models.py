"""Tables of the accounts domain: users, their signed-in sessions, and the sign-in throttle's counts.

Nothing secret is stored in the clear: passwords are Argon2id hashes, session tokens are kept
as their SHA-256 (the cookie holds the token itself), and the CSRF token of a session is
random and useless without the session cookie.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from parity.store.base import Base


class User(Base):
    """A person who can sign in: a national ``coordinator`` (no force), or a ``force_lead`` or
    ``analyst`` of one force (``force_id`` from the forces registry)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    force_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                             nullable=True)


class UserSession(Base):
    """A signed-in session: the SHA-256 of the cookie's token, its CSRF token and expiry."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SignInCounter(Base):
    """Sign-in attempts counted for one e-mail address or one client within a throttle
    window (``scope`` is ``email`` or ``client``). One row per key, counted up by a single
    INSERT ... ON CONFLICT DO UPDATE so that parallel attempts cannot pass the limit."""

    __tablename__ = "sign_in_counters"

    scope: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[str] = mapped_column(String(254), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer)
