"""The words of Parity: worker types, ranks, rank groups, sex categories and measures (the
Home Office workforce table's), and the HR extract's event kinds, leaving reasons and columns
(the flows').

One spelling per concept, used from the importer to the templates, by every domain. The Home Office labels
each key stands for are kept beside it so that the importer can map them (case-insensitively:
the table spells "Police staff" and "Police Staff" in different years).
"""

from __future__ import annotations

# Worker types: key -> Home Office label.
WORKER_TYPES: dict[str, str] = {
    "officer": "Police Officer",
    "staff": "Police Staff",
    "pcso": "Police Community Support Officer",
    "designated": "Designated Officer",
    "special": "Special Constable",
    "volunteer": "Police Support Volunteer",
}
# Specials and volunteers are counted by headcount only (Notes sheet, note C).
HEADCOUNT_ONLY = frozenset({"special", "volunteer"})

# Officer ranks, lowest first: key -> Home Office label.
OFFICER_RANKS: dict[str, str] = {
    "constable": "Constable",
    "sergeant": "Sergeant",
    "inspector": "Inspector",
    "chief_inspector": "Chief Inspector",
    "superintendent": "Superintendent",
    "chief_superintendent": "Chief Superintendent",
    "chief_officer": "Chief Officer",
}
RANK_ORDER: tuple[str, ...] = tuple(OFFICER_RANKS)

# The "rank description" of the other worker types: worker type -> {key: label}.
OTHER_ROLES: dict[str, dict[str, str]] = {
    "staff": {"police_staff": "Police Staff"},
    "pcso": {"community_support_officer": "Community Support Officer"},
    "special": {"special_constable": "Special Constable"},
    "volunteer": {"police_support_volunteer": "Police Support Volunteer"},
    "designated": {
        "detention_officer_s38": "Designated Detention Officer (S.38)",
        "detention_officer_s39": "Designated Detention Officer (S.39)",
        "escort_officer_s38": "Designated Escort Officer (S.38)",
        "escort_officer_s39": "Designated Escort Officer (S.39)",
        "investigation_officer_s38": "Designated Investigation Officer (S.38)",
    },
}
ROLES: dict[str, dict[str, str]] = {"officer": OFFICER_RANKS, **OTHER_ROLES}

# Rank groups of the UK policing gender-equality reports (see docs/decisions/0002).
RANK_GROUPS: dict[str, tuple[str, ...]] = {
    "all": RANK_ORDER,
    "middle": ("sergeant", "inspector"),
    "senior": ("chief_inspector", "superintendent", "chief_superintendent", "chief_officer"),
    "superintending": ("superintendent", "chief_superintendent", "chief_officer"),
    "chief_officer": ("chief_officer",),
    **{rank: (rank,) for rank in RANK_ORDER if rank != "chief_officer"},
}
GROUP_LABELS: dict[str, str] = {
    "all": "all ranks",
    "middle": "middle management (Sergeant and Inspector)",
    "senior": "senior leadership (Chief Inspector and above)",
    "superintending": "Superintendent and above",
    "chief_officer": "chief officers",
    **{rank: label for rank, label in OFFICER_RANKS.items() if rank != "chief_officer"},
}

# Sex categories: key -> Home Office label. Shares of women are women over all recorded.
SEXES: dict[str, str] = {
    "female": "Female",
    "male": "Male",
    "not_stated": "Not stated",
    "prefer_not_to_say": "Prefer not to say",
    "prefer_to_self_describe": "Prefer to self-describe",
}
OTHER_SEXES: tuple[str, ...] = ("not_stated", "prefer_not_to_say", "prefer_to_self_describe")

MEASURES = ("fte", "headcount")


def lookup(table: dict[str, str], label: str) -> str | None:
    """The key whose label matches `label`, ignoring case and surrounding space."""
    wanted = " ".join(str(label).split()).casefold()
    for key, value in table.items():
        if value.casefold() == wanted or key == wanted:
            return key
    return None


def ranks_in(group: str, worker_type: str) -> tuple[str, ...] | None:
    """The rank keys a group covers for a worker type; None means every role of that type.

    Rank groups are officer ranks: for other worker types only ``all`` is meaningful.
    """
    if worker_type != "officer":
        if group != "all":
            raise ValueError(
                f"rank group {group!r} applies to police officers only; use --group all "
                f"for {WORKER_TYPES[worker_type].lower()}s"
            )
        return None
    if group not in RANK_GROUPS:
        raise ValueError(f"unknown rank group {group!r}; expected one of {', '.join(RANK_GROUPS)}")
    return RANK_GROUPS[group]


# The flows: an HR extract's events ---------------------------------------------------------
# Event kinds, as written in the extract's `event` column.
JOINING = "joining"
PROMOTION = "promotion"
WORKER_TYPE_CHANGE = "worker_type_change"
HOURS_CHANGE = "hours_change"
LEAVING = "leaving"
EVENTS: tuple[str, ...] = (JOINING, PROMOTION, WORKER_TYPE_CHANGE, HOURS_CHANGE, LEAVING)
EVENT_ALIASES: dict[str, str] = {
    "join": JOINING, "joiner": JOINING, "joined": JOINING, "start": JOINING,
    "promoted": PROMOTION,
    "worker type change": WORKER_TYPE_CHANGE, "change of worker type": WORKER_TYPE_CHANGE,
    "hours change": HOURS_CHANGE, "change of hours": HOURS_CHANGE,
    "leave": LEAVING, "leaver": LEAVING, "left": LEAVING,
}

# Leaving reasons.
LEAVING_REASONS: tuple[str, ...] = (
    "retirement", "resignation", "dismissal", "transfer_out", "other",
)
REASON_ALIASES: dict[str, str] = {
    "retired": "retirement", "resigned": "resignation", "dismissed": "dismissal",
    "transfer out": "transfer_out", "transfer": "transfer_out", "transferred": "transfer_out",
}

# The extract's columns, in the order the generator writes them. `from_rank` is filled for
# promotions only, `leaving_reason` for leavings only.
COLUMNS: tuple[str, ...] = (
    "person_id", "sex", "event", "date", "worker_type", "rank", "from_rank", "fte",
    "leaving_reason",
)
REQUIRED_COLUMNS = frozenset({"person_id", "sex", "event", "date", "worker_type", "rank", "fte"})

# Rate names accepted by `service.rate_series`.
RATES: tuple[str, ...] = ("promotion", "leaving", "joining")


def normalise_word(text: str) -> str:
    return " ".join(str(text).replace("_", " ").replace("-", " ").split()).casefold()


def lookup_event(text: str) -> str | None:
    key = normalise_word(text)
    for event in EVENTS:
        if key == event.replace("_", " "):
            return event
    return EVENT_ALIASES.get(key)


def lookup_reason(text: str) -> str | None:
    key = normalise_word(text)
    for reason in LEAVING_REASONS:
        if key == reason.replace("_", " "):
            return reason
    return REASON_ALIASES.get(key)
