"""Commitments as data: defaults, baselines from the official figures, history, as-of reports."""

from datetime import date

import pytest

from parity.commitments import service
from parity.errors import InputError
from parity.workforce import service as ws
from tests.helpers import statements_sent

from .conftest import MENTORING_URL, at, kent_senior, mentoring_articles

NATIONAL = ["national-2019-1", "national-2019-2", "national-2019-3", "national-2022-1",
            "national-2022-2", "national-2022-3"]


def test_national_commitments_are_loaded_once_and_adopted_by_every_force(db):
    assert service.ensure_defaults(db) is False  # the fixture loaded them, as start-up does
    refs = [c["ref"] for c in service.list_commitments(db)]
    assert refs == NATIONAL
    for force in ("kent", "dyfed-powys", "british-transport-police"):
        listed = service.list_commitments(db, force_id=force)
        assert [c["ref"] for c in listed] == NATIONAL
        assert all(c["adopted"] for c in listed)
    senior = service.get_commitment(db, ref="national-2019-1")
    assert senior["made"] == "2019-03-08"
    assert senior["indicators"][0]["params"]["group"] == "senior"
    middle = service.get_commitment(db, ref="national-2022-1")
    assert middle["indicators"][0]["params"]["group"] == "middle"
    assert middle["indicators"][0]["baseline_year"] == 2022


def test_baselines_come_from_the_official_figures(wf_db):
    items = {i["ref"]: i for i in service.status(wf_db, force_id="Avon & Somerset")}
    for ref, group, year in (("national-2019-1", "senior", 2019),
                             ("national-2022-1", "middle", 2022)):
        official = ws.representation(wf_db, area="Avon and Somerset", year=year, group=group)
        latest = ws.representation(wf_db, area="Avon and Somerset", year=2023, group=group)
        item = items[ref]
        assert item["baseline"] == pytest.approx(official["share_female"])
        assert item["baseline_year"] == year
        assert item["latest"] == pytest.approx(latest["share_female"])
        assert item["latest_year"] == 2023
        assert item["status"] in ("on_track", "at_risk", "off_track")
        assert item["unit"] == "share"


def test_every_territorial_force_has_its_official_senior_baseline(wf_db):
    from parity import vocabulary as v
    from parity.forces import registry
    from parity.workforce import metrics as wm

    fte, _ = ws.counts_by_force_and_sex(wf_db, year=2019, ranks=v.RANK_GROUPS["senior"])
    for force in registry().territorial():
        item = next(i for i in service.status(wf_db, force_id=force.id)
                    if i["ref"] == "national-2019-1")
        assert item["area"] == force.name
        assert item["baseline"] == pytest.approx(wm.summarise(fte[force.id])["share_female"])
        assert item["status"] != "no_data", (force.id, item["reason"])


def test_national_figures_use_england_and_wales(wf_db):
    item = next(i for i in service.status(wf_db) if i["ref"] == "national-2019-1")
    official = ws.representation(wf_db, area="England and Wales", year=2019, group="senior")
    assert item["area"] == "England and Wales"
    assert item["baseline"] == pytest.approx(official["share_female"])


def test_missing_data_says_so(wf_db):
    items = {i["ref"]: i for i in service.status(wf_db, force_id="psni")}
    assert items["national-2019-1"]["status"] == "no_data"
    reason = items["national-2019-1"]["reason"]
    assert reason == "No workforce figures are held for Police Service of Northern Ireland."
    assert items["national-2019-3"]["status"] == "no_data"
    assert items["national-2019-2"]["status"] == "no_data"  # context only


def test_a_force_commitment_replaces_the_national_one_it_refines(wf_db, kent):
    assert kent["ref"] == "kent-1"
    refs = [c["ref"] for c in service.list_commitments(wf_db, force_id="kent")]
    assert "national-2019-1" not in refs and "kent-1" in refs
    assert "national-2019-1" in [c["ref"] for c in service.list_commitments(wf_db,
                                                                            force_id="essex")]
    item = next(i for i in service.status(wf_db, force_id="kent") if i["ref"] == "kent-1")
    official = ws.representation(wf_db, area="Kent", year=2019, group="senior")
    assert item["baseline"] == pytest.approx(official["share_female"])
    assert item["target"] == 0.35 and item["target_date"] == "2025-03-31"


def test_a_changed_target_leaves_an_earlier_report_unchanged(wf_db, kent):
    before = service.status(wf_db, force_id="kent", as_of=date(2024, 6, 1))
    service.set_target(wf_db, ref="kent-1", target_value=0.45, target_date="2026-03-31",
                       by="chief constable", at=at(2024, 9, 1), note="raised ambition")
    again = service.status(wf_db, force_id="kent", as_of=date(2024, 6, 1))
    assert again == before
    old = next(i for i in again if i["ref"] == "kent-1")
    new = next(i for i in service.status(wf_db, force_id="kent") if i["ref"] == "kent-1")
    assert (old["target"], old["target_date"]) == (0.35, "2025-03-31")
    assert (new["target"], new["target_date"]) == (0.45, "2026-03-31")
    assert new["version"] == 2 and old["version"] == 1
    changes = service.history(wf_db, ref="kent-1")
    assert [c["action"] for c in changes] == ["created", "target moved"]
    assert changes[1]["changed_by"] == "chief constable"
    assert changes[1]["effective_at"] == at(2024, 9, 1)
    assert "0.35 → 0.45" in changes[1]["summary"] and "raised ambition" in changes[1]["summary"]


def test_reports_as_of_a_date_use_only_the_figures_published_by_then(wf_db, kent):
    item = next(i for i in service.status(wf_db, force_id="kent", as_of=date(2021, 6, 1))
                if i["ref"] == "kent-1")
    assert item["latest_year"] == 2021
    before = [i["ref"] for i in service.status(wf_db, force_id="kent", as_of=date(2020, 5, 1))]
    assert "kent-1" not in before and "national-2019-1" in before
    assert "national-2022-1" not in before


def test_manual_values_with_evidence_and_their_as_of(wf_db):
    service.ensure_defaults(wf_db)
    for year, when in ((2019, at(2019, 9)), (2020, at(2020, 9)), (2021, at(2021, 9))):
        service.record_value(wf_db, ref="national-2019-3", force_id="kent", year=year, value=1,
                             evidence=f"https://example.org/kent-report-{year}", by="analyst",
                             at=when)
    due = next(i for i in service.status(wf_db, force_id="kent", as_of=date(2022, 3, 30))
               if i["ref"] == "national-2019-3")
    assert due["status"] == "on_track" and due["latest"] == 1
    assert due["indicators"][0]["evidence"][2021].endswith("2021")
    # A year's value is due by 30 March of the next year: a blank year is not green
    late = next(i for i in service.status(wf_db, force_id="kent", as_of=date(2023, 3, 30))
                if i["ref"] == "national-2019-3")
    assert late["status"] == "at_risk" and late["indicators"][0]["missing_years"] == [2022]
    assert "no figure for 2022" in late["reason"]
    now = next(i for i in service.status(wf_db, force_id="kent") if i["ref"] == "national-2019-3")
    assert now["status"] == "at_risk" and now["latest"] == 1
    essex = next(i for i in service.status(wf_db, force_id="essex")
                 if i["ref"] == "national-2019-3")
    assert essex["status"] == "no_data"
    first = next(i for i in service.status(wf_db, force_id="kent", as_of=date(2020, 1, 1))
                 if i["ref"] == "national-2019-3")
    assert first["status"] == "on_track" and first["latest_year"] == 2019
    before = next(i for i in service.status(wf_db, force_id="kent", as_of=date(2019, 6, 1))
                  if i["ref"] == "national-2019-3")
    assert before["status"] == "no_data"
    log = service.history(wf_db, ref="national-2019-3")
    assert [e["action"] for e in log].count("value recorded") == 3


def test_record_refuses_computed_indicators_and_missing_evidence(wf_db, kent):
    with pytest.raises(InputError) as err:
        service.record_value(wf_db, ref="kent-1", year=2022, value=0.3, evidence=" ")
    messages = " ".join(p.message for p in err.value.problems)
    assert "computed from data" in messages and "evidence" in messages


def test_links_and_withdrawal_are_kept_in_history(wf_db, kent):
    service.link_article(wf_db, ref="kent-1", article="https://example.org/m", note="mentoring",
                         by="lead", at=at(2021, 2, 1))
    service.withdraw(wf_db, ref="kent-1", by="lead", at=at(2023, 2, 1), note="superseded")
    assert "kent-1" not in [c["ref"] for c in service.list_commitments(wf_db, force_id="kent")]
    earlier = service.list_commitments(wf_db, force_id="kent", as_of=date(2022, 1, 1))
    kent1 = next(c for c in earlier if c["ref"] == "kent-1")
    assert kent1["links"] == [{"article": "https://example.org/m", "note": "mentoring"}]
    assert [e["action"] for e in service.history(wf_db, ref="kent-1")] == [
        "created", "article linked", "withdrawn"]


def test_as_of_accepts_dates_datetimes_and_text(db):
    assert service.cutoff("2024-03-31") == service.cutoff(date(2024, 3, 31))
    assert service.cutoff("2024-03-31T10:00:00+00:00") == at(2024, 3, 31, 10)
    assert service.cutoff(at(2024, 3, 31, 10)) < service.cutoff(date(2024, 3, 31))
    with pytest.raises(InputError, match="expected a date"):
        service.status(db, as_of="31/03/2024")


def test_bad_commitments_report_every_problem_and_write_nothing(db):
    service.ensure_defaults(db)
    bad = kent_senior(target_value=35, kind="representation", target_date="2018-01-01",
                      baseline_value=0.2)
    bad.update(force="Atlantis", theme="", refines="national-2030-9")
    with pytest.raises(InputError) as err:
        service.add_commitment(db, data=bad)
    columns = {p.column for p in err.value.problems}
    assert {"force", "theme", "indicators[1].target_value", "indicators[1].target_date",
            "indicators[1].baseline_evidence"} <= columns
    assert len(service.list_commitments(db)) == len(NATIONAL)


def test_reviews_show_what_changed_since_the_last_one(wf_db, kent):
    service.set_target(wf_db, ref="kent-1", target_value=0.33, target_date="2025-03-31",
                       by="lead", at=at(2023, 1, 10))
    one = {r["ref"]: r for r in service.review(wf_db, force_id="kent", years=1,
                                               as_of=date(2023, 5, 31))}
    k = one["kent-1"]
    assert k["latest_year"] == 2023 and k["previous_latest_year"] == 2022
    assert k["change"] == pytest.approx(k["latest"] - k["previous_latest"])
    assert [c["action"] for c in k["changes"]] == ["target moved"]
    three = {r["ref"]: r for r in service.review(wf_db, force_id="kent", years=3,
                                                 as_of=date(2023, 5, 31))}
    assert [c["action"] for c in three["kent-1"]["changes"]] == ["created", "target moved"]
    assert three["national-2022-1"]["new"] is True


def test_the_overview_counts_each_force_s_statuses(wf_db, kent):
    rows = {r["force_id"]: r for r in service.overview(wf_db)}
    assert len(rows) == 44 and "british-transport-police" in rows
    for row in rows.values():
        assert sum(row["counts"].values()) == len(row["commitments"]) == 6
    assert "kent-1" in [c["ref"] for c in rows["kent"]["commitments"]]


def test_a_commitment_cites_a_library_article_by_its_id(wf_db, tmp_path):
    """A library id is checked against the library when cited, shown with the article's
    title and page, and the article lists the commitment citing it."""
    from parity.library import service as library
    from parity.library.importer import import_articles

    import_articles(wf_db, path=mentoring_articles(tmp_path))
    article = library.get_article(wf_db, ref=MENTORING_URL)
    service.add_commitment(wf_db, data=kent_senior(), by="analyst", at=at(2020, 6, 1))
    service.link_article(wf_db, ref="kent-1", article=str(article.id), note="since 2021",
                         by="lead", at=at(2021, 4, 1))
    links = service.get_commitment(wf_db, ref="kent-1")["links"]
    assert links == [{"article": str(article.id), "note": "since 2021"}]
    assert service.articles_cited(wf_db, links) == {str(article.id): {
        "href": f"/library/articles/{article.id}",
        "title": "Reverse mentoring for senior leaders"}}
    assert [c["ref"] for c in service.cited_for(wf_db, ref=article.id)] == ["kent-1"]
    with pytest.raises(InputError) as err:
        service.link_article(wf_db, ref="kent-1", article=str(article.id + 999), by="lead")
    assert "the library holds no article" in err.value.problems[0].message
    with pytest.raises(InputError) as err:
        service.link_article(wf_db, ref="kent-1", article="see the intranet", by="lead")
    assert "expected a web address (https://...) or a library article id" in \
        err.value.problems[0].message
    assert len(service.history(wf_db, ref="kent-1")) == 2


def test_today_is_the_date_parity_takes_as_today(wf_db, monkeypatch):
    """PARITY_TODAY moves what is due: the same records, judged on 30 March 2022 (2021's value
    in on time) and on 28 November 2026 (2022 to 2025 missing); the records themselves are
    those held now either way."""
    service.ensure_defaults(wf_db)
    for year in (2019, 2020, 2021):
        service.record_value(wf_db, ref="national-2019-3", force_id="kent", year=year, value=1,
                             evidence=f"https://example.org/kent-report-{year}", by="analyst",
                             at=at(year, 9))

    def judged() -> dict:
        return next(i for i in service.status(wf_db, force_id="kent")
                    if i["ref"] == "national-2019-3")

    monkeypatch.setenv("PARITY_TODAY", "2022-03-30")
    assert judged()["status"] == "on_track"
    assert service.as_of_for_year(2021) is None  # its report day, 30 March 2022, is not past
    assert service.as_of_for_year(2020) == date(2021, 3, 30)
    monkeypatch.setenv("PARITY_TODAY", "2026-11-28")
    assert judged()["status"] == "at_risk"
    assert judged()["indicators"][0]["missing_years"] == [2022, 2023, 2024, 2025]
    monkeypatch.setenv("PARITY_TODAY", "28/11/2026")
    with pytest.raises(InputError, match="PARITY_TODAY: expected a date as YYYY-MM-DD"):
        judged()


def test_a_report_build_works_each_status_out_once_with_the_same_figures(wf_db, kent):
    service.record_value(wf_db, ref="national-2019-3", force_id="kent", year=2021, value=1,
                         evidence="https://example.org/kent", by="analyst", at=at(2021, 9))
    as_of = date(2023, 3, 30)
    plain = {f: service.status(wf_db, force_id=f, as_of=as_of) for f in ("kent", "essex")}
    summary = service.status_summary(wf_db, as_of=as_of)
    with ws.reads_kept():
        assert service.status_summary(wf_db, as_of=as_of) == summary
        with statements_sent(wf_db.get_bind()) as statements:
            kept = {f: service.status(wf_db, force_id=f, as_of=as_of) for f in plain}
            kept["kent"][0]["status"] = "changed by a caller"
            again = service.status(wf_db, force_id="kent", as_of=as_of)
    assert statements == []  # every force's status was worked out for the summary
    assert again == plain["kent"] and kept["essex"] == plain["essex"]
    manual = next(i for i in again if i["ref"] == "national-2019-3")
    assert manual["latest"] == 1
