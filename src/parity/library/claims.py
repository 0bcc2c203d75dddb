"""Quantitative claims about women in the workforce, and the official figure each refers to.

Pure functions (text in, claims out; figures in, verdicts out); `service.check_figures` looks
the figures up. What is recognised (docs/decisions/0602):

- a sentence with a percentage ("26%", "26 per cent", "26.4 percent") or a plain fraction
  ("one in three", "2 in 5", "a quarter of", "half of", "two thirds of") that speaks of women
  (women, woman, female) — or of men, then compared with the share of men — and of a workforce
  group (officers, staff, PCSOs, special constables, leaders, a rank ...);
- the worker type from the words: officers (the default when only ranks or leaders are
  named), police staff, PCSOs, special constables, police support volunteers; "workforce" or
  "officers and staff" together cannot be told apart, nor can figures about recruits,
  applicants, promotions or leavers (flows, not the workforce table);
- the rank group, following DESIGN.md: "senior leaders", "senior leadership", "senior
  officers", "Chief Inspector and above" = ``senior``; "middle management", "Sergeants and
  Inspectors" = ``middle``; "Superintendent and above" = ``superintending``; "chief officers"
  = ``chief_officer``; a single rank named in the plural ("sergeants") = that rank; else
  ``all``;
- a change ("up 4%", "an increase of 3 per cent") is not a share and is skipped;
- a share among women ("40% of women officers work part-time", "one in four women said ...")
  is not the share of women: it cannot be checked;
- a count of people ("350 female officers", "over 1,200 of our officers are women") is
  compared with the official number of women (headcount, then FTE) within `count_band`;
- the snapshot: the latest 31 March on or before the publication date.

A claim matches when it lies within the tolerance of the official share: half a unit of the
claim's last digit (it was rounded) plus `TOLERANCE_POINTS` percentage points (a force may
quote its own HR system on a nearby date), on FTE first and then headcount. A fraction in
words is a rounder figure: it matches within `FRACTION_TOLERANCE_POINTS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parity import calendar

TOLERANCE_POINTS = 0.5
FRACTION_TOLERANCE_POINTS = 2.5

_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10}
_PARTS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
          "fifth": 5, "fifths": 5}
_NUMBER = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})"
_FRACTION = re.compile(
    rf"\b(?P<k>{_NUMBER})\s+in\s+(?:every\s+)?(?P<n>{_NUMBER})\b"
    r"|\b(?P<a>a|one|two|three)\s+(?P<part>half|halves|thirds?|quarters?|fifths?)\s+of\b"
    r"|\b(?P<half>half)\s+of\b", re.IGNORECASE)

_PERCENT = re.compile(
    r"(?<![\d.])(?P<num>\d{1,3}(?:\.\d+)?)\s?(?:%|per\s?cent\b|percent\b)", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'“‘(])|\n+")
_WOMEN = re.compile(r"\b(women|woman|female|females)\b", re.IGNORECASE)
_MEN = re.compile(r"\b(men|man|male|males)\b", re.IGNORECASE)
_CHANGE = re.compile(
    r"\b(?:(?<!make\s)(?<!makes\s)(?<!made\s)(?<!making\s)up|down|rise|rose|risen|fall|fell|"
    r"increase[sd]?|decrease[sd]?|grow(?:n|th)?|grew|drop(?:ped)?|improve(?:d|ment)?|by|than)"
    r"\s+(?:of\s+|by\s+|from\s+|to\s+)?(?:almost\s+|nearly\s+|around\s+|about\s+|"
    r"over\s+)?$", re.IGNORECASE)
_FLOWS = re.compile(
    r"\b(recruits?|recruited|recruitment|applicants?|applications?|joiners?|intake|cohort|"
    r"new\s+(?:starters?|officers|constables)|promot(?:ed|ions?)|leavers?|resignations?|"
    r"retention|candidates?|victims?|survivors?|respondents?|survey(?:ed)?)\b", re.IGNORECASE)

_AMONG_WOMEN = re.compile(r"\s*(?:of\s+)?(?:our\s+|the\s+|all\s+|those\s+)?(?:[\d,]+\s+)?"
                          r"(?:women|female)\b",
                          re.IGNORECASE)
_SAID = re.compile(
    r"\b(said|say|says|told|felt|feel|feels|agreed?|believed?|experienced?)\b", re.IGNORECASE)

# (pattern, worker type) in order of precedence.
_WORKER_TYPES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"\b(police\s+)?community\s+support\s+officers?\b|\bPCSOs?\b", re.I), "pcso"),
    (re.compile(r"\bspecial\s+constables?\b|\bspecials\b|\bspecial\s+constabulary\b", re.I),
     "special"),
    (re.compile(r"\b(police\s+)?support\s+volunteers?\b", re.I), "volunteer"),
    (re.compile(r"\bdesignated\s+officers?\b", re.I), "designated"),
    (re.compile(r"\b(police\s+)?staff\b|\bcivilian\b", re.I), "staff"),
    (re.compile(r"\bofficers?\b|\bconstables?\b|\bsergeants?\b|\binspectors?\b|"
                r"\bsuperintendents?\b|\branks?\b|\bleaders?\b|\bleadership\b|\bsenior\b|"
                r"\bpolicewomen\b|\bchief\s+officers?\b", re.I), "officer"),
)
_WHOLE_WORKFORCE = re.compile(r"\b(workforce|employees|colleagues|people|personnel)\b", re.I)

# (pattern, rank group) in order of precedence: the most specific first.
_GROUPS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"\bchief\s+inspectors?\s+(and|or)\s+(above|higher)\b", re.I), "senior"),
    (re.compile(r"\bsuperintend\w*\s+(ranks?\s+)?(and|or)\s+(above|higher)\b|"
                r"\bsuperintending\s+ranks?\b", re.I), "superintending"),
    (re.compile(r"\bsenior\s+(leaders?|leadership|officers?|ranks?|managers?|management|"
                r"team|positions?|roles?)\b", re.I), "senior"),
    (re.compile(r"\bchief\s+officers?\b|\bchief\s+officer\s+team\b|\bchief\s+constables?\b",
                re.I), "chief_officer"),
    (re.compile(r"\bmiddle\s+(managers?|management|leaders?|ranks?)\b|"
                r"\bsergeants?\s+and\s+inspectors?\b", re.I), "middle"),
    (re.compile(r"\bchief\s+inspectors\b", re.I), "chief_inspector"),
    (re.compile(r"\bchief\s+superintendents\b", re.I), "chief_superintendent"),
    (re.compile(r"\bsuperintendents\b", re.I), "superintendent"),
    (re.compile(r"\binspectors\b", re.I), "inspector"),
    (re.compile(r"\bsergeants\b", re.I), "sergeant"),
    (re.compile(r"\bconstables\b", re.I), "constable"),
)


# Counts of people: "350 female officers", "1,234 women police officers", "over 1,200 of our
# officers are women", "12 of our 40 superintendents are women".
_COUNT_NUMBER = r"\d{1,3}(?:,\d{3})+|\d{1,6}"
_GROUP_NOUN = (r"(?:officers?|constables?|sergeants?|inspectors?|superintendents?|leaders?|"
               r"leadership|ranks?|PCSOs?|staff|specials|volunteers?|managers?|management)")
_QUALIFIER = (r"(?P<qual>over|more\s+than|at\s+least|almost|nearly|under|fewer\s+than|"
              r"less\s+than|just\s+under|just\s+over|around|about|approximately|roughly|"
              r"some)\s+")
_MODIFIERS = (r"(?:(?:police|in|at|among|senior|our|the|chief|special|community|support|"
              r"middle|superintending|serving|detective|front-?line|uniformed|neighbourhood|"
              r"response|leadership)\s+){0,3}")
_COUNT = re.compile(
    rf"(?:\b{_QUALIFIER})?(?<![\d.,£$€])(?P<count>{_COUNT_NUMBER})(?![\d.,]*\s*(?:%|per\s?cent))"
    rf"(?:\s+(?P<sex>women|woman|female|men|male)\s+(?P<who>{_MODIFIERS}{_GROUP_NOUN})\b"
    rf"|\s+of\s+(?:our|the|its|their|all)\s+(?:(?P<out_of>{_COUNT_NUMBER})\s+)?"
    rf"(?P<who2>{_MODIFIERS}{_GROUP_NOUN})\s+(?:are|is|were|was)\s+(?:now\s+)?"
    rf"(?P<sex2>women|female|men|male)\b)",
    re.IGNORECASE)
_BASE = re.compile(r"(?:%|per\s?cent|percent)\s+of\s+$", re.IGNORECASE)  # "40% of 300 women"
_ADDED = re.compile(r"\b(?:extra|additional|another|further|new)\s+$", re.IGNORECASE)
_QUALIFIERS = {"over": "over", "more than": "over", "at least": "over", "just over": "over",
               "almost": "under", "nearly": "under", "under": "under", "fewer than": "under",
               "less than": "under", "just under": "under", "around": "about",
               "about": "about", "approximately": "about", "roughly": "about", "some": "about"}
COUNT_TOLERANCE_SHARE = 0.02  # a count matches within 2% of it (at least one person) ...
ROUNDED_COUNT_SHARE = 0.05  # ... plus half its rounding unit, at most 5% of it ...
QUALIFIED_COUNT_SHARE = 0.10  # ... and "over", "nearly" or "about" a number allow 10% more


@dataclass
class Claim:
    """One claimed share, and what it is taken to be about (None where it cannot be told)."""

    text: str  # the sentence
    quoted: str  # the figure as written, e.g. "26%"
    value: float  # the claimed share, a fraction
    decimals: int
    sex: str  # female | male
    worker_type: str | None
    group: str | None
    reason: str | None = None  # why it cannot be checked, where it cannot
    notes: list[str] = field(default_factory=list)
    in_words: bool = False  # a fraction such as "one in three", not a percentage
    kind: str = "share"  # share (value a fraction) | count (value a number of people)
    qualifier: str | None = None  # for a count: over | under | about (as written) or None


WORKERS = {"officer": "officers", "staff": "police staff", "pcso": "PCSOs",
           "special": "special constables", "volunteer": "police support volunteers",
           "designated": "designated officers"}
GROUPS = {"all": None, "senior": "senior leadership (Chief Inspector and above)",
          "middle": "sergeants and inspectors", "chief_officer": "chief officers",
          "superintending": "Superintendent and above"}


def official_label(official: dict | None) -> str:
    """'Kent, 31 March 2022: police staff' for the official figure a claim refers to."""
    if not official:
        return "—"
    who = WORKERS.get(official.get("worker_type") or "", official.get("worker_type") or "")
    group = official.get("group") or "all"
    part = GROUPS[group] if group in GROUPS else group.replace("_", " ") + "s"
    return (f"{official['area']}, 31 March {official['year']}: {who}"
            + (f", {part}" if part else ""))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


snapshot_year = calendar.snapshot_year


def _worker_type(sentence: str) -> tuple[str | None, str | None]:
    found = [wt for pattern, wt in _WORKER_TYPES if pattern.search(sentence)]
    if "officer" in found and "staff" in found:
        return None, "the sentence speaks of officers and staff together"
    if found:
        return found[0], None
    if _WHOLE_WORKFORCE.search(sentence):
        return None, "the whole workforce is not one official figure (officers, staff, PCSOs "\
            "and specials are counted apart)"
    return None, "no workforce group (officers, staff, PCSOs ...) is named"


def _group(sentence: str, worker_type: str | None) -> str | None:
    if worker_type != "officer":
        return "all"
    for pattern, group in _GROUPS:
        if pattern.search(sentence):
            return group
    return "all"


_CLAUSE_BREAK = re.compile(r",\s|;\s|\s(?:and|while|but|whereas|compared\s+with)\s", re.I)


def _clauses(sentence: str, matches: list[re.Match]) -> list[str]:
    """The part of `sentence` each percentage belongs to: from the last clause break before
    it (after the previous percentage) to where the next one's part begins."""
    if not matches:
        return []
    starts = []
    previous_end = 0
    for match in matches:
        breaks = list(_CLAUSE_BREAK.finditer(sentence, previous_end, match.start()))
        starts.append(breaks[-1].end() if breaks and previous_end else previous_end)
        previous_end = match.end()
    ends = starts[1:] + [len(sentence)]
    return [sentence[a:b] for a, b in zip(starts, ends, strict=True)]


def find_claims(text: str) -> list[Claim]:
    """Every claimed share of women (or men) in a workforce group found in `text`. Where a
    sentence has several figures, each is read with its own clause first ("32% of officers,
    and 28% of sergeants and inspectors"), then with the whole sentence."""
    claims = []
    for sentence in sentences(text):
        women, men = _WOMEN.search(sentence), _MEN.search(sentence)
        if not (women or men):
            continue
        matches = sorted([*_PERCENT.finditer(sentence), *_FRACTION.finditer(sentence)],
                         key=lambda m: m.start())
        for match, clause in zip(matches, _clauses(sentence, matches), strict=True):
            before = sentence[: match.start()]
            if _CHANGE.search(before[-40:]):
                continue
            figure = _figure(match)
            if figure is None:
                continue
            value, decimals, in_words = figure
            sex = "female" if women else "male"
            if women and men:
                sex = _nearest_sex(sentence, match.start())
            worker_type: str | None
            group: str | None
            reason: str | None
            if _AMONG_WOMEN.match(sentence, match.end()) or _SAID.search(clause):
                worker_type, group = None, None
                reason = "the figure is a share among women (of women who said, felt or do "\
                    "something), not the share of women in the workforce"
            elif _FLOWS.search(clause) or (_FLOWS.search(sentence) and len(matches) == 1):
                worker_type, group = None, None
                reason = "the figure is about a flow (recruits, applicants, promotions or "\
                    "leavers), not the workforce at 31 March"
            else:
                worker_type, reason = _worker_type(clause)
                if worker_type is None and len(matches) > 1:
                    worker_type, reason = _worker_type(sentence)
                group = _group(clause, worker_type) if worker_type else None
            claims.append(Claim(sentence, match.group(0), value, decimals, sex, worker_type,
                                group, reason, in_words=in_words))
        claims += _count_claims(sentence)
    return claims


def _count_claims(sentence: str) -> list[Claim]:
    """The counts of women (or men) in a workforce group that `sentence` states."""
    out = []
    for match in _COUNT.finditer(sentence):
        number = match.group("count")
        value = int(number.replace(",", ""))
        if value == 0 or ("," not in number and 1900 <= value <= 2100):  # a year, not people
            continue
        before = sentence[: match.start()]
        if _CHANGE.search(before[-40:]) or _ADDED.search(before[-30:]) or _BASE.search(before):
            continue
        who = match.group("who") or match.group("who2")
        sex_word = (match.group("sex") or match.group("sex2")).lower()
        sex = "female" if sex_word in {"women", "woman", "female"} else "male"
        qualifier = _QUALIFIERS.get(" ".join(match.group("qual").lower().split())) \
            if match.group("qual") else None
        reason = None
        worker_type: str | None
        group: str | None
        # the clause the count belongs to: from the clause break before it to the next one
        heads = list(_CLAUSE_BREAK.finditer(sentence, 0, match.start()))
        tail = _CLAUSE_BREAK.search(sentence, match.end())
        clause = sentence[heads[-1].end() if heads else 0: tail.start() if tail else None]
        if _FLOWS.search(clause):
            worker_type, group = None, None
            reason = "the figure is about a flow (recruits, applicants, promotions or " \
                "leavers), not the workforce at 31 March"
        else:
            worker_type, reason = _worker_type(who)
            group = _group(who, worker_type) if worker_type else None
        out.append(Claim(sentence, match.group(0).strip(), float(value), 0, sex, worker_type,
                         group, reason, kind="count", qualifier=qualifier))
    return out


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word.lower()]


def _figure(match: re.Match) -> tuple[float, int, bool] | None:
    """(share, decimals, in words) of a percentage or fraction match; None if not a share."""
    groups = match.groupdict()
    if groups.get("num") is not None:
        number = groups["num"]
        value = float(number) / 100
        decimals = len(number.split(".")[1]) if "." in number else 0
        return (value, decimals, False) if value <= 1 else None
    if groups.get("k") is not None:
        k, n = _count(groups["k"]), _count(groups["n"])
        return (k / n, 0, True) if 0 < k < n else None
    if groups.get("half") is not None:
        return 0.5, 0, True
    k = 1 if groups["a"].lower() in {"a", "one"} else _count(groups["a"])
    n = _PARTS[groups["part"].lower()]
    return (k / n, 0, True) if k < n else None


def _nearest_sex(sentence: str, position: int) -> str:
    def distance(pattern: re.Pattern) -> int:
        return min(abs(m.start() - position) for m in pattern.finditer(sentence))

    return "female" if distance(_WOMEN) <= distance(_MEN) else "male"


def count_tolerance(claim: Claim) -> float:
    """How many people the official count may be from a count claim for a match: 2% of it
    (at least one person), plus half the unit a round number of 100 or more was rounded to
    ("1,200" to the hundred: 50), at most 5% of it."""
    value = int(claim.value)
    slack = max(1.0, COUNT_TOLERANCE_SHARE * value)
    if value >= 100:
        digits = str(value)
        zeros = len(digits) - len(digits.rstrip("0"))
        if zeros:  # at most 5% of the number: "1,000" is not "anything from 500"
            slack += min(0.5 * 10 ** zeros, ROUNDED_COUNT_SHARE * value)
    return slack


def count_band(claim: Claim) -> tuple[float, float]:
    """(lowest, highest) official count that matches a count claim: the tolerance either side,
    widened by 10% of the number above it for "over", below it for "nearly" or "under", and
    both ways for "about"."""
    slack = count_tolerance(claim)
    extra = QUALIFIED_COUNT_SHARE * claim.value
    low, high = claim.value - slack, claim.value + slack
    if claim.qualifier in {"over", "about"}:
        high += extra
    if claim.qualifier in {"under", "about"}:
        low -= extra
    return low, high


def tolerance(claim: Claim) -> float:
    """How far (as a fraction) the official share may be from the claim for a match."""
    if claim.in_words:
        return FRACTION_TOLERANCE_POINTS / 100
    return 0.5 * 10 ** (-claim.decimals) / 100 + TOLERANCE_POINTS / 100


def verdict(claim: Claim, *, fte: float | None, headcount: float | None
            ) -> tuple[str, str | None]:
    """("matches" | "does not match" | "cannot tell", measure that matched) for the official
    shares on FTE and headcount (either may be None)."""
    if fte is None and headcount is None:
        return "cannot tell", None
    if claim.kind == "count":  # `fte` and `headcount` are counts of people then
        low, high = count_band(claim)
        for measure, official in (("headcount", headcount), ("fte", fte)):
            if official is not None and low - 1e-9 <= official <= high + 1e-9:
                return "matches", measure
        return "does not match", None
    limit = tolerance(claim) + 1e-12
    for measure, official in (("fte", fte), ("headcount", headcount)):
        if official is not None and abs(official - claim.value) <= limit:
            return "matches", measure
    return "does not match", None
