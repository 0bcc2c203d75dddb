"""What each figure is about: area, group, worker type, sex, measure and date, each with the
words it came from (docs/decisions/0602).

Each attribute is looked for in the words around the figure on both sides (the nearest
mention wins; a mention across a clause break — "though", "but", "while", ";" — or beyond
another figure counts only when nothing nearer does), then in the sentence, then in the
paragraph, then in the article's metadata (its force and publication date). An attribute is
*certain* when it comes from the figure's own sentence or from the article's own metadata and
nothing nearer names something else; one read from the rest of the paragraph or the text, or
from a word that can mean two things ("police", "UK", "West Midlands"), is not. A verdict of
"does not match" needs every attribute certain (`verdicts`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import cast

from parity.forces import ENGLAND_AND_WALES, registry
from parity.library.claims.parsing import MEN, WOMEN, Figure, paragraphs, related
from parity.library.tagging import force_spans

UK_NOTE = ("the official table covers England and Wales (43 forces); a UK or British figure "
           "is compared with it")


@dataclass
class Attribute:
    value: object  # None when not found
    source: str  # near | sentence | paragraph | metadata | text | default | none
    words: str | None = None
    certain: bool = False
    note: str | None = None

    def as_dict(self) -> dict:
        return {"value": self.value, "source": self.source, "words": self.words,
                "certain": self.certain, "note": self.note}


@dataclass
class DateRef:
    """The snapshots a figure may refer to: 31 March of every year from `low` to `high`;
    `exact` when it names one 31 March."""

    low: int
    high: int
    exact: bool = False
    current: bool = False  # from the publication date: the figure is "as of now"

    def label(self) -> str:
        if self.low == self.high:
            return f"31 March {self.low}"
        return f"between 31 March {self.low} and 31 March {self.high}"


@dataclass
class Context:
    """What the article or document says about itself."""

    area: str | None = None  # an area name the registry resolves (a force's name)
    area_certain: bool = True  # False when the force was guessed from the text
    published: date | None = None
    text: str = ""
    paragraph_texts: list[str] = field(default_factory=list)
    abbreviations: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, *, text: str, area: str | None, published: date | None,
           area_certain: bool = True) -> Context:
        return cls(area, area_certain, published, text, paragraphs(text),
                   learned_abbreviations(text))


# mentions -------------------------------------------------------------------------------------
_STRONG_BREAK = re.compile(r";|\s[-–]\s|\bbut\b|\bthough\b|\balthough\b|\bwhile\b|"
                           r"\bwhereas\b|\bcompared\s+(?:with|to)\b|\bagainst\b|\bunlike\b",
                           re.I)
_AND = re.compile(r"\band\b", re.I)
_NATIONAL = re.compile(
    r"\b(England\s+(?:and|&)\s+Wales|nationally|national(?:\s+(?:average|level|picture|"
    r"figures?|data))?|across\s+the\s+country|(?:all\s+)?(?:the\s+)?43\s+(?:area\s+|"
    r"territorial\s+|police\s+)*forces)\b", re.I)
_UK = re.compile(r"(?<![\w.])(UK|U\.K\.|United\s+Kingdom|Britain|British|UK-wide)(?![\w])")
_OUTSIDE = re.compile(
    r"(?<![\w.])(Police\s+Scotland|Scotland|Scottish|Northern\s+Ireland|PSNI|U\.S\.|US|USA|"
    r"United\s+States|America|American|Canada|Canadian|Australia\w*|New\s+Zealand|Garda|"
    r"Ireland)(?![\w])")
_EXTRA_FORCES = re.compile(r"\b(Scotland\s+Yard|Met\s+police|the\s+Met\b)", re.I)
_REGIONS = re.compile(r"\b(North\s+East|North\s+West|Yorkshire\s+and\s+the\s+Humber|"
                      r"East\s+Midlands|South\s+East|South\s+West|East\s+of\s+England|"
                      r"London|Wales)\b")

_WORKERS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"\bofficers?\s+(?:and|&)\s+(?:police\s+)?staff\b|\bstaff\s+and\s+officers\b",
                re.I), "both"),
    (re.compile(r"\b(police\s+)?community\s+support\s+officers?\b|\bPCSOs?\b", re.I), "pcso"),
    (re.compile(r"\bspecial\s+constables?\b|\bspecials\b|\bspecial\s+constabulary\b", re.I),
     "special"),
    (re.compile(r"\b(police\s+)?support\s+volunteers?\b", re.I), "volunteer"),
    (re.compile(r"\bdesignated\s+officers?\b", re.I), "designated"),
    (re.compile(r"\b(?:police\s+|civilian\s+)staff\b|\bstaff\b|\bcivilians?\b", re.I),
     "staff"),
    (re.compile(r"\b(?:police\s+)?officers?\b|\bconstables?\b|\bsergeants?\b|\binspectors?\b|"
                r"\bsuperintendents?\b|\branks?\b|\bleaders?\b|\bleadership\b|"
                r"\bpolicewomen\b|\bPCs\b|\bchief\s+officers?\b", re.I), "officer"),
    (re.compile(r"\b(workforce|employees|colleagues|personnel|people\s+working)\b", re.I),
     "whole"),
    (re.compile(r"\bpolice\b", re.I), "police"),
)

# (pattern, rank group): the most specific first
_GROUPS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"\bchief\s+inspectors?\s+(?:rank\s+)?(?:and|or)\s+(?:above|higher)\b", re.I),
     "senior"),
    (re.compile(r"\bsuperintend\w*\s+(?:ranks?\s+)?(?:and|or)\s+(?:above|higher)\b|"
                r"\bsuperintending\s+ranks?\b", re.I), "superintending"),
    (re.compile(r"\bsenior\s+(?:police\s+)?(?:leaders?|leadership|officers?|ranks?|managers?|"
                r"management|teams?|positions?|roles?|levels?|grades?|posts?)\b", re.I),
     "senior"),
    (re.compile(r"\bchief\s+constables?\b|\bheaded\s+by\b", re.I), "chief_constable"),
    (re.compile(r"\bchief\s+officers?\b|\bchief\s+officer\s+(?:rank|team|level)\b", re.I),
     "chief_officer"),
    (re.compile(r"\bmiddle\s+(?:managers?|management|leaders?|ranks?)\b|"
                r"\bsergeants?\s+and\s+inspectors?\b", re.I), "middle"),
    (re.compile(r"\bpromoted\s+officers\b|\bpromoted\s+ranks\b", re.I), "promoted"),
    (re.compile(r"\bchief\s+inspectors?\b", re.I), "chief_inspector"),
    (re.compile(r"\bchief\s+superintendents?\b", re.I), "chief_superintendent"),
    (re.compile(r"\bsuperintendents?\b(?:\s+rank)?|\bsuperintendent\s+rank\b", re.I),
     "superintendent"),
    (re.compile(r"\binspectors\b|\binspector\s+rank\b", re.I), "inspector"),
    (re.compile(r"\bsergeants\b|\bsergeant\s+rank\b", re.I), "sergeant"),
    (re.compile(r"\bconstables\b|\bconstable\s+rank\b|\bPCs\b", re.I), "constable"),
    (re.compile(r"\b(?:overall|all\s+(?:police\s+)?officers|all\s+ranks|"
                r"officer\s+strength)\b", re.I), "all"),
)
_MEASURES = ((re.compile(r"\bhead\s?count\b", re.I), "headcount"),
             (re.compile(r"\bfull[-\s]time\s+equivalent\b|\bFTEs?\b", re.I), "fte"))
_MONTHS = {m: i + 1 for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"))}
_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|" \
         r"November|December)"
_DATES = re.compile(
    rf"\b(?:(?:as\s+(?:at|of)\s+)?(?:the\s+)?(?:end\s+of\s+)?(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"\s+)?{_MONTH}(?:\s+(?P<myear>20\d\d|19\d\d)|\s+(?P<mrel>last\s+year|this\s+year))?)"
    r"|\b(?:in\s+|since\s+|of\s+|by\s+)?(?P<year>(?:19|20)\d\d)(?P<fy>/\d\d(?:\d\d)?)?\b"
    r"|\b(?P<rel>this\s+year|last\s+year|(?P<n>\w+)\s+years?\s+(?P<dir>ago|before|earlier))\b"
    r"|\b(?P<now>now|currently|today|latest)\b", re.I)
_WORDS_N = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "a": 1}


@dataclass
class Mention:
    start: int
    end: int
    value: object
    words: str
    certain: bool = True
    note: str | None = None


# Abbreviations forces go by in writing; an article may define its own ("West Yorkshire
# Police (WYP)"), which `Context` learns.
ABBREVIATIONS = {"WYP": "West Yorkshire", "GMP": "Greater Manchester", "WMP": "West Midlands",
                 "TVP": "Thames Valley", "SYP": "South Yorkshire", "MPS": "Metropolitan Police",
                 "NYP": "North Yorkshire", "BTP": "British Transport Police",
                 "CoLP": "City of London", "NWP": "North Wales"}
_DEFINED = re.compile(r"\(([A-Z][A-Za-z]{1,5})\)")


def learned_abbreviations(text: str) -> dict[str, str]:
    """{abbreviation: force name} for "West Yorkshire Police (WYP)" written in `text`."""
    out = {}
    for match in _DEFINED.finditer(text):
        before = force_spans(text[max(0, match.start() - 60): match.start()])
        if before and text[max(0, match.start() - 60): match.start()][before[-1][1]:].strip() \
                in {"", "Police", "Constabulary"}:
            out[match.group(1)] = registry().get(before[-1][2]).name
    return out


@lru_cache(maxsize=4096)
def masked(text: str) -> str:
    """`text` with the names of forces blanked out (so "Kent Police" names no worker type)."""
    chars = list(text)
    for start, end, _ in force_spans(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def area_mentions(text: str, abbreviations: dict[str, str] | None = None) -> list[Mention]:
    return _area_mentions(text, tuple(sorted((abbreviations or {}).items())))


@lru_cache(maxsize=4096)
def _area_mentions(text: str, abbreviations: tuple[tuple[str, str], ...]) -> list[Mention]:
    out: list[Mention] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return not any(a < y and x < b for x, y in taken)

    reg = registry()
    for start, end, force_id in force_spans(text):
        force = reg.get(force_id)
        name = force.name if force.territorial or force.kind == "national" else \
            f"outside:{force.name}"
        words = text[start:end]
        # "West Midlands" alone is a region as well as a force
        ambiguous = words.strip().lower() in {r.lower() for r in reg.regions}
        out.append(Mention(start, end, name, words, certain=not ambiguous))
        taken.append((start, end))
    known = {**ABBREVIATIONS, **dict(abbreviations)}
    if known:
        for match in re.finditer(r"\b(" + "|".join(map(re.escape, known)) + r")\b", text):
            if free(match.start(), match.end()):
                found = reg.find_force(known[match.group(1)])
                if found is not None:
                    out.append(Mention(match.start(), match.end(), found.name, match.group(0)))
                    taken.append(match.span())
    for match in _EXTRA_FORCES.finditer(text):
        if free(match.start(), match.end()):
            out.append(Mention(match.start(), match.end(), "Metropolitan Police",
                               match.group(0)))
            taken.append(match.span())
    for match in _NATIONAL.finditer(text):
        if free(match.start(), match.end()):
            out.append(Mention(match.start(), match.end(), ENGLAND_AND_WALES, match.group(0)))
            taken.append(match.span())
    for match in _UK.finditer(text):
        if free(match.start(), match.end()):
            out.append(Mention(match.start(), match.end(), ENGLAND_AND_WALES, match.group(0),
                               certain=False, note=UK_NOTE))
            taken.append(match.span())
    for match in _OUTSIDE.finditer(text):
        if free(match.start(), match.end()):
            out.append(Mention(match.start(), match.end(), f"outside:{match.group(0)}",
                               match.group(0)))
            taken.append(match.span())
    for match in _REGIONS.finditer(text):
        if free(match.start(), match.end()):
            out.append(Mention(match.start(), match.end(), match.group(0), match.group(0),
                               certain=False))
            taken.append(match.span())
    return sorted(out, key=lambda m: m.start)


def _pattern_mentions(text: str, patterns) -> list[Mention]:  # noqa: ANN001
    out: list[Mention] = []
    for pattern, value in patterns:
        for match in pattern.finditer(text):
            if any(m.start < match.end() and match.start() < m.end for m in out):
                continue
            out.append(Mention(match.start(), match.end(), value, match.group(0),
                               certain=value != "police"))
    return sorted(out, key=lambda m: m.start)


@lru_cache(maxsize=4096)
def group_mentions(text: str) -> list[Mention]:
    return _pattern_mentions(text, _GROUPS)


@lru_cache(maxsize=4096)
def worker_mentions(text: str) -> list[Mention]:
    return _pattern_mentions(text, _WORKERS)


def sex_mentions(text: str) -> list[Mention]:
    out = [Mention(m.start(), m.end(), "female", m.group(0)) for m in WOMEN.finditer(text)]
    out += [Mention(m.start(), m.end(), "male", m.group(0)) for m in MEN.finditer(text)]
    return sorted(out, key=lambda m: m.start)


# choosing the mention that belongs to a figure ----------------------------------------------------
def _score(sentence: str, figure: Figure, mention: Mention, others: list[Figure]) -> float:
    lo, hi = _span(figure)
    if mention.end <= lo:
        between = sentence[mention.end:lo]
        distance = lo - mention.end
    elif mention.start >= hi:
        between = sentence[hi:mention.start]
        distance = mention.start - hi
    else:
        return 0.0
    score = float(distance)
    if _STRONG_BREAK.search(between):
        score += 1000
    elif _AND.search(between):
        score += 200
    score += 40 * between.count(",")
    for other in others:
        if related(figure, other):
            continue
        if (mention.end <= other.start and other.end <= lo) or \
                (hi <= other.start and other.end <= mention.start):
            score += 300
            break
    return score


def _span(figure: Figure) -> tuple[int, int]:
    if figure.pair is not None:
        return min(figure.start, figure.pair.start), max(figure.end, figure.pair.end)
    return figure.start, figure.end


def pick(sentence: str, figure: Figure, mentions: list[Mention], others: list[Figure], *,
         owned: bool = False) -> tuple[Mention | None, bool, str]:
    """(mention, certain, source) of the mention nearest `figure`; not certain when a mention
    with another value is about as near, or when it stands across a clause break. With
    `owned`, a mention across a clause break that is nearer another figure belongs to that
    figure and is not used ("37.2% compared with 34.4% nationally")."""
    if owned:
        mentions = [m for m in mentions if _score(sentence, figure, m, others) < 1000 or not any(
            not related(figure, o) and _score(sentence, o, m, others) <
            _score(sentence, figure, m, others) for o in others)]
    if not mentions:
        return None, False, "none"
    scored = sorted(((_score(sentence, figure, m, others), i, m) for i, m in enumerate(mentions)),
                    key=lambda t: (t[0], t[1]))
    best_score, _, best = scored[0]
    rival = next((s for s, _, m in scored[1:] if m.value != best.value), None)
    certain = best.certain and best_score < 1000 and (
        rival is None or rival - best_score > 12 or rival >= 300)
    source = "near" if best_score < 300 else "sentence"
    return best, certain, source


# the attributes -----------------------------------------------------------------------------------
def attribute_area(figure: Figure, others: list[Figure], ctx: Context) -> Attribute:
    mention, certain, source = pick(figure.sentence, figure,
                                    area_mentions(figure.sentence, ctx.abbreviations), others,
                                    owned=True)
    if mention is not None:
        return Attribute(mention.value, source, mention.words, certain, mention.note)
    para = _rest_of_paragraph(figure, ctx)
    values = {m.value for m in area_mentions(para, ctx.abbreviations)
              if not str(m.value).startswith("outside:")}
    if len(values) == 1:
        (value,) = values
        words = next(m.words for m in area_mentions(para, ctx.abbreviations) if m.value == value)
        same = ctx.area is not None and _same_area(str(value), ctx.area)
        return Attribute(value, "paragraph", words, certain=same and ctx.area_certain,
                         note=UK_NOTE if _UK.fullmatch(words or "") else None)
    if ctx.area:
        return Attribute(ctx.area, "metadata", f"area: {ctx.area}", ctx.area_certain)
    forces = {f.name for f in registry().forces}
    values = {m.value for m in area_mentions(ctx.text, ctx.abbreviations) if m.value in forces}
    if len(values) == 1:
        (value,) = values
        return Attribute(value, "text", str(value), certain=False,
                         note="the only area the text names")
    if not values and any(m.value == ENGLAND_AND_WALES for m in area_mentions(ctx.text, ctx.abbreviations)):
        return Attribute(ENGLAND_AND_WALES, "text", "England and Wales", certain=False,
                         note="the only area the text names")
    return Attribute(None, "none", None, False,
                     "no area is named" if not values else "the text names several areas")


def _rest_of_paragraph(figure: Figure, ctx: Context) -> str:
    """The paragraph of `figure` without its own sentence (read already, nearest first)."""
    if figure.paragraph >= len(ctx.paragraph_texts):
        return ""
    return ctx.paragraph_texts[figure.paragraph].replace(figure.sentence, " ")


def _same_area(a: str, b: str) -> bool:
    try:
        return registry().area(a).force_ids == registry().area(b).force_ids
    except Exception:  # noqa: BLE001 - an unknown name is simply not the same area
        return False


def attribute_worker(figure: Figure, others: list[Figure], ctx: Context) -> Attribute:
    mention, certain, source = pick(figure.sentence, figure, worker_mentions(masked(figure.sentence)),
                                    others)
    if mention is not None:
        value = {"police": "officer"}.get(str(mention.value), mention.value)
        return Attribute(value, source, mention.words, certain and mention.value != "police",
                         "'police' read as police officers" if mention.value == "police"
                         else None)
    para = _rest_of_paragraph(figure, ctx)
    if group_mentions(masked(figure.sentence)):  # "middle management": officers
        mention = group_mentions(masked(figure.sentence))[0]
        return Attribute("officer", "sentence", mention.words, True)
    found = {m.value for m in worker_mentions(para)} - {"police"}
    if len(found) == 1:
        (value,) = found
        words = next(m.words for m in worker_mentions(para) if m.value == value)
        return Attribute(value, "paragraph", words, certain=False)
    return Attribute(None, "none", None, False, "no workforce group (officers, staff, PCSOs "
                     "...) is named")


def attribute_group(figure: Figure, others: list[Figure], ctx: Context, worker: Attribute
                    ) -> Attribute:
    if worker.value not in {"officer", None}:
        return Attribute("all", "default", None, worker.certain)
    mention, certain, source = pick(figure.sentence, figure, group_mentions(masked(figure.sentence)),
                                    others)
    if mention is not None and (source == "near" or worker.source != "near"):
        return Attribute(mention.value, source, mention.words, certain)
    if worker.source in {"near", "sentence"}:
        # "32% of our officers": officers named and no rank group, so all ranks
        return Attribute("all", "default", worker.words, worker.certain)
    para = _rest_of_paragraph(figure, ctx)
    found = {m.value for m in group_mentions(para)}
    if len(found) == 1:
        (value,) = found
        words = next(m.words for m in group_mentions(para) if m.value == value)
        return Attribute(value, "paragraph", words, certain=False)
    return Attribute("all", "default", None, False)


def attribute_sex(figure: Figure, others: list[Figure]) -> Attribute:
    s = figure.sentence
    ratio = re.search(r"\b(female|women)\s+to\s+(male|men)\b", s, re.I)
    if ratio:  # "the ratio of female to male officers ... 35 per cent": the share of women
        return Attribute("female", "near", ratio.group(0), True,
                         "a 'ratio of female to male' quoted as a percentage is the share "
                         "of women")
    mention, certain, source = pick(s, figure, sex_mentions(s), others)
    if mention is None:
        return Attribute(None, "none", None, False)
    return Attribute(mention.value, source, mention.words, certain)


def attribute_measure(figure: Figure) -> Attribute:
    for pattern, measure in _MEASURES:
        found = pattern.search(figure.sentence)
        if found:
            return Attribute(measure, "sentence", found.group(0), True)
    return Attribute(None, "default", None, True, "FTE or headcount")


def _date_mentions(sentence: str) -> list[Mention]:
    return [Mention(m.start(), m.end(), m, m.group(0).strip()) for m in _DATES.finditer(sentence)]


def snapshot_year(published: date) -> int:
    """The year of the latest 31 March on or before `published`."""
    return published.year if (published.month, published.day) >= (3, 31) else published.year - 1


def _resolve(match: re.Match, published: date | None, anchor: DateRef | None
             ) -> tuple[DateRef | None, str | None]:
    g = match.groupdict()
    if g.get("month"):
        month = _MONTHS[g["month"].lower()]
        year = int(g["myear"]) if g.get("myear") else None
        if g.get("mrel") and published:
            year = published.year - (1 if "last" in g["mrel"].lower() else 0)
        if year is None:
            if not published:
                return None, "a month without a year"
            year = published.year if month <= published.month else published.year - 1
        day = int(g["day"]) if g.get("day") else None
        if month == 3 and (day is None or day == 31):
            return DateRef(year, year, exact=True), None
        if month <= 3:
            return DateRef(year - 1, year), None
        return DateRef(year, year + 1), None
    if g.get("year"):
        year = int(g["year"])
        if g.get("fy"):  # a financial year 2023/24: the 31 March that ends it
            return DateRef(year + 1, year + 1, exact=True), None
        return DateRef(year - 1, year + 1), None
    if g.get("rel"):
        rel = g["rel"].lower()
        if not published:
            return None, "a date relative to the publication date, which is not known"
        if rel.startswith("this"):
            s = snapshot_year(published)
            return DateRef(s, s, exact=True), None
        if rel.startswith("last"):
            y = published.year - 1
            return DateRef(y - 1, y + 1), None
        n = _WORDS_N.get(g["n"].lower()) or (int(g["n"]) if g["n"].isdigit() else None)
        if n is None:
            return None, f"'{g['rel']}'"
        if g["dir"].lower() == "ago":
            y = published.year - n
            return DateRef(y - 1, y + 1), None
        if anchor is None:
            return None, f"'{g['rel']}' names no date it is counted from"
        return DateRef(anchor.low - n, anchor.high - n, exact=anchor.exact), None
    return None, None  # "now", "currently": the publication date


def _owner(sentence: str, mention: Mention, figures: list[Figure]) -> Figure | None:
    """The figure a date belongs to: the nearest one before it in the same clause ("35 per
    cent in March 2019", "31 per cent four years before"), else the nearest after it ("In
    2008 it was just 28 per cent", "As of the end of September 2022, ... 30.4%")."""
    before = [f for f in figures if f.end <= mention.start and mention.start - f.end < 80
              and not _STRONG_BREAK.search(sentence[f.end:mention.start])]
    if before:
        return max(before, key=lambda f: f.end)
    after = [f for f in figures if f.start >= mention.end and f.start - mention.end < 150
             and not _STRONG_BREAK.search(sentence[mention.end:f.start])]
    return min(after, key=lambda f: f.start) if after else None


def _owns(figure: Figure, owner: Figure | None) -> bool:
    return owner is not None and (owner is figure or owner.of is figure or figure.of is owner)


def attribute_date(figure: Figure, others: list[Figure], ctx: Context) -> tuple[Attribute,
                                                                                DateRef | None]:
    """The date a figure refers to, and the snapshots it may mean: a date written beside it,
    else (for a current figure) the publication date."""
    s = figure.sentence
    mentions = [m for m in _date_mentions(s) if not _is_target_date(s, m)]
    owners = [(m, _owner(s, m, others)) for m in mentions]
    anchor = None
    if figure.pair is not None:
        for m, owner in owners:
            if _owns(figure.pair, owner):
                anchor, _ = _resolve(cast(re.Match, m.value), ctx.published, None)
                break
        if anchor is None and ctx.published:  # the other end is as of publication
            s_year = snapshot_year(ctx.published)
            anchor = DateRef(s_year, s_year)
    for m, owner in owners:
        if not _owns(figure, owner):
            continue
        ref, problem = _resolve(cast(re.Match, m.value), ctx.published, anchor)
        if ref is not None:
            return Attribute(ref.label(), "near", m.words, True), ref
        if problem:
            return Attribute(None, "near", m.words, False, f"the date cannot be told: {problem}"
                             ), None
    if figure.kind == "earlier level":
        return Attribute(None, "none", None, False, "an earlier level with no date named"), None
    if ctx.published is None:
        return Attribute(None, "none", None, False, "the publication date is not known"), None
    s_year = snapshot_year(ctx.published)
    ref = DateRef(s_year - 1, s_year + 1, current=True)
    return Attribute(f"published {ctx.published.isoformat()}", "metadata",
                     f"published: {ctx.published.isoformat()}", True,
                     "a figure of the time of publication: the snapshots around it"), ref


def _is_target_date(sentence: str, mention: Mention) -> bool:
    return bool(re.search(r"\bby\s+(?:the\s+)?(?:financial\s+year\s+(?:of\s+)?)?$",
                          sentence[max(0, mention.start - 30): mention.start], re.I)) or \
        mention.words.lower().startswith("by ")
