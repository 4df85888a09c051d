"""Accounts: registration, sign-in, tokens and the current user's profile."""
