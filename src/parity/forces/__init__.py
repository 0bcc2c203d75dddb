"""The registry of police forces, regions and the areas built from them (data, not code)."""

from parity.forces.registry import (
    ENGLAND_AND_WALES,
    Area,
    Force,
    Registry,
    UnknownName,
    force_or_error,
    registry,
)

__all__ = ["ENGLAND_AND_WALES", "Area", "Force", "Registry", "UnknownName", "force_or_error",
           "registry"]
