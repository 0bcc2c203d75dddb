"""The JSON API answers exactly what the services answer; pages are JSON at ``.json``."""

from __future__ import annotations

import json

from parity.forces import registry
from parity.present.jsonable import to_jsonable
from parity.workforce import report as profiles
from parity.workforce import service


def same(payload) -> object:  # noqa: ANN001
    """What a service result becomes once written as JSON (as `parity ... --json` writes it)."""
    return json.loads(json.dumps(to_jsonable(payload)))


def test_api_equals_service(client, session):
    checks = {
        "/api/v1/representation?area=Metropolitan%20Police&year=2023&group=senior":
            service.representation(session, area="Metropolitan Police", year=2023,
                                   group="senior", measure="fte"),
        "/api/v1/representation?area=Wales&year=2015&measure=headcount":
            service.representation(session, area="Wales", year=2015, measure="headcount"),
        "/api/v1/trend?area=North%20Yorkshire&group=middle":
            service.trend(session, area="North Yorkshire", group="middle"),
        "/api/v1/league?year=2022&worker_type=staff":
            service.league(session, year=2022, worker_type="staff"),
        "/api/v1/overview": service.overview(session),
    }
    for url, expected in checks.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.json() == same(expected), url
    met = client.get("/api/v1/representation",
                     params={"area": "Metropolitan Police", "group": "senior"}).json()
    assert round(met["share_female"], 4) == 0.2441
    forces = client.get("/api/v1/forces").json()
    assert [f["id"] for f in forces] == [f.id for f in registry().forces]


def test_pages_as_json(client, session):
    assert client.get("/league.json?group=senior").json() == \
        client.get("/api/v1/league?group=senior").json()
    assert client.get("/league?group=senior&format=json").json() == \
        client.get("/api/v1/league?group=senior").json()
    met = client.get("/forces/metropolitan-police.json").json()
    assert met == same(profiles.force_profile(session, force_id="metropolitan-police"))
    assert met["groups"][2]["position"] == 41
    home = client.get("/index.json").json()
    assert home["overview"] == client.get("/api/v1/overview").json()


def test_bad_input_is_a_400_with_the_reason(client):
    response = client.get("/api/v1/league", params={"group": "nonsense"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"].startswith("unknown rank group 'nonsense'")
    response = client.get("/api/v1/representation", params={"area": "Atlantis"})
    assert response.status_code == 400
    assert "unknown area 'Atlantis'" in response.json()["error"]
    response = client.get("/api/v1/representation", params={"worker_type": "special"})
    assert response.status_code == 400
    assert "headcount only" in response.json()["error"]


def test_openapi_and_docs(client):
    spec = client.get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/v1/representation", "/api/v1/trend", "/api/v1/league", "/api/v1/overview",
            "/api/v1/forces"} <= paths
    assert all(p.startswith("/api/") for p in paths)  # pages are not in the API description
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    for path in paths:
        assert path in docs.text
