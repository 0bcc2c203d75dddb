"""Flows: joiners, leavers and promotions from a force's HR extract, and projections to parity."""
