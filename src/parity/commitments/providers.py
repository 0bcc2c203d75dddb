"""Indicator providers: one per indicator kind, each turning an indicator into yearly values.

A provider knows its parameters (`check` returns what is wrong with them), its unit, a label,
and how to get ``{31 March snapshot year: value}`` for a force (or nationally, force_id None).
`REGISTRY` maps a kind to its provider; `register` adds one.

Kinds: ``representation`` (the share of women for a rank group and worker type, from the
workforce domain), ``manual`` (values entered by hand with their evidence), and three served by
other domains, imported only when asked for: ``paygap`` (`parity.context.service.paygap_series`),
``crime_rate`` (`parity.context.service.crime_rate_series`) and ``flow_rate``
(`parity.flows.service.rate_series`). When such a domain is not installed, or holds nothing for
the force, the provider answers with no values and a reason, so the status is ``no_data``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from parity import calendar
from parity import vocabulary as v
from parity.commitments.metrics import UNITS
from parity.commitments.models import ManualValue as M
from parity.errors import InputError
from parity.forces import registry
from parity.workforce import service as ws


@dataclass
class Series:
    """Yearly values, the years the source holds (to notice a missing one), and, when there
    are no values, why."""

    values: dict[int, float] = field(default_factory=dict)
    expected_years: list[int] | None = None
    reason: str | None = None
    evidence: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """What a provider is asked for: the indicator (as stored in a snapshot), the force (None:
    England and Wales), the last snapshot year a report may use, the cut-off of a report as
    of a past moment (values entered later are left out; None: now), and the moment the
    report speaks for (``as_of``, or now: what is due by then)."""

    indicator: dict
    force_id: str | None
    last_year: int | None
    as_of: datetime | None
    moment: datetime | None = None


class Provider:
    kind: str = ""
    unit: str = "value"
    params: tuple[str, ...] = ()
    national: bool = False  # True when it can measure England and Wales as a whole
    private: bool = False  # True when its figures come from a force's own private records

    def check(self, params: dict) -> list[str]:
        """What is wrong with `params` (empty when they are fine)."""
        return [f"unknown parameter {k!r} for {self.kind}" for k in params if k not in self.params]

    def label(self, params: dict) -> str:
        return self.kind

    def series(self, session: Session, ctx: Context) -> Series:
        raise NotImplementedError


REGISTRY: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    REGISTRY[provider.kind] = provider
    return provider


def get(kind: str) -> Provider:
    try:
        return REGISTRY[kind]
    except KeyError:
        raise InputError(f"unknown indicator kind {kind!r}; expected one of "
                         f"{', '.join(sorted(REGISTRY))}") from None


def _span(years: list[int]) -> str:
    first, last = min(years), max(years)
    return f"31 March {first}" if first == last else f"31 March {first} to {last}"


def _cut(values: dict[int, float], last_year: int | None) -> dict[int, float]:
    return {y: v for y, v in values.items() if last_year is None or y <= last_year}


class Representation(Provider):
    """The share of women (women over all recorded) for a rank group and worker type, on FTE
    or headcount, for the force or England and Wales (the 43 territorial forces)."""

    kind, unit, national = "representation", "share", True
    params = ("group", "worker_type", "measure")
    DEFAULTS = {"group": "all", "worker_type": "officer", "measure": "fte"}

    def _full(self, params: dict) -> dict:
        return {**self.DEFAULTS, **params}

    def check(self, params: dict) -> list[str]:
        problems = super().check(params)
        p = self._full(params)
        if p["measure"] not in v.MEASURES:
            problems.append(f"measure must be fte or headcount, not {p['measure']!r}")
        if p["worker_type"] not in v.WORKER_TYPES:
            problems.append(f"worker_type must be one of {', '.join(v.WORKER_TYPES)}, "
                            f"not {p['worker_type']!r}")
        else:
            if p["measure"] == "fte" and p["worker_type"] in v.HEADCOUNT_ONLY:
                problems.append(f"{p['worker_type']} is counted by headcount only")
            try:
                v.ranks_in(p["group"], p["worker_type"])
            except ValueError as exc:
                problems.append(str(exc))
        return problems

    def label(self, params: dict) -> str:
        p = self._full(params)
        who = v.WORKER_TYPES.get(p["worker_type"], p["worker_type"]).lower() + "s"
        group = v.GROUP_LABELS.get(p["group"], p["group"])
        measure = "FTE" if p["measure"] == "fte" else p["measure"]
        return f"share of women among {who}, {group} ({measure})"

    def series(self, session: Session, ctx: Context) -> Series:
        p = self._full(ctx.indicator.get("params") or {})
        force_ids = (registry().area("England and Wales").force_ids if ctx.force_id is None
                     else (ctx.force_id,))
        values = ws.share_female_by_year(session, force_ids=force_ids, group=p["group"],
                                         worker_type=p["worker_type"], measure=p["measure"])
        expected = [y for y in ws.years_available(session)
                    if ctx.last_year is None or y <= ctx.last_year]
        values = _cut(values, ctx.last_year)
        reason = None
        if not values:
            where = "England and Wales" if ctx.force_id is None else \
                registry().get(ctx.force_id).name
            reason = (f"no workforce figures are held for {where}"
                      + ("" if expected else ": the Home Office workforce table has not been loaded "
                         "on this site"))
        return Series(values=values, expected_years=expected, reason=reason)


class Manual(Provider):
    """Values entered by hand (`parity commitments record`), each with its evidence. For a
    national commitment each force enters its own; the newest entry made on or before the
    report's moment wins for each year."""

    kind, unit, national = "manual", "value", True
    params = ("unit", "description")

    def check(self, params: dict) -> list[str]:
        problems = super().check(params)
        if params.get("unit", "value") not in UNITS:
            problems.append(f"unit must be one of {', '.join(UNITS)}")
        return problems

    def label(self, params: dict) -> str:
        return params.get("description") or "value entered by hand with its evidence"

    def series(self, session: Session, ctx: Context) -> Series:
        values: dict[int, float] = {}
        evidence: dict[int, str] = {}
        for row in self._entered(session, ctx):
            if ctx.last_year is None or row.year <= ctx.last_year:
                values[row.year], evidence[row.year] = row.value, row.evidence
        reason = None if values else ("no value has been entered yet: the force records it, with its "
                                        "evidence")
        return Series(values=values, reason=reason, evidence=evidence,
                      expected_years=self.due_years(ctx, values))

    @staticmethod
    def _entered(session: Session, ctx: Context) -> list[M]:
        """The values entered for the indicator and force by the cut-off, oldest first."""
        indicator_id = ctx.indicator.get("id")
        if ws.keeping():  # a report asks force by force: every value entered read once
            every = ws.kept(("commitments", "manual values", id(session), ctx.as_of),
                            lambda: _values_entered(session, ctx.as_of))
            return every.get((indicator_id, ctx.force_id), [])
        query = select(M).where(M.indicator_id == indicator_id)
        query = query.where(M.force_id.is_(None) if ctx.force_id is None
                            else M.force_id == ctx.force_id)
        if ctx.as_of is not None:
            query = query.where(M.entered_at <= ctx.as_of)
        return list(session.scalars(query.order_by(M.entered_at, M.id)))

    @staticmethod
    def due_years(ctx: Context, values: dict[int, float]) -> list[int] | None:
        """The years a value is due for by the report's moment: from the baseline year (else
        the first year entered), each 31 March year Y once 30 March Y+1 has passed, the
        reporting year a force has to enter it (docs/decisions/0505). A year left blank so
        shows as missing instead of the last value entered standing for it."""
        first = ctx.indicator.get("baseline_year") or (min(values) if values else None)
        if first is None or ctx.moment is None:
            return None
        day = ctx.moment.date()
        last = calendar.latest_reported_year(day)
        if ctx.last_year is not None:
            last = min(last, ctx.last_year)
        return list(range(int(first), last + 1))


def _values_entered(session: Session, as_of: datetime | None) -> dict[tuple, list[M]]:
    """{(indicator id, force id or None): the values entered by `as_of`, oldest first}."""
    query = select(M)
    if as_of is not None:
        query = query.where(M.entered_at <= as_of)
    out: dict[tuple, list[M]] = {}
    for row in session.scalars(query.order_by(M.entered_at, M.id)):
        out.setdefault((row.indicator_id, row.force_id), []).append(row)
    return out


class External(Provider):
    """A series served by another domain's service function, imported only when asked for.

    The function is called as ``function(session, force_id=..., <param>=...)`` and returns
    {31 March snapshot year: value}. A missing domain, a missing function, or its `InputError`
    all become no values with the reason."""

    national = False

    def __init__(self, kind: str, module: str, function: str, params: tuple[str, ...],
                 unit: str, describe: Callable[[dict], str], *, data: str = "figures",
                 hint: str = "",
                 expected: Callable[[Any, Session, str], list[int]] | None = None,
                 choices: Callable[[Any], dict[str, Any]] | None = None,
                 private: bool = False, withheld: str = ""):
        self.kind, self.module, self.function = kind, module, function
        # `withheld`: why the source may hold a year yet give no figure for it (small groups).
        self.withheld = withheld
        self.params, self.unit, self._describe = params, unit, describe
        # `data`: what the source holds, for reasons; `hint`: how to load it; `expected`:
        # (module, session, force id) -> the years the source holds for the force, so that a
        # year missing for this indicator is noticed (None: only gaps between held years).
        # `choices`: module -> {parameter: the values the service accepts}.
        self.data, self.hint, self.expected, self.choices = data, hint, expected, choices
        self.private = private

    def check(self, params: dict) -> list[str]:
        """Unknown or missing parameters; and, when the serving domain is installed, values
        its service would refuse (so a misspelt rank is refused on entry, not shown later
        as missing data)."""
        problems = super().check(params)
        problems += [f"{self.kind} needs the parameter {k!r}" for k in self.params
                     if not params.get(k)]
        function = self.load()
        if self.choices is None or isinstance(function, str):
            return problems
        try:
            allowed = self.choices(importlib.import_module(self.module))
        except (ImportError, AttributeError):  # a stand-in module: the service decides
            return problems
        for key, values in allowed.items():
            value = params.get(key)
            if value and value not in values:
                problems.append(f"{key} must be one of {', '.join(values)}, not {value!r}")
        return problems

    def label(self, params: dict) -> str:
        return self._describe(params)

    def load(self) -> Callable | str:
        """The service function, or why it cannot be had."""
        try:
            module = importlib.import_module(self.module)
        except ModuleNotFoundError as exc:
            if exc.name and self.module.startswith(exc.name):
                domain = self.module.split(".")[1]
                return f"the {domain} domain ({self.module}) is not installed in this build"
            return f"{self.module} could not be imported ({exc})"
        except ImportError as exc:
            return f"{self.module} could not be imported ({exc})"
        function = getattr(module, self.function, None)
        if function is None:
            return f"{self.module} has no {self.function}() in this build of Parity"
        return function

    def series(self, session: Session, ctx: Context) -> Series:
        if ctx.force_id is None:
            return Series(reason=f"{self.kind.replace('_', ' ')} indicators are measured force "
                                 "by force; there is no England and Wales figure")
        function = self.load()
        if isinstance(function, str):
            return Series(reason=function)
        params = {k: (ctx.indicator.get("params") or {}).get(k) for k in self.params}
        try:
            raw = function(session, force_id=ctx.force_id, **params)
        except InputError as exc:
            return Series(reason=exc.reason)
        values = {int(y): float(v) for y, v in (raw or {}).items() if v is not None}
        values = _cut(values, ctx.last_year)
        expected: list[int] = []
        if self.expected is not None:
            try:
                expected = [y for y in self.expected(importlib.import_module(self.module),
                                                     session, ctx.force_id)
                            if ctx.last_year is None or y <= ctx.last_year]
            except (InputError, AttributeError):  # a source that cannot say: gaps only
                expected = []
        if values:
            return Series(values=values, expected_years=sorted(expected) or None)

        force = registry().get(ctx.force_id).name
        if expected:
            reason = (f"no {self.data} are held for {force} for this measure, though the "
                      f"source holds {_span(expected)}")
            if self.withheld:
                reason = (f"no figure for {force} for this measure in {_span(expected)}: "
                          f"{self.withheld}")
        else:
            reason = f"no {self.data} are held for {force}" + (f": {self.hint}" if self.hint
                                                               else "")
        return Series(reason=reason)


register(Representation())
register(Manual())
def _paygap_years(module: Any, session: Session, force_id: str) -> list[int]:
    # A partial download (the latest year, taken before the deadline) expects nothing yet.
    return sorted(set(module.snapshot_years(session)) - set(module.partial_years(session)))


def _crime_years(module: Any, session: Session, force_id: str) -> list[int]:
    return sorted({p.year for p in module.crime_periods(session) if p.month == 3})


def _flow_years(module: Any, session: Session, force_id: str) -> list[int]:
    return list(module.flow_years(session, force_id=force_id))


register(External(
    "paygap", "parity.context.service", "paygap_series", ("field",), "pct",
    lambda p: f"published gender pay gap: {p.get('field', '?')}",
    data="published gender pay gap figures",
    hint="they come from the government's gender pay gap service",
    expected=_paygap_years, choices=lambda m: {"field": tuple(m.SERVICE_FIELDS)},
))
register(External(
    "crime_rate", "parity.context.service", "crime_rate_series", ("offence",), "per_1000",
    lambda p: f"recorded {str(p.get('offence', '?')).replace('_', ' ')} per 1,000 people",
    data="recorded crime rates",
    hint="they come from the ONS recorded crime tables",
    expected=_crime_years, choices=lambda m: {"offence": tuple(m.OFFENCES)},
))
register(External(
    "flow_rate", "parity.flows.service", "rate_series", ("rate", "sex", "rank"), "rate",
    lambda p: f"{p.get('rate', '?')} rate, {p.get('sex', '?')}, {p.get('rank', '?')}",
    data="joiner, leaver and promotion rates",
    hint="they come from the force's own HR records, which the force provides",
    expected=_flow_years,
    choices=lambda m: m.rate_choices(),
    private=True,  # rates from the force's HR extract (docs/decisions/0404, 0405)
    withheld="each year's group had fewer than 10 people, or no one at the start of the "
             "year, and its rate is withheld",
))


def unit_of(indicator: dict) -> str:
    """The unit of an indicator: its provider's, or for manual ones the unit entered."""
    provider = REGISTRY.get(indicator.get("kind", ""))
    if indicator.get("kind") == "manual":
        return (indicator.get("params") or {}).get("unit", "value")
    return provider.unit if provider else "value"
