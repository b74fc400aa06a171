"""HubSpot's v3 request signature (hubspot.md §2 "Signatures", §0a).

``X-HubSpot-Signature-v3`` is base64 HMAC-SHA256, keyed with the app's client secret, of
``METHOD + uri + raw body + timestamp``: the timestamp is the ``X-HubSpot-Request-Timestamp``
header as sent (epoch milliseconds), and the uri is the public URL HubSpot called with
these twelve escapes decoded, and no others: %3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C
%3B. A timestamp more than 5 minutes old is refused; digests are compared in constant time.
https://developers.hubspot.com/docs/api/webhooks/validating-requests
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

DECODED = {
    "%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$",
    "%27": "'", "%28": "(", "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";",
}  # fmt: skip
_ESCAPE = re.compile("|".join(DECODED), re.IGNORECASE)
MAX_AGE_MS = 5 * 60 * 1000


def decode_uri(uri: str) -> str:
    """The URI as HubSpot hashes it: only the twelve listed escapes decoded."""
    return _ESCAPE.sub(lambda match: DECODED[match.group(0).upper()], uri)


def signature_v3(secret: str, method: str, uri: str, body: bytes, timestamp: str) -> str:
    message = method.upper().encode() + decode_uri(uri).encode() + body + timestamp.encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signature_v2(secret: str, method: str, uri: str, body: bytes) -> str:
    """v2 (workflow actions, legacy cards): hex SHA-256 of secret + METHOD + uri + body."""
    message = secret.encode() + method.upper().encode() + uri.encode() + body
    return hashlib.sha256(message).hexdigest()


def verify_v2(*, secret: str, method: str, uri: str, body: bytes, signature: str) -> bool:
    """Only where a request carries no v3 signature: v2 has no timestamp to refuse a replay."""
    if not secret:
        return False
    expected = signature_v2(secret, method, uri, body)
    return hmac.compare_digest(expected.encode(), signature.strip().lower().encode())


def timestamp_fresh(timestamp: str, *, now_ms: int) -> bool:
    """A millisecond timestamp at most 5 minutes old (and not from the future)."""
    if not timestamp.isdigit() or len(timestamp) > 15:
        return False
    return abs(now_ms - int(timestamp)) <= MAX_AGE_MS


def verify_v3(
    *, secret: str, method: str, uri: str, body: bytes, timestamp: str, signature: str
) -> bool:
    if not secret:
        return False
    expected = signature_v3(secret, method, uri, body, timestamp)
    return hmac.compare_digest(expected.encode(), signature.strip().encode())
