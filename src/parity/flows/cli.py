"""Commands: import hr, flows, synth hr, project."""

from __future__ import annotations

from pathlib import Path

import typer

from parity.errors import InputError
from parity.flows.defaults import RUNS
from parity.present.commands import (
    JsonOption,
    app,
    bar,
    console,
    emit_json,
    handles_input_errors,
    import_app,
    pct,
    points,
    session,
    synth_app,
)
from parity.vocabulary import OFFICER_RANKS, SEXES

FORCE = typer.Option(..., "--force", help="The force (any name or id the registry knows).")
EXTRACT = typer.Argument(..., help="The HR extract (CSV or XLSX), one row per event.")
OUT = typer.Option(..., "--out", help="Where to write the extract (.csv or .xlsx).")


def _stderr_progress():  # noqa: ANN202
    from rich.console import Console  # deferred: rich costs ~0.5 s at start-up

    # deferred: rich costs ~0.5 s at start-up
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    err = Console(stderr=True)
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                    console=err, transient=True, disable=not err.is_terminal)


@import_app.command("hr")
@handles_input_errors
def import_hr_cmd(
    path: Path = EXTRACT,
    force: str = FORCE,
    replace_shorter: bool = typer.Option(
        False, "--replace-shorter", help="Replace the history held even though this extract "
                                         "covers less of it (starts later, ends earlier or "
                                         "names fewer people)."),
    as_json: bool = JsonOption,
) -> None:
    """Import a force's HR extract (joinings, promotions, changes, leavings)."""
    from parity.flows import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.flows.importer import import_hr

    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.workforce.service import ensure_loaded

    with _stderr_progress() as progress:
        progress.add_task(f"importing {path.name}", total=None)
        with session(ensure_loaded) as s:
            result = import_hr(s, path=path, force=force, replace_shorter=replace_shorter)
        with session() as s:
            check = service.reconciliation(s, force_id=result.force_id)
    summary = [_reconciliation_summary(y) for y in check["years"]]
    if as_json:
        emit_json({**result.__dict__, "reconciliation": summary})
        return
    out = console()
    if result.status == "unchanged":
        out.print(f"{result.file}: already imported for {result.force}, nothing changed.")
    else:
        span = f"{result.years[0]}–{result.years[-1]}" if result.years else "no 31 March"
        out.print(
            f"{result.file}: imported {result.rows:,} events of {result.people:,} people for "
            f"{result.force} (stocks implied on 31 March {span})"
            + (f", replacing {result.replaced_rows:,} earlier events." if result.replaced_rows
               else ".")
        )
    if summary:
        _print_reconciliation(result.force, summary)


def _reconciliation_summary(year: dict) -> dict:
    everyone = next(t for t in year["totals"] if t["sex"] == "all")
    return {"year": year["year"], "covered": year["covered"], "implied": everyone["implied"],
            "official": everyone["official"], "difference": everyone["difference"],
            "difference_share": everyone["difference_share"],
            "largest_difference_share": year["largest_difference_share"]}


def _print_reconciliation(force: str, summary: list[dict]) -> None:
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    table = Table(title=f"{force}: officers implied by the events against the Home Office "
                        "table (headcount, 31 March)",
                  caption="Grey: years before the extract's history begins (its first leaving);"
                          " people who left before then are missing.")
    for col in ("31 March", "implied", "official", "difference", "%",
                "largest rank/sex difference"):
        table.add_column(col, justify="right")
    for row in summary:
        share, worst = row["difference_share"], row["largest_difference_share"]
        table.add_row(str(row["year"]), _n(row["implied"]), _n(row["official"]),
                      "—" if row["difference"] is None else f"{row['difference']:+,.0f}",
                      "—" if share is None else f"{share * 100:+.1f}%",
                      "—" if worst is None else f"{worst * 100:.1f}%",
                      style=None if row["covered"] else "dim")
    console().print(table)


def _justify(value: str):  # noqa: ANN202
    from typing import cast

    from rich.console import JustifyMethod  # deferred: rich costs ~0.5 s at start-up

    return cast(JustifyMethod, value)


def _n(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _ratio(r: dict | None) -> str:
    if not r or r.get("suppressed"):
        return "suppressed" if r else "—"
    if r["ci_low"] is None:
        return "—"
    ratio = "—" if r["ratio"] is None else f"{r['ratio']:.2f}"
    high = "∞" if r["ci_high"] is None else f"{r['ci_high']:.2f}"
    return f"{ratio} ({r['ci_low']:.2f}–{high})"


@app.command("flows")
@handles_input_errors
def flows_cmd(
    force: str = FORCE,
    year: int = typer.Option(..., "--year", help="The flows year: April YEAR-1 to March YEAR."),
    as_json: bool = JsonOption,
) -> None:
    """Joiners, leavers and promotions by rank and sex for a year, with rates, the women/men
    rate ratios, the pipeline and the reconciliation with the official table."""
    from parity.flows import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.workforce.service import ensure_loaded

    with session(ensure_loaded) as s:
        result = service.flows(s, force_id=force, year=year)
    if as_json:
        emit_json(result)
        return
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up


    out = console()
    table = Table(title=f"{result['force']}: officer flows, {result['period_start']} to "
                        f"{result['period_end']} (groups under {result['min_group']} people "
                        "suppressed)")
    for col, just in (("rank", "left"), ("", "left"), ("start", "right"), ("join", "right"),
                      ("prom in", "right"), ("prom out", "right"), ("left", "right"),
                      ("moves", "right"), ("end", "right"), ("prom %", "right"),
                      ("leave %", "right")):
        table.add_column(col, justify=_justify(just))
    rows = [*result["ranks"], {"label": "All ranks", **result["all_ranks"]}]
    for row in rows:
        for sex, label in (("female", "women"), ("male", "men")):
            c = row[sex]
            moves = None if c["changed_in"] is None else c["changed_in"] - c["changed_out"]
            table.add_row(row["label"] if sex == "female" else "", label, _n(c["start"]),
                          _n(c["joiners"]), _n(c["promotions_in"]), _n(c["promotions_out"]),
                          _n(c["leavers"]), _n(moves), _n(c["end"]), pct(c["promotion_rate"]),
                          pct(c["leaving_rate"]))
    out.print(table)
    ratios = Table(title="Women's rate over men's (95% exact conditional interval)")
    for col in ("rank", "promotion", "leaving"):
        ratios.add_column(col, justify="left" if col == "rank" else "right")
    for row in rows:
        ratios.add_row(row["label"], _ratio(row["ratios"]["promotion"]),
                       _ratio(row["ratios"]["leaving"]))
    out.print(ratios)
    pipe = result["pipeline"]
    ptable = Table(title=f"Pipeline: women's share by rank, 31 March {result['year']} "
                         f"({pipe['basis']} headcount)")
    for col, just in (("rank", "left"), ("share", "right"), ("from rank below", "right"),
                      ("", "left"), ("promotion into (w/m)", "right"), ("leaving (w/m)", "right")):
        ptable.add_column(col, justify=_justify(just))
    for row in pipe["ranks"]:
        mark = " ◀ largest drop" if row["rank"] == pipe["largest_drop_rank"] else ""
        ptable.add_row(row["label"], pct(row["share_female"]),
                       points(row["share_female_change_from_below"]),
                       bar(row["share_female"], 25) + mark,
                       _ratio(row.get("promotion_into_ratio")), _ratio(row.get("leaving_ratio")))
    out.print(ptable)
    rec = result["reconciliation"]
    rtable = Table(title=f"Reconciliation with the Home Office table, 31 March {result['year']}")
    for col in ("rank", "sex", "implied", "official", "difference", "%"):
        rtable.add_column(col, justify="left" if col in ("rank", "sex") else "right")
    for row in [*rec["rows"], *rec["totals"]]:
        if not row["official"] and row["implied"] is None:
            continue  # no one in the table, and none shown from the events
        share = row["difference_share"]
        rtable.add_row(OFFICER_RANKS.get(row["rank"], "All ranks"),
                       SEXES.get(row["sex"], "Everyone"), _n(row["implied"]), _n(row["official"]),
                       "—" if row["difference"] is None else f"{row['difference']:+,.0f}",
                       "—" if share is None else f"{share * 100:+.1f}%")
    out.print(rtable)
    if not result["identity_holds"]:
        out.print("[bold red]The flows do not add up to the change in stock.[/bold red]")


@synth_app.command("hr")
@handles_input_errors
def synth_hr_cmd(
    force: str = FORCE,
    from_year: int = typer.Option(..., "--from", help="First 31 March snapshot (2007–2022)."),
    to_year: int = typer.Option(..., "--to", help="Last 31 March snapshot (up to 2023)."),
    out_file: Path = OUT,
    seed: int = typer.Option(0, "--seed", help="Random seed (the same seed, the same file)."),
    female_promotion_ratio: float = typer.Option(
        0.9, "--female-promotion-ratio", help="Women's promotion rate over men's (assumed)."),
    female_leaving_ratio: float = typer.Option(
        1.15, "--female-leaving-ratio", help="Women's leaving rate over men's (assumed)."),
    as_json: bool = JsonOption,
) -> None:
    """Write a synthetic HR extract whose stocks match the official table for the force."""
    # deferred: loads numpy (~0.2 s); `parity --help` stays fast
    from parity.flows.synth import SynthConfig, generate

    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.workforce.service import ensure_loaded

    if female_promotion_ratio < 0 or female_leaving_ratio < 0:
        raise InputError("the female rate ratios cannot be negative")
    config = SynthConfig(female_promotion_ratio=female_promotion_ratio,
                         female_leaving_ratio=female_leaving_ratio)
    with _stderr_progress() as progress:
        progress.add_task(f"generating {out_file.name}", total=None)
        with session(ensure_loaded) as s:
            result = generate(s, force=force, from_year=from_year, to_year=to_year, seed=seed,
                              config=config, out=out_file)
    if as_json:
        emit_json(result.__dict__)
        return
    console().print(f"{out_file}: {result.events:,} events of {result.people:,} people "
                    f"({result.force_id}, 31 March {from_year} to {to_year}, seed {seed}). "
                    "Synthetic: not real people.")


@app.command("project")
@handles_input_errors
def project_cmd(
    area: str = typer.Option(..., "--area", help="A force, region, or 'England and Wales'."),
    from_year: int = typer.Option(..., "--from", help="Start from the stock on 31 March of "
                                  "this year."),
    years: int = typer.Option(..., "--years", help="How many years to project."),
    recruit_share_female: float = typer.Option(
        None, "--recruit-share-female", help="Share of women among recruits (0 to 1)."),
    equal_promotion: bool = typer.Option(False, "--equal-promotion",
                                         help="Women promoted at men's rates."),
    equal_leaving: bool = typer.Option(False, "--equal-leaving",
                                       help="Women leave at men's rates."),
    intake: float = typer.Option(1.0, "--intake", help="Intake size as a multiple of the "
                                 "leavers (1 keeps the strength steady)."),
    target: float = typer.Option(None, "--target", help="Parity target for the senior share "
                                 "(default: the all-officer share)."),
    runs: int = typer.Option(RUNS, "--runs", help="Simulated runs."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    rates_file: Path = typer.Option(None, "--rates", help="A CSV or XLSX file of chosen "
                                    "rates (rank, sex, leaving_rate, promotion_rate); the "
                                    "national defaults elsewhere."),
    as_json: bool = JsonOption,
) -> None:
    """Project women's share by rank, and the year the senior share reaches parity, under
    the chosen scenario and the standard ones side by side."""
    from parity.flows import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.flows.projection import Scenario  # deferred: loads numpy (~0.2 s); `parity --help` stays fast

    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.workforce.service import ensure_loaded

    custom = (recruit_share_female is not None or equal_promotion or equal_leaving
              or intake != 1.0)
    scenario = Scenario("chosen", "Chosen scenario", recruit_share_female, equal_promotion,
                        equal_leaving, intake) if custom else Scenario()
    chosen_rates = None
    if rates_file is not None:
        # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
        from parity.flows.importer import read_rates

        chosen_rates = read_rates(rates_file)
    with session(ensure_loaded) as s:
        result = service.project(s, area=area, from_year=from_year, years=years,
                                 scenario=scenario, runs=runs, seed=seed, target=target,
                                 rates=chosen_rates)
    if as_json:
        emit_json(result)
        return
    _print_projection(result)


def sparkline(values: list[float | None], *, low: float, high: float, width: int = 24) -> str:
    """A one-line chart of a series (blank where a value is missing), scaled to low..high and
    sampled down to at most `width` characters."""
    ticks = "▁▂▃▄▅▆▇█"
    if len(values) > width:
        step = (len(values) - 1) / (width - 1)
        values = [values[round(k * step)] for k in range(width)]
    spread = (high - low) or 1.0
    return "".join(" " if v is None else ticks[min(7, max(0, int((v - low) / spread * 7.999)))]
                   for v in values)


def _print_projection(result: dict) -> None:
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    out = console()
    last = result["to_year"]
    table = Table(title=f"{result['area']}: women's share projected from 31 March "
                        f"{result['from_year']} ({result['runs']:,} runs, headcount; rates: "
                        f"{result['rates_source']})")
    for col, just in (("scenario", "left"), (f"all {last}", "right"),
                      (f"senior {last}", "right"), ("senior, 5–95%", "right"),
                      ("senior by year", "left"), ("parity year", "right"),
                      ("runs reaching", "right")):
        table.add_column(col, justify=_justify(just))
    every = [y["share_female"]["senior"] for sc in result["scenarios"] for y in sc["years"]]
    span = [v for v in every if v is not None]
    for sc in result["scenarios"]:
        end = sc["years"][-1]
        senior = end["share_female"]["senior"]
        band = f"{pct(end['share_female_low']['senior'])}–{pct(end['share_female_high']['senior'])}"
        style = "bold" if sc["name"] == result["scenario"]["name"] else None
        line = sparkline([y["share_female"]["senior"] for y in sc["years"]],
                         low=min(span, default=0.0), high=max(span, default=1.0))
        table.add_row(sc["label"], pct(end["share_female"]["all"]), pct(senior), band,
                      line, str(sc["parity_year"] or "not reached"),
                      pct(sc["parity_probability"], 0), style=style)
    out.print(table)
    chosen = next(sc for sc in result["scenarios"] if sc["name"] == result["scenario"]["name"])
    series = Table(title=f"{chosen['label']}: women's share by year (median of runs)")
    for col, just in (("31 March", "right"), ("all", "right"), ("middle", "right"),
                      ("senior", "right"), ("senior", "left")):
        series.add_column(col, justify=_justify(just))
    for y in chosen["years"]:
        sf = y["share_female"]
        series.add_row(str(y["year"]), pct(sf["all"]), pct(sf["middle"]), pct(sf["senior"]),
                       bar(sf["senior"], 30))
    out.print(series)
    out.print(f"Parity: {result['parity_definition']}. "
              + (f"Reached in {result['parity_year']}." if result["parity_year"]
                 else f"Not reached by {last}."))
    for note in result["notes"]:
        out.print(f"[dim]{note}[/dim]")
