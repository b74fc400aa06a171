"""Shopify sandbox fixtures (filled in with the sandbox)."""
