"""Shared bits for the HubSpot sandbox tests."""

from __future__ import annotations

API = "https://api.hubapi.com"
AUTHORIZE = "https://app.hubspot.com/oauth/authorize"
CALLBACK = "http://testserver/hubspot/callback/"
TARGET = "https://app.example.se/hubspot/webhooks/"


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}
