"""Public output speaks to readers: no command lines, no raw keys.

- `for_readers(text)`: a message written for the command line (an `InputError`'s reason,
  "no recorded crime held: run `parity import crime`") without its command: what is missing
  stays, how an operator loads it goes (the web's error answers use it).
- `words(key)`: a key of Parity's vocabulary (``on_track``, ``no_data``, ``lower_middle``,
  ``figures_have_one_decimal_place``) as words ("on track", "no data", "lower middle",
  "figures have one decimal place"); the ``words`` filter of every template.
"""

from __future__ import annotations

import re

# ": run `parity ...` first", " (use `parity ...`)", " (`parity ...` finds ids)", "(try ...)"
_COMMAND = re.compile(
    r"(?:\s*[:;,]\s*(?:run|use|see|try)\s+`parity [^`]*`(?:\s+first)?"
    r"|\s*\((?:[^()`]*?)`parity [^`]*`[^()]*\)"
    r"|\s*[:;,]?\s*(?:load|import)[^`:;()]*?with\s+`parity [^`]*`)")
_LEFT = re.compile(r"`parity [^`]*`")

SPECIAL = {"fte": "FTE", "pcso": "PCSO", "gpg": "gender pay gap", "ci": "interval"}


def for_readers(text: str | None) -> str:
    """`text` without the command lines written for operators."""
    if not text:
        return text or ""
    out = _COMMAND.sub("", text)
    out = _LEFT.sub("the site's operator", out)
    return out.strip()


_SENTENCE = re.compile(r"[^.]*?\bparity (?:[a-z-]+ )*--json[^.]*\.\s*")


def for_programmers(text: str | None) -> str:
    """API documentation without its notes on the matching command ("The same as ``parity
    forces --json``."): the command line is no part of the open API."""
    out = _SENTENCE.sub("", text or "")
    out = re.sub(r"\s*\((?:the )?same as ``?parity [^)]*\)", "", out)
    return for_readers(out)


def words(key: object) -> str:
    """A snake_case key as words; other values unchanged (as text)."""
    if key is None:
        return ""
    text = str(key)
    if not re.fullmatch(r"[a-z0-9]+(?:_[a-z0-9]+)+|[a-z]+", text):
        return text
    return " ".join(SPECIAL.get(part, part) for part in text.split("_"))
