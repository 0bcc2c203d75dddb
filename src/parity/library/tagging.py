"""Tagging rules: which force an article is about, and which themes it covers.

Both are plain rules that can be read and explained (docs/decisions/0601):

- Force: the front matter's ``area`` (or an HTML page's site name) resolved through the forces
  registry and its aliases; failing that, the force named most often in the title, description
  and text (a name with "Police", "Constabulary" ... after it counts three times a bare name, a
  mention in the title twice). Aliases that are everyday words ("the Met" lower-cased, "East")
  are matched only as written, with their capitals.
- Themes: the phrases of ``themes.yaml`` (or the file PARITY_LIBRARY_THEMES names), counted as
  whole words (case, punctuation and hyphens ignored; a trailing * matches any ending); a
  theme applies at ``min_mentions`` mentions or more.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from parity.budget import load_yaml
from parity.errors import InputError, Problem
from parity.forces import registry
from parity.library.schemas import ParsedArticle

DEFAULT_RULES = Path(__file__).with_name("themes.yaml")
RULES_ENV = "PARITY_LIBRARY_THEMES"
_FORCE_SUFFIX = r"(?:\s+(?:Police(?:\s+Service)?|Constabulary|Police\s+Force))"
TITLE_WEIGHT = 2


@dataclass(frozen=True)
class Phrase:
    """A phrase as written in the rules, as words; ``prefix``: the last word ends in *."""

    written: str
    words: tuple[str, ...]
    prefix: bool


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    phrases: tuple[str, ...]
    min_mentions: int
    parsed: tuple[Phrase, ...]  # longest first
    commitments: tuple[str, ...] = ()  # themes of the HeForShe commitments it serves


@dataclass(frozen=True)
class Rules:
    path: Path
    themes: tuple[Theme, ...]

    def ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def commitments_of(self, theme_ids: list[str]) -> list[str]:
        """The commitment themes the given article themes serve, in the rules' order."""
        wanted = set(theme_ids)
        found = [c for t in self.themes if t.id in wanted for c in t.commitments]
        return list(dict.fromkeys(found))

    def themes_for_commitment(self, commitment: str) -> list[str]:
        """The article themes linked to a commitment theme ("senior representation" ...)."""
        key = " ".join(commitment.lower().split())
        return [t.id for t in self.themes if key in t.commitments]

    def get(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise InputError(f"unknown theme {theme_id!r}; expected one of {', '.join(self.ids())}")


_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|\x00")


def words_of(text: str) -> list[str]:
    """The words of `text` as the rules see them: lower case, apostrophes kept inside words
    ("women's"), every other character a separator ("part-time" is "part time")."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def _parse_phrase(phrase: str) -> Phrase:
    prefix = phrase.strip().endswith("*")
    return Phrase(phrase, tuple(words_of(phrase)), prefix)


def rules_path() -> Path:
    return Path(os.environ.get(RULES_ENV) or DEFAULT_RULES)


def load_rules(path: Path | str | None = None) -> Rules:
    """The theme rules in `path` (default: PARITY_LIBRARY_THEMES, else the bundled file)."""
    path = Path(path) if path else rules_path()
    return _load_rules(str(path.resolve()), path.stat().st_mtime if path.exists() else 0.0)


@lru_cache(maxsize=8)
def _load_rules(path: str, _mtime: float) -> Rules:
    file = Path(path)
    try:
        data = load_yaml(file.read_text(encoding="utf-8"), name=file.name)
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read the theme rules {file}",
                         [Problem(file.name, str(exc))]) from exc
    problems: list[Problem] = []
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
        raise InputError(f"{file}: expected a mapping with a list under 'themes'")
    default_min = int(data.get("default_min_mentions", 2))
    themes, seen = [], set()
    for index, item in enumerate(data["themes"], start=1):
        if not isinstance(item, dict) or not item.get("id") or not item.get("phrases"):
            problems.append(Problem(file.name, "each theme needs an id and a list of phrases",
                                    row=index))
            continue
        theme_id = str(item["id"])
        if theme_id in seen:
            problems.append(Problem(file.name, f"theme {theme_id!r} appears twice", row=index))
        seen.add(theme_id)
        phrases = tuple(str(p) for p in item["phrases"])
        parsed = tuple(sorted((_parse_phrase(p) for p in phrases), key=lambda p: -len(p.words)))
        for phrase in parsed:
            if not phrase.words:
                problems.append(Problem(file.name, f"theme {theme_id!r}: the phrase "
                                        f"{phrase.written!r} has no words", row=index))
        commitments = tuple(" ".join(str(c).lower().split())
                            for c in item.get("commitments") or ())
        themes.append(Theme(theme_id, str(item.get("label") or theme_id), phrases,
                            int(item.get("min_mentions", default_min)), parsed, commitments))
    if problems:
        raise InputError(f"{file}: the theme rules are not valid", problems)
    return Rules(file, tuple(themes))


@dataclass(frozen=True)
class _Matcher:
    """All the phrases of a set of rules in one compiled pattern: one scan of a text finds
    every word that can start a phrase; only there are the phrases that start with it tried."""

    pattern: re.Pattern
    # (theme's index, phrase's place in the theme's `Theme.parsed`, pattern of its other words)
    exact: dict[str, tuple[tuple[int, int, re.Pattern | None], ...]]
    prefixed: tuple[tuple[str, int, int], ...]  # one-word phrases ending in *: (root, index, place)
    known: dict[str, tuple[tuple[int, int, re.Pattern | None], ...]]

    def starting(self, word: str) -> tuple[tuple[int, int, re.Pattern | None], ...]:
        """(theme's index, phrase's place, pattern of its other words) of the phrases that can
        start with `word`, in the rules' order."""
        found = self.known.get(word)
        if found is None:
            found = (*self.exact.get(word, ()),
                     *((index, place, None) for root, index, place in self.prefixed
                       if word.startswith(root)))
            if len(self.known) < 100_000:
                self.known[word] = found
        return found


def _phrase_pattern(phrase: Phrase) -> re.Pattern | None:
    """For a phrase of several words: its words after the first, matched at the end of the
    first (the words of a text are joined by single spaces)."""
    if len(phrase.words) < 2:
        return None
    *middle, last = phrase.words[1:]
    tail = "".join(" " + re.escape(w) for w in middle) + " " + re.escape(last)
    return re.compile(tail + (r"[^ ]*" if phrase.prefix else "") + "(?![^ ])")


_MATCHERS: dict[int, tuple[Rules, _Matcher]] = {}


def _matcher(rules: Rules) -> _Matcher:
    """The matcher of `rules` (made once for each set of rules: they are immutable)."""
    known = _MATCHERS.get(id(rules))
    if known is not None and known[0] is rules:
        return known[1]
    if len(_MATCHERS) > 16:
        _MATCHERS.clear()
    made = _make_matcher(rules)
    _MATCHERS[id(rules)] = (rules, made)
    return made


def _trie(words: set[str]) -> str:
    """A pattern matching the start of any of `words`, as a tree of their shared beginnings
    (so that the regular expression engine tries each letter once, not each word)."""
    if not words or words == {""}:
        return ""
    if "" in words:
        return f"(?:{_trie(words - {''})})?"
    groups: dict[str, set[str]] = {}
    for word in words:
        groups.setdefault(word[0], set()).add(word[1:])
    parts = [re.escape(first) + _trie(rest) for first, rest in sorted(groups.items())]
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def _make_matcher(rules: Rules) -> _Matcher:
    exact: dict[str, list] = {}
    prefixed = []
    for index, theme in enumerate(rules.themes):
        for place, phrase in enumerate(theme.parsed):
            if len(phrase.words) == 1 and phrase.prefix:
                prefixed.append((phrase.words[0], index, place))
            else:
                exact.setdefault(phrase.words[0], []).append(
                    (index, place, _phrase_pattern(phrase)))
    alternation = _trie({*exact, *(root for root, _, _ in prefixed)}) or "(?!)"
    pattern = re.compile(rf" (?:{alternation})[^ ]*")
    return _Matcher(pattern, {k: tuple(v) for k, v in exact.items()}, tuple(prefixed), {})


def theme_matches(rules: Rules, *, title: str, description: str | None, text: str
                  ) -> dict[str, dict[str, int]]:
    """{theme id: {phrase as written in the rules: mentions}} for every theme with any
    mention, whether or not it reaches its threshold. A mention in the title counts
    `TITLE_WEIGHT` times. Where phrases of one theme overlap ("women and girls" inside
    "violence against women and girls"), the words count once, for the longest phrase."""
    # One line of words for the three parts, joined by single spaces, with a separator no
    # phrase can match across; a mention is a span of characters of that line.
    line = " " + " ".join(words_of(f"{title} \x00 {description or ''} \x00 {text}"))
    title_end = len(" ".join(words_of(title))) + 1
    matcher = _matcher(rules)
    # {theme's index: {phrase's place in the theme (longest first): spans}}
    spans: dict[int, dict[int, list[tuple[int, int]]]] = {}
    for found in matcher.pattern.finditer(line):
        start, end = found.span()
        for index, place, tail in matcher.starting(line[start + 1:end]):
            stop = end
            if tail is not None:
                rest = tail.match(line, end)
                if rest is None:
                    continue
                stop = rest.end()
            spans.setdefault(index, {}).setdefault(place, []).append((start + 1, stop))
    out: dict[str, dict[str, int]] = {}
    for index in sorted(spans):
        theme, by_place = rules.themes[index], spans[index]
        counts: dict[str, int] = {}
        taken: set[int] = set()  # the characters of the line a mention took
        for place in sorted(by_place):
            written = theme.parsed[place].written
            for start, end in by_place[place]:
                if taken and not taken.isdisjoint(range(start, end)):
                    continue
                taken.update(range(start, end))
                weight = TITLE_WEIGHT if start < title_end else 1
                counts[written] = counts.get(written, 0) + weight
        if counts:
            out[theme.id] = counts
    return out


Tag = tuple[list[str], tuple[str | None, str | None]]  # (themes, (force id, origin))


def tags_of(item: ParsedArticle, rules: Rules) -> Tag:
    """(themes, (force id, origin)) the rules give an article read from `item`."""
    return (themes_for(rules, title=item.title, description=item.description, text=item.text),
            force_for(area=item.area, title=item.title, description=item.description,
                      text=item.text))


def themes_for(rules: Rules, *, title: str, description: str | None, text: str) -> list[str]:
    """The theme ids whose mentions reach their threshold, in the rules' order."""
    matches = theme_matches(rules, title=title, description=description, text=text)
    return [t.id for t in rules.themes
            if t.id in matches and sum(matches[t.id].values()) >= t.min_mentions]


# forces -------------------------------------------------------------------------------------
_ANY_SPACE = "\x01"  # no name holds it


@lru_cache(maxsize=1)
def _force_pattern() -> tuple[re.Pattern, dict[str, str]]:
    names: dict[str, str] = {}
    for force in registry().forces:
        for name in (force.name, *force.aliases):
            name = name.strip()
            if "," in name or len(name) < 3:
                continue
            names[name] = force.id
            if "&" in name:
                names[name.replace("&", "and")] = force.id
            elif " and " in name:
                names[name.replace(" and ", " & ")] = force.id
    # one tree of the names' shared beginnings (see `_trie`), a space standing for any run
    # of white space; where two names match at one place the longer is taken, as before
    alternation = _trie({n.replace(" ", _ANY_SPACE) for n in names}).replace(
        re.escape(_ANY_SPACE), r"\s+")
    pattern = re.compile(rf"\b(?P<name>{alternation})(?P<suffix>{_FORCE_SUFFIX})?\b")
    return pattern, {" ".join(n.split()): fid for n, fid in names.items()}


def force_mentions(text: str, *, weight: int = 1) -> Counter[str]:
    """{force id: score} for the forces named in `text` (case as written)."""
    pattern, lookup = _force_pattern()
    scores: Counter[str] = Counter()
    for match in pattern.finditer(text):
        force_id = lookup.get(" ".join(match.group("name").split()))
        if force_id:
            scores[force_id] += weight * (3 if match.group("suffix") else 1)
    return scores


def force_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, force id) of every force named in `text`, in order."""
    pattern, lookup = _force_pattern()
    out = []
    for match in pattern.finditer(text):
        force_id = lookup.get(" ".join(match.group("name").split()))
        if force_id:
            out.append((match.start(), match.end(), force_id))
    return out


def force_from_area(area: str | None) -> str | None:
    """The force id an ``area`` value names, or None."""
    if not area or not str(area).strip():
        return None
    found = registry().find_force(str(area))
    return found.id if found else None


def force_for(*, area: str | None, title: str, description: str | None, text: str
              ) -> tuple[str | None, str | None]:
    """(force id, origin) where origin is ``area``, ``text`` or None when nothing is found."""
    force_id = force_from_area(area)
    if force_id:
        return force_id, "area"
    scores = force_mentions(title, weight=TITLE_WEIGHT)
    scores.update(force_mentions(description or ""))
    scores.update(force_mentions(text))
    if not scores:
        return None, None
    (best, top), *rest = scores.most_common()
    if rest and rest[0][1] == top:
        return None, None
    return best, "text"
