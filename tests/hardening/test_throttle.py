"""The sign-in throttle holds under parallel attempts: 50 wrong passwords for one address sent
at once to a real server (uvicorn, its thread pool, one database connection per request) are
checked at most `MAX_FAILURES_PER_EMAIL` times; every other attempt is a 429. On both
engines. Passwords with a NUL character are refused."""

from __future__ import annotations

import threading

import httpx
import pytest

from parity.accounts import service
from parity.errors import InputError
from tests.hardening.live import csrf_of, migrated_url, running
from tests.helpers import drop_pg_database

ATTEMPTS = 50


@pytest.mark.slow
@pytest.mark.parametrize("engine_name", ["sqlite", "postgresql"])
def test_fifty_parallel_wrong_passwords_are_checked_at_most_five_times(engine_name, tmp_path):
    url, pg_name = migrated_url(engine_name, tmp_path)
    try:
        with running(url) as server:
            clients = [httpx.Client(base_url=server.base, timeout=120) for _ in range(ATTEMPTS)]
            tokens = [csrf_of(c.get("/sign-in").text) for c in clients]
            start = threading.Barrier(ATTEMPTS)
            statuses: list[int] = []

            def attempt(client: httpx.Client, token: str) -> None:
                start.wait()
                response = client.post("/sign-in", data={
                    "email": "kent@example.org", "password": "not the password at all",
                    "csrf_token": token})
                statuses.append(response.status_code)

            threads = [threading.Thread(target=attempt, args=pair)
                       for pair in zip(clients, tokens, strict=True)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            for client in clients:
                client.close()
            assert server.alive()
        checked = statuses.count(400)
        assert sorted(set(statuses)) == [400, 429], statuses
        assert checked == service.MAX_FAILURES_PER_EMAIL, f"{checked} passwords were checked"
    finally:
        if pg_name:
            drop_pg_database(pg_name)


def test_a_password_with_a_nul_character_is_refused(db):
    with pytest.raises(InputError) as refused:
        service.add_user(db, email="a@example.org", role="coordinator",
                         password="a long enough\x00password")
    assert "NUL character at position 14" in str(refused.value.problems[0])


def test_forwarded_addresses_are_believed_only_from_configured_proxies():
    from parity.web.cli import proxy_options

    assert proxy_options("") == {"proxy_headers": False}
    assert proxy_options(" 10.0.0.5, 10.0.0.6 ") == {"proxy_headers": True,
                                                      "forwarded_allow_ips": ["10.0.0.5",
                                                                              "10.0.0.6"]}
