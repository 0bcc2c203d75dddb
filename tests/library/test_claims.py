"""The figures check: claims found, the official figure chosen, the verdict."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity.library import service
from parity.library.claims import (
    Claim,
    count_band,
    find_claims,
    snapshot_year,
    tolerance,
    verdict,
)
from parity.library.importer import import_articles
from parity.library.samples import front_matter_file
from parity.workforce import service as workforce

from .conftest import ARTICLES

HERTS = ARTICLES["hertfordshire/2019-11-22-womens-network.md"]["url"]
KENT = ARTICLES["kent/2022-06-15-police-staff.md"]["url"]
CUMBRIA = ARTICLES["cumbria/2023-01-20-workforce-figures.md"]["url"]


@pytest.mark.parametrize("sentence, value, worker_type, group", [
    ("Women make up 26% of senior leaders.", 0.26, "officer", "senior"),
    ("32% of our officers are women.", 0.32, "officer", "all"),
    ("Women are 30.8 per cent of officers at Chief Inspector and above.", 0.308, "officer",
     "senior"),
    ("Women now hold 21 percent of Superintendent and above roles.", 0.21, "officer",
     "superintending"),
    ("Female officers make up 28% of our sergeants and inspectors.", 0.28, "officer", "middle"),
    ("Two of our five chief officers are women, 40% of the team.", 0.4, "officer",
     "chief_officer"),
    ("Women are 25% of our sergeants.", 0.25, "officer", "sergeant"),
    ("67% of our police staff are women.", 0.67, "staff", "all"),
    ("Women are 48% of our PCSOs.", 0.48, "pcso", "all"),
    ("Women make up 33% of special constables.", 0.33, "special", "all"),
    ("One in three of our officers is a woman.", 1 / 3, "officer", "all"),
    ("A quarter of our senior leaders are women.", 0.25, "officer", "senior"),
    ("Women are 2 in 5 of our police staff.", 0.4, "staff", "all"),
    ("Our annual report shows women make up 32% of officers.", 0.32, "officer", "all"),
])
def test_claims_are_mapped_to_the_figure_they_quote(sentence, value, worker_type, group):
    (claim,) = find_claims(sentence)
    assert claim.value == pytest.approx(value)
    assert (claim.worker_type, claim.group, claim.reason) == (worker_type, group, None)


@pytest.mark.parametrize("sentence, reason", [
    ("Women make up 45% of our workforce.", "whole workforce"),
    ("Over 40% of our new recruits this year were women.", "flow"),
    ("Women are 52% of applicants to the force.", "flow"),
    ("Women are 40% of our officers and staff.", "officers and staff"),
    ("40% of women officers work part-time.", "share among women"),
    ("One in four women officers said they had been harassed.", "share among women"),
])
def test_claims_that_cannot_be_checked_say_why(sentence, reason):
    (claim,) = find_claims(sentence)
    assert claim.worker_type is None and reason in claim.reason


def test_changes_and_figures_about_other_things_are_not_claims():
    assert find_claims("The number of women officers is up 3% on last year.") == []
    assert find_claims("Burglary fell by 12% last year.") == []
    assert find_claims("Officers solved 85% of cases.") == []


def test_a_claim_about_men_is_a_claim_about_men():
    (claim,) = find_claims("Men make up 70% of our officers.")
    assert claim.sex == "male"


@given(st.dates(min_value=date(2008, 1, 1), max_value=date(2030, 12, 31)))
def test_snapshot_is_the_latest_31_march_on_or_before(published):
    year = snapshot_year(published)
    assert date(year, 3, 31) <= published < date(year + 1, 3, 31)


@given(st.floats(0, 1), st.integers(0, 2), st.floats(-0.05, 0.05))
def test_verdict_follows_the_tolerance(official, decimals, offset):
    value = round(official + offset, decimals + 2)
    claim = Claim("", "", value, decimals, "female", "officer", "all")
    result, _ = verdict(claim, fte=official, headcount=None)
    inside = abs(official - value) <= tolerance(claim)
    assert result == ("matches" if inside else "does not match") or \
        abs(abs(official - value) - tolerance(claim)) < 1e-9


def test_a_fraction_in_words_has_a_wider_tolerance():
    (claim,) = find_claims("One in three of our officers is a woman.")
    assert verdict(claim, fte=0.31, headcount=None)[0] == "matches"
    assert verdict(claim, fte=0.30, headcount=None)[0] == "does not match"
    (exact,) = find_claims("33% of our officers are women.")
    assert verdict(exact, fte=0.31, headcount=None)[0] == "does not match"


def test_verdict_with_no_figure_cannot_tell():
    claim = Claim("", "", 0.3, 0, "female", "officer", "all")
    assert verdict(claim, fte=None, headcount=None) == ("cannot tell", None)


@pytest.mark.parametrize("sentence, quoted, value, worker_type, group, qualifier", [
    ("We now have 350 female officers.", "350 female officers", 350, "officer", "all", None),
    ("There are 2,010 female police officers in the force.", "2,010 female police officers",
     2010, "officer", "all", None),
    ("Over 1,200 of our officers are women.", "Over 1,200 of our officers are women", 1200,
     "officer", "all", "over"),
    ("12 of our 40 superintendents are women.", "12 of our 40 superintendents are women", 12,
     "officer", "superintendent", None),
    ("We have 20 women in senior leadership.", "20 women in senior leadership", 20, "officer",
     "senior", None),
    ("Nearly 900 women police staff work for us.", "Nearly 900 women police staff", 900,
     "staff", "all", "under"),
    ("About 30 female PCSOs patrol the towns.", "About 30 female PCSOs", 30, "pcso", "all",
     "about"),
])
def test_counts_of_people_are_claims(sentence, quoted, value, worker_type, group, qualifier):
    (claim,) = find_claims(sentence)
    assert (claim.kind, claim.quoted, claim.value) == ("count", quoted, value)
    assert (claim.worker_type, claim.group, claim.qualifier, claim.reason) == (
        worker_type, group, qualifier, None)


def test_numbers_that_are_not_counts_of_the_workforce():
    assert find_claims("In 2019 women officers led the parade.") == []
    assert find_claims("An extra 50 female officers will patrol at night.") == []
    assert find_claims("350 women attended the officers' conference.") == []
    (recruits,) = find_claims("We recruited 120 female officers this year.")
    assert recruits.kind == "count" and "flow" in recruits.reason
    (share,) = find_claims("Around 40% of 300 women officers work part-time.")
    assert share.kind == "share" and "share among women" in share.reason
    both = find_claims("The force has 1,234 women officers, 36% of the total.")
    assert sorted((c.kind, c.quoted) for c in both) == [("count", "1,234 women officers"),
                                                         ("share", "36%")]


@given(st.integers(1, 50_000), st.sampled_from([None, "over", "under", "about"]))
def test_a_count_band_holds_the_count_and_widens_with_its_qualifier(value, qualifier):
    claim = Claim("", "", float(value), 0, "female", "officer", "all", kind="count",
                  qualifier=qualifier)
    low, high = count_band(claim)
    assert low <= value - 1 and high >= value + 1
    assert high - low <= 2 * (0.02 * value + 0.05 * value + 1) + 0.2 * value + 1e-9
    plain = count_band(Claim("", "", float(value), 0, "female", "officer", "all", kind="count"))
    assert (low < plain[0]) == (qualifier in {"under", "about"})
    assert (high > plain[1]) == (qualifier in {"over", "about"})
    assert verdict(claim, fte=None, headcount=low)[0] == "matches"
    assert verdict(claim, fte=None, headcount=high + 1)[0] == "does not match"
    assert verdict(claim, fte=high + 1, headcount=value)[1] == "headcount"


def test_counts_against_the_official_figures(lib_db, tmp_path):
    """Counts are compared with the official number of women (headcount, then FTE) for the
    snapshot before the publication date; the label and the rule say so."""
    officers = workforce.representation(lib_db, area="Hertfordshire", year=2020, group="all",
                                        measure="headcount")
    sergeants = workforce.representation(lib_db, area="Hertfordshire", year=2020,
                                         group="sergeant", measure="headcount")
    women, women_sergeants = int(officers["female"]), int(sergeants["female"])
    path = tmp_path / "numbers.md"
    path.write_text(front_matter_file(
        title="Our officers in numbers", url=None, area="Hertfordshire",
        published=date(2020, 6, 5), description=None,
        body=f"Hertfordshire Constabulary now has {women:,} female officers. We have "
             f"{women_sergeants * 2} women sergeants in response teams."))
    import_articles(lib_db, path=path)
    result = service.check_figures(lib_db, ref="numbers.md")
    claims = _by_quote(result)
    right = claims[f"{women:,} female officers"]
    assert (right["kind"], right["value"], right["verdict"]) == ("count", women, "matches")
    assert right["official"]["year"] == 2020 and right["measure"] == "headcount"
    assert right["official"]["count_headcount"] == officers["female"]
    assert right["label"] == f"matches ({women:,} women, headcount)"
    assert right["share_claimed"] is None and "count of people" in right["rule"]
    wrong = claims[f"{women_sergeants * 2} women sergeants"]
    assert wrong["verdict"] == "does not match" and wrong["official"]["group"] == "sergeant"
    assert wrong["count_official"] == women_sergeants
    # the pages' table shows the official counts for a count (not the shares)
    from lxml import html as lxml_html

    from parity.library.views import templates

    macros = templates.env.get_template("library_macros.html").module
    table = lxml_html.fromstring(str(macros.claims_table(result["claims"])))
    row = next(r for r in table.xpath("//tbody/tr")
               if r.xpath("td")[0].text_content() == right["quoted"])
    assert row.xpath("td")[3].text_content() == f"{women:,} women"
    assert "Hertfordshire, 31 March 2020: officers" in row.xpath("td")[1].text_content()


def _by_quote(result: dict) -> dict[str, dict]:
    return {c["quoted"]: c for c in result["claims"]}


def test_check_against_the_official_figures(lib_db):
    result = service.check_figures(lib_db, ref=HERTS)
    assert result["snapshot_year"] == 2019  # published 22 Nov 2019
    claims = _by_quote(result)
    officers = workforce.representation(lib_db, area="Hertfordshire", year=2019, group="all")
    senior = workforce.representation(lib_db, area="Hertfordshire", year=2019, group="senior")
    assert claims["32%"]["verdict"] == "matches"
    assert claims["32%"]["official"]["share_fte"] == pytest.approx(officers["share_female"])
    assert claims["32%"]["label"] == f"matches ({officers['share_female'] * 100:.1f}% FTE)"
    assert claims["26%"]["verdict"] == "does not match"
    assert claims["26%"]["official"]["group"] == "senior"
    assert claims["26%"]["share_official"] == pytest.approx(senior["share_female"])
    assert claims["28%"]["verdict"] == "matches" and claims["28%"]["group"] == "middle"
    assert claims["32%"]["band"] == {"low": pytest.approx(0.31), "high": pytest.approx(0.33)}
    for claim in result["claims"]:
        assert set(claim) >= {"text", "value", "official", "verdict", "rule"}
        assert claim["band"]["low"] <= claim["value"] <= claim["band"]["high"]


def test_a_fraction_in_words_says_its_own_rule(lib_db, tmp_path):
    path = tmp_path / "third.md"
    path.write_text(front_matter_file(
        title="A third", url=None, area="Kent", published=date(2022, 6, 1), description=None,
        body="One in three of our officers is a woman."))
    import_articles(lib_db, path=path)
    (claim,) = service.check_figures(lib_db, ref="third.md")["claims"]
    assert "2.50 percentage points" in claim["rule"] and "fraction in words" in claim["rule"]
    assert claim["band"]["high"] - claim["band"]["low"] == pytest.approx(0.05)


def test_the_snapshot_moves_with_the_publication_date(lib_db, tmp_path):
    kent = _by_quote(service.check_figures(lib_db, ref=KENT))["67%"]
    assert kent["official"]["year"] == 2022 and kent["verdict"] == "matches"
    art = ARTICLES["kent/2022-06-15-police-staff.md"]
    path = tmp_path / "earlier.md"
    path.write_text(front_matter_file(
        title="Police staff: earlier version", url=None, area="Kent",
        published=date(2022, 3, 30), description=None,
        body="67% of our police staff are women across the county."))
    import_articles(lib_db, path=path)
    earlier = _by_quote(service.check_figures(lib_db, ref="earlier.md"))["67%"]
    assert earlier["official"]["year"] == 2021
    assert earlier["verdict"] == ("matches" if abs(earlier["share_official"] - 0.67)
                                  <= 0.01 else "does not match")
    assert art  # the same claim, a different snapshot


def test_figures_that_cannot_be_checked(lib_db):
    claims = service.check_figures(lib_db, ref=CUMBRIA)["claims"]
    assert [c["verdict"] for c in claims] == ["cannot tell", "cannot tell"]
    assert all(c["official"] is None and c["reason"] for c in claims)


def test_an_article_before_any_snapshot_cannot_tell(lib_db, tmp_path):
    path = tmp_path / "old.md"
    path.write_text(front_matter_file(
        title="Old news", url=None, area="Kent", published=date(2006, 5, 1) + timedelta(0),
        description=None, body="Women make up 20% of our officers."))
    import_articles(lib_db, path=path)
    (claim,) = service.check_figures(lib_db, ref="old.md")["claims"]
    assert claim["verdict"] == "cannot tell" and "2006" in claim["reason"]
