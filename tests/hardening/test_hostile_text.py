"""Hostile and unusual text files: a YAML alias bomb in an article's or a commitments file's
front matter is refused (not expanded), and UTF-16 Markdown is read as UTF-16 CSV is."""

from __future__ import annotations

import pytest

from parity.errors import InputError
from parity.library.importer import import_articles
from tests.hardening import hostile
from tests.hardening.conftest import article_text


def test_an_alias_bomb_in_front_matter_is_refused_and_the_folder_still_imports(db, tmp_path):
    (tmp_path / "bomb.md").write_text(hostile.alias_bomb_article(), encoding="utf-8")
    (tmp_path / "good.md").write_text(article_text(), encoding="utf-8")
    report = import_articles(db, path=tmp_path)
    assert report.imported == 1
    [problem] = report.problems
    assert problem.file == "bomb.md"
    assert "anchors (&name) are not accepted" in problem.message


def test_an_alias_bomb_in_commitments_yaml_is_refused(db, tmp_path):
    from parity.commitments.importer import import_commitments

    path = tmp_path / "commitments.yaml"
    path.write_text("commitments:\n" + "".join(f"  {line}\n" for line in
                                               hostile.alias_bomb_yaml().splitlines()),
                    encoding="utf-8")
    with pytest.raises(InputError) as refused:
        import_commitments(db, path=path)
    assert "commitments.yaml" in refused.value.reason and "anchors" in refused.value.reason


def test_front_matter_without_anchors_keeps_ampersands_and_stars(db, tmp_path):
    (tmp_path / "a.md").write_text(article_text(title="R&D *and* training: 5 * 3 & more"),
                                   encoding="utf-8")
    report = import_articles(db, path=tmp_path)
    assert report.imported == 1 and not report.problems


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_markdown_is_read(db, tmp_path, encoding):
    text = article_text(title="Réseau des femmes — a year")
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    (tmp_path / "a.md").write_bytes(data)
    report = import_articles(db, path=tmp_path)
    assert report.imported == 1 and not report.problems
    from parity.library.models import Article

    assert db.query(Article.title).scalar() == "Réseau des femmes — a year"


# Markdown that once made the library's plain-text pass quadratic (90 KB of "*a " took 274 s):
# a span that could cross the character ending it, a block without its end looked for from
# every opening, a paragraph joined by repeated concatenation.
PATHOLOGICAL = {"stars": "*a ", "double stars": "**a ", "underscores": "_a ", "backticks": "`a ",
                "brackets": "[", "links": "[a](", "images": "![a](", "angles": "<a ",
                "autolinks": "<http:a", "comments": "<!--", "scripts": "<script>",
                "reference lines": "[a\n", "closing hashes": "a #", "mixed": "*_"}


@pytest.mark.parametrize("unit", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_the_plain_text_of_hostile_markdown_takes_linear_time(unit):
    import time

    from parity.library.render import markdown_to_text

    text = unit * (60_000 // len(unit))
    start = time.perf_counter()
    markdown_to_text(text)
    # linear: 0.2 s for 200,000 characters on the loaded test machine; the quadratic patterns
    # took minutes for these 60,000 (and would take hours for the 200,000 an article may hold)
    assert time.perf_counter() - start < 3


def test_the_plain_text_is_what_a_reader_sees():
    from parity.library.render import markdown_to_text

    text = markdown_to_text(
        "# Head #\n\n**Bold** and *it* and _u_ and `code` and ~~gone~~, **a _b_ c**,\n"
        "a [link](https://x.example/a_(b)) and ![a picture](p.png) <script>x()</script>\n"
        "<!-- a note --> 5 * 3 and 2*3.\n\n[r]: https://x.example\n")
    assert text == ("Head\nBold and it and u and code and gone, a b c, a link and a picture "
                    "5 * 3 and 2*3.")


def test_an_article_over_the_markdown_budget_is_refused_and_the_folder_still_imports(
        db, tmp_path):
    from parity.budget import MAX_MARKDOWN_CHARS

    (tmp_path / "long.md").write_text(article_text(body="*a " * (MAX_MARKDOWN_CHARS // 3 + 10),
                                                   url="https://www.kent.police.uk/n/long/"),
                                      encoding="utf-8")
    (tmp_path / "good.md").write_text(article_text(), encoding="utf-8")
    report = import_articles(db, path=tmp_path)
    assert report.imported == 1
    [problem] = report.problems
    assert problem.file == "long.md"
    assert f"at most {MAX_MARKDOWN_CHARS:,} are taken" in problem.message
