"""parity users add | list | remove | password, run as a user would (a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sqlalchemy import select

from parity.accounts.models import User
from parity.store import make_engine, open_session
from tests.cli_runner import parity

PASSWORD = "a deployer's long password"


def users(*args: str, db_url: str, stdin: str = ""):  # noqa: ANN201
    env = {**os.environ, "PARITY_DATABASE_URL": db_url, "COLUMNS": "160"}
    return subprocess.run([sys.executable, "-m", "parity", "users", *args], input=stdin,
                          capture_output=True, text=True, env=env, timeout=120)


def test_first_coordinator_then_force_users(sqlite_url):
    added = users("add", "--email", "Coord@example.org", "--role", "coordinator",
                  "--password-stdin", "--json", db_url=sqlite_url, stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["email"] == "coord@example.org"
    lead = users("add", "--email", "lead@example.org", "--role", "force_lead", "--force",
                 "Dyfed Powys Police", "--password-stdin", db_url=sqlite_url,
                 stdin=PASSWORD + "\n")
    assert lead.returncode == 0, lead.stderr
    assert "Added lead@example.org: force_lead of dyfed-powys." in lead.stdout
    listed = parity("users", "list", "--json", db_url=sqlite_url)
    assert listed.code == 0
    rows = listed.json()
    assert [(u["email"], u["role"], u["force_id"]) for u in rows] == [
        ("coord@example.org", "coordinator", None),
        ("lead@example.org", "force_lead", "dyfed-powys")]
    assert all("password" not in key for u in rows for key in u)
    table = parity("users", "list", db_url=sqlite_url)
    assert "lead@example.org" in table.stdout and "never" in table.stdout
    engine = make_engine(sqlite_url)
    with open_session(engine) as s:
        hashes = s.scalars(select(User.password_hash)).all()
    engine.dispose()
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)

    changed = users("password", "--email", "lead@example.org", "--password-stdin",
                    db_url=sqlite_url, stdin="another long password\n")
    assert changed.returncode == 0, changed.stderr
    removed = parity("users", "remove", "--email", "LEAD@example.org", db_url=sqlite_url)
    assert removed.code == 0 and "Removed lead@example.org." in removed.stdout
    assert [u["email"] for u in parity("users", "list", "--json", db_url=sqlite_url).json()] == [
        "coord@example.org"]


def test_bad_input_exits_2_with_every_problem_and_adds_nothing(sqlite_url):
    bad = users("add", "--email", "nope", "--role", "analyst", "--password-stdin",
                db_url=sqlite_url, stdin="short\n")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.splitlines()[0] == "error: user not added"
    assert "--email: expected an e-mail address, got 'nope'" in bad.stderr
    assert "--force: an analyst belongs to one force: give --force" in bad.stderr
    assert "password: expected 12 to 1024 characters, got 5" in bad.stderr
    empty = users("add", "--email", "a@example.org", "--role", "coordinator",
                  "--password-stdin", db_url=sqlite_url, stdin="")
    assert empty.returncode == 2 and "no password on standard input" in empty.stderr
    no_tty = users("add", "--email", "a@example.org", "--role", "coordinator",
                   db_url=sqlite_url, stdin="")
    assert no_tty.returncode == 2 and "--password-stdin" in no_tty.stderr
    gone = parity("users", "remove", "--email", "ghost@example.org", db_url=sqlite_url)
    assert gone.code == 2 and "no user with the e-mail 'ghost@example.org'" in gone.stderr
    assert parity("users", "list", "--json", db_url=sqlite_url).json() == []
