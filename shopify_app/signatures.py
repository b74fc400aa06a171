"""Shopify's signatures: the hex HMAC on OAuth/app URLs and the base64 HMAC on webhooks.
https://shopify.dev/docs/apps/build/authentication-authorization
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Iterable, Mapping

SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]\.myshopify\.com$")
MAX_SHOP_LENGTH = 255  # InboundEvent.account_id and Connection.account_id
MAX_QUERY_AGE = 3600  # seconds a signed install/callback URL stays acceptable
HEX_DIGEST = re.compile(r"^[0-9a-fA-F]{64}$")
BASE64_DIGEST = re.compile(r"^[A-Za-z0-9+/]{43}=$")  # 32 bytes, base64 with its padding


def normalise_shop(shop: str) -> str | None:
    """The shop's myshopify domain, or None when it is not one (no other hosts allowed)."""
    shop = (shop or "").strip().lower()
    shop = re.sub(r"^https?://", "", shop).rstrip("/")
    if len(shop) > MAX_SHOP_LENGTH or not shop.isascii():
        return None
    return shop if SHOP_DOMAIN.fullmatch(shop) else None


def query_message(params: Mapping[str, str]) -> str:
    """Sorted ``k=v`` pairs joined by ``&``, without ``hmac`` and ``signature``."""
    pairs = sorted((k, v) for k, v in params.items() if k not in {"hmac", "signature"})
    return "&".join(f"{key}={value}" for key, value in pairs)


def query_hmac(params: Mapping[str, str], secret: str) -> str:
    return hmac.new(secret.encode(), query_message(params).encode(), hashlib.sha256).hexdigest()


def verify_query(params: Mapping[str, str], secrets: Iterable[str], *, now: float | None = None):
    """True when the query's hmac matches one of the secrets and its timestamp is fresh."""
    given = params.get("hmac", "")
    if not isinstance(given, str) or not HEX_DIGEST.fullmatch(given):
        return False  # compare_digest refuses non-ASCII text; a forgery is just False
    try:
        age = abs((now or time.time()) - int(params.get("timestamp", "0")))
    except ValueError:
        return False
    if age > MAX_QUERY_AGE:
        return False
    given = given.lower()
    return any(hmac.compare_digest(query_hmac(params, s), given) for s in secrets if s)


def webhook_hmac(body: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify_webhook(body: bytes, given: str, secrets: Iterable[str]) -> bool:
    """Compare in constant time against each current secret (during a rotation Shopify may
    still sign with the previous one). A header that is not a base64 SHA-256 digest
    (non-ASCII, wrong length) is simply not a match."""
    if not isinstance(given, str) or not BASE64_DIGEST.fullmatch(given):
        return False
    return any(hmac.compare_digest(webhook_hmac(body, s), given) for s in secrets if s)
