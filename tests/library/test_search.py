"""Full-text search: ranking, snippets, filters, more like this, and both engines agreeing."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.orm import Session

from parity.errors import InputError
from parity.library import service
from parity.library.importer import import_articles
from parity.library.samples import write_corpus
from parity.library.search import parse_query
from parity.store import make_engine

from .conftest import ARTICLES, write_fixture_corpus

HERTS = ARTICLES["hertfordshire/2019-11-22-womens-network.md"]["url"]
DURHAM = ARTICLES["durham/2021-03-08-menopause.md"]["url"]


def titles(result: dict) -> list[str]:
    return [h["title"] for h in result["hits"]]


def test_hits_carry_the_promised_fields(lib_db):
    result = service.search(lib_db, query="menopause")
    hit = result["hits"][0]
    assert hit["title"] == "Menopause cafes open across the force"
    assert set(hit) >= {"title", "url", "area", "published", "themes", "snippet"}
    assert hit["area"] == "Durham" and hit["published"] == "2021-03-08"
    assert "maternity_menopause" in hit["themes"]
    assert "<mark>menopause</mark>" in hit["snippet"].lower()


def test_stemming_finds_other_forms(lib_db):
    assert "Menopause cafes open across the force" in titles(
        service.search(lib_db, query="cafe"))
    assert service.search(lib_db, query="investigating")["total"] >= 1


def test_title_matches_rank_first(lib_db):
    result = service.search(lib_db, query="domestic abuse")
    assert titles(result)[0] == "Help is here: domestic abuse during lockdown"


def test_phrases_and_or(lib_db):
    assert titles(service.search(lib_db, query='"walk and talk"')) == [
        "Safer nights: walk and talk patrols in the town centre"]
    both = service.search(lib_db, query="menopause OR lockdown")
    assert both["total"] == 2


def test_snippets_are_safe_html(lib_db):
    hit = service.search(lib_db, query="angela")["hits"][0]
    assert "<script" not in hit["snippet"] and "onerror" not in hit["snippet"]


def test_filters(lib_db):
    herts = service.search(lib_db, query="women", force="Hertfordshire Constabulary")
    assert herts["total"] >= 1 and {h["area"] for h in herts["hits"]} == {"Hertfordshire"}
    eastern = service.search(lib_db, query="women OR officers", region="Eastern")
    assert eastern["total"] >= 1 and {h["region"] for h in eastern["hits"]} == {"Eastern"}
    themed = service.search(lib_db, query="women OR officers", theme="vawg")
    assert titles(themed) == ["Safer nights: walk and talk patrols in the town centre"]
    dated = service.search(lib_db, query="menopause OR walk OR job OR abuse",
                           date_from=date(2021, 1, 1), date_to=date(2021, 12, 31))
    assert dated["total"] == 3
    assert all(h["published"].startswith("2021") for h in dated["hits"])
    with pytest.raises(InputError):
        service.search(lib_db, query="women", theme="knitting")
    with pytest.raises(InputError):
        service.search(lib_db, query="women", force="Atlantis")


def test_more_like_this(db, tmp_path):
    write_corpus(tmp_path / "c", count=120, seed=3)
    import_articles(db, path=tmp_path / "c")
    db.commit()
    menopause = service.search(db, query="menopause", theme="maternity_menopause")["hits"][0]
    similar = service.more_like_this(db, ref=menopause["id"], limit=5)
    assert menopause["id"] not in [h["id"] for h in similar["hits"]]
    assert all("maternity_menopause" in h["themes"] for h in similar["hits"][:3])


def test_a_query_of_only_common_words_is_refused(lib_db):
    with pytest.raises(InputError, match="nothing to search"):
        service.search(lib_db, query="the of and")


def _result_ids(session: Session, queries: list[str]) -> dict[str, tuple[int, list[str]]]:
    out: dict = {}
    for q in queries:
        result = service.search(session, query=q, limit=100)
        out[q] = (result["total"], sorted(h["url"] for h in result["hits"]))
    for key, kwargs in FILTERED.items():
        result = service.search(session, **kwargs, limit=100)
        out[key] = (result["total"], sorted(h["url"] for h in result["hits"]))
    return out


QUERIES = ["menopause cafes", "domestic abuse lockdown", '"job share"', '"walk and talk" angela',
           "flexible working", "women officers", "recruitment", "promotion OR mentoring",
           "sexual offences", "investigators", "part-time", "retention"]
FILTERED = {
    "force": dict(query="women", force="Hertfordshire Constabulary"),
    "region": dict(query="officers", region="South East"),
    "theme": dict(query="working", theme="flexible_working"),
    "dates": dict(query="police", date_from=date(2020, 1, 1), date_to=date(2021, 12, 31)),
    "all filters": dict(query="support*", region="North East", theme="maternity_menopause",
                        date_from=date(2019, 1, 1)),
}
# The first four have one clearly best article: both engines must rank it first. The others
# match many articles equally well, where bm25 and ts_rank may order ties differently.


@pytest.mark.postgres
def test_both_engines_find_the_same_articles(tmp_path, sqlite_templates, pg_engines):
    folder = write_fixture_corpus(tmp_path / "fixtures")
    write_corpus(folder / "generated", count=150, seed=11)
    shutil.copy(sqlite_templates["empty"], tmp_path / "lite.db")
    lite_engine = make_engine(f"sqlite:///{tmp_path / 'lite.db'}")
    with Session(lite_engine) as lite:
        import_articles(lite, path=folder)
        lite.commit()
        sqlite_results = _result_ids(lite, QUERIES)
        sqlite_top = {q: service.search(lite, query=q)["hits"][0]["url"] for q in QUERIES[:4]}
    lite_engine.dispose()
    conn = pg_engines["empty"].connect()
    outer = conn.begin()
    try:
        with Session(bind=conn, join_transaction_mode="create_savepoint") as pg:
            import_articles(pg, path=folder)
            pg.flush()
            pg_results = _result_ids(pg, QUERIES)
            pg_top = {q: service.search(pg, query=q)["hits"][0]["url"] for q in QUERIES[:4]}
    finally:
        outer.rollback()
        conn.close()
    for q in [*QUERIES, *FILTERED]:
        assert sqlite_results[q][0], q
        assert sqlite_results[q][0] <= 100, q  # every hit compared
        assert sqlite_results[q] == pg_results[q], q
    assert sqlite_top == pg_top


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40))
def test_any_user_text_is_a_safe_query(user_text):
    """Whatever is typed, the query is either refused with a reason or runs (no SQL error)."""
    engine = _fts_engine()
    try:
        query = parse_query(user_text)
    except InputError:
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT rowid FROM t WHERE t MATCH :q"), {"q": query.fts5()}).all()


_ENGINE = None


def _fts_engine():  # noqa: ANN202
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = make_engine("sqlite://")
        with _ENGINE.begin() as conn:
            conn.execute(text("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='porter')"))
            conn.execute(text("INSERT INTO t VALUES ('women officers and staff')"))
    return _ENGINE


def test_articles_are_linked_to_heforshe_commitments(lib_db):
    hit = service.search(lib_db, query="mentoring", force="Hertfordshire")["hits"][0]
    assert "senior representation" in hit["commitments"]
    linked = service.articles_for_commitment(lib_db, commitment="Senior representation",
                                             force="Hertfordshire")
    assert [a["url"] for a in linked] == [hit["url"]]
    abuse = service.articles_for_commitment(lib_db, commitment="domestic and sexual abuse")
    assert {"Greater Manchester", "Hertfordshire", "Sussex"} <= {a["area"] for a in abuse}
    with pytest.raises(InputError, match="linked"):
        service.articles_for_commitment(lib_db, commitment="knitting")
