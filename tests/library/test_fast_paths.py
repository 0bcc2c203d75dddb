"""The import's fast paths read exactly what the slow ones did: simple front matter as the
YAML loader reads it, and the one compiled matcher of theme phrases as a word-by-word search."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from parity.library import tagging
from parity.library.validation import simple_front_matter, split_front_matter

KEYS = ["title", "url", "area", "publish", "date", "og", "description", "yes", "Null", "a-b", "_x"]
VALUES = ["Durham", "'It''s here'", "'22 Aug 2020'", "22 Aug 2020", "2020-08-22", '"quoted"',
          '"a\\"b"', "https://x.police.uk/a#b", "a #comment", "a: b", "ends:", "Avon & Somerset",
          "True", "on", "~", "", "[a, b]", "{a: 1}", "- x", "*alias", "&anchor x", "a'b",
          "'unterminated", "é ünï", "a  b  ", "!tag x", "|", ">", "a,b", "%x", "@x", "`x",
          "a\x01", "\ufeffx", "a\u2028b", "'x' y", "a\tb", "12", "0.5", "Yes"]
LINE = st.builds(lambda indent, key, sep, value: f"{indent}{key}{sep}{value}",
                 st.sampled_from(["", "", "  ", "    ", " "]), st.sampled_from(KEYS),
                 st.sampled_from([": ", ":", ":  ", " : "]), st.sampled_from(VALUES))
TEXT = st.lists(st.one_of(LINE, st.sampled_from(["", "# a comment", "- x", "  "])),
                max_size=7).map("\n".join)


def _yaml(text: str) -> object:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return "refused"


@settings(max_examples=3000, deadline=None)
@given(TEXT)
def test_simple_front_matter_reads_what_yaml_reads(text):
    fast = simple_front_matter(text)
    if fast is not None:  # None: left to the YAML loader
        assert fast == _yaml(text)


def test_the_usual_front_matter_is_read_without_the_yaml_loader():
    text = ("title: 'Stay interviews help the force keep experienced officers'\n"
            "url: https://www.durham.police.uk/news/2020/08/stay-interviews-1967/\n"
            "area: 'Durham'\npublish:\n  date: '22 Aug 2020'\nog:\n"
            "  description: 'Durham Police''s new stay interviews.'\n")
    assert simple_front_matter(text) == yaml.safe_load(text)
    meta, body, _ = split_front_matter(f"---\n{text}---\nThe text.\n")
    assert meta["publish"] == {"date": "22 Aug 2020"} and body == "The text.\n"
    # what only YAML reads the same way goes to it: a date, a list, a comment, a bare key
    for other in ("date: 2020-08-22", "tags: [a, b]", "# note\ntitle: x", "publish:\ntitle: x"):
        assert simple_front_matter(other) is None


def _reference(rules: tagging.Rules, title: str, description: str | None, text: str
               ) -> dict[str, dict[str, int]]:
    """The rules applied word by word: each phrase at each word position, longest first."""
    words = tagging.words_of(f"{title} \x00 {description or ''} \x00 {text}")
    title_end = len(tagging.words_of(title))
    out: dict[str, dict[str, int]] = {}
    for theme in rules.themes:
        found: dict[str, int] = {}
        taken: set[int] = set()
        for phrase in theme.parsed:
            n = len(phrase.words)
            for i in range(len(words) - n + 1):
                here = words[i:i + n]
                if here[:-1] != list(phrase.words[:-1]) or not (
                        here[-1] == phrase.words[-1]
                        or phrase.prefix and here[-1].startswith(phrase.words[-1])):
                    continue
                if taken.intersection(range(i, i + n)):
                    continue
                taken.update(range(i, i + n))
                found[phrase.written] = found.get(phrase.written, 0) + (
                    tagging.TITLE_WEIGHT if i < title_end else 1)
        if found:
            out[theme.id] = found
    return out


WORDS = ("women and girls violence against part time part-time promotion promoted recruits "
         "recruitment flexible working job share shares stay interview interviews women's "
         "safety the a Kent menopause menopausal x").split()
PROSE = st.lists(st.sampled_from(WORDS + [",", ".", "\n", "-"]), max_size=60).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(title=PROSE, description=st.one_of(st.none(), PROSE), text=PROSE)
def test_one_matcher_finds_what_a_word_by_word_search_finds(title, description, text):
    rules = tagging.load_rules(tagging.DEFAULT_RULES)
    found = tagging.theme_matches(rules, title=title, description=description, text=text)
    expected = _reference(rules, title, description, text)
    assert found == expected
    assert [list(v) for v in found.values()] == [list(v) for v in expected.values()]


def _stored(session) -> list[tuple]:  # noqa: ANN001
    from sqlalchemy import select

    from parity.library.models import Article, ArticleTheme

    themes: dict[int, list[str]] = {}
    for art_id, theme in session.execute(select(ArticleTheme.article_id, ArticleTheme.theme)):
        themes.setdefault(art_id, []).append(theme)
    return sorted((a.file_name, a.title, a.url, a.text, a.force_id, a.force_origin,
                   sorted(themes.get(a.id, []))) for a in session.scalars(select(Article)))


def test_reading_in_worker_processes_stores_what_one_process_stores(db, tmp_path, monkeypatch):
    """Past `PARALLEL_FROM` files the articles are read and tagged in worker processes: the
    same rows, themes, forces, problems and counts as read in one process, a second time too."""
    from parity.library import importer
    from parity.library.samples import write_corpus

    folder = tmp_path / "md"
    write_corpus(folder, count=60, seed=7)
    first = sorted(folder.rglob("*.md"))[0]
    (folder / "zz-empty.md").write_text("")
    (folder / "zz-copy.md").write_bytes(first.read_bytes() + b"\n")  # the same article again
    results = []
    for parallel_from in (10_000, 5):
        monkeypatch.setattr(importer, "PARALLEL_FROM", parallel_from)
        monkeypatch.setattr(importer, "_CHUNK", 7)
        for _ in range(2):
            report = importer.import_articles(db, path=folder)
            db.flush()
            results.append((report.imported, report.updated, report.unchanged,
                            report.duplicates, [(p.file, p.message) for p in report.problems],
                            _stored(db)))
        db.rollback()
    assert results[0][:4] == (60, 0, 0, 1) and results[0][4] and results[1][2] == 61 and results[0][5]
    assert results[:2] == results[2:]
