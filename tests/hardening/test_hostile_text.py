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
