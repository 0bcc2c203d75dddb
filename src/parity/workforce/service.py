"""Reads of the workforce tables, and the representation figures built on them.

Every front end (CLI, API, dashboard, report) and every other domain asks here; none reads
``workforce_counts`` directly. Functions take the session first and keyword-only arguments.
`area` is anything `parity.forces.Registry.area` resolves: a force, a region, "England",
"Wales" or "England and Wales" (the 43 territorial forces; BTP only with ``include_btp``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from sqlalchemy import Float, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from parity import vocabulary as v
from parity.errors import InputError
from parity.forces import Area, registry
from parity.workforce import metrics
from parity.workforce.editions import current_editions as current_editions
from parity.workforce.editions import source_note as source_note
from parity.workforce.importer import KIND as KIND
from parity.workforce.importer import import_workforce
from parity.workforce.models import WorkforceCount as W

# The force-years held (which edition gives each): what has figures, without reading them.
from parity.workforce.models import WorkforceCurrent as C

T = TypeVar("T")


class exact_sum(FunctionElement):  # noqa: N801 (an SQL function's name)
    """SUM whose result does not depend on the order rows come in. The current figures are a
    view (decision 0901) whose plan PostgreSQL may change as its statistics do, and a double's
    sum changes in its last bits with the order: summed as NUMERIC there (every figure holds
    ten significant digits, `parity.tabular.round_figure`, so exactly). SQLite's plan does not
    change by itself: its own SUM."""

    type = Float()
    inherit_cache = True


@compiles(exact_sum)
def _sum(element, compiler, **kw) -> str:  # noqa: ANN001
    return f"sum({compiler.process(element.clauses, **kw)})"


@compiles(exact_sum, "postgresql")
def _sum_numeric(element, compiler, **kw) -> str:  # noqa: ANN001
    return f"CAST(sum(CAST({compiler.process(element.clauses, **kw)} AS NUMERIC)) AS FLOAT)"


def _check(group: str, measure: str, worker_type: str) -> tuple[str, ...] | None:
    if measure not in v.MEASURES:
        raise InputError(f"unknown measure {measure!r}; expected fte or headcount")
    if worker_type not in v.WORKER_TYPES:
        raise InputError(
            f"unknown worker type {worker_type!r}; expected one of {', '.join(v.WORKER_TYPES)}"
        )
    if measure == "fte" and worker_type in v.HEADCOUNT_ONLY:
        raise InputError(
            f"{v.WORKER_TYPES[worker_type].lower()}s are counted by headcount only; "
            "use --measure headcount"
        )
    try:
        return v.ranks_in(group, worker_type)
    except ValueError as exc:
        raise InputError(str(exc)) from exc


def _filters(force_ids, worker_type: str, ranks: tuple[str, ...] | None) -> list:  # noqa: ANN001
    conds = [W.force_id.in_(list(force_ids)), W.worker_type == worker_type]
    if ranks is not None:
        conds.append(W.rank.in_(list(ranks)))
    return conds


# Reads answered from memory while a report is built (`reads_kept`): {question: answer}.
_KEPT: ContextVar[dict | None] = ContextVar("workforce_reads_kept", default=None)


@contextmanager
def reads_kept() -> Iterator[None]:
    """Within this block the same question asked again (the report's sections ask the same
    forces, ranks and years many times over) is answered from memory, not the database: for
    a build, during which the tables do not change. Other domains keep their own reads in the
    same block through `kept`."""
    token = _KEPT.set({})
    try:
        yield
    finally:
        _KEPT.reset(token)


def kept(question: tuple, read: Callable[[], T]) -> T:
    """`read()`, asked once per `question` within `reads_kept` and answered from memory after
    (outside the block, every time). `question` holds every input of the read, the session's
    ``id`` among them, and starts with the asking domain's name; the answer is shared by every
    caller, so none may change it."""
    memory = _KEPT.get()
    if memory is None:
        return read()
    if question not in memory:
        memory[question] = read()
    return memory[question]


def keeping() -> bool:
    """Whether reads are kept (within `reads_kept`): a caller about to ask the same read for
    each force in turn may then read every force's at once and keep it."""
    return _KEPT.get() is not None


def kept_per_force(question: tuple, force_id: str, one: Callable[[], T],
                   every: Callable[[], dict[str, T]], *, missing: T) -> T:
    """`question` asked for one force: `one()`, kept as `kept` keeps it. Within `reads_kept`,
    once a second force is asked the same question (a report asks force by force), `every()`
    -- {force_id: answer} for every force, in one read -- is read instead and answers the
    rest (`missing` for a force it lacks); a force's own report reads its force alone."""
    memory = _KEPT.get()
    if memory is None:
        return one()
    asked = memory.setdefault(("forces asked", *question), set())
    asked.add(force_id)
    if (*question, force_id) not in memory and len(asked) > 1:
        memory[(*question, force_id)] = kept(("every force", *question), every).get(
            force_id, missing)
    return kept((*question, force_id), one)


def _copied(counts: tuple[dict, dict]) -> tuple[dict, dict]:
    fte, head = counts
    return {k: dict(v) for k, v in fte.items()}, {k: dict(v) for k, v in head.items()}


def _kept(question: tuple, read) -> tuple[dict, dict]:  # noqa: ANN001
    return _copied(kept(question, read))


def counts_by_year_and_sex(
    session: Session, *, force_ids, worker_type: str = "officer",  # noqa: ANN001
    ranks: tuple[str, ...] | None = None, years: list[int] | None = None,
) -> tuple[dict[int, dict[str, float]], dict[int, dict[str, float]]]:
    """({year: {sex: FTE}}, {year: {sex: headcount}}) summed over the forces and ranks given."""
    force_ids = tuple(force_ids)
    shape = (worker_type, None if ranks is None else tuple(ranks),
             None if years is None else tuple(years))
    conds = _filters(force_ids, worker_type, ranks)
    if years is not None:
        conds.append(W.year.in_(years))
    question = ("workforce", "by year", id(session), force_ids, *shape)
    every = tuple(f.id for f in registry().forces)
    if len(force_ids) == 1 and force_ids[0] in every:
        return _copied(kept_per_force(
            ("workforce", "by year of a force", id(session), *shape), force_ids[0],
            lambda: _fte_and_headcount_by(session, W.year, conds),
            lambda: _by_force_and_year(session, every, worker_type, ranks, years),
            missing=({}, {})))
    return _kept(question, lambda: _fte_and_headcount_by(session, W.year, conds))


def _by_force_and_year(session: Session, force_ids: tuple[str, ...], worker_type: str,
                       ranks: tuple[str, ...] | None, years: list[int] | None) -> dict:
    """{force_id: `counts_by_year_and_sex` of that force alone}, in one read."""
    conds = _filters(force_ids, worker_type, ranks)
    if years is not None:
        conds.append(W.year.in_(years))
    query = (select(W.force_id, W.year, W.sex, exact_sum(W.fte), exact_sum(W.headcount))
             .where(*conds).group_by(W.force_id, W.year, W.sex))
    out: dict = {}
    for force_id, year, sex, fte_sum, head_sum in session.execute(query):
        fte, head = out.setdefault(force_id, ({}, {}))
        if fte_sum is not None:
            fte.setdefault(year, {})[sex] = float(fte_sum)
        head.setdefault(year, {})[sex] = float(head_sum)
    return out


def counts_by_force_and_sex(
    session: Session, *, year: int, worker_type: str = "officer",
    ranks: tuple[str, ...] | None = None, force_ids=None,  # noqa: ANN001
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """({force_id: {sex: FTE}}, {force_id: {sex: headcount}}) for one year."""
    conds = [W.year == year, W.worker_type == worker_type]
    if ranks is not None:
        conds.append(W.rank.in_(list(ranks)))
    if force_ids is not None:
        force_ids = tuple(force_ids)
        conds.append(W.force_id.in_(list(force_ids)))
    question = ("workforce", "by force", id(session), year, worker_type,
                None if ranks is None else tuple(ranks),
                None if force_ids is None else tuple(force_ids))
    return _kept(question, lambda: _fte_and_headcount_by(session, W.force_id, conds))


def _fte_and_headcount_by(session: Session, key, conds: list) -> tuple[dict, dict]:  # noqa: ANN001
    """({key: {sex: FTE}}, {key: {sex: headcount}}) over the rows matching `conds`; a group
    whose FTE is all blank has no FTE entry."""
    query = (select(key, W.sex, exact_sum(W.fte), exact_sum(W.headcount)).where(*conds)
             .group_by(key, W.sex))
    fte: dict = defaultdict(dict)
    head: dict = defaultdict(dict)
    for value, sex, fte_sum, head_sum in session.execute(query):
        if fte_sum is not None:
            fte[value][sex] = float(fte_sum)
        head[value][sex] = float(head_sum)
    return dict(fte), dict(head)


def stock_by_rank_and_sex(
    session: Session, *, force_ids, year: int, worker_type: str = "officer",  # noqa: ANN001
    measure: str = "headcount",
) -> dict[str, dict[str, float]]:
    """{rank: {sex: value}} for one year, summed over the forces given (for flows/projections)."""
    column = W.headcount if measure == "headcount" else W.fte
    query = (
        select(W.rank, W.sex, exact_sum(column))
        .where(W.year == year, W.worker_type == worker_type, W.force_id.in_(list(force_ids)))
        .group_by(W.rank, W.sex)
    )
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for rank, sex, value in session.execute(query):
        out[rank][sex] = float(value or 0.0)
    return dict(out)


def stocks_by_rank_and_sex(
    session: Session, *, force_ids, years, worker_type: str = "officer",  # noqa: ANN001
) -> dict[int, dict[str, dict[str, float]]]:
    """{year: {rank: {sex: headcount}}} for several years in one query, summed over the
    forces given; a year without figures is left out (`stock_by_rank_and_sex`, year by
    year)."""
    query = (
        select(W.year, W.rank, W.sex, exact_sum(W.headcount))
        .where(W.year.in_(list(years)), W.worker_type == worker_type,
               W.force_id.in_(list(force_ids)))
        .group_by(W.year, W.rank, W.sex)
    )
    out: dict[int, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for year, rank, sex, value in session.execute(query):
        out[year][rank][sex] = float(value or 0.0)
    return {year: dict(ranks) for year, ranks in out.items()}


def years_available(session: Session) -> list[int]:
    """The 31 March years held, oldest first."""
    return list(kept(("workforce", "years", id(session)), lambda: tuple(
        session.scalars(select(C.year).distinct().order_by(C.year)))))


def years_held(session: Session, force_ids: Iterable[str]) -> str:
    """The years the table holds for these forces, as a note for a message: "years held: 2007
    to 2023", or what to run when there are none."""
    years = list(session.scalars(select(C.year).distinct().where(
        C.force_id.in_(list(force_ids))).order_by(C.year)))
    return f"years held: {years[0]} to {years[-1]}" if years else \
        "none held: load a table with `parity import workforce`"


def year_or_latest(session: Session, year: int | None) -> int:
    """`year`, or by default the latest year held: the one home of that default for the
    pages, the API, the CLI and the report. `InputError` when nothing is held."""
    year = year or latest_year(session)
    if year is None:
        raise InputError("no workforce data: run `parity import workforce` first")
    return year


def latest_year(session: Session, *, on_or_before: int | None = None) -> int | None:
    query = select(func.max(C.year))
    if on_or_before is not None:
        query = query.where(C.year <= on_or_before)
    return session.scalar(query)


def forces_with_data(session: Session) -> list[str]:
    return list(session.scalars(select(C.force_id).distinct().order_by(C.force_id)))


def resolve_area(area: str | Area, *, include_btp: bool = False) -> Area:
    if isinstance(area, Area):
        return area
    return registry().area(area, include_btp=include_btp)


def _pick(measure: str, fte: dict, head: dict) -> dict:
    return fte if measure == "fte" else head


def representation(
    session: Session, *, area: str | Area, year: int, group: str = "all",
    measure: str = "fte", worker_type: str = "officer", include_btp: bool = False,
) -> dict:
    """The share of women for an area, year, worker type and rank group, on FTE or headcount.

    Returns the counts of women, men and other recorded categories, the total, ``share_female``
    (women over all recorded), a 95% Wilson interval computed on headcount with the headcount
    share it surrounds (``share_female_headcount``), and the change in
    the share on the previous year and on five years before (None where a year is missing),
    with the years they compare (``share_female_change_1y_from_year`` ... to ``year``).
    Raises `InputError` for an unknown area, group, measure or worker type, or a year with no
    data.
    """
    ranks = _check(group, measure, worker_type)
    resolved = resolve_area(area, include_btp=include_btp)
    fte, head = counts_by_year_and_sex(
        session, force_ids=resolved.force_ids, worker_type=worker_type, ranks=ranks,
        years=[year, year - 1, year - 5],
    )
    values = _pick(measure, fte, head)
    if year not in head:
        raise InputError(f"no workforce data for {resolved.name} in {year} "
                         f"({years_held(session, resolved.force_ids)})")
    result = {
        "area": resolved.name, "area_kind": resolved.kind, "year": year, "group": group,
        "worker_type": worker_type, "measure": measure, "includes_btp": resolved.includes_btp,
        **metrics.summarise(values.get(year, {}), head.get(year)),
    }
    # The interval is on headcount (whole people); its own centre is named beside it, so an FTE
    # share is never read against an interval drawn on another measure.
    result["share_female_headcount"] = metrics.summarise(head.get(year, {}))["share_female"]
    previous = metrics.summarise(values[year - 1])["share_female"] if year - 1 in values else None
    earlier = metrics.summarise(values[year - 5])["share_female"] if year - 5 in values else None
    result["share_female_previous_year"] = previous
    result["share_female_five_years_before"] = earlier
    result["share_female_change_1y"] = metrics.change(result["share_female"], previous)
    result["share_female_change_5y"] = metrics.change(result["share_female"], earlier)
    # The years each change compares, named in the answer (31 March of each).
    result["share_female_change_1y_from_year"] = year - 1
    result["share_female_change_5y_from_year"] = year - 5
    return result


def share_female_by_year(session: Session, *, force_ids: Iterable[str], group: str = "all",
                         worker_type: str = "officer", measure: str = "fte") -> dict[int, float]:
    """{year: share of women (women over all recorded)} for these forces together, every year
    held with a share (a commitment's representation indicator)."""
    ranks = v.ranks_in(group, worker_type)
    fte, head = counts_by_year_and_sex(session, force_ids=tuple(force_ids),
                                       worker_type=worker_type, ranks=ranks)
    values = {}
    for year, by_sex in (fte if measure == "fte" else head).items():
        share = metrics.summarise(by_sex)["share_female"]
        if share is not None:
            values[year] = share
    return values


def trend(
    session: Session, *, area: str | Area, group: str = "all", measure: str = "fte",
    worker_type: str = "officer", include_btp: bool = False,
) -> dict:
    """The share of women year by year (every year held), with each year's change."""
    ranks = _check(group, measure, worker_type)
    resolved = resolve_area(area, include_btp=include_btp)
    fte, head = counts_by_year_and_sex(
        session, force_ids=resolved.force_ids, worker_type=worker_type, ranks=ranks
    )
    return {
        "area": resolved.name, "area_kind": resolved.kind, "group": group,
        "worker_type": worker_type, "measure": measure,
        "years": metrics.series(_pick(measure, fte, head), head),
    }


def league(
    session: Session, *, year: int, group: str = "all", measure: str = "fte",
    worker_type: str = "officer", include_btp: bool = False,
) -> dict:
    """Forces ranked by their share of women (highest first), with each force's senior gap
    (senior share minus all-officer share, for officers) and the England and Wales figure."""
    ranks = _check(group, measure, worker_type)
    ids = [f.id for f in registry().forces if f.territorial or (include_btp and f.kind == "national")]
    fte, head = counts_by_force_and_sex(
        session, year=year, worker_type=worker_type, ranks=ranks, force_ids=ids
    )
    values = _pick(measure, fte, head)
    if not head:
        raise InputError(f"no workforce data for {year}")
    summaries = {fid: metrics.summarise(values.get(fid, {}), head.get(fid)) for fid in head}
    gaps = senior_gaps(session, year=year, measure=measure, force_ids=list(head)) \
        if worker_type == "officer" else {}
    rows = []
    for position, fid, _share in metrics.rank_table({k: s["share_female"] for k, s in summaries.items()}):
        force = registry().get(fid)
        rows.append({
            "position": position, "force_id": fid, "force": force.name, "region": force.region,
            **summaries[fid], "senior_gap": gaps.get(fid),
        })
    national = representation(session, area="England and Wales", year=year, group=group,
                              measure=measure, worker_type=worker_type, include_btp=include_btp)
    return {"year": year, "group": group, "measure": measure, "worker_type": worker_type,
            "forces": rows, "england_and_wales": national}


def senior_gaps(session: Session, *, year: int, measure: str = "fte",
                force_ids: list[str] | None = None) -> dict[str, float | None]:
    """{force_id: senior share of women minus all-officer share} for one year."""
    out = {}
    fte_s, head_s = counts_by_force_and_sex(session, year=year, ranks=v.RANK_GROUPS["senior"],
                                            force_ids=force_ids)
    fte_a, head_a = counts_by_force_and_sex(session, year=year, ranks=v.RANK_GROUPS["all"],
                                            force_ids=force_ids)
    senior, everyone = _pick(measure, fte_s, head_s), _pick(measure, fte_a, head_a)
    for fid in everyone:
        s = metrics.summarise(senior.get(fid, {}))["share_female"]
        a = metrics.summarise(everyone[fid])["share_female"]
        out[fid] = metrics.change(s, a)
    return out


OVERVIEW_LINES: tuple[tuple[str, str, str, str], ...] = (
    # (label, worker type, group, measure)
    ("Police officers, all ranks", "officer", "all", "fte"),
    ("Middle management (Sergeant, Inspector)", "officer", "middle", "fte"),
    ("Senior leadership (Chief Inspector and above)", "officer", "senior", "fte"),
    ("Police staff", "staff", "all", "fte"),
    ("PCSOs", "pcso", "all", "fte"),
    ("Special constables", "special", "all", "headcount"),
)


def overview(session: Session, *, year: int | None = None, include_btp: bool = False) -> dict:
    """The national picture for a year: women among officers (all, middle, senior), staff,
    PCSOs and specials with the change on the previous year, and the forces with the highest
    and lowest senior share. Defaults to the latest year held."""
    year = year or latest_year(session)
    if year is None:
        raise InputError("no workforce data: run `parity import workforce` first")
    lines = []
    for label, worker_type, group, measure in OVERVIEW_LINES:
        item = representation(session, area="England and Wales", year=year, group=group,
                              measure=measure, worker_type=worker_type, include_btp=include_btp)
        lines.append({"label": label, **item})
    table = league(session, year=year, group="senior", measure="fte")["forces"]
    keep = ("position", "force_id", "force", "share_female", "female", "total")
    ranked = [{k: r[k] for k in keep} for r in table if r["share_female"] is not None]
    return {"area": "England and Wales", "year": year, "lines": lines,
            "senior_highest": ranked[:5], "senior_lowest": ranked[-5:][::-1]}


def ensure_loaded(session: Session) -> bool:
    """Import the bundled Home Office table if no workforce data are held; True if it did.

    For commands and generators that need the official figures on a fresh database.
    """
    if latest_year(session) is not None:
        return False

    import_workforce(session)
    session.flush()
    return True
