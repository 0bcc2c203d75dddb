"""Parity: measure, track and report gender equality in UK police forces."""

__version__ = "0.1.0"
