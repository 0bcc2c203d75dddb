"""Markdown to HTML, HTML to plain text, and the sanitiser every page goes through.

`safe_html` is the only way article HTML reaches a page: it renders Markdown (inline HTML in
the source, common in archived pages, is passed to the sanitiser rather than shown as text)
and cleans the result with `parity.present.sanitise.clean_html` (nh3), which keeps a short
list of formatting tags, drops scripts and styles with their content, drops every event handler
and ``style`` attribute, and keeps links only for http, https and mailto (``javascript:`` and
``data:`` links lose their target).
"""

from __future__ import annotations

import html as html_lib
import re
from functools import lru_cache

from parity.present.sanitise import clean_html

_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|pre|tr|div|ul|ol|table)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^<>]+>")
_SPACES = re.compile(r"[ \t\r\f\v]{2,}|[\t\r\f\v]")  # runs of them, where not one space
_BLANKS = re.compile(r"\n\s*\n+")


@lru_cache(maxsize=1)
def _markdown():  # noqa: ANN202
    from markdown_it import MarkdownIt  # deferred: markdown-it costs ~0.1 s at start-up

    return MarkdownIt("commonmark", {"html": True}).enable("table")


def markdown_to_html(markdown: str) -> str:
    """HTML for `markdown`, not yet sanitised: use `safe_html` for anything shown."""
    return _markdown().render(markdown)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: one line per block, entities decoded."""
    text = _BLOCK_END.sub("\n", html)
    text = html_lib.unescape(_TAG.sub("", text))
    text = _SPACES.sub(" ", text)
    return _BLANKS.sub("\n", text).strip()


# Every pattern below runs in time linear in the text: a span never crosses the character that
# would end it (``[^*]`` inside ``*...*``), a run of spaces is entered at its start only, and a
# block without its end is looked for once (`_drop_blocks`). An article body is text written by
# others: one quadratic pattern let 90 KB of "*a " hold `import articles` for minutes.
_BLOCK_OPEN = re.compile(r"<(script|style|iframe|object|embed|noscript|template|svg|math)\b|<!--",
                         re.I)
_FENCE = re.compile(r"^(```|~~~).*$", re.M)
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+", re.M)
# "## Heading ##"; a run of spaces entered at its start only, so a long run is not tried anew
# from each of its spaces
_CLOSING_HASHES = re.compile(r"(?<![ \t])[ \t]+#+[ \t]*$", re.M)
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$", re.M)
_BULLET = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+", re.M)
_QUOTE = re.compile(r"^[ \t]*>[ \t]?", re.M)
_RULE = re.compile(r"^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$", re.M)
_IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^()]*\)")
_LINK = re.compile(r"\[([^\[\]]*)\]\((?:[^()]|\([^()]*\))*\)|\[([^\[\]]*)\]\[[^\[\]]*\]")
_REFDEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s+\S+.*$", re.M)
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>")
_EMPHASIS = re.compile(
    r"\*\*(?=\S)([^*]+?)(?<=\S)\*\*|__(?=\S)([^_]+?)(?<=\S)__|~~(?=\S)([^~]+?)(?<=\S)~~"
    r"|\*(?=\S)([^*]+?)(?<=\S)\*|_(?=\S)([^_]+?)(?<=\S)_|(`+)(?=\S)([^`]+?)(?<=\S)\6")
_TABLE_RULE = re.compile(r"^\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$", re.M)


_BLOCK_START = re.compile(r"^ {0,3}(#|>|[-*+][ \t]|\d{1,9}[.)][ \t]|\||```|~~~|<)")


def _join_soft_breaks(markdown: str) -> str:
    """Lines of one paragraph joined with spaces (a single newline inside a Markdown paragraph
    is a space); headings, list items, quotes, table rows and fences keep their own lines."""
    out: list[list[str]] = []  # each output line as its pieces (joined once: linear time)
    joinable = False
    for line in markdown.split("\n"):
        if not line.strip():
            out.append([""])
            joinable = False
        elif joinable and not _BLOCK_START.match(line):
            out[-1][-1] = out[-1][-1].rstrip()
            out[-1] += [" ", line.strip()]
        else:
            out.append([line])
            joinable = not line.lstrip().startswith(("#", "|", "```", "~~~"))
    return "\n".join("".join(pieces) for pieces in out)


def _drop_blocks(text: str) -> str:
    """`text` without script, style, frame, SVG ... elements (with their content) and HTML
    comments; an opening without its end is kept as it is (and its end looked for once)."""
    out: list[str] = []
    pos = 0
    endless: set[str] = set()
    while (found := _BLOCK_OPEN.search(text, pos)) is not None:
        name = (found.group(1) or "").lower()
        end = None
        if name not in endless:
            end = (re.compile(rf"</{name}\s*>", re.I).search(text, found.end()) if name
                   else re.compile("-->").search(text, found.end()))
        if end is None:
            endless.add(name)
            out.append(text[pos:found.end()])
        else:
            out.append(text[pos:found.start()] + " ")
        pos = found.end() if end is None else end.end()
    out.append(text[pos:])
    return "".join(out)


def _emphasis_text(found: re.Match) -> str:
    return next(g for g in found.groups()[:5] + (found.group(7),) if g is not None)


_FENCE_MARKS = frozenset("`~")
_RULE_MARKS = frozenset("-*_|:=")  # horizontal rules, table rules, setext underlines
_BULLET_MARKS = frozenset("-*+")  # and decimal digits (`\d`)
# What a line starts with (after spaces and tabs) where a line pass can change it, or holds "#"
_LINE_MARKS = _FENCE_MARKS | _RULE_MARKS | _BULLET_MARKS | frozenset("#>[")


def _first(line: str) -> str:
    return line.lstrip(" \t")[:1]


def _line_passes(text: str) -> tuple[str, bool]:
    """`text` without fences, rules, setext underlines, heading marks, quote marks and list
    markers, and whether a line of it now starts with "[" (a reference definition may).

    The same as each pattern's pass over the whole text in turn (each matches within one
    line), but only the lines that start with one of `_LINE_MARKS` or hold "#" are tried:
    most lines of most articles are plain sentences.
    """
    lines = text.split("\n")
    bracket = False
    for at, line in enumerate(lines):
        first = _first(line)
        if first not in _LINE_MARKS and not first.isdecimal() and "#" not in line:
            continue
        if first in _FENCE_MARKS:
            line = _FENCE.sub("", line)
        if first in _RULE_MARKS:
            line = _SETEXT.sub("", _TABLE_RULE.sub("", _RULE.sub("", line)))
        if "#" in line:
            line = _CLOSING_HASHES.sub("", _HEADING.sub("", line))
            first = _first(line)  # a heading's text may start like a quote or a list item
        if first == ">":
            line = _QUOTE.sub("", line)
            first = _first(line)
        if first in _BULLET_MARKS or first.isdecimal():
            line = _BULLET.sub("", line)
            first = _first(line)
        lines[at] = line
        bracket = bracket or first == "["
    return "\n".join(lines), bracket


def markdown_to_text(markdown: str) -> str:
    """Plain text of `markdown` as a reader sees it: the words, without the Markdown syntax,
    inline HTML tags, scripts, styles or comments. A fast approximation of rendering and
    stripping (used for search, tagging and the figures check, never shown as HTML).

    Each pass runs only where the text holds what it removes (most articles are plain
    paragraphs); a test holds the result equal to running every pass over the whole text.
    """
    text, bracket = _line_passes(_join_soft_breaks(_drop_blocks(markdown)))
    if bracket:
        text = _REFDEF.sub("", text)
    if "[" in text:
        if "![" in text:
            text = _IMAGE.sub(r"\1", text)
        text = _LINK.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    if "<" in text:
        text = _AUTOLINK.sub(r"\1", text)
        text = _TAG.sub("", text)
    if "*" in text or "_" in text or "~" in text or "`" in text:
        text = _EMPHASIS.sub(_emphasis_text, text)
        text = _EMPHASIS.sub(_emphasis_text, text)
    text = html_lib.unescape(text.replace("|", " "))
    if "  " in text or "\t" in text or "\r" in text or "\f" in text or "\v" in text:
        text = _SPACES.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    return _BLANKS.sub("\n", "\n".join(lines)).strip()


def sanitise(html: str) -> str:
    """`html` cleaned for display: allowed tags only, no scripts, handlers or unsafe links
    (`parity.present.sanitise.clean_html`, the one sanitiser)."""
    return str(clean_html(html))


def safe_html(markdown: str) -> str:
    """Markdown rendered and sanitised: the HTML a page may show as it is."""
    return sanitise(markdown_to_html(markdown))


def highlight(marked: str, start: str, end: str) -> str:
    """A snippet whose highlights are bracketed by `start` and `end` (control characters that
    never occur in text) as safe HTML: the text escaped, each highlight in ``<mark>``."""
    escaped = html_lib.escape(marked, quote=False)
    return escaped.replace(start, "<mark>").replace(end, "</mark>")
