"""A database that cannot be opened is said in one line, its password hidden, exit 1."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from parity.store.raw import shown_url


@pytest.mark.parametrize("url, shown", [
    ("postgresql+psycopg://parity:s3cret@db.example:5432/parity",
     "postgresql+psycopg://parity:***@db.example:5432/parity"),
    ("postgresql://postgres@127.0.0.1/test", "postgresql://postgres@127.0.0.1/test"),
    ("sqlite:///parity.db", "sqlite:///parity.db"),
])
def test_a_url_is_shown_without_its_password(url, shown):  # noqa: ANN001
    assert shown_url(url) == shown


@pytest.mark.parametrize("url, says", [
    ("postgresql://parity:s3cret@127.0.0.1:1/parity", "Connection refused"),
    ("sqlite:////no/such/folder/parity.db", "unable to open database file"),
])
@pytest.mark.parametrize("command", [["import", "workforce"], ["representation", "--year", "2023"]])
def test_a_database_that_cannot_be_opened_is_one_line(url, says, command):  # noqa: ANN001
    env = {**os.environ, "PARITY_DATABASE_URL": url, "PARITY_WARM": "off"}
    run = subprocess.run([sys.executable, "-m", "parity", *command], capture_output=True,
                         text=True, timeout=120, env=env)
    assert run.returncode == 1
    assert run.stderr.startswith("error: cannot open the database "), run.stderr[-2000:]
    assert says in run.stderr and "Traceback" not in run.stderr
    assert "s3cret" not in run.stderr
