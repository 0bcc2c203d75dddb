"""Importing articles: front matter, saved pages, folders with bad files, duplicates."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from parity.errors import InputError
from parity.library import service
from parity.library.importer import import_articles, parse_file
from parity.library.models import Article, ArticleTheme
from parity.library.samples import front_matter_file
from parity.library.validation import BadFile, content_hash, normalise_url, parse_date
from parity.store.models import Source

from .conftest import ARTICLES, HTML_PAGE


def count(session, model=Article) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(model))


def test_markdown_front_matter_is_read(corpus):
    art = parse_file(corpus / "hertfordshire/2019-11-22-womens-network.md")
    assert art.title == "Women's network marks a year of mentoring and promotion support"
    assert art.url == "https://herts.police.uk/news/2019/11/womens-network-year"
    assert art.area == "Hertfordshire"
    assert art.published == date(2019, 11, 22)
    assert art.description == "The women's network looks back on a busy first year."
    assert art.body.startswith("## A year of the network")
    assert "Mock promotion boards" in art.text and "##" not in art.text
    assert "[network page]" not in art.text and "network page" in art.text


def test_saved_page_main_text_and_metadata(corpus):
    art = parse_file(corpus / HTML_PAGE["path"])
    assert art.format == "html"
    assert art.title == HTML_PAGE["title"]
    assert art.published == HTML_PAGE["published"]
    assert art.url == normalise_url(HTML_PAGE["url"])
    assert art.area == "Thames Valley Police"
    assert "job share" in art.text
    for boilerplate in ("We use cookies", "non-emergencies", "Accessibility"):
        assert boilerplate not in art.text


OTHER_LAYOUT = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>New mentoring scheme for women in policing | Essex Police</title>
<script type="application/ld+json">{"@context": "https://schema.org",
  "@type": "NewsArticle", "headline": "New mentoring scheme for women in policing",
  "datePublished": "2022-09-14T10:30:00+01:00",
  "publisher": {"@type": "Organization", "name": "Essex Police"}}</script>
<script>var tracking = "should not appear";</script>
</head><body>
<div id="skip"><a href="#main">Skip to content</a></div>
<div class="site-header"><ul class="menu"><li><a href="/a">Report a crime</a></li>
<li><a href="/b">Contact us</a></li></ul></div>
<div id="main" class="content-area"><div class="news-item">
<h1>New mentoring scheme for women in policing</h1>
<div class="intro"><p>Officers and staff across the county can now sign up to a mentoring
scheme run by the women's network.</p></div>
<div class="body-text"><p>The scheme pairs each mentee with an experienced colleague for
twelve months. Mentors have been trained in coaching, and sessions can take place online or
in person.</p>
<p>Chief Inspector Rachel Owen, who leads the network, said: "Mentoring made a real
difference to my own career, and I want everyone to have that chance."</p>
<p>Women make up 35% of our officers.
<a href="javascript:void(0)" onclick="share()">Share</a></p></div>
</div></div>
<div class="footer"><p>Essex Police, PO Box 2, Chelmsford</p><p>© Essex Police 2022</p></div>
</body></html>
"""


def test_a_page_with_another_layout(db, tmp_path):
    path = tmp_path / "essex" / "mentoring.html"
    path.parent.mkdir()
    path.write_text(OTHER_LAYOUT)
    art = parse_file(path)
    assert art.title == "New mentoring scheme for women in policing"
    assert art.published == date(2022, 9, 14)  # from the JSON-LD datePublished
    assert art.area == "Essex Police"
    assert "twelve months" in art.text and "35% of our officers" in art.text
    for boilerplate in ("should not appear", "Report a crime", "PO Box", "Skip to content"):
        assert boilerplate not in art.text
    import_articles(db, path=path)
    stored = service.get_article(db, ref="mentoring.html")
    assert stored.force_id == "essex" and stored.url is None
    assert "networks_mentoring" in service.themes_of(db, article_ids=[stored.id])[stored.id]
    assert 'href="javascript' not in service.safe_article_html(db, ref=stored.id)


@pytest.mark.parametrize("charset", ["windows-1252", None])
def test_a_page_saved_in_an_older_encoding(tmp_path, charset):
    """A page in Windows-1252 (with its <meta charset>, or none) keeps its apostrophes and
    pound signs."""
    page = OTHER_LAYOUT.replace("twelve months.", "twelve months \u2013 the women\u2019s network "
                                "raised \u00a3500.")
    page = page.replace('<meta charset="utf-8">', f'<meta charset="{charset}">' if charset else "")
    path = tmp_path / "old.html"
    path.write_bytes(page.encode("cp1252"))
    art = parse_file(path)
    assert "twelve months \u2013 the women\u2019s network raised \u00a3500." in art.text
    assert "\ufffd" not in art.text


@pytest.mark.parametrize("written, expected", [
    ("22 Nov 2019", date(2019, 11, 22)), ("3 March 2021", date(2021, 3, 3)),
    ("2020-02-29", date(2020, 2, 29)), ("1st Dec 2022", date(2022, 12, 1)),
    (date(2018, 5, 4), date(2018, 5, 4)), (None, None),
    ("22 Sept 2019", date(2019, 9, 22)), ("22.11.2019", date(2019, 11, 22)),
    ("22-Nov-2019", date(2019, 11, 22)), ("22 November, 2019", date(2019, 11, 22)),
    ("22 Nov 2019 10:30", date(2019, 11, 22)), ("22 Nov 2019, 10:30am GMT", date(2019, 11, 22)),
    ("Fri, 22 Nov 2019 10:00:00 GMT", date(2019, 11, 22)),
    ("Friday, 22 November 2019", date(2019, 11, 22)),
])
def test_dates_as_written_by_force_sites(written, expected):
    assert parse_date(written) == expected


def test_a_date_that_is_not_one_is_refused():
    with pytest.raises(BadFile, match="31 Feb 2019"):
        parse_date("31 Feb 2019")


def test_urls_are_normalised():
    assert normalise_url("HTTP://WWW.Kent.police.uk/news/a/?utm_source=x#top") == \
        "https://kent.police.uk/news/a"
    with pytest.raises(BadFile):
        normalise_url("javascript:alert(1)")


def test_folder_import_tags_force_and_themes(lib_db):
    assert count(lib_db) == len(ARTICLES) + 1
    herts = service.get_article(lib_db, ref="https://www.herts.police.uk/news/2019/11/"
                                "womens-network-year/")
    assert (herts.force_id, herts.force_origin) == ("hertfordshire", "area")
    themes = service.themes_of(lib_db, article_ids=[herts.id])[herts.id]
    assert "networks_mentoring" in themes and "progression" in themes
    gmp = service.get_article(lib_db, ref="2020-05-02-gmp-domestic-abuse.md")
    assert (gmp.force_id, gmp.force_origin) == ("greater-manchester", "text")
    assert "domestic_abuse" in service.themes_of(lib_db, article_ids=[gmp.id])[gmp.id]
    page = service.get_article(lib_db, ref="flexible-working.html")
    assert page.force_id == "thames-valley"
    assert "flexible_working" in service.themes_of(lib_db, article_ids=[page.id])[page.id]
    every = lib_db.scalars(select(Article.source_id)).all()
    assert all(every) and count(lib_db, Source) >= len(every)


def test_one_bad_file_is_reported_and_the_rest_import(db, corpus):
    (corpus / "bad").mkdir()
    (corpus / "bad/no-front-matter.md").write_text("Just some text.\n")
    (corpus / "bad/broken-yaml.md").write_text("---\ntitle: [unclosed\n---\nText.\n")
    (corpus / "bad/no-title.md").write_text("---\nurl: https://x.police.uk/a\n---\nText.\n")
    (corpus / "bad/bad-date.md").write_text(
        "---\ntitle: A\npublish:\n  date: 'the day after'\n---\nText.\n")
    (corpus / "bad/latin1.md").write_bytes("---\ntitle: caf\xe9\n---\ncaf\xe9\n".encode("latin-1"))
    (corpus / "bad/empty-page.html").write_text("<html><body></body></html>")
    (corpus / "notes.txt").write_text("not an article")
    report = import_articles(db, path=corpus)
    db.commit()
    assert report.imported == len(ARTICLES) + 1
    reasons = {p.file: p.message for p in report.problems}
    assert set(reasons) == {"bad/no-front-matter.md", "bad/broken-yaml.md", "bad/no-title.md",
                            "bad/bad-date.md", "bad/latin1.md", "bad/empty-page.html"}
    assert "front matter" in reasons["bad/no-front-matter.md"]
    assert "not valid YAML" in reasons["bad/broken-yaml.md"]
    assert "title" in reasons["bad/no-title.md"]
    assert "the day after" in reasons["bad/bad-date.md"]
    assert "UTF-8" in reasons["bad/latin1.md"]


def test_strict_import_writes_nothing(db, corpus):
    (corpus / "broken.md").write_text("---\ntitle: [x\n---\nText\n")
    with pytest.raises(InputError) as caught:
        import_articles(db, path=corpus, strict=True)
    assert caught.value.problems[0].file == "broken.md"
    db.rollback()
    assert count(db) == 0


def test_a_refused_strict_import_ends_the_copy_under_way_and_writes_nothing(
        db, tmp_path, monkeypatch):
    """A batch of new articles is still going in (PostgreSQL: its COPY left open while the
    next files are read) when a bad file fails a strict import: the COPY is ended as failed,
    the rollback leaves the session usable, nothing is written, and the next import works."""
    from parity.library import saving
    from parity.library.samples import write_corpus

    monkeypatch.setattr(saving, "BATCH", 5)
    write_corpus(tmp_path / "md", count=12, seed=2)
    (tmp_path / "md" / "zz-broken.md").write_text("---\ntitle: [x\n---\nText\n")
    refused: list[InputError] = []

    def refuse_and_roll_back() -> None:  # in a thread: a COPY left open would hang it
        try:
            import_articles(db, path=tmp_path / "md", strict=True)
        except InputError as exc:
            refused.append(exc)
        db.rollback()

    worker = threading.Thread(target=refuse_and_roll_back, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the rollback hung: a COPY was left open"
    assert refused[0].problems[0].file == "zz-broken.md"
    assert (count(db), count(db, Source)) == (0, 0)
    (tmp_path / "md" / "zz-broken.md").unlink()
    report = import_articles(db, path=tmp_path / "md")
    db.flush()
    assert (report.imported, count(db), count(db, Source)) == (12, 12, 12)


def test_the_same_file_twice_changes_nothing(lib_db, corpus):
    before = (count(lib_db), count(lib_db, Source), count(lib_db, ArticleTheme))
    report = import_articles(lib_db, path=corpus)
    assert (report.imported, report.updated, report.unchanged) == (0, 0, len(ARTICLES) + 1)
    assert (count(lib_db), count(lib_db, Source), count(lib_db, ArticleTheme)) == before


def test_same_url_updates_the_stored_article(lib_db, tmp_path):
    art = ARTICLES["durham/2021-03-08-menopause.md"]
    path = tmp_path / "renamed.md"
    path.write_text(front_matter_file(
        title=art["title"] + " (updated)", url=art["url"].replace("https://www.", "http://"),
        area="Durham", published=art["published"], description=art["description"],
        body="Durham Constabulary now runs menopause cafes at five stations."))
    before = count(lib_db)
    report = import_articles(lib_db, path=path)
    assert (report.imported, report.updated) == (0, 1)
    assert count(lib_db) == before
    stored = service.get_article(lib_db, ref=art["url"])
    assert stored.title.endswith("(updated)") and "five stations" in stored.text
    hits = service.search(lib_db, query="five stations")["hits"]
    assert [h["id"] for h in hits] == [stored.id]
    assert service.search(lib_db, query="cooler workspaces")["total"] == 0


def test_same_text_without_url_is_stored_once(db, tmp_path):
    text = "Cleveland Police has opened a new training centre for response officers."
    for name, url in (("a.md", None), ("copy/b.md", None)):
        (tmp_path / name).parent.mkdir(exist_ok=True, parents=True)
        (tmp_path / name).write_text(front_matter_file(
            title="Training centre opens", url=url, area="Cleveland", published=None,
            description=None, body=text + ("\n\n" if name == "a.md" else "  \n")))
    report = import_articles(db, path=tmp_path)
    assert report.imported == 1 and report.duplicates == 1
    assert count(db) == 1
    assert content_hash(text) == content_hash(text.upper() + " ")


def test_a_folder_with_duplicates_imported_again_changes_nothing(db, tmp_path):
    """Two files of one article (same URL; and two copies of one text without a URL): the
    later file wins, and importing the folder again neither brings the earlier one back nor
    counts an update."""
    url = "https://www.herts.police.uk/news/2019/11/womens-network/"
    for name, body in (("a-first.md", "The first version: 30% of our officers are women."),
                       ("b-second.md", "The second version: 32% of our officers are women.")):
        (tmp_path / name).write_text(front_matter_file(
            title="Women's network", url=url, area="Hertfordshire",
            published=date(2019, 11, 22), description=None, body=body))
    for name in ("c.md", "sub/c.md"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(front_matter_file(
            title="Training centre", url=None, area="Cleveland", published=None,
            description=None, body="Cleveland Police opened a training centre." + " " * len(name)))
    first = import_articles(db, path=tmp_path)
    db.commit()
    assert (first.imported, first.duplicates) == (2, 2)
    before = (count(db), count(db, Source), count(db, ArticleTheme))
    again = import_articles(db, path=tmp_path)
    db.commit()
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 4)
    assert (count(db), count(db, Source), count(db, ArticleTheme)) == before
    assert "second version" in service.get_article(db, ref=url).text


def test_manual_corrections_survive_reimport(lib_db, tmp_path):
    art = ARTICLES["kent/2022-06-15-police-staff.md"]
    ref = art["url"]
    service.tag(lib_db, ref=ref, add_themes=["retention"], remove_themes=["flexible_working"],
                note="about retention, not flexible working")
    service.tag(lib_db, ref=ref, force="Essex")
    path = tmp_path / "kent-again.md"
    path.write_text(front_matter_file(
        title=art["title"], url=ref, area="Kent", published=art["published"],
        description=art["description"],
        body="Police staff keep Kent Police running. Flexible working and part-time roles are "
             "common; many staff work part-time."))
    assert import_articles(lib_db, path=path).updated == 1
    stored = service.get_article(lib_db, ref=ref)
    assert (stored.force_id, stored.force_origin) == ("essex", "manual")
    themes = service.themes_of(lib_db, article_ids=[stored.id])[stored.id]
    assert "retention" in themes and "flexible_working" not in themes
    service.tag(lib_db, ref=ref, reset=True)
    assert service.get_article(lib_db, ref=ref).force_id == "kent"
    assert "flexible_working" in service.themes_of(lib_db, article_ids=[stored.id])[stored.id]


def test_theme_rules_file_can_be_replaced(db, corpus, tmp_path, monkeypatch):
    rules = tmp_path / "my-themes.yaml"
    rules.write_text("themes:\n  - id: cafes\n    label: Cafes\n    min_mentions: 1\n"
                     "    phrases: [cafe*]\n")
    monkeypatch.setenv("PARITY_LIBRARY_THEMES", str(rules))
    import_articles(db, path=corpus)
    themes = set(db.scalars(select(ArticleTheme.theme).distinct()))
    assert themes == {"cafes"}


_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
                min_size=1, max_size=60).map(lambda t: " ".join(t.split())).filter(bool)


@settings(max_examples=150, deadline=None)
@given(title=_TEXT, description=_TEXT, area=st.sampled_from(["Kent", "Avon & Somerset", "Met"]),
       published=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)))
def test_front_matter_round_trip(tmp_path_factory, title, description, area, published):
    """Whatever the title and description hold (colons, quotes, #, accents), the front matter
    as written reads back as the same values."""
    path = tmp_path_factory.mktemp("rt") / "a.md"
    path.write_text(front_matter_file(title=title, url="https://www.kent.police.uk/n/1",
                                      area=area, published=published, description=description,
                                      body="Officers met residents."), encoding="utf-8")
    art = parse_file(path)
    assert (art.title, art.description, art.area, art.published) == (
        title, description, area, published)


@given(st.text(max_size=200))
def test_the_same_text_hashes_the_same_whatever_its_spacing_and_case(text):
    spaced = "  \n ".join(text.split())
    assert content_hash(text) == content_hash(spaced) == content_hash(text.casefold())


def test_a_fenced_yaml_block_imports_like_front_matter(db, tmp_path):
    """As crawlers and clipping tools save pages: ```yaml, nested keys, ```."""
    from parity.library.importer import import_articles
    from parity.library.service import get_article

    path = tmp_path / "clipped.md"
    path.write_text("```yaml\ntitle: Clipped page\nurl: https://www.kent.police.uk/news/x/\n"
                    "area: Kent\npublish:\n  date: '3 Mar 2023'\nog:\n  description: 'From a "
                    "crawler'\n```\n\nWomen make up 36% of our officers.\n", encoding="utf-8")
    report = import_articles(db, path=path)
    assert not report.problems and report.imported == 1
    article = get_article(db, ref="clipped.md")
    assert (article.title, article.description) == ("Clipped page", "From a crawler")
    assert article.published.isoformat() == "2023-03-03" and article.force_id == "kent"
    assert "```" not in article.text and "36%" in article.text
