"""Commands: import articles, synth articles, and the ``parity library`` group (search,
similar, show, check, tag, themes)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from parity.errors import InputError
from parity.library.validation import BadFile, parse_date
from parity.present.commands import (
    JsonOption,
    ParityGroup,
    app,
    console,
    emit_json,
    handles_input_errors,
    import_app,
    pct,
    session,
    synth_app,
)

library_app = typer.Typer(help="The best-practice library: search, tag and check articles.",
                          no_args_is_help=True, cls=ParityGroup)
app.add_typer(library_app, name="library")

FORCE = typer.Option(None, "--force", help="Only articles about this force (any spelling).")
REGION = typer.Option(None, "--region", help="Only articles about forces in this region.")
THEME = typer.Option(None, "--theme", help="Only articles with this theme (see "
                     "`parity library themes`).")
LIMIT = typer.Option(10, "--limit", help="How many hits to show.")


def _date(value: str | None, flag: str) -> date | None:
    if not value:
        return None

    try:
        return parse_date(value, key=flag)
    except BadFile as exc:
        raise InputError(str(exc)) from exc


def _rich_snippet(snippet: str) -> str:
    import html

    from rich.markup import escape  # deferred: rich costs ~0.5 s at start-up

    text = escape(html.unescape(snippet.replace("<mark>", "\x02").replace("</mark>", "\x03")))
    return text.replace("\x02", "[bold yellow]").replace("\x03", "[/bold yellow]")


@import_app.command("articles")
@handles_input_errors
def import_articles_cmd(
    path: Annotated[Path, typer.Argument(help="A Markdown (.md) or saved HTML (.html) article, "
                                         "or a folder of them (searched recursively).")],
    strict: bool = typer.Option(False, "--strict", help="Any bad file fails the whole import "
                                "(exit status 2, nothing written)."),
    as_json: bool = JsonOption,
) -> None:
    """Import best-practice articles: Markdown with YAML front matter, or saved web pages."""
    # deferred: the readers and the theme rules; `parity --help` stays fast
    from parity.library.importer import ReadAhead, import_articles

    # The files are read in worker processes from here on, while this one loads the database
    # layer and opens the database (`ReadAhead`).
    ahead = ReadAhead(path)
    from rich.console import Console  # deferred: rich costs ~0.5 s at start-up

    # deferred: rich costs ~0.5 s at start-up
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    err = Console(stderr=True)
    with ahead, Progress("[progress.description]{task.description}", BarColumn(),
                         MofNCompleteColumn(), TimeRemainingColumn(), console=err,
                         transient=True) as bar, session() as s:
        task = bar.add_task("reading articles", total=None)
        report = import_articles(
            s, path=path, strict=strict, ahead=ahead,
            on_total=lambda n: bar.update(task, total=n),
            progress=lambda n: bar.advance(task, n),
            on_stage=lambda text: bar.update(task, description=text),
        )
        bar.update(task, description="committing")
    for problem in report.problems:
        err.print(f"[yellow]skipped[/yellow] {problem}", highlight=False, markup=True)
    if as_json:
        emit_json(report.as_dict())
        return
    parts = [f"{report.imported:,} new", f"{report.updated:,} updated",
             f"{report.unchanged:,} unchanged"]
    if report.duplicates:
        parts.append(f"{report.duplicates:,} duplicates merged")
    if report.problems:
        parts.append(f"{len(report.problems):,} bad files skipped")
    console().print(f"{path}: {report.files:,} files: " + ", ".join(parts) + ".")


@synth_app.command("articles")
@handles_input_errors
def synth_articles_cmd(
    folder: Annotated[Path, typer.Argument(help="Folder to write into (a sub-folder per force).")],
    count: int = typer.Option(100, "--count", help="How many articles."),
    seed: int = typer.Option(0, "--seed"),
    html_share: float = typer.Option(0.0, "--html-share", help="Share of articles written as "
                                     "saved HTML pages (0 to 1)."),
) -> None:
    """Write made-up force news articles (Markdown with front matter, or saved HTML pages)."""
    if count < 1 or not 0 <= html_share <= 1:
        raise InputError("--count must be at least 1 and --html-share between 0 and 1")
    from parity.library.samples import write_corpus  # deferred: only this command writes articles

    paths = write_corpus(folder, count=count, seed=seed, html_share=html_share)
    console().print(f"wrote {len(paths):,} articles under {folder}")


@library_app.command("search")
@handles_input_errors
def search_cmd(
    query: str = typer.Argument(..., help='Words (all must match), "a phrase", word* or '
                                "a OR b."),
    force: str = FORCE, region: str = REGION, theme: str = THEME,
    date_from: str = typer.Option(None, "--from", help="Published on or after (e.g. 2021-01-01)."),
    date_to: str = typer.Option(None, "--to", help="Published on or before."),
    limit: int = LIMIT, as_json: bool = JsonOption,
) -> None:
    """Full-text search of the library, best matches first, with highlighted snippets."""
    from parity.library import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session() as s:
        result = service.search(s, query=query, force=force, region=region, theme=theme,
                                date_from=_date(date_from, "--from"),
                                date_to=_date(date_to, "--to"), limit=limit)
    if as_json:
        emit_json(result)
        return
    total = result["total"]
    _print_hits(result["hits"], f"{total:,} article{'s match' if total != 1 else ' matches'} "
                f"{query!r}")


def _print_hits(hits: list[dict], heading: str) -> None:
    out = console()
    out.print(f"[bold]{heading}[/bold]" + ("" if hits else ": none"))
    for hit in hits:
        out.print(f"\n[bold]{hit['id']}[/bold]  [bold cyan]{hit['title']}[/bold cyan]",
                  highlight=False)
        meta = " · ".join(x for x in (hit["area"], hit["published"],
                                      ", ".join(hit["themes"])) if x)
        out.print(f"    {meta}", style="dim", highlight=False)
        if hit["url"]:
            out.print(f"    {hit['url']}", style="dim", highlight=False)
        out.print(f"    {_rich_snippet(hit['snippet'])}", highlight=False)


@library_app.command("similar")
@handles_input_errors
def similar_cmd(
    ref: str = typer.Argument(..., help="Article id, URL or file name."),
    force: str = FORCE, theme: str = THEME, limit: int = LIMIT, as_json: bool = JsonOption,
) -> None:
    """More like this: the articles closest to one article."""
    from parity.library import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session() as s:
        result = service.more_like_this(s, ref=ref, limit=limit, force=force, theme=theme)
    if as_json:
        emit_json(result)
        return
    _print_hits(result["hits"], f"More like {result['article']['title']!r} (words: "
                f"{', '.join(result['words'][:8])})")


@library_app.command("show")
@handles_input_errors
def show_cmd(
    ref: str = typer.Argument(..., help="Article id, URL or file name."),
    as_html: bool = typer.Option(False, "--html", help="Print the article's sanitised HTML."),
    as_json: bool = JsonOption,
) -> None:
    """An article with its force, themes (and the phrases behind them) and corrections."""
    from parity.library import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session() as s:
        detail = service.article_detail(s, ref=ref)
    if as_json:
        emit_json(detail)
        return
    if as_html:
        print(detail["html"])
        return
    from rich.markdown import Markdown  # deferred: rich costs ~0.5 s at start-up

    out = console()
    out.print(f"[bold]{detail['id']}  {detail['title']}[/bold]", highlight=False)
    out.print(f"published {detail['published'] or '—'} · {detail['url'] or detail['file_name']}",
              style="dim", highlight=False)
    out.print(f"force: {detail['area'] or '—'} ({detail['force_origin'] or 'not found'}; "
              f"area as written: {detail['area_as_written'] or '—'})", highlight=False)
    for theme in detail["themes"]:
        phrases = detail["theme_matches"].get(theme, {})
        why = ", ".join(f"{p} ×{n}" for p, n in phrases.items())
        origin = detail["theme_origins"].get(theme)
        out.print(f"theme: {theme} ({origin}{': ' + why if why else ''})", highlight=False)
    if detail["commitments"]:
        out.print(f"HeForShe commitments: {', '.join(detail['commitments'])}", highlight=False)
    for c in detail["corrections"]:
        out.print(f"correction: {c['action']} {c['value'] or '(none)'}", style="dim")
    out.rule()
    out.print(Markdown(detail["text"]))


@library_app.command("check")
@handles_input_errors
def check_cmd(
    ref: str = typer.Argument(..., help="An article's id, URL or file name, or a draft to check "
                              "(Markdown, HTML, plain text, DOCX or PDF)."),
    area: str = typer.Option(None, "--area", help="For a draft: the force (or 'England and "
                             "Wales') it is about, where its text does not say."),
    published: str = typer.Option(None, "--date", help="For a draft: the date it speaks of "
                                  "(default: its own date, else today)."),
    as_json: bool = JsonOption,
) -> None:
    """Check the workforce figures an article or a draft quotes against the official figures."""
    from parity.library import (  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
        check,
        service,
    )

    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.workforce.service import ensure_loaded

    path = Path(ref)
    with session(ensure_loaded) as s:
        if path.is_file():
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise InputError(f"{ref}: cannot be read ({exc.strerror})") from exc
            result = check.check_document(s, name=str(path), data=data, area=area,
                                          published=_date(published, "--date"))
            if result["published"] is None:
                result = check.check_document(s, name=str(path), data=data, area=area,
                                              published=date.today())
        else:
            if area or published:
                raise InputError("--area and --date are for a draft; an article in the "
                                 "library has its own")
            result = service.check_figures(s, ref=ref)
    if as_json:
        emit_json(result)
        return
    _print_check(result)


def _print_check(result: dict) -> None:
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    from parity.library.claims import official_label  # deferred: only the check prints claims

    out = console()
    out.print(f"[bold]{result.get('title') or result.get('name')}[/bold] "
              f"({result['area'] or 'no area'}, {result['published'] or 'no date'})",
              highlight=False)
    if not result["claims"]:
        out.print("No figures about women in the workforce found.")
        return
    table = Table(show_lines=True)
    for col in ("claim", "figure", "about (and the words that say so)", "official", "verdict"):
        table.add_column(col)
    for c in result["claims"]:
        about = "\n".join(
            f"{name.replace('_', ' ')}: {a['value'] if a['value'] is not None else '?'}"
            + (f" ← “{a['words']}” ({a['source']})" if a["words"] else f" ({a['source']})")
            for name, a in c["attributes"].items())
        off = c["official"]
        where = official_label(off) if off else "—"
        if off and c["figure"] == "share":
            where += f"\nFTE {pct(off['share_fte'])} · headcount {pct(off['share_headcount'])}"
        elif off:
            where += f"\nheadcount {off['count_headcount'] or 0:,.0f} · FTE {off['count_fte'] or 0:,.1f}"
        style = {"matches": "green", "does not match": "red"}.get(c["verdict"], "yellow")
        table.add_row(c["text"], f"{c['quoted']}\n({c['kind']})", about, where,
                      f"[{style}]{c['label']}[/{style}]")
    out.print(table)
    out.print(f"{result['matches']} match, {result['does_not_match']} do not match, "
              f"{result['cannot_tell']} cannot tell, {result['not_checked']} not checked.",
              highlight=False)


@library_app.command("tag")
@handles_input_errors
def tag_cmd(
    ref: str = typer.Argument(..., help="Article id, URL or file name."),
    force: str = typer.Option(None, "--force", help="Set the article's force."),
    no_force: bool = typer.Option(False, "--no-force", help="The article is about no force."),
    add_theme: Annotated[list[str] | None, typer.Option(
        "--add-theme", help="Add a theme (repeatable).")] = None,
    remove_theme: Annotated[list[str] | None, typer.Option(
        "--remove-theme", help="Remove a theme (repeatable).")] = None,
    reset: bool = typer.Option(False, "--reset", help="Drop this article's corrections first."),
    note: str = typer.Option(None, "--note", help="Why (kept with the correction)."),
    as_json: bool = JsonOption,
) -> None:
    """Correct an article's force or themes by hand (kept across re-imports)."""
    from parity.library import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session() as s:
        result = service.tag(s, ref=ref, force=force, no_force=no_force,
                             add_themes=add_theme or [], remove_themes=remove_theme or [],
                             reset=reset, note=note)
    if as_json:
        emit_json(result)
        return
    console().print(f"{result['id']} {result['title']}: force {result['area'] or '—'}; themes "
                    f"{', '.join(result['themes']) or '—'}", highlight=False)


@library_app.command("themes")
@handles_input_errors
def themes_cmd(as_json: bool = JsonOption) -> None:
    """The theme rules in force: the file, each theme's phrases and threshold, article counts."""
    from parity.library import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session() as s:
        result = service.themes(s)
    if as_json:
        emit_json(result)
        return
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    table = Table(title=f"Theme rules ({result['rules_file']})", show_lines=True)
    for col in ("theme", "label", "at least", "phrases", "commitments", "articles"):
        table.add_column(col)
    for t in result["themes"]:
        table.add_row(t["id"], t["label"], str(t["min_mentions"]), ", ".join(t["phrases"]),
                      ", ".join(t["commitments"]), f"{t['articles']:,}")
    console().print(table)
