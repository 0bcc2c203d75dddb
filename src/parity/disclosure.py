"""The under-10 rule: figures derived from a force's own HR or payroll records are published
only for groups of 10 people or more.

The one home of the threshold. Services apply it before figures from private extracts leave
them (`parity.flows.service`, `parity.paygap.service.shown`, `parity.commitments.service`);
front ends only display what they are given, showing a withheld figure as `SUPPRESSED`
(``[c]``, the usual mark for a figure withheld as confidential in official statistics).
"""

from __future__ import annotations

MINIMUM = 10
SUPPRESSED = "[c]"


def publishable(people: float | None, *, minimum: int = MINIMUM) -> bool:
    """Whether a figure resting on `people` people may be shown (None: unknown, so not)."""
    return people is not None and people >= minimum


def suppressed(value: str, people: float | None, *, minimum: int = MINIMUM) -> str:
    """`value` (already formatted), or "[c]" when it rests on fewer than `minimum` people."""
    return value if publishable(people, minimum=minimum) else SUPPRESSED
