"""Accounts service on both engines: users and roles, password hashes, throttle, sessions."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from parity.accounts import service
from parity.accounts.models import SignInCounter, User, UserSession
from parity.errors import InputError

PASSWORD = "twelve chars or more"
T0 = datetime(2026, 3, 31, 9, 0, tzinfo=UTC)


def test_roles_and_forces_are_checked_all_at_once(db):
    with pytest.raises(InputError) as caught:
        service.add_user(db, email="not-an-address", role="chief", password="short")
    fields = {p.file for p in caught.value.problems}
    assert fields == {"--email", "--role", "password"}
    with pytest.raises(InputError, match="user not added") as caught:
        service.add_user(db, email="a@example.org", role="analyst", password=PASSWORD)
    assert "belongs to one force" in str(caught.value.problems[0])
    with pytest.raises(InputError) as caught:
        service.add_user(db, email="a@example.org", role="coordinator", force="Kent",
                         password=PASSWORD)
    assert "a coordinator is national" in str(caught.value.problems[0])
    with pytest.raises(InputError) as caught:
        service.add_user(db, email="a@example.org", role="force_lead", force="Atlantis",
                         password=PASSWORD)
    assert "unknown force 'Atlantis'" in str(caught.value.problems[0])
    assert db.scalars(select(User)).all() == []


def test_a_user_is_stored_with_an_argon2id_hash_and_the_force_id(db):
    added = service.add_user(db, email=" Lead@Example.ORG ", role="force_lead",
                             force="Avon & Somerset", password=PASSWORD, now=T0)
    assert added == {"email": "lead@example.org", "role": "force_lead",
                     "force_id": "avon-and-somerset", "created_at": T0, "last_sign_in_at": None}
    stored = db.scalar(select(User))
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    assert service.list_users(db) == [added]
    with pytest.raises(InputError) as caught:
        service.add_user(db, email="lead@example.org", role="analyst", force="Kent",
                         password=PASSWORD)
    assert "already exists" in str(caught.value.problems[0])


def test_authenticate_accepts_the_password_and_nothing_else(db):
    service.add_user(db, email="a@example.org", role="coordinator", password=PASSWORD)
    user = service.authenticate(db, email="A@example.org", password=PASSWORD, client="c", now=T0)
    assert user.email == "a@example.org" and service._aware(user.last_sign_in_at) == T0
    for email, password in (("a@example.org", PASSWORD + " "), ("a@example.org", ""),
                            ("b@example.org", PASSWORD), ("a@example.org", "x" * 5000)):
        with pytest.raises(service.SignInError):
            service.authenticate(db, email=email, password=password, client="c", now=T0)


def test_failures_throttle_an_address_then_the_window_passes(db):
    service.add_user(db, email="a@example.org", role="coordinator", password=PASSWORD)
    for i in range(service.MAX_FAILURES_PER_EMAIL):
        with pytest.raises(service.SignInError) as caught:
            service.authenticate(db, email="a@example.org", password="guess",
                                 client=f"10.0.0.{i}", now=T0 + timedelta(seconds=i))
        assert not isinstance(caught.value, service.ThrottledError)
    with pytest.raises(service.ThrottledError) as caught:
        service.authenticate(db, email="a@example.org", password=PASSWORD, client="10.0.1.1",
                             now=T0 + timedelta(minutes=1))
    assert caught.value.retry_after == 14 * 60 + 1
    # another address from the same clients is not held up
    service.add_user(db, email="b@example.org", role="coordinator", password=PASSWORD)
    service.authenticate(db, email="b@example.org", password=PASSWORD, client="10.0.0.1",
                         now=T0 + timedelta(minutes=1))
    later = T0 + service.THROTTLE_WINDOW + timedelta(seconds=5)
    assert service.throttle_wait(db, email="a@example.org", client="x", now=later) == 0
    service.authenticate(db, email="a@example.org", password=PASSWORD, client="10.0.1.1",
                         now=later)
    assert db.get(SignInCounter, ("email", "a@example.org")) is None


def test_one_client_failing_on_many_addresses_is_throttled(db):
    for i in range(service.MAX_FAILURES_PER_CLIENT):
        with pytest.raises(service.SignInError):
            service.authenticate(db, email=f"user{i}@example.org", password="guess",
                                 client="192.0.2.7", now=T0)
    assert service.throttle_wait(db, email="new@example.org", client="192.0.2.7", now=T0) > 0
    assert service.throttle_wait(db, email="new@example.org", client="192.0.2.8", now=T0) == 0


def test_sessions_keep_only_the_token_hash_and_expire(db):
    service.add_user(db, email="a@example.org", role="analyst", force="Kent", password=PASSWORD)
    user = service.get_user(db, email="a@example.org")
    token = service.start_session(db, user=user, now=T0)
    row = db.scalar(select(UserSession))
    assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest() != token
    who = service.session_for_token(db, token=token, now=T0 + timedelta(hours=7))
    assert (who.email, who.role, who.force_id) == ("a@example.org", "analyst", "kent")
    assert len(who.csrf_token) >= 40
    assert service.session_for_token(db, token=token, now=T0 + service.SESSION_LIFETIME) is None
    assert service.session_for_token(db, token=token + "x", now=T0) is None
    assert service.session_for_token(db, token=None, now=T0) is None
    # a new session clears expired ones
    service.start_session(db, user=user, now=T0 + timedelta(days=1))
    assert len(db.scalars(select(UserSession)).all()) == 1


def test_ending_sessions(db):
    service.add_user(db, email="a@example.org", role="analyst", force="Kent", password=PASSWORD)
    user = service.get_user(db, email="a@example.org")
    first = service.start_session(db, user=user, now=T0)
    second = service.start_session(db, user=user, now=T0)
    service.end_session(db, token=first)
    assert service.session_for_token(db, token=first, now=T0) is None
    assert service.session_for_token(db, token=second, now=T0) is not None
    service.set_password(db, email="a@example.org", password="another long password")
    assert service.session_for_token(db, token=second, now=T0) is None
    third = service.start_session(db, user=user, now=T0)
    removed = service.remove_user(db, email="A@example.org")
    assert removed["email"] == "a@example.org"
    assert service.session_for_token(db, token=third, now=T0) is None
    with pytest.raises(InputError, match="no user"):
        service.remove_user(db, email="a@example.org")


def test_scope_of_each_role():
    def who(role: str, force_id: str | None) -> service.SignedIn:
        return service.SignedIn(1, "x@example.org", role, force_id, "t", T0)

    coordinator, analyst = who("coordinator", None), who("analyst", "kent")
    assert service.can_see_force(coordinator, "essex") and service.can_see_force(analyst, "kent")
    assert not service.can_see_force(analyst, "essex")
    assert service.visible_force_ids(analyst) == ["kent"]
    assert len(service.visible_force_ids(coordinator)) >= 44
    assert service.visible_force_ids(who("analyst", None)) == []
