"""Forces, regions and areas, and one lookup that resolves every publisher's spelling.

The data live in ``forces.yaml``. A lookup normalises a name (case, ``&`` versus ``and``,
punctuation, a leading "The", a trailing "Police", "Constabulary", "Police Service" ...) and
matches it against each force's id, name and aliases; an unknown name raises `UnknownName`,
which suggests the closest known names.

An *area* is a force, a region, or a national aggregate. "England and Wales" is the 43
territorial forces (the Home Office convention); British Transport Police joins it only when
asked (``include_btp=True``).

``forces.json`` holds ``forces.yaml`` parsed, with the checksum of the YAML text it was parsed
from, so that the registry loads without PyYAML (its import was a third of ``parity forces
--json``, issue 13). While the two disagree (``forces.yaml`` edited, ``make commands`` not yet
run) the registry reads the YAML, and a test fails.
"""

from __future__ import annotations

import difflib
import json
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from parity.errors import InputError

DATA = Path(__file__).with_name("forces.yaml")
PARSED = Path(__file__).with_name("forces.json")
ENGLAND_AND_WALES = "England and Wales"
_SUFFIXES = (
    "police service", "police force", "police headquarters", "constabulary", "police",
)


class UnknownName(InputError):
    """A force or area name that the registry does not know."""


@dataclass(frozen=True)
class Force:
    id: str
    name: str
    code: str | None
    region: str | None
    nation: str
    kind: str  # territorial | national (BTP) | other_uk
    aliases: tuple[str, ...]

    @property
    def territorial(self) -> bool:
        return self.kind == "territorial"


@dataclass(frozen=True)
class Area:
    """A set of forces under one name. ``kind`` is force, region, nation or national."""

    kind: str
    name: str
    force_ids: tuple[str, ...]
    includes_btp: bool = False

    @property
    def id(self) -> str:
        return slug(self.name)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", "and")).strip("-")


def normalise(name: str) -> str:
    """The lookup key of a name: lower case, 'and' for '&', no punctuation or footnote digits."""
    text = name.lower().replace("&", " and ")
    text = re.sub(r"[^a-z ]+", " ", text)
    text = " ".join(text.split())
    if text.startswith("the "):
        text = text[4:]
    return text


def _strip_suffix(key: str) -> str:
    for suffix in _SUFFIXES:
        if key.endswith(" " + suffix):
            return key[: -len(suffix) - 1]
    return key


class Registry:
    def __init__(self, data: dict):
        self.forces: tuple[Force, ...] = tuple(
            Force(
                id=f["id"], name=f["name"], code=f.get("code"), region=f.get("region"),
                nation=f["nation"], kind=f["kind"], aliases=tuple(f.get("aliases") or ()),
            )
            for f in data["forces"]
        )
        self.regions: tuple[str, ...] = tuple(r["name"] for r in data["regions"])
        self._by_id = {f.id: f for f in self.forces}
        self._force_keys: dict[str, str] = {}
        for force in self.forces:
            names = [force.id.replace("-", " "), force.name, *force.aliases]
            for name in names:
                key = normalise(name)
                for k in {key, _strip_suffix(key)}:
                    other = self._force_keys.setdefault(k, force.id)
                    if other != force.id:
                        raise ValueError(f"forces.yaml: {name!r} names both {other} and {force.id}")
        self._by_code = {f.code: f.id for f in self.forces if f.code}
        self._region_keys: dict[str, str] = {}
        for r in data["regions"]:
            for name in [r["name"], *(r.get("aliases") or ())]:
                self._region_keys[normalise(name)] = r["name"]

    # forces -------------------------------------------------------------------------------
    def get(self, force_id: str) -> Force:
        return self._by_id[force_id]

    def territorial(self) -> list[Force]:
        return [f for f in self.forces if f.territorial]

    def find_force(self, name: str) -> Force | None:
        """The force a name denotes, or None."""
        if str(name).strip().upper() in self._by_code:
            return self._by_id[self._by_code[str(name).strip().upper()]]
        key = normalise(str(name))
        force_id = self._force_keys.get(key) or self._force_keys.get(_strip_suffix(key))
        return self._by_id[force_id] if force_id else None

    def force(self, name: str) -> Force:
        """The force a name denotes; `UnknownName` (with the closest names) when there is none."""
        found = self.find_force(name)
        if found is None:
            raise UnknownName(f"unknown force {name!r}{self._suggest(name, areas=False)}")
        return found

    # areas --------------------------------------------------------------------------------
    def area(self, name: str, *, include_btp: bool = False) -> Area:
        """Resolve a force, a region, 'England', 'Wales' or 'England and Wales'."""
        key = normalise(str(name))
        if key in {"england and wales", "e and w", "national", "ew"}:
            ids = [f.id for f in self.territorial()]
            if include_btp:
                ids.append("british-transport-police")
            return Area("national", ENGLAND_AND_WALES, tuple(ids), includes_btp=include_btp)
        if key == "england":
            return Area("nation", "England",
                        tuple(f.id for f in self.territorial() if f.nation == "England"))
        if key in self._region_keys:
            region = self._region_keys[key]
            return Area("region", region,
                        tuple(f.id for f in self.territorial() if f.region == region))
        force = self.find_force(name)
        if force is None:
            raise UnknownName(f"unknown area {name!r}{self._suggest(name, areas=True)}")
        return Area("force", force.name, (force.id,))

    def region_of(self, force_id: str) -> str | None:
        return self._by_id[force_id].region

    def _suggest(self, name: str, *, areas: bool) -> str:
        names = [f.name for f in self.forces] + [a for f in self.forces for a in f.aliases]
        if areas:
            names += list(self.regions) + [ENGLAND_AND_WALES, "England"]
        by_key = {normalise(n): n for n in names}
        close = difflib.get_close_matches(normalise(str(name)), list(by_key), n=3, cutoff=0.5)
        if not close:
            return " (try `parity forces` for the list)"
        return " (did you mean " + " or ".join(repr(by_key[c]) for c in close) + "?)"


def parse_yaml(source: bytes) -> dict[str, Any]:
    """``forces.yaml``'s text, parsed."""
    import yaml  # deferred: PyYAML only when forces.json is out of date (or being written)

    # libyaml's safe loader where PyYAML has it: 2 ms instead of 25 ms.
    return yaml.load(source, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def load_data() -> dict[str, Any]:
    """The registry's data: from ``forces.json`` when it was parsed from ``forces.yaml`` as it
    is now, else from the YAML."""
    source = DATA.read_bytes()
    try:
        parsed = json.loads(PARSED.read_text(encoding="utf-8"))
    except FileNotFoundError:
        parsed = {}
    if parsed.get("source_crc32") == zlib.crc32(source):
        return parsed["data"]
    return parse_yaml(source)


def write_parsed(path: Path = PARSED) -> None:
    """Save ``forces.yaml`` parsed, with the checksum of its text, for `load_data`."""
    source = DATA.read_bytes()
    payload = {"source": DATA.name, "source_crc32": zlib.crc32(source), "data": parse_yaml(source)}
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The registry built from the bundled ``forces.yaml``."""
    return Registry(load_data())


def force_or_error(text: str) -> Force:
    """The force with id `text`, or else named `text` in any publisher's spelling;
    `UnknownName` (an `InputError`, with the closest names) if there is none."""
    reg = registry()
    try:
        return reg.get(text)
    except KeyError:
        return reg.force(text)
