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

import bisect
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


class _Words:
    """The words of one text, indexed for finding phrases quickly."""

    def __init__(self, text: str):
        self.words = words_of(text)
        self.positions: dict[str, list[int]] = {}
        for i, w in enumerate(self.words):
            self.positions.setdefault(w, []).append(i)
        self.sorted = sorted(self.positions)

    def _starting(self, prefix: str) -> list[str]:
        i = bisect.bisect_left(self.sorted, prefix)
        out = []
        while i < len(self.sorted) and self.sorted[i].startswith(prefix):
            out.append(self.sorted[i])
            i += 1
        return out

    def starts(self, phrase: Phrase) -> list[int]:
        """Where `phrase` starts in the text (word positions)."""
        first, *rest = phrase.words
        if not rest:
            if phrase.prefix:
                return [i for w in self._starting(first) for i in self.positions[w]]
            return self.positions.get(first, [])
        found = []
        n = len(phrase.words)
        for start in self.positions.get(first, ()):
            tail = self.words[start + 1:start + n]
            if len(tail) < n - 1 or tail[:-1] != rest[:-1]:
                continue
            if tail[-1] == rest[-1] or (phrase.prefix and tail[-1].startswith(rest[-1])):
                found.append(start)
        return found


def theme_matches(rules: Rules, *, title: str, description: str | None, text: str
                  ) -> dict[str, dict[str, int]]:
    """{theme id: {phrase as written in the rules: mentions}} for every theme with any
    mention, whether or not it reaches its threshold. A mention in the title counts
    `TITLE_WEIGHT` times. Where phrases of one theme overlap ("women and girls" inside
    "violence against women and girls"), the words count once, for the longest phrase."""
    # One word list for the three parts, with a separator no phrase can match across.
    words = _Words(f"{title} \x00 {description or ''} \x00 {text}")
    title_end = len(words_of(title))
    out: dict[str, dict[str, int]] = {}
    for theme in rules.themes:
        found: dict[str, int] = {}
        taken: set[int] = set()
        for phrase in theme.parsed:
            size = len(phrase.words)
            if (size > 1 or not phrase.prefix) and phrase.words[0] not in words.positions:
                continue
            for i in words.starts(phrase):
                if size > 1 and taken.intersection(range(i, i + size)) or i in taken:
                    continue
                taken.update(range(i, i + size))
                weight = TITLE_WEIGHT if i < title_end else 1
                found[phrase.written] = found.get(phrase.written, 0) + weight
        if found:
            out[theme.id] = found
    return out


def themes_for(rules: Rules, *, title: str, description: str | None, text: str) -> list[str]:
    """The theme ids whose mentions reach their threshold, in the rules' order."""
    matches = theme_matches(rules, title=title, description=description, text=text)
    return [t.id for t in rules.themes
            if t.id in matches and sum(matches[t.id].values()) >= t.min_mentions]


# forces -------------------------------------------------------------------------------------
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
    ordered = sorted(names, key=len, reverse=True)
    alternation = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in ordered)
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
