"""Indicator providers: the registry, and the kinds served by other domains (imported lazily;
a missing domain or an empty answer is no_data with its reason)."""

import sys
import types
from datetime import date

import pytest

from parity.commitments import providers, service
from parity.errors import InputError

from .conftest import at

SERVICES = {"paygap": ("parity.context.service", "paygap_series"),
            "crime_rate": ("parity.context.service", "crime_rate_series"),
            "flow_rate": ("parity.flows.service", "rate_series")}


def test_the_registry_knows_every_kind():
    assert set(providers.REGISTRY) >= {"representation", "manual", *SERVICES}
    with pytest.raises(InputError, match="unknown indicator kind"):
        providers.get("horoscope")


def test_parameters_are_checked_per_kind():
    assert providers.get("representation").check({"group": "senior"}) == []
    assert providers.get("representation").check({"group": "galactic"})
    assert providers.get("representation").check({"worker_type": "special", "measure": "fte"})
    assert providers.get("paygap").check({}) == ["paygap needs the parameter 'field'"]
    assert providers.get("flow_rate").check({"rate": "promotion", "sex": "female",
                                             "rank": "sergeant"}) == []


def _commitment(kind: str, params: dict, **indicator) -> dict:
    return {"force": "Kent", "title": f"A {kind} commitment", "theme": "pay",
            "made": "2019-06-01",
            "indicators": [{"kind": kind, "params": params, "baseline_year": 2018,
                            "direction": "down", **indicator}]}


@pytest.mark.parametrize("kind", sorted(SERVICES))
def test_a_missing_domain_is_no_data_with_a_clear_reason(db, monkeypatch, kind):
    module, _ = SERVICES[kind]
    monkeypatch.setitem(sys.modules, module, None)  # as if the domain were not installed
    params = {k: "x" for k in providers.get(kind).params}
    added = service.add_commitment(db, data=_commitment(kind, params), at=at(2019, 6, 1))
    item = next(i for i in service.status(db, force_id="kent", include_private=True)
                if i["ref"] == added["ref"])
    assert item["status"] == "no_data"
    domain = module.split(".")[1]
    assert item["reason"] == f"The {domain} domain ({module}) is not installed in this build."


def _fake(monkeypatch, module: str, function: str, answer) -> list:  # noqa: ANN001
    calls = []

    def series(session, **kwargs):  # noqa: ANN001, ANN202
        calls.append(kwargs)
        if isinstance(answer, Exception):
            raise answer
        return answer

    fake = types.ModuleType(module)
    setattr(fake, function, series)
    monkeypatch.setitem(sys.modules, module, fake)
    return calls


def test_a_pay_gap_indicator_is_measured_through_the_context_service(db, monkeypatch):
    calls = _fake(monkeypatch, "parity.context.service", "paygap_series",
                  {2018: 16.0, 2019: 15.0, 2020: 14.0, 2021: 13.0, 2022: 12.0})
    data = _commitment("paygap", {"field": "DiffMedianHourlyPercent"}, target_value=9.0,
                       target_date="2025-03-31")
    added = service.add_commitment(db, data=data, at=at(2019, 6, 1))
    item = next(i for i in service.status(db, force_id="kent", as_of=date(2023, 6, 1))
                if i["ref"] == added["ref"])
    assert calls[0] == {"force_id": "kent", "field": "DiffMedianHourlyPercent"}
    assert item["status"] == "on_track" and item["unit"] == "pct"
    assert (item["baseline"], item["latest"], item["target"]) == (16.0, 12.0, 9.0)
    # Once 31 March 2025 has passed, the projection alone cannot show the target met.
    late = next(i for i in service.status(db, force_id="kent", as_of=date(2025, 6, 1))
                if i["ref"] == added["ref"])
    assert late["status"] == "at_risk" and "no figure for 2025" in late["reason"]
    old = next(i for i in service.status(db, force_id="kent", as_of=date(2020, 12, 31))
               if i["ref"] == added["ref"])
    assert old["latest_year"] == 2020


def test_a_domain_answering_nothing_or_refusing_is_no_data(db, monkeypatch):
    _fake(monkeypatch, "parity.flows.service", "rate_series", {})
    data = _commitment("flow_rate", {"rate": "promotion", "sex": "female", "rank": "sergeant"})
    added = service.add_commitment(db, data=data, at=at(2019, 6, 1))
    item = next(i for i in service.status(db, force_id="kent", include_private=True)
                if i["ref"] == added["ref"])
    assert item["status"] == "no_data"
    assert item["reason"] == ("No joiner, leaver and promotion rates are held for Kent: they "
                              "come from the force's own HR records, which the force provides.")
    _fake(monkeypatch, "parity.flows.service", "rate_series",
          InputError("no HR extract has been imported for Kent"))
    item = next(i for i in service.status(db, force_id="kent", include_private=True)
                if i["ref"] == added["ref"])
    assert item["reason"] == "No HR extract has been imported for Kent."


def test_national_figures_are_not_asked_of_force_only_providers(db, monkeypatch):
    _fake(monkeypatch, "parity.context.service", "crime_rate_series", {2019: 1.0, 2020: 1.1})
    context = providers.Context({"params": {"offence": "sexual_offences"}}, None, None, None)
    series = providers.get("crime_rate").series(db, context)
    assert series.values == {} and "force by force" in series.reason


# --- the served kinds on the real figures of the other domains ---------------------------------
def _one(session, ref: str, force: str, as_of=None) -> dict:  # noqa: ANN001
    return next(i for i in service.status(session, force_id=force, as_of=as_of)
                if i["ref"] == ref)


def test_a_pay_gap_commitment_is_measured_on_the_published_returns(ctx_db):
    from parity.context import service as context

    data = _commitment("paygap", {"field": "DiffMedianHourlyPercent"}, baseline_year=2019,
                       target_value=10.0, target_date="2026-03-31")
    added = service.add_commitment(ctx_db, data=data, by="analyst", at=at(2019, 6, 1))
    published = context.paygap_series(ctx_db, force_id="kent", field="DiffMedianHourlyPercent")
    item = _one(ctx_db, added["ref"], "Kent", as_of=date(2024, 3, 30))
    [indicator] = item["indicators"]
    assert indicator["values"] == {y: v for y, v in published.items() if y <= 2023}
    assert item["baseline"] == published[2019] and item["baseline_year"] == 2019
    assert (item["latest"], item["latest_year"]) == (published[2022], 2022)
    assert item["unit"] == "pct" and item["status"] in ("on_track", "at_risk", "off_track")
    assert item["progress"] == pytest.approx((published[2022] - published[2019])
                                             / (10.0 - published[2019]))


def test_a_pay_gap_year_a_force_did_not_file_is_missing_not_green(ctx_db):
    """Merseyside filed no return for 31 March 2022: a report made before the 2023 snapshot
    expects that year, and its figures up to 2021 cannot show the target met."""
    data = _commitment("paygap", {"field": "DiffMeanHourlyPercent"}, baseline_year=2020,
                       target_value=30.0, target_date="2026-03-31")
    data["force"] = "Merseyside"
    added = service.add_commitment(ctx_db, data=data, by="analyst", at=at(2020, 6, 1))
    item = _one(ctx_db, added["ref"], "Merseyside", as_of=date(2023, 3, 1))
    [indicator] = item["indicators"]
    assert 2022 in indicator["missing_years"] and 2022 not in indicator["values"]
    assert item["status"] != "on_track" and "2022" in item["reason"]


def test_recorded_crime_context_is_the_ons_rate_per_1000(ctx_db):
    from parity.context import service as context

    service.ensure_defaults(ctx_db)  # the national commitments, as start-up loads them
    item = _one(ctx_db, "national-2019-2", "Kent")
    assert item["status"] == "no_data" and "context only" in item["reason"]
    for indicator in item["indicators"]:
        offence = indicator["params"]["offence"]
        rates = context.crime_rate_series(ctx_db, force_id="kent", offence=offence)
        assert rates and indicator["values"] == rates
        assert indicator["status"] is None and indicator["unit"] == "per_1000"
    data = _commitment("crime_rate", {"offence": "sexual_offences"}, baseline_year=2018,
                       target_value=3.0, target_date="2024-03-31")
    added = service.add_commitment(ctx_db, data=data, by="analyst", at=at(2019, 6, 1))
    mine = _one(ctx_db, added["ref"], "Kent", as_of=date(2019, 12, 31))
    rates = context.crime_rate_series(ctx_db, force_id="kent", offence="sexual_offences")
    assert (mine["baseline"], mine["latest"]) == (rates[2018], rates[2019])
    assert mine["status"] == "off_track" and "wrong way" in mine["reason"]


def test_a_flow_rate_commitment_is_measured_on_the_force_s_hr_extract(wf_db, dyfed_extract):
    from parity.flows import service as flows
    from parity.flows.importer import import_hr

    data = _commitment("flow_rate", {"rate": "leaving", "sex": "female", "rank": "constable"},
                       baseline_year=2019, direction="down")
    data["force"] = "Dyfed-Powys"
    added = service.add_commitment(wf_db, data=data, by="analyst", at=at(2019, 6, 1))
    before = next(i for i in service.status(wf_db, force_id="dyfed-powys", include_private=True)
                  if i["ref"] == added["ref"])
    assert before["status"] == "no_data"
    assert before["reason"] == ("No joiner, leaver and promotion rates are held for "
                                "Dyfed-Powys: they come from the force's own HR records, "
                                "which the force provides.")
    import_hr(wf_db, path=dyfed_extract, force="Dyfed-Powys")
    rates = flows.rate_series(wf_db, force_id="dyfed-powys", rate="leaving", sex="female",
                              rank="constable")
    mine = next(i for i in service.status(wf_db, force_id="Dyfed-Powys", include_private=True)
                if i["ref"] == added["ref"])
    [indicator] = mine["indicators"]
    assert rates and indicator["values"] == rates and indicator["unit"] == "rate"
    assert mine["baseline"] == rates[2019] and mine["latest"] == rates[max(rates)]
    assert mine["status"] in ("on_track", "at_risk", "off_track")
    review = service.review(wf_db, force_id="Dyfed-Powys", years=1, include_private=True)
    assert next(r for r in review if r["ref"] == added["ref"])["latest"] == mine["latest"]


def test_figures_from_a_force_s_hr_records_stay_out_of_public_answers(wf_db, dyfed_extract):
    """The rates come from the force's private HR extract (docs/decisions/0404, 0405): what
    the pages, the API and the report read (the default) shows the commitment as the force
    entered it (its target, the baseline it stated), never a figure computed from the
    records, and says why."""
    from parity.flows.importer import import_hr

    data = _commitment("flow_rate", {"rate": "leaving", "sex": "female", "rank": "constable"},
                       baseline_year=2019, direction="down", target_value=0.05,
                       target_date="2027-03-31", baseline_value=0.08,
                       baseline_evidence="HR report 2019")
    data["force"] = "Dyfed-Powys"
    added = service.add_commitment(wf_db, data=data, by="analyst", at=at(2019, 6, 1))
    import_hr(wf_db, path=dyfed_extract, force="Dyfed-Powys")
    public = _one(wf_db, added["ref"], "Dyfed-Powys")
    [indicator] = public["indicators"]
    assert public["status"] == "no_data"
    assert public["reason"] == ("It is measured on the force's own HR records, which are "
                                "private: see `parity commitments status` on the force's own "
                                "database.")
    assert (public["target"], public["target_date"]) == (0.05, "2027-03-31")
    assert indicator["baseline"] == 0.08  # as entered, with its evidence
    for key in ("latest", "progress", "projected", "trend_per_year", "change_1y",
                "change_3y"):
        assert indicator[key] is None, key
    assert indicator["values"] == {} and indicator["fitted"] == {}
    review = service.review(wf_db, force_id="Dyfed-Powys", years=1)
    assert next(r for r in review if r["ref"] == added["ref"])["latest"] is None
    row = next(r for r in service.overview(wf_db) if r["force_id"] == "dyfed-powys")
    assert next(c for c in row["commitments"] if c["ref"] == added["ref"])["latest"] is None


def test_parameters_the_serving_domain_would_refuse_are_refused_on_entry():
    assert providers.get("flow_rate").check({"rate": "promotion", "sex": "female",
                                             "rank": "sargeant"}) == [
        "rank must be one of all, constable, sergeant, inspector, chief_inspector, "
        "superintendent, chief_superintendent, chief_officer, not 'sargeant'"]
    assert providers.get("paygap").check({"field": "MedianGap"})[0].startswith(
        "field must be one of DiffMeanHourlyPercent")
    assert providers.get("crime_rate").check({"offence": "burglary"})[0].startswith(
        "offence must be one of")
