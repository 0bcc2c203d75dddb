"""Figures in text: paragraphs and sentences, the percentages, fractions in words and counts of
people they state, and the kind of each figure (docs/decisions/0602).

Pure functions, text in and `Figure` values out. A figure is found in a sentence that speaks of
women or men (a figure about nothing of the sort is not a claim about the workforce); what it
is about — area, group, worker type, date — is `attribution`'s work.

Kinds: ``current share``, ``count``, ``earlier level`` (a level at a named earlier date, or the
"from" of "from 25% to 27%"), ``change`` ("up 3%", "an increase of more than 10%"),
``target`` ("an aspiration to reach 33% by 2023/24"), ``flow`` (recruits, joiners, leavers,
promotions) and ``other characteristic`` (ethnicity, part-time working, pay, what people
said; a share among women rather than of women).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10}
_PARTS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
          "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10}
_NUMBER = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})"
_QUAL = (r"(?P<qual>more\s+than|over|at\s+least|almost|nearly|virtually|under|fewer\s+than|"
         r"less\s+than|just\s+under|just\s+over|around|about|approximately|roughly|some|"
         r"no\s+less\s+than)\s+")
_FRACTION = re.compile(
    rf"(?:\b{_QUAL})?(?:\b(?P<k>{_NUMBER})\s+in\s+(?:every\s+)?(?P<n>{_NUMBER})\b"
    r"|\b(?P<a>a|one|two|three|four)\s+(?P<part>half|halves|thirds?|quarters?|fifths?|tenths?)"
    r"(?=\s+of\b|\s*\(|\s+(?:are|were|is|was)\b)"
    r"|\b(?P<half>half)\s+(?=of\b))", re.IGNORECASE)
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_UNITS = {k: v for k, v in _NUMBERS.items() if v < 10}
_PERCENT = re.compile(
    rf"(?:\b{_QUAL})?(?:(?<![\d.,£$])(?P<num>\d{{1,3}}(?:\.\d+)?)|\b(?P<words>(?:"
    rf"{'|'.join(_TENS)})(?:[-\s](?:{'|'.join(_UNITS)}))?|{'|'.join(_TEENS)}|"
    rf"{'|'.join(_UNITS)}))\s?"
    r"(?:%|per\s?cent\b|percent\b|pc\b)", re.IGNORECASE)
_COUNT_NUMBER = r"\d{1,3}(?:,\d{3})+|\d{1,6}"
_WORD_COUNT = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|" \
              r"twenty)"

WOMEN = re.compile(r"\b(women|woman|female|females|policewomen|policewoman)\b", re.I)
MEN = re.compile(r"\b(men|man|male|males)\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[A-Z0-9\"'“‘(])|\n+")
_PARAGRAPH = re.compile(r"\n\s*\n")

# Words that make a figure something other than today's share of women in the workforce.
_TARGET = re.compile(
    r"\b(aims?|aiming|aspirations?|aspires?|targets?|goals?|ambitions?|wants?|wish(?:es)?|"
    r"hopes?|pledged?|promised|should\s+reach|to\s+reach|to\s+increase|to\s+achieve)\b", re.I)
_TARGET_AFTER = re.compile(r"^[^.;]{0,40}?\b(by\s+(?:the\s+)?(?:end\s+of\s+)?(?:financial\s+year\s+"
                           r"(?:of\s+)?)?(?:20\d\d|the\s+end)|to\s+be\s+(?:women|female))\b",
                           re.I)
_FLOW = re.compile(
    r"\b(recruits?|recruited|hired|hires|hiring|joiners?|joined|joining|"
    r"intake|entrants|cohort|applicants?|applications?|candidates?|new\s+(?:officers|"
    r"constables|starters?|police\s+officers)|newly|took\s+on|promot(?:ed|ions?)|leavers?|"
    r"left|resign(?:ed|ations?)?|retention|beneficiaries|commissioned)\b", re.I)
_OTHER = re.compile(
    r"\b(ethnic\w*|BA?ME|black|asian|minorit\w+|disab\w+|LGBT\w*|part[-\s]time|firearms|"
    r"mounted|public\s+order|specialisms?|earning|earn|earned|pay|paid|salar\w+|bonus\w*|"
    r"harass\w*|felt|feel|feels|survey\w*|respondents?|experienc\w+|"
    r"victims?|survivors?|representatives|reps|heritage|sworn|law\s+enforcement|agencies)\b",
    re.I)
_CHANGE_BEFORE = re.compile(
    r"\b(?:(?<!make\s)(?<!makes\s)(?<!made\s)(?<!making\s)up|down|rises?|rose|risen|falls?|fell|"
    r"increases?d?|decreases?d?|grow(?:n|th)?|grew|drop(?:ped)?|improve(?:d|ment)?|by|than|"
    r"jump(?:ed)?|boost(?:ed)?)\s+(?:of\s+|by\s+)?(?:almost\s+|nearly\s+|around\s+|about\s+|"
    r"more\s+than\s+|over\s+|some\s+|just\s+)?$", re.I)
_CHANGE_AFTER = re.compile(
    r"^\s*(?:percentage\s+points?|points?|increase|rise|rises|jump|drop|fall|decrease|growth|"
    r"higher|lower|more|fewer|less|up|down|year[-\s]on[-\s]year)\b", re.I)
_FROM_TO = re.compile(r"\bfrom\s+(?:just\s+|only\s+|around\s+|about\s+)?$", re.I)
_TO_AFTER_FROM = re.compile(r"\bfrom\b[^.;]*?\bto\s+(?:just\s+|around\s+|about\s+)?$", re.I)
_AMONG_WOMEN = re.compile(r"\s*of\s+(?:our\s+|the\s+|all\s+|those\s+)?(?:[\d,]+\s+)?"
                          r"(?:women|female)\b(?!\s+(?:officers\s+)?(?:are|is|were)\b)", re.I)
_YEARISH = re.compile(r"^(?:19|20)\d\d$")


@dataclass
class Figure:
    """One number in a sentence, and the kind of claim it makes."""

    sentence: str
    paragraph: int  # which paragraph of the text (0 first)
    start: int  # where the figure stands in `sentence`
    end: int
    quoted: str  # as written, with its qualifier: "more than a third", "30.4%"
    value: float  # a fraction for a share, a number of people for a count
    figure: str  # share | count
    decimals: int = 0
    in_words: bool = False  # "one in three", not a percentage
    qualifier: str | None = None  # over | under | about
    kind: str = "current share"
    kind_words: str | None = None  # the words that made it a target, flow, change ...
    pair: Figure | None = field(default=None, repr=False)  # the other end of "from X to Y"
    of: Figure | None = field(default=None, repr=False)  # the share "30.4% (10,386)" counts
    notes: list[str] = field(default_factory=list)


_QUALIFIERS = {"over": "over", "more than": "over", "at least": "over", "just over": "over",
               "no less than": "over", "almost": "under", "nearly": "under",
               "virtually": "under", "under": "under", "fewer than": "under",
               "less than": "under", "just under": "under", "around": "about",
               "about": "about", "approximately": "about", "roughly": "about", "some": "about"}


def _qualifier(match: re.Match) -> str | None:
    qual = match.groupdict().get("qual")
    return _QUALIFIERS.get(" ".join(qual.lower().split())) if qual else None


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in _PARAGRAPH.split(text) if p.strip()]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def _count_word(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word.lower()]


def _share(match: re.Match) -> tuple[float, int, bool] | None:
    """(share, decimals, in words) of a percentage or fraction match; None if not a share."""
    groups = match.groupdict()
    if groups.get("words"):
        parts = re.split(r"[-\s]", groups["words"].lower())
        number = _TENS.get(parts[0]) or _TEENS.get(parts[0]) or _UNITS.get(parts[0]) or 0
        number += _UNITS.get(parts[1], 0) if len(parts) > 1 else 0
        return number / 100, 0, False
    if groups.get("num") is not None:
        number = groups["num"]
        value = float(number) / 100
        decimals = len(number.split(".")[1]) if "." in number else 0
        return (value, decimals, False) if value <= 1 else None
    if groups.get("k") is not None:
        k, n = _count_word(groups["k"]), _count_word(groups["n"])
        return (k / n, 0, True) if 0 < k < n else None
    if groups.get("half") is not None:
        return 0.5, 0, True
    k = 1 if groups["a"].lower() in {"a", "one"} else _count_word(groups["a"])
    n = _PARTS[groups["part"].lower()]
    return (k / n, 0, True) if k < n else None


# Counts of women: the forms real writing uses.
_GROUP_NOUN = (r"(?:officers?|constables?|sergeants?|inspectors?|superintendents?|leaders?|"
               r"leadership|ranks?|PCSOs?|staff|specials|volunteers?|managers?|management|"
               r"police|forces?|employees|workforce|colleagues|personnel|people|posts|"
               r"positions|roles)")
_MODIFIERS = (r"(?:(?:police|in|at|among|senior|our|the|its|chief|special|community|support|"
              r"middle|superintending|serving|detective|front-?line|uniformed|neighbourhood|"
              r"response|leadership|full[-\s]time|equivalent|FTE|\d+|all|area|territorial|"
              r"constable|officer)\s+){0,4}")
_SEX = r"(?P<sex>women|woman|female|females|men|male|policewomen)"
_COUNT_FORMS = [
    # "350 female officers", "10,386 full time equivalent female police officers", "50,364
    # women in the 43 police forces", "1,167 women, compared to 1,119 men"
    re.compile(rf"(?P<count>{_COUNT_NUMBER})\s+(?:(?:full[-\s]time\s+equivalent|FTE)\s+)?"
               rf"{_SEX}\b(?:\s+(?P<who>{_MODIFIERS}{_GROUP_NOUN})\b)?", re.I),
    # "over 1,200 of our officers are women", "19 of the 49 chief constable posts ... are held
    # by women"
    re.compile(rf"(?:\b{_QUAL})?(?P<count>{_COUNT_NUMBER}|{_WORD_COUNT})\s+of\s+(?:our|the|its|"
               rf"their|all)\s+"
               rf"(?:(?P<out_of>{_COUNT_NUMBER})\s+)?(?P<who>{_MODIFIERS}{_GROUP_NOUN})"
               rf"(?:\s+\w+){{0,6}}?\s+(?:are|is|were|was)\s+(?:now\s+|held\s+by\s+|headed\s+"
               rf"by\s+)?(?:a\s+)?{_SEX}\b", re.I),
    # "only 37,428 were female"
    re.compile(rf"(?:only\s+|just\s+)?(?P<count>\d{{1,3}}(?:,\d{{3}})+|\d{{2,6}})\s+(?:are|were|is|"
               rf"was)\s+(?:now\s+)?{_SEX}\b", re.I),
    # "795 (35 per cent) are female"
    re.compile(rf"(?P<count>{_COUNT_NUMBER})\s*\([^)]*%?[^)]*\)\s*(?:are|were|is|was)\s+"
               rf"(?:now\s+)?{_SEX}\b", re.I),
    # "the number of female police officers ... has reached over 35,700"; "are now women, a
    # total of 50,000"
    re.compile(rf"(?:\b(?:women|female)\b[^.;]{{0,60}}?(?:reached|totall?ing|stands?\s+at|"
               rf"stood\s+at|(?<!of\s)a\s+total\s+of)\s+)(?:{_QUAL})?(?P<count>{_COUNT_NUMBER})"
               rf"(?![\d,]*\s*(?:%|per))", re.I),
    # "many excellent female officers out there - 36,000 to be precise"
    re.compile(r"(?:-|–)\s+(?P<count>\d{1,3}(?:,\d{3})+)\s+to\s+be\s+precise", re.I),
    # "with 43 at chief officer rank"
    re.compile(rf"\bwith\s+(?P<count>{_COUNT_NUMBER})\s+at\s+(?P<who>{_MODIFIERS}"
               rf"{_GROUP_NOUN})\b", re.I),
]
# "30.4% (10,386 police officers)", "27.9 per cent (35,653)", "42.5% (13,326)"
_PAREN_COUNT = re.compile(rf"(?:\s+(?:female|women|male|men)(?:\s+(?:police\s+)?officers?)?)?"
                          rf"\s*\((?P<count>{_COUNT_NUMBER})(?:\s+(?P<who>{_MODIFIERS}"
                          rf"{_GROUP_NOUN}))?\s*\)|(?:\s+(?:women|female))?\s+[-–]\s+"
                          rf"(?P<dcount>{_COUNT_NUMBER})\s+(?P<dwho>{_MODIFIERS}{_GROUP_NOUN})",
                          re.I)
_MONEY_OR_ORDINAL = re.compile(r"(?:£|\$|€)\s*$")
_ADDED = re.compile(r"\b(?:extra|additional|another|further|more)\s+$", re.I)


def find_figures(text: str) -> list[Figure]:
    """Every share or count of people stated in a sentence that speaks of women or men, in the
    order written, each with its kind."""
    out: list[Figure] = []
    for p_index, paragraph in enumerate(paragraphs(text)):
        for sentence in sentences(paragraph):
            if not (WOMEN.search(sentence) or MEN.search(sentence)):
                continue
            out.extend(_sentence_figures(sentence, p_index))
    return out


def _sentence_figures(sentence: str, p_index: int) -> list[Figure]:
    shares: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for match in sorted([*_PERCENT.finditer(sentence), *_FRACTION.finditer(sentence)],
                        key=lambda m: m.start()):
        if any(a <= match.start() < b for a, b in taken):
            continue
        share = _share(match)
        if share is None:
            continue
        value, decimals, in_words = share
        taken.append((match.start(), match.end()))
        shares.append(Figure(sentence, p_index, match.start(), match.end(),
                             match.group(0).strip(), value, "share", decimals, in_words,
                             _qualifier(match)))
    counts: list[Figure] = []
    for stated in shares:  # "30.4% (10,386 police officers)": the count of the same people
        paren = _PAREN_COUNT.match(sentence, stated.end)
        if paren:
            name = "count" if paren.group("count") else "dcount"
            start, end = paren.start(name), paren.end(name)
            counts.append(Figure(sentence, p_index, start, end,
                                 sentence[start:paren.end()].strip(" ()-–"),
                                 float(paren.group(name).replace(",", "")), "count",
                                 of=stated))
            taken.append((start, end))
    for form in _COUNT_FORMS:
        for match in form.finditer(sentence):
            start, end = match.start("count"), match.end("count")
            if any(a <= start < b for a, b in taken):
                continue
            number = match.group("count")
            value = _count_word(number) if number.isalpha() else int(number.replace(",", ""))
            if value == 0 or ("," not in number and _YEARISH.match(number)):
                continue
            if _MONEY_OR_ORDINAL.search(sentence[:start]) or _ADDED.search(sentence[:start]) or \
                    re.match(r"\s*(?:%|per\s?cent|percent)", sentence[end:], re.I):
                continue
            taken.append((start, end))
            counts.append(Figure(sentence, p_index, match.start(), match.end(),
                                 match.group(0).strip(), float(value), "count",
                                 qualifier=_qualifier(match)))
    figures = sorted(shares + counts, key=lambda f: f.start)
    for figure in figures:
        _classify(figure, figures)
    return figures


def related(a: Figure, b: Figure) -> bool:
    """Whether two figures speak of the same thing: the ends of "from X to Y", or a share and
    the count in brackets after it."""
    return a is b or a.pair is b or b.pair is a or a.of is b or b.of is a


def _window(figure: Figure, figures: list[Figure], *, before: int = 60, after: int = 60,
            cut_at_figures: bool = True) -> tuple[str, str]:
    """The text either side of `figure` up to `before`/`after` characters, stopping at a
    clause break or (with `cut_at_figures`) at another figure (other than a related one)."""
    s = figure.sentence
    left = s[max(0, figure.start - before): figure.start]
    right = s[figure.end: figure.end + after]
    for other in figures if cut_at_figures else ():
        if related(figure, other):
            continue
        if other.end <= figure.start and figure.start - other.end < len(left):
            left = s[other.end: figure.start]
        if other.start >= figure.end and other.start - figure.end < len(right):
            right = s[figure.end: other.start]
    stop = re.compile(r"[;:]|\s[-–]\s|\bbut\b|\bthough\b|\bwhile\b|\bwhereas\b|\bcompared\b|"
                      r"\bwhich\b", re.I)
    parts = stop.split(left)
    left = parts[-1]
    right = stop.split(right)[0]
    return left, right


def _classify(figure: Figure, figures: list[Figure]) -> None:
    if figure.of is not None:  # the count of the people a share is about: the same kind
        kind = figure.of.kind
        figure.kind = "count" if kind == "current share" else kind
        figure.kind_words = figure.of.kind_words
        return
    s = figure.sentence
    before = s[: figure.start]
    left, right = _window(figure, figures)
    # "from 25% to 27%", "up from 32%", "rose to 32 per cent last year from 30 per cent"
    if _FROM_TO.search(before[-25:]):
        figure.kind, figure.kind_words = "earlier level", "from"
        partner = next((f for f in figures if f.start > figure.end and
                        re.match(r"^[^.;]{0,60}?\bto\s+(?:just\s+|around\s+|about\s+)?$",
                                 s[figure.end:f.start], re.I)), None)
        if partner is not None:
            partner.pair, figure.pair = figure, partner
        return
    if figure.pair is not None:  # the "to" of a pair: a level at its own date
        figure.kind = "current share" if figure.figure == "share" else "count"
    after = s[figure.end:]
    nxt = next((f for f in figures if f.start >= figure.end), None)
    if nxt is not None and nxt.pair is None and figure.pair is None and \
            re.match(r"^[^.;–]{0,90}?\bfrom\s+(?:just\s+|only\s+)?$", s[figure.end:nxt.start],
                     re.I) and not re.search(r"\s[-–]\s", s[figure.end:nxt.start]):
        nxt.kind, nxt.kind_words = "earlier level", "from"
        nxt.pair, figure.pair = figure, nxt
    if _CHANGE_BEFORE.search(before[-40:]) or _CHANGE_AFTER.match(after):
        word = (_CHANGE_BEFORE.search(before[-40:]) or _CHANGE_AFTER.match(after))
        figure.kind, figure.kind_words = "change", word.group(0).strip() if word else None
        return
    among = _AMONG_WOMEN.match(s, figure.end)
    if figure.figure == "share" and among:
        figure.kind = "other characteristic"
        figure.kind_words = among.group(0).strip()
        figure.notes.append("a share among women, not the share of women")
        return
    # another characteristic is said of the figure itself: within its own part of the clause
    own_left = re.split(r",\s", left)[-1]
    own_right = re.split(r",\s|\band\b", right)[0]
    found = _OTHER.search(f"{own_left} {figure.quoted} {own_right}")
    if found:
        figure.kind, figure.kind_words = "other characteristic", found.group(0)
        return
    wide_left, _ = _window(figure, figures, before=100, after=90, cut_at_figures=False)
    _, wide_right = _window(figure, figures, before=100, after=90)
    found = _TARGET.search(wide_left) or _TARGET_AFTER.match(right)
    if found:
        figure.kind, figure.kind_words = "target", found.group(found.lastindex or 0)
        return
    found = _FLOW.search(f"{wide_left} {figure.quoted} {wide_right}")
    if found:
        figure.kind, figure.kind_words = "flow", found.group(0)
        return
    if figure.figure == "count" and figure.kind != "earlier level":
        figure.kind = "count"
