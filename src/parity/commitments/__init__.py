"""Commitments: pledges held as data, each with its indicators, baseline, target and status.

`service` is the entry point for every front end and other domain; `metrics` holds the pure
progress and status rules; `providers` computes indicator series from the data Parity holds.
"""
