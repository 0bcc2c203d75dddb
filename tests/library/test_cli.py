"""The library commands, run as a user would, and their documentation."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli_runner import parity

from .conftest import ARTICLES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "library.md"
HERTS = ARTICLES["hertfordshire/2019-11-22-womens-network.md"]["url"]


def test_import_search_check_tag_show(sqlite_url, corpus):
    (corpus / "broken.md").write_text("---\ntitle: [x\n---\nText\n")
    run = parity("import", "articles", str(corpus), "--json", db_url=sqlite_url)
    assert run.code == 0, run.stderr
    report = run.json()
    assert report["imported"] == len(ARTICLES) + 1
    assert [p["file"] for p in report["problems"]] == ["broken.md"]
    assert "broken.md" in run.stderr and "not valid YAML" in run.stderr

    again = parity("import", "articles", str(corpus), db_url=sqlite_url)
    assert again.code == 0 and "unchanged" in again.stdout

    strict = parity("import", "articles", str(corpus), "--strict", db_url=sqlite_url)
    assert strict.code == 2 and "broken.md" in strict.stderr

    run = parity("library", "search", "menopause", "--json", db_url=sqlite_url)
    assert run.code == 0, run.stderr
    hit = run.json()["hits"][0]
    assert {"title", "url", "area", "published", "themes", "snippet"} <= set(hit)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", hit["published"])

    run = parity("library", "search", "women", "--force", "Hertfordshire", "--theme",
                 "networks_mentoring", "--json", db_url=sqlite_url)
    assert [h["url"] for h in run.json()["hits"]] == [
        "https://herts.police.uk/news/2019/11/womens-network-year"]

    run = parity("library", "check", HERTS, "--json", db_url=sqlite_url)
    assert run.code == 0, run.stderr
    claims = run.json()["claims"]
    assert {c["verdict"] for c in claims} == {"matches", "does not match"}
    assert all({"text", "value", "official", "verdict"} <= set(c) for c in claims)
    human = parity("library", "check", HERTS, db_url=sqlite_url)
    assert "does not match" in human.stdout

    run = parity("library", "tag", HERTS, "--add-theme", "retention", "--json",
                 db_url=sqlite_url)
    assert "retention" in run.json()["themes"]
    for flags in (["--force", "Essex Police"], ["--no-force"], ["--reset"]):
        run = parity("library", "tag", HERTS, *flags, "--json", db_url=sqlite_url)
        assert run.code == 0, run.stderr
    assert run.json()["area"] == "Hertfordshire"
    parity("library", "tag", HERTS, "--add-theme", "retention", db_url=sqlite_url)
    show = parity("library", "show", HERTS, "--json", db_url=sqlite_url).json()
    assert show["theme_origins"]["retention"] == "manual"
    html = parity("library", "show", "2021-10-01-safer-nights.md", "--html", db_url=sqlite_url)
    assert html.code == 0 and "<script" not in html.stdout
    assert 'href="javascript' not in html.stdout

    similar = parity("library", "similar", HERTS, "--json", db_url=sqlite_url)
    assert similar.code == 0 and similar.json()["words"]
    themes = parity("library", "themes", "--json", db_url=sqlite_url).json()
    assert any(t["id"] == "vawg" and t["articles"] >= 1 for t in themes["themes"])


def test_bad_requests_exit_2(sqlite_url, tmp_path):
    assert parity("import", "articles", str(tmp_path / "missing"), db_url=sqlite_url).code == 2
    run = parity("library", "search", "the", db_url=sqlite_url)
    assert run.code == 2 and "nothing to search" in run.stderr
    run = parity("library", "check", "999", db_url=sqlite_url)
    assert run.code == 2 and "no article" in run.stderr
    run = parity("library", "search", "women", "--theme", "knitting", db_url=sqlite_url)
    assert run.code == 2 and "unknown theme" in run.stderr


def test_synth_articles_then_import(sqlite_url, tmp_path):
    run = parity("synth", "articles", str(tmp_path / "news"), "--count", "30",
                 "--html-share", "0.3", db_url=sqlite_url)
    assert run.code == 0, run.stderr
    assert len(list((tmp_path / "news").rglob("*.html"))) >= 3
    run = parity("import", "articles", str(tmp_path / "news"), "--json", db_url=sqlite_url)
    assert run.json()["imported"] == 30


def test_every_library_command_is_documented():
    from parity.cli import load_commands
    from parity.library.cli import library_app
    from parity.present.commands import app, import_app, synth_app

    load_commands()
    assert app
    docs = DOCS.read_text()
    commands = [f"parity library {c.name}" for c in library_app.registered_commands]
    commands += [f"parity import {c.name}" for c in import_app.registered_commands
                 if c.callback.__module__ == "parity.library.cli"]
    commands += [f"parity synth {c.name}" for c in synth_app.registered_commands
                 if c.callback.__module__ == "parity.library.cli"]
    assert len(commands) == 8
    for command in commands:
        assert command in docs, f"{command} is not in docs/library.md"
    assert "PARITY_LIBRARY_THEMES" in docs
