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
    item = next(i for i in service.status(db, force_id="kent") if i["ref"] == added["ref"])
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
    item = next(i for i in service.status(db, force_id="kent") if i["ref"] == added["ref"])
    assert calls[0] == {"force_id": "kent", "field": "DiffMedianHourlyPercent"}
    assert item["status"] == "on_track" and item["unit"] == "pct"
    assert (item["baseline"], item["latest"], item["target"]) == (16.0, 12.0, 9.0)
    old = next(i for i in service.status(db, force_id="kent", as_of=date(2020, 12, 31))
               if i["ref"] == added["ref"])
    assert old["latest_year"] == 2020


def test_a_domain_answering_nothing_or_refusing_is_no_data(db, monkeypatch):
    _fake(monkeypatch, "parity.flows.service", "rate_series", {})
    data = _commitment("flow_rate", {"rate": "promotion", "sex": "female", "rank": "sergeant"})
    added = service.add_commitment(db, data=data, at=at(2019, 6, 1))
    item = next(i for i in service.status(db, force_id="kent") if i["ref"] == added["ref"])
    assert item["status"] == "no_data" and "holds no figures for kent" in item["reason"]
    _fake(monkeypatch, "parity.flows.service", "rate_series",
          InputError("no HR extract has been imported for Kent"))
    item = next(i for i in service.status(db, force_id="kent") if i["ref"] == added["ref"])
    assert item["reason"] == "No HR extract has been imported for Kent."


def test_national_figures_are_not_asked_of_force_only_providers(db, monkeypatch):
    _fake(monkeypatch, "parity.context.service", "crime_rate_series", {2019: 1.0, 2020: 1.1})
    context = providers.Context({"params": {"offence": "sexual_offences"}}, None, None, None)
    series = providers.get("crime_rate").series(db, context)
    assert series.values == {} and "force by force" in series.reason
