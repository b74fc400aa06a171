"""Fortnox sandbox fixtures (filled in with the sandbox)."""
