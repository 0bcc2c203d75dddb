"""The figures check reading text: figures, their kinds, and what each is about.

Every sentence here is written for these tests; each follows a pattern found in real
published writing about women in policing (the corpus kept outside the repository, see
docs/library.md): national figures in force articles, groups named after the figure, dates
written in the sentence, targets, flows and changes, ratios, counts in brackets.
"""

from __future__ import annotations

from datetime import date

import pytest

from parity.forces import ENGLAND_AND_WALES
from parity.library.claims import find_claims

PUBLISHED = date(2022, 10, 28)


def one(text: str, **kwargs) -> object:
    found = find_claims(text, published=kwargs.pop("published", PUBLISHED), **kwargs)
    assert len(found) == 1, [(c.quoted, c.kind) for c in found]
    return found[0]


def by_quote(text: str, **kwargs) -> dict:
    found = find_claims(text, published=kwargs.pop("published", PUBLISHED), **kwargs)
    return {c.quoted: c for c in found}


# the area: from the words around the figure, not always the article's ---------------------
def test_a_national_figure_in_a_force_article_is_national():
    claims = by_quote("Across UK forces women hold 26% of senior leadership posts, though at "
                      "31%, Kent Police does a little better.", area="Kent")
    national, kent = claims["26%"], claims["31%"]
    assert (national.area.value, national.area.words) == (ENGLAND_AND_WALES, "UK")
    assert not national.area.certain and "England and Wales" in national.area.note
    assert (kent.area.value, kent.area.source, kent.area.certain) == ("Kent", "near", True)
    # the group stands before the other figure, across "though": still senior leadership
    assert (national.group.value, kent.group.value) == ("senior", "senior")
    assert not kent.group.certain


def test_an_area_across_a_comparison_belongs_to_the_other_figure():
    claims = by_quote('"Women are 38.1 per cent of our officers, compared with 35.2 per cent '
                      'nationally," the chief constable said.', area="Durham")
    assert claims["38.1 per cent"].area.value == "Durham"
    assert claims["38.1 per cent"].area.source == "metadata"
    assert claims["35.2 per cent"].area.value == ENGLAND_AND_WALES
    assert claims["35.2 per cent"].area.certain


def test_a_force_defined_by_its_initials_is_that_force():
    text = ("Cleveland Police (CP) has published its figures.\n\n"
            "The share of female officers at CP rose to 36 per cent this year.")
    claim = one(text)
    assert claim.area.value == "Cleveland" and claim.area.words == "CP"


def test_uk_and_nationally_are_england_and_wales():
    assert one("Nationally, women are 35% of police officers.").area.certain
    uk = one("Women make up 35% of police officers in the UK.")
    assert uk.area.value == ENGLAND_AND_WALES and not uk.area.certain


def test_places_outside_the_table_are_named():
    claim = one("In Police Scotland, 31 per cent of officers are women.")
    assert claim.area.value == "outside:Police Scotland"
    assert claim.area.words == "Police Scotland"
    assert "outside the official table" in claim.blocking()


# the group: after the figure, or earlier in the sentence ------------------------------------
@pytest.mark.parametrize("sentence, group", [
    ("Women make up 27% of officers at the rank of chief inspector and above.", "senior"),
    ("In middle management, at 29%, the force is close to the average for women.", "middle"),
    ("35%, women officers in middle management teams, up on last year.", "middle"),
    ("Female officers are 22 per cent of our superintendents.", "superintendent"),
    ("Women are 24% of the Superintendent and above ranks.", "superintending"),
    ("Two of our five chief officers are women, 40% of the team.", "chief_officer"),
    ("Overall, 34% of our officers are women.", "all"),
])
def test_the_group_from_words_on_either_side(sentence, group):
    claims = find_claims(sentence, area="Kent", published=PUBLISHED)
    claim = next(c for c in claims if c.figure.figure == "share")
    assert claim.group.value == group
    assert claim.worker_type.value == "officer"


def test_a_comma_does_not_make_a_share_among_women():
    claim = one("35%, women officers in middle management teams, up on last year.",
                area="Kent")
    assert claim.kind == "current share" and claim.sex.value == "female"


# the date: from the sentence, else the publication -------------------------------------------
def test_a_year_in_the_sentence_is_the_year_compared():
    claim = one("In 2008 it was just 27 per cent of our officers who were women.",
                area="Wiltshire", published=date(2021, 3, 12))
    assert claim.kind == "earlier level"
    assert (claim.dates.low, claim.dates.high) == (2007, 2009)
    assert claim.date.words == "In 2008"


def test_march_last_year_is_that_snapshot():
    claim = one("Women were 36 per cent of officers in March last year.", area="Kent",
                published=date(2021, 5, 10))
    assert (claim.dates.low, claim.dates.high, claim.dates.exact) == (2020, 2020, True)


def test_a_date_between_snapshots_means_both():
    claim = one("As at the end of September 2022, women were 30.9% of our police officers.",
                area="Kent")
    assert (claim.dates.low, claim.dates.high) == (2022, 2023)
    assert claim.date.value == "between 31 March 2022 and 31 March 2023"


def test_no_date_means_the_snapshots_around_publication():
    claim = one("Women are 34% of our officers.", area="Kent")
    assert (claim.dates.low, claim.dates.high, claim.dates.current) == (2021, 2023, True)
    assert claim.date.source == "metadata"


def test_years_before_count_from_the_other_end_of_the_change():
    claims = by_quote("Women were 33 per cent of officers in Norfolk in March last year, up "
                      "from 29 per cent five years before.", published=date(2022, 5, 1))
    assert claims["29 per cent"].kind == "earlier level"
    assert (claims["29 per cent"].dates.low, claims["29 per cent"].dates.high) == (2016, 2016)
    assert (claims["33 per cent"].dates.low, claims["33 per cent"].dates.high) == (2021, 2021)


# kinds: targets, flows, changes, other characteristics ----------------------------------------
@pytest.mark.parametrize("sentence, kind, words", [
    ("We have an aspiration to reach 33% female officers by 2023/24.", "target",
     "aspiration"),
    ("The force aims for women to be 40% of its officers by 2025.", "target", "aims"),
    ("Since April, of the 950 officers recruited, 46.2% are female.", "flow", "recruited"),
    ("Women were 41% of new officers hired last year.", "flow", "new officers"),
    ("Female officers were 30% of those promoted to sergeant.", "flow", "promoted"),
    ("The number of women officers has seen an increase of more than 10% since 2019.",
     "change", None),
    ("Women officers are up 4% on last year.", "change", None),
    ("Of our women officers, 6.1% are from Black, Asian or other ethnic minority groups.",
     "other characteristic", None),
    ("40% of women officers work part-time.", "other characteristic", None),
    ("One in four women officers reported experiencing harassment.", "other characteristic",
     None),
])
def test_figures_that_are_not_todays_share_are_named(sentence, kind, words):
    claim = one(sentence, area="Kent")
    assert claim.kind == kind
    if words:
        assert claim.figure.kind_words == words
    reason = claim.blocking()
    assert reason is not None
    if kind in {"target", "flow", "other characteristic"}:
        assert reason.startswith("not checked")


def test_a_ratio_of_women_to_men_is_the_share_of_women():
    claim = one("The ratio of female to male officers at Dorset Police has reached 33 per "
                "cent.")
    assert claim.sex.value == "female" and "ratio" in claim.sex.note
    assert claim.area.value == "Dorset"


def test_ethnicity_beside_women_is_another_characteristic():
    claims = by_quote("Of 4,100 officers, 1,480 are women and 6.3% are from ethnic minority "
                      "backgrounds.", area="Kent")
    assert claims["6.3%"].kind == "other characteristic"


# earlier levels and changes ---------------------------------------------------------------------
def test_from_and_to_are_an_earlier_level_and_a_current_one():
    claims = by_quote("The share of women in our senior team has gone from 24% to 28%.",
                      area="Kent")
    assert claims["24%"].kind == "earlier level" and claims["28%"].kind == "current share"
    assert claims["24%"].figure.pair is claims["28%"].figure
    assert claims["24%"].group.value == claims["28%"].group.value == "senior"
    assert "no date" in claims["24%"].blocking()


def test_risen_from_a_dated_level_to_this_year():
    claims = by_quote("The ratio of female to male officers at Gwent Police has risen from "
                      "31 per cent in March 2019 to 36 per cent this year.",
                      published=date(2022, 6, 6))
    assert (claims["31 per cent"].dates.low, claims["31 per cent"].dates.high) == (2019, 2019)
    assert (claims["36 per cent"].dates.low, claims["36 per cent"].dates.high) == (2022, 2022)
    assert claims["31 per cent"].area.value == claims["36 per cent"].area.value == "Gwent"


def test_two_forces_in_one_sentence_each_keep_their_own():
    claims = by_quote("The share rose at Essex Police from 31 per cent to 35 per cent of "
                      "female officers – and at Suffolk from 28 per cent to 33 per cent.")
    assert claims["35 per cent"].area.value == "Essex"
    assert claims["33 per cent"].area.value == "Suffolk"


# counts in the forms real writing uses --------------------------------------------------------
@pytest.mark.parametrize("sentence, quoted, value", [
    ("Of our 2,270 officers, 795 (35 per cent) are female.", "795 (35 per cent) are female", 795),
    ("Female officer representation reached 29.8% (2,041 police officers).",
     "2,041 police officers", 2041),
    ("The proportion stood at 31.2 per cent (40,319) of officers who are women.", "40,319",
     40319),
    ("Of the 3,900 officers at 31 March 2021, only 1,203 were female.",
     "only 1,203 were female", 1203),
    ("We now have 350 female officers.", "350 female officers", 350),
    ("Over 1,200 of our officers are women.", "Over 1,200 of our officers are women", 1200),
    ("The force was 30.1 per cent female - 2,630 officers.", "2,630 officers", 2630),
])
def test_counts_of_women(sentence, quoted, value):
    counts = [c for c in find_claims(sentence, area="Kent", published=PUBLISHED)
              if c.figure.figure == "count"]
    assert [(c.quoted, c.value) for c in counts] == [(quoted, value)]
    assert counts[0].worker_type.value == "officer" and counts[0].sex.value == "female"


def test_a_count_in_brackets_shares_its_percentages_date_and_area():
    claims = by_quote("As of the end of September 2022, Avon and Somerset had 35.0% female "
                      "officers (1,079 police officers).")
    count = claims["1,079 police officers"]
    assert count.area.value == "Avon and Somerset"
    assert (count.dates.low, count.dates.high) == (2022, 2023)


def test_numbers_that_are_not_counts_of_women():
    assert find_claims("In 2019 women officers led the parade.", published=PUBLISHED) == []
    assert all(c.figure.figure != "count" for c in find_claims(
        "An extra 50 female officers will patrol at night.", published=PUBLISHED))
    flows = find_claims("Since April, of a total of 1,678 officers recruited, 44.5% are "
                        "female.", area="Kent", published=PUBLISHED)
    assert all(c.kind == "flow" for c in flows)


def test_words_that_say_where_each_attribute_came_from():
    claim = one("Women are 31% of Sussex Police officers.", published=PUBLISHED)
    attrs = claim.attributes()
    assert attrs["area"].words == "Sussex Police" and attrs["area"].source == "near"
    assert attrs["worker_type"].words == "officers"
    assert attrs["sex"].words == "Women"
    assert attrs["date"].source == "metadata"
    assert all(a.source for a in attrs.values())
