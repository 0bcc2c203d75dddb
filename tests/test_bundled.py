"""`parity import bundled`: every shipped official file loads, once."""

from __future__ import annotations

from tests.cli_runner import parity


def test_import_bundled_loads_each_kind_once(sqlite_url):
    first = parity("import", "bundled", "--json", db_url=sqlite_url)
    assert first.code == 0, first.stderr
    assert first.json() == {"workforce": False, "paygap_returns": True, "crime": True,
                            "commitments": True}
    second = parity("import", "bundled", "--json", db_url=sqlite_url)
    assert second.json() == {"workforce": False, "paygap_returns": False, "crime": False,
                             "commitments": False}
    history = parity("paygap", "history", "--force", "Kent", "--json", db_url=sqlite_url)
    assert history.code == 0 and history.json()
