"""The open JSON API, version 1: exactly what `parity.workforce.service` returns.

Every endpoint answers the same figures as the matching CLI command with ``--json``
(``parity representation --json`` ...), so the API, the CLI, the pages and the report agree.
Bad input (an unknown area, group, measure or worker type; a year with no data) is a 400
with ``{"error": reason, "problems": [...]}``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from parity import vocabulary as v
from parity.forces import registry
from parity.present.deps import SessionDep
from parity.present.responses import to_jsonable
from parity.workforce import service

router = APIRouter(prefix="/api/v1", tags=["workforce"])

Area = Annotated[str, Query(
    description="A force (any publisher's spelling), a region, 'England', 'Wales' or "
                "'England and Wales' (the 43 territorial forces).")]
Year = Annotated[int | None, Query(description="As at 31 March of this year; default: the "
                                                "latest year held.")]
Group = Annotated[str, Query(description="Officer rank group; other worker types take 'all'.",
                             json_schema_extra={"enum": list(v.RANK_GROUPS)})]
Measure = Annotated[str, Query(description="FTE or headcount (specials and volunteers: "
                                           "headcount only).",
                               json_schema_extra={"enum": list(v.MEASURES)})]
WorkerType = Annotated[str, Query(description="The worker type.",
                                  json_schema_extra={"enum": list(v.WORKER_TYPES)})]
IncludeBtp = Annotated[bool, Query(description="Add British Transport Police to national "
                                               "figures.")]



@router.get("/representation", summary="Share of women for an area and year")
def representation(session: SessionDep, area: Area = "England and Wales", year: Year = None,
                   group: Group = "all", measure: Measure = "fte",
                   worker_type: WorkerType = "officer",
                   include_btp: IncludeBtp = False) -> dict[str, Any]:
    """Women, men, other recorded categories, total, `share_female` (women over all
    recorded), its 95% Wilson interval on headcount and the change on 1 and 5 years, with the
    years each compares (`share_female_change_1y_from_year` and `_5y_from_year` to `year`).
    Its interval is on headcount; with `measure=fte` the share is on FTE and may lie outside
    it, so `share_female_headcount` names the headcount share the interval surrounds (or ask
    `measure=headcount` for a share and interval on one measure)."""
    return to_jsonable(service.representation(
        session, area=area, year=service.year_or_latest(session, year), group=group, measure=measure,
        worker_type=worker_type, include_btp=include_btp))


@router.get("/trend", summary="Share of women year by year")
def trend(session: SessionDep, area: Area = "England and Wales", group: Group = "all",
          measure: Measure = "fte", worker_type: WorkerType = "officer",
          include_btp: IncludeBtp = False) -> dict[str, Any]:
    """Every year held, oldest first, each with its change on the year before."""
    return to_jsonable(service.trend(session, area=area, group=group, measure=measure,
                                     worker_type=worker_type, include_btp=include_btp))


@router.get("/league", summary="Forces ranked by their share of women")
def league(session: SessionDep, year: Year = None, group: Group = "all",
           measure: Measure = "fte", worker_type: WorkerType = "officer",
           include_btp: IncludeBtp = False) -> dict[str, Any]:
    """Highest share first (equal shares share a position), each force's senior gap (senior
    share minus all-officer share) and the England and Wales figure."""
    return to_jsonable(service.league(session, year=service.year_or_latest(session, year), group=group,
                                      measure=measure, worker_type=worker_type,
                                      include_btp=include_btp))


@router.get("/overview", summary="The national picture for a year")
def overview(session: SessionDep, year: Year = None,
             include_btp: IncludeBtp = False) -> dict[str, Any]:
    """Women among officers (all, middle, senior), staff, PCSOs and specials with the change
    on the year, and the five forces with the highest and lowest senior share."""
    return to_jsonable(service.overview(session, year=year, include_btp=include_btp))


@router.get("/forces", summary="The police forces Parity knows")
def forces() -> list[dict[str, Any]]:
    """Id, name, ONS police force area code, region, nation, kind and the other spellings
    (the same as ``parity forces --json``)."""
    return [{"id": f.id, "name": f.name, "code": f.code, "region": f.region,
             "nation": f.nation, "kind": f.kind, "aliases": list(f.aliases)}
            for f in registry().forces]
