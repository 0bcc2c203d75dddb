"""Accounts: the people who sign in to the private area, their roles and their sessions."""
