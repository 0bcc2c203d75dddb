"""The import's fast paths read exactly what the slow ones did: simple front matter as the
YAML loader reads it, and the one compiled matcher of theme phrases as a word-by-word search."""

from __future__ import annotations

import pytest
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
    from parity.store.models import Source

    sources = sorted((s.file_name, s.sha256, s.row_count)
                     for s in session.scalars(select(Source).where(Source.kind == "article")))
    return [*sorted((a.file_name, a.title, a.url, a.text, a.force_id, a.force_origin,
                     sorted(themes.get(a.id, []))) for a in session.scalars(select(Article))),
            sources]


def test_reading_in_worker_processes_stores_what_one_process_stores(db, tmp_path, monkeypatch):
    """Past `PARALLEL_FROM` files the articles are read and tagged in worker processes, and
    written batch by batch as they come: the same rows, themes, forces, sources, problems and
    counts as read in one process and written at once, a second time too; repeats of an
    article in later batches (the later file wins) included."""
    from parity.library import importer, saving
    from parity.library.samples import write_corpus

    folder = tmp_path / "md"
    write_corpus(folder, count=60, seed=7)
    first, *_, last = sorted(folder.rglob("*.md"))
    (folder / "zz-empty.md").write_text("")
    (folder / "zz-copy.md").write_bytes(first.read_bytes() + b"\n")  # the same article again
    (folder / "a-same.md").write_bytes(last.read_bytes())  # the same bytes, read first
    results = []
    for parallel_from in (10_000, 5):
        monkeypatch.setattr(importer, "PARALLEL_FROM", parallel_from)
        monkeypatch.setattr(importer, "_CHUNK", 7)
        monkeypatch.setattr(saving, "BATCH", 5)
        for _ in range(2):
            report = importer.import_articles(db, path=folder)
            db.flush()
            results.append((report.imported, report.updated, report.unchanged,
                            report.duplicates, [(p.file, p.message) for p in report.problems],
                            _stored(db)))
        db.rollback()
    assert results[0][:4] == (60, 0, 0, 2) and results[0][4] and results[1][2] == 62 and results[0][5]
    assert results[:2] == results[2:]


def _every_pass(markdown: str) -> str:
    """`render.markdown_to_text` as it was before its passes were skipped where they cannot
    change the text: every pattern over the whole text, in the same order."""
    import html as html_lib

    from parity.library import render as r

    text = r._join_soft_breaks(r._drop_blocks(markdown))
    text = r._FENCE.sub("", text)
    text = r._RULE.sub("", text)
    text = r._TABLE_RULE.sub("", text)
    text = r._SETEXT.sub("", text)
    text = r._HEADING.sub("", text)
    text = r._CLOSING_HASHES.sub("", text)
    text = r._QUOTE.sub("", text)
    text = r._BULLET.sub("", text)
    text = r._REFDEF.sub("", text)
    text = r._IMAGE.sub(r"\1", text)
    text = r._LINK.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    text = r._AUTOLINK.sub(r"\1", text)
    text = r._TAG.sub("", text)
    text = r._EMPHASIS.sub(r._emphasis_text, text)
    text = r._EMPHASIS.sub(r._emphasis_text, text)
    text = html_lib.unescape(text.replace("|", " "))
    text = r._SPACES.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    return r._BLANKS.sub("\n", "\n".join(lines)).strip()


# Pieces of Markdown that start, end or stand for what the passes remove, with the spacing
# around them that decides whether they do
MARKS = st.sampled_from([
    "#", "##", "###", " #", "\t#", "# ", "> ", ">", "- ", "-", "---", "- - -", "***", "___",
    "* ", "+ ", "1. ", "12) ", "\u0663. ", "===", "=", "```", "~~~", "|", "| --- |", ":---",
    "[", "]", "[a]: http://x", "](", "![a](b)", "[a](http://x)", "[a][b]", "<", ">",
    "<http://x>", "<b>", "<!-- c -->", "<script>x</script>", "*", "**", "_", "__", "~~", "`",
    "&amp;", "&", "\n", "\n", "\n\n", "  ", " ", "\t", "\r", "\v", "\f", "word", "Kent", "a"])
MARKDOWN = st.lists(MARKS, max_size=40).map("".join)


@settings(max_examples=5000, deadline=None)
@given(MARKDOWN)
def test_markdown_to_text_skips_only_passes_that_change_nothing(markdown):
    from parity.library.render import markdown_to_text

    assert markdown_to_text(markdown) == _every_pass(markdown)


def test_markdown_to_text_of_the_sample_corpus_is_unchanged(tmp_path):
    from parity.library.render import markdown_to_text
    from parity.library.samples import write_corpus
    from parity.library.validation import split_front_matter

    for path in write_corpus(tmp_path, count=200, seed=11):
        body = split_front_matter(path.read_text(encoding="utf-8"))[1].strip()
        assert markdown_to_text(body) == _every_pass(body)


def test_article_files_are_those_a_sorted_recursive_glob_finds(tmp_path):
    """The folder walk finds what ``sorted(folder.rglob("*"))`` filtered found before, in the
    same order: hidden files and folders skipped, suffixes in any case, links to files kept,
    links to folders not followed, "a-b/" after "a/" as sorted paths compare."""
    from parity.library.importer import HTML_SUFFIXES, MARKDOWN_SUFFIXES, article_files

    for name in ("a/b.md", "a-b/c.md", "a/z/y.MD", "a.md", "b.html", "c.HTM", "d.txt",
                 ".hidden.md", ".git/x.md", "a/.d/e.md", "e.markdown", "f.mdown", "g.",
                 "B/upper.md", "noext", "deep/er/and/deeper/x.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "folder.md").mkdir()
    (tmp_path / "link.md").symlink_to(tmp_path / "a.md")
    (tmp_path / "linked").symlink_to(tmp_path / "a", target_is_directory=True)

    def globbed(path):  # noqa: ANN001, ANN202
        return [item for item in sorted(path.rglob("*"))
                if not any(part.startswith(".") for part in item.relative_to(path).parts)
                and item.is_file() and item.suffix.lower() in MARKDOWN_SUFFIXES | HTML_SUFFIXES]

    assert article_files(tmp_path) == globbed(tmp_path)
    assert len(article_files(tmp_path)) == 11
    assert article_files(tmp_path / "a.md") == [tmp_path / "a.md"]


QUERIES = ["women", "menopause support", '"flexible working"', "mentoring OR coaching",
           "promot*", "recruitment"]


def _index_definition(session) -> list:  # noqa: ANN001
    from sqlalchemy import text

    if session.get_bind().dialect.name == "sqlite":
        return list(session.execute(text(
            "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'library_fts%' "
            "ORDER BY name")))
    return list(session.execute(text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'library_articles' "
        "AND schemaname = current_schema() ORDER BY indexname")))


def _found(session) -> dict[str, list[int]]:  # noqa: ANN001
    from parity.library import service

    return {q: sorted(h["id"] for h in service.search(session, query=q, limit=1000)["hits"])
            for q in QUERIES}


def test_articles_loaded_in_bulk_are_indexed_as_row_by_row(db, tmp_path):
    """The full-text index filled once after a large import (`fts.bulk_load`) finds what an
    index built row by row finds, a second import (fewer articles than held) and an update
    included; the index, its trigger and their SQL are as they were afterwards."""
    from sqlalchemy import func, select, text

    from parity.library.importer import import_articles
    from parity.library.models import Article
    from parity.library.samples import write_corpus

    write_corpus(tmp_path / "a", count=60, seed=3)
    write_corpus(tmp_path / "b", count=20, seed=4)
    before = _index_definition(db)
    first = import_articles(db, path=tmp_path / "a")
    second = import_articles(db, path=tmp_path / "b")
    db.flush()
    assert first.imported + second.imported == db.scalar(select(func.count()).select_from(Article))
    assert _index_definition(db) == before
    some = db.get(Article, first.article_ids[0])
    some.text, some.title = "A menopause support group for women in the control room.", "Cafe"
    db.flush()
    found = _found(db)
    assert found["women"] and found["promot*"] and some.id in found["menopause support"]
    if db.get_bind().dialect.name == "sqlite":
        held = db.scalar(text("SELECT count(*) FROM library_fts_docsize"))
        assert held == first.imported + second.imported
        db.execute(text("INSERT INTO library_fts(library_fts) VALUES ('integrity-check')"))
        db.execute(text("INSERT INTO library_fts(library_fts) VALUES ('rebuild')"))
    else:
        vector = ("setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
                  "setweight(to_tsvector('english', coalesce(description, '')), 'B') || "
                  "setweight(to_tsvector('english', coalesce(text, '')), 'C')")
        assert not db.scalar(text(f"SELECT count(*) FROM library_articles "
                                  f"WHERE search_vector IS DISTINCT FROM {vector}"))
        db.execute(text("SET LOCAL enable_indexscan = off"))
        db.execute(text("SET LOCAL enable_bitmapscan = off"))
    assert _found(db) == found  # the index rebuilt from the rows, or not used at all


def test_a_bulk_load_waits_for_no_reader_on_postgresql(pg_engines, tmp_path, monkeypatch):
    """Where another transaction holds a lock on the articles table (a reader, another
    import), the import does not drop the index (it would wait, and could deadlock): its
    rows go into the index one by one, and searches find them the same."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from parity.library import fts
    from parity.library.importer import import_articles
    from parity.library.samples import write_corpus

    locked: list[bool] = []
    take = fts._locked_now
    monkeypatch.setattr(fts, "_locked_now", lambda c: locked.append(take(c)) or locked[-1])
    write_corpus(tmp_path / "a", count=30, seed=5)
    engine = pg_engines["empty"]
    with engine.connect() as reader, Session(engine) as session:
        reader.execute(text("SELECT count(*) FROM library_articles"))  # holds its lock
        try:
            before = _index_definition(session)
            report = import_articles(session, path=tmp_path / "a")
            session.flush()
            assert locked == [False]
            assert report.imported == 30 and _index_definition(session) == before
            found = _found(session)
            assert found["women"]
            session.execute(text("SET LOCAL enable_indexscan = off"))
            session.execute(text("SET LOCAL enable_bitmapscan = off"))
            assert _found(session) == found
        finally:
            session.rollback()
            reader.rollback()


def test_an_import_refused_late_leaves_the_index_as_it_was(db, tmp_path, monkeypatch):
    """Articles are written as they are read: a bad file near the end of a strict import
    comes after rows were written and the index put aside. The import is refused (exit 2,
    the file named) and, rolled back, leaves no row and the index, its trigger and their SQL
    as they were; the same folder without the bad file then imports and is found."""
    from sqlalchemy import func, select

    from parity.errors import InputError
    from parity.library import importer, saving
    from parity.library.models import Article
    from parity.library.samples import write_corpus

    monkeypatch.setattr(importer, "PARALLEL_FROM", 5)
    monkeypatch.setattr(importer, "_CHUNK", 7)
    monkeypatch.setattr(saving, "BATCH", 5)
    write_corpus(tmp_path / "md", count=40, seed=9)
    (tmp_path / "md" / "zz-bad.md").write_text("no front matter here\n")
    before = _index_definition(db)
    with pytest.raises(InputError) as refused:
        importer.import_articles(db, path=tmp_path / "md", strict=True)
    assert [p.file for p in refused.value.problems] == ["zz-bad.md"]
    db.rollback()
    assert _index_definition(db) == before
    assert not db.scalar(select(func.count()).select_from(Article))
    (tmp_path / "md" / "zz-bad.md").unlink()
    report = importer.import_articles(db, path=tmp_path / "md")
    db.flush()
    assert report.imported == 40 and _found(db)["women"]
    db.rollback()


def _reading_ahead(folder, monkeypatch, *, before_know=None):  # noqa: ANN001, ANN202
    """A `ReadAhead` of `folder` (7 files a chunk, from 5 files on) whose workers have read
    every chunk before the database is asked what it holds, as when they outrun a command's
    start; `before_know` runs first (in this process, before the workers start)."""
    from parity.library import importer

    monkeypatch.setattr(importer, "PARALLEL_FROM", 5)
    monkeypatch.setattr(importer, "_CHUNK", 7)
    if before_know:
        before_know()
    ahead = importer.ReadAhead(folder)
    for future in ahead._futures:
        future.result()  # every chunk read before `know`
    return ahead


def test_files_read_before_the_database_said_what_it_holds_count_as_unchanged(
        db, tmp_path, monkeypatch):
    """Workers that read files before `know` (the database not yet open) read them whole; the
    files imported before are then counted as unchanged, as when they are skipped unread, and
    a file imported before that would now be refused is too (its bytes were taken then)."""
    from parity.library import importer
    from parity.library.samples import write_corpus
    from parity.library.validation import BadFile

    folder = tmp_path / "md"
    write_corpus(folder, count=40, seed=3)
    first = importer.import_articles(db, path=folder)
    db.flush()
    assert (first.imported, first.unchanged, first.problems) == (40, 0, [])
    held = _stored(db)
    new = folder / "zz-new.md"
    new.write_text("---\ntitle: Mentoring scheme for women in custody suites\n---\n\n"
                   "A new mentoring scheme pairs women sergeants with inspectors.\n")
    refused_now = sorted(folder.rglob("*.md"))[3]

    def stricter_reader() -> None:  # the workers are forked after this: they inherit it
        plain = importer.parse_markdown

        def parse(path, data, sha256):  # noqa: ANN001, ANN202
            if path == refused_now:
                raise BadFile("refused by a stricter reader")
            return plain(path, data, sha256)
        monkeypatch.setattr(importer, "parse_markdown", parse)

    ahead = _reading_ahead(folder, monkeypatch, before_know=stricter_reader)
    again = importer.import_articles(db, path=folder, ahead=ahead)
    db.flush()
    assert (again.imported, again.updated, again.unchanged, again.problems) == (1, 0, 40, [])
    titles = [row[1] for row in _stored(db)[0:-1]]
    assert "Mentoring scheme for women in custody suites" in titles
    assert len(_stored(db)[-1]) == len(held[-1]) + 1  # one source more: the new file's


def test_files_read_before_the_database_was_asked_store_what_reading_after_stores(
        db, tmp_path, monkeypatch):
    from parity.library import importer
    from parity.library.samples import write_corpus

    folder = tmp_path / "md"
    write_corpus(folder, count=30, seed=5)
    (folder / "zz-empty.md").write_text("")
    ahead = _reading_ahead(folder, monkeypatch)
    early = importer.import_articles(db, path=folder, ahead=ahead)
    db.flush()
    stored_early = _stored(db)
    db.rollback()
    late = importer.import_articles(db, path=folder)  # workers started after `know`
    db.flush()
    assert early.imported == late.imported == 30
    assert [(p.file, p.message) for p in early.problems] == \
        [(p.file, p.message) for p in late.problems] == [("zz-empty.md", "the file is empty")]
    assert stored_early == _stored(db)


def test_the_reading_ahead_needs_no_database_layer_and_stops_its_workers(tmp_path):
    """`parity import articles` starts reading before it loads SQLAlchemy (about 0.3 s) and
    opens the database; a command that fails after (here: a database it cannot open) stops
    the workers and leaves no file behind."""
    import os
    import subprocess
    import sys

    from parity.library.samples import write_corpus

    write_corpus(tmp_path / "md", count=450, seed=1)
    probe = ("import sys; from parity.library.importer import ReadAhead; "
             f"a = ReadAhead({str(tmp_path / 'md')!r}); "
             "print(len(a.files), 'sqlalchemy' in sys.modules, a._pool is not None); a.close()")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["450", "False", "True"]
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch),
           "PARITY_DATABASE_URL": f"sqlite:///{tmp_path / 'no-such-folder' / 'x.db'}"}
    done = subprocess.run([sys.executable, "-m", "parity", "import", "articles",
                           str(tmp_path / "md")], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode != 0
    assert list(scratch.iterdir()) == []  # the folder the workers were told of, removed
