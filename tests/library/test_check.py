"""The figures check against the official table (SQLite, then PostgreSQL): verdicts that never
accuse a true figure, earlier levels against their own years, drafts in every format."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parity.errors import InputError
from parity.library import check, service
from parity.workforce import service as workforce
from tests.cli_runner import parity

from .conftest import ARTICLES

HERTS = ARTICLES["hertfordshire/2019-11-22-womens-network.md"]["url"]
GROUP_WORDS = {"all": "police officers", "senior": "officers at Chief Inspector and above",
               "middle": "sergeants and inspectors", "sergeant": "sergeants",
               "superintending": "officers at Superintendent and above"}


def _check(session, text: str, *, area: str | None = None, published: date) -> dict:  # noqa: ANN001
    return {c["quoted"]: c for c in check.check_text(session, text=text, area=area,
                                                     published=published)["claims"]}


def _share(session, area: str, year: int, group: str = "all", measure: str = "fte") -> float:  # noqa: ANN001
    return workforce.representation(session, area=area, year=year, group=group,
                                    measure=measure)["share_female"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(force=st.sampled_from(["Kent", "Durham", "Gwent", "Merseyside", "Thames Valley",
                              "Cumbria"]),
       year=st.integers(2010, 2023), group=st.sampled_from(sorted(GROUP_WORDS)),
       measure=st.sampled_from(["fte", "headcount"]), decimals=st.sampled_from([0, 1]),
       dated=st.booleans())
def test_a_true_figure_is_never_accused(wf_db, force, year, group, measure, decimals, dated):
    """Any official share, as a writer would round it, dated or as of publication, matches."""
    share = _share(wf_db, force, year, group, measure)
    figure = f"{share * 100:.{decimals}f}%"
    when = f" at 31 March {year}" if dated else ""
    text = f"Women were {figure} of {GROUP_WORDS[group]} in {force} Police{when}."
    published = date(year, 8, 1)
    claim = _check(wf_db, text, published=published)[figure]
    assert claim["verdict"] == "matches", claim


def test_a_false_figure_is_accused_only_when_everything_is_certain(wf_db):
    truth = _share(wf_db, "Kent", 2021)
    wrong = f"{(truth + 0.08) * 100:.0f}%"
    text = f"Women make up {wrong} of officers at Kent Police."
    claim = _check(wf_db, text, published=date(2021, 9, 1))[wrong]
    assert claim["verdict"] == "does not match"
    assert claim["official"]["area"] == "Kent" and claim["reason"] is None
    # the same figure said of "the UK": not certain of the area, so it cannot tell
    national = _share(wf_db, "England and Wales", 2021)
    wrong_uk = f"{(national + 0.08) * 100:.0f}%"
    uk = _check(wf_db, f"Women make up {wrong_uk} of police officers in the UK.",
                published=date(2021, 9, 1))[wrong_uk]
    assert uk["verdict"] == "cannot tell" and "area" in uk["reason"] and "UK" in uk["reason"]


def test_a_national_item_is_checked_against_england_and_wales(wf_db):
    truth = _share(wf_db, "England and Wales", 2022)
    figure = f"{truth * 100:.1f}%"
    claim = _check(wf_db, f"Women are {figure} of police officers.", area="England and Wales",
                   published=date(2022, 9, 1))[figure]
    assert claim["verdict"] == "matches"
    assert claim["official"]["area"] == "England and Wales"
    assert claim["attributes"]["area"]["source"] == "metadata"


def test_a_date_between_snapshots_accepts_anything_between_them(wf_db):
    low = _share(wf_db, "Metropolitan Police", 2022)
    high = _share(wf_db, "Metropolitan Police", 2023)
    middle = f"{(low + high) / 2 * 100:.1f}%"
    text = f"As of the end of September 2022, the Met's female officer share was {middle}."
    claim = _check(wf_db, text, published=date(2022, 10, 28))[middle]
    assert claim["verdict"] == "matches"
    assert claim["snapshots"] == [2022, 2023]


def test_earlier_levels_are_checked_against_their_own_years(wf_db):
    then = _share(wf_db, "West Yorkshire", 2019, measure="headcount")
    now = _share(wf_db, "West Yorkshire", 2022, measure="headcount")
    text = (f"The ratio of female to male police officers at West Yorkshire Police has risen "
            f"from {then * 100:.0f} per cent in March 2019 to {now * 100:.0f} per cent this "
            "year.")
    claims = _check(wf_db, text, published=date(2022, 6, 6))
    earlier = claims[f"{then * 100:.0f} per cent"]
    assert (earlier["kind"], earlier["verdict"]) == ("earlier level", "matches")
    assert earlier["official"]["year"] == 2019
    assert claims[f"{now * 100:.0f} per cent"]["official"]["year"] == 2022
    wrong = _check(wf_db, text.replace(f"from {then * 100:.0f} per cent", "from 22 per cent"),
                   published=date(2022, 6, 6))["22 per cent"]
    assert (wrong["kind"], wrong["verdict"]) == ("earlier level", "does not match")


@pytest.mark.parametrize("sentence, verdict, reason", [
    ("We have an aspiration for women to reach 40% of our officers by 2025/26.",
     "not checked", "target"),
    ("Of the 900 officers recruited since April, 44% are women.", "not checked", "flow"),
    ("Of our women officers, 7% are from ethnic minority backgrounds.", "not checked",
     "another characteristic"),
    ("The number of female officers has seen an increase of more than 10%.", "cannot tell",
     "change"),
    ("Women are 45% of our officers and staff.", "cannot tell", "officers and staff"),
])
def test_what_is_not_checked_says_why(wf_db, sentence, verdict, reason):
    (claim,) = check.check_text(wf_db, text=sentence, area="Kent",
                                published=date(2022, 9, 1))["claims"]
    assert claim["verdict"] == verdict and reason in claim["reason"]


def test_counts_in_brackets_are_checked(wf_db):
    result = workforce.representation(wf_db, area="Kent", year=2022, measure="headcount")
    women, share = int(result["female"]), result["share_female"]
    text = (f"At 31 March 2022 Kent Police had {share * 100:.1f}% female officers "
            f"({women:,} police officers).")
    claims = _check(wf_db, text, published=date(2022, 9, 1))
    count = claims[f"{women:,} police officers"]
    assert count["figure"] == "count" and count["verdict"] == "matches"
    assert count["measure"] == "headcount"


def test_each_attribute_carries_its_words_in_the_json(wf_db):
    (claim,) = check.check_text(wf_db, text="Women are 31% of Sussex Police officers.",
                                area=None, published=date(2021, 9, 1))["claims"]
    assert claim["attributes"]["area"] == {"value": "Sussex", "source": "near",
                                           "words": "Sussex Police", "certain": True,
                                           "note": None, "label": "Sussex"}
    assert set(claim["attributes"]) == {"area", "group", "worker_type", "sex", "measure",
                                        "date"}


# articles in the library -------------------------------------------------------------------
def test_an_article_in_the_library(lib_db):
    result = service.check_figures(lib_db, ref=HERTS)
    claims = {c["quoted"]: c for c in result["claims"]}
    assert claims["32%"]["verdict"] == "matches"
    assert claims["28%"]["group"] == "middle"
    assert claims["26%"]["group"] == "senior"
    senior = [_share(lib_db, "Hertfordshire", y, "senior", m) for y in (2018, 2019, 2020)
              for m in ("fte", "headcount")]
    expected = "matches" if min(senior) <= 0.27 and max(senior) >= 0.25 else "does not match"
    assert claims["26%"]["verdict"] == expected
    assert result["matches"] + result["does_not_match"] + result["cannot_tell"] + \
        result["not_checked"] == len(result["claims"])


# drafts --------------------------------------------------------------------------------------
DRAFT = ("Our annual return\n\nWomen make up {share}% of officers at Kent Police. We have an "
         "aspiration for women to reach 45% of our officers by 2030.")


def _draft_text(session) -> tuple[str, str]:  # noqa: ANN001
    share = f"{_share(session, 'Kent', 2022) * 100:.0f}"
    return DRAFT.format(share=share), f"{share}%"


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    for part in text.split("\n\n"):
        document.add_paragraph(part)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf(text: str, pages: int = 1) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    page = f"<section style='page-break-after: always'>{body}</section>"
    return HTML(string=f"<html><body>{page * pages}</body></html>").write_pdf()


@pytest.mark.parametrize("suffix", [".md", ".txt", ".html", ".docx", ".pdf"])
def test_a_draft_in_every_format(wf_db, suffix):
    text, quoted = _draft_text(wf_db)
    data = {".md": lambda t: t.encode(), ".txt": lambda t: t.encode(),
            ".html": lambda t: ("<html><head><title>Return</title></head><body><article>"
                                + "".join(f"<p>{p}</p>" for p in t.split("\n\n"))
                                + "</article></body></html>").encode(),
            ".docx": _docx, ".pdf": _pdf}[suffix](text)
    result = check.check_document(wf_db, name=f"draft{suffix}", data=data,
                                  published=date(2022, 9, 1))
    claims = {c["quoted"]: c for c in result["claims"]}
    assert claims[quoted]["verdict"] == "matches"
    assert claims["45%"]["verdict"] == "not checked"


def test_a_draft_with_a_fenced_yaml_block(wf_db):
    text, quoted = _draft_text(wf_db)
    source = ("```yaml\ntitle: Our return\narea: Kent\npublish:\n  date: '1 Sep 2022'\nog:\n"
              "  description: 'A draft'\n```\n\n" + text.replace(" at Kent Police", ""))
    result = check.check_document(wf_db, name="draft.md", data=source.encode())
    assert (result["title"], result["area"], result["published"]) == ("Our return", "Kent",
                                                                      "2022-09-01")
    claim = next(c for c in result["claims"] if c["quoted"] == quoted)
    assert claim["verdict"] == "matches" and claim["attributes"]["area"]["source"] == "metadata"


def test_a_draft_that_cannot_be_read_names_the_file(wf_db):
    with pytest.raises(InputError, match="draft.odt"):
        check.read_document("draft.odt", b"x")
    with pytest.raises(InputError, match="broken.docx"):
        check.read_document("broken.docx", b"not a zip")
    with pytest.raises(InputError, match="broken.pdf"):
        check.read_document("broken.pdf", b"%PDF-1.4 nonsense")


def test_parity_library_check_file(sqlite_url, tmp_path):
    path = tmp_path / "return.md"
    path.write_text("Women make up 31% of police officers in Kent.\n")
    run = parity("library", "check", str(path), "--date", "2022-09-01", "--json",
                 db_url=sqlite_url)
    assert run.code == 0, run.stderr
    result = run.json()
    assert result["name"] == str(path) and result["published"] == "2022-09-01"
    (claim,) = result["claims"]
    assert claim["area"] == "Kent" and claim["verdict"] in {"matches", "does not match"}
    human = parity("library", "check", str(path), "--date", "2022-09-01", db_url=sqlite_url)
    assert human.code == 0 and "area: Kent" in human.stdout
    bad = tmp_path / "return.xyz"
    bad.write_text("x")
    run = parity("library", "check", str(bad), db_url=sqlite_url)
    assert run.code == 2 and "return.xyz" in run.stderr
    run = parity("library", "check", str(path), "--area", "Nowhere", db_url=sqlite_url)
    assert run.code == 2 and "Nowhere" in run.stderr
