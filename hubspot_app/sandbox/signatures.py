"""HubSpot's request signatures (hubspot.md §2 "Signatures", §0a "Signatures").

* v1: hex SHA-256 of ``client_secret + body`` (webhook deliveries).
* v2: hex SHA-256 of ``client_secret + METHOD + uri + body`` (workflow actions, legacy cards).
* v3: base64 HMAC-SHA256, key the client secret, message ``METHOD + uri + body + timestamp``
  where the timestamp is the ``X-HubSpot-Request-Timestamp`` string (epoch milliseconds) and
  ``uri`` is the full URL with only these twelve escapes decoded: %3A %2F %3F %40 %21 %24 %27
  %28 %29 %2A %2C %3B (not %20 or others). A receiver rejects timestamps older than 5 minutes.
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
_ESCAPE = re.compile("|".join(DECODED))
MAX_AGE_MS = 5 * 60 * 1000
USER_AGENT = "HubSpot Connect 2.0 (http://dev.hubspot.com/) - sandbox"


def _bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


def decode_uri(uri: str) -> str:
    """The URI as HubSpot hashes it for v3: only the twelve listed escapes decoded."""
    return _ESCAPE.sub(lambda match: DECODED[match.group(0)], uri)


def v1(client_secret: str, body: bytes | str) -> str:
    return hashlib.sha256(client_secret.encode() + _bytes(body)).hexdigest()


def v2(client_secret: str, method: str, uri: str, body: bytes | str) -> str:
    source = client_secret.encode() + method.upper().encode() + uri.encode() + _bytes(body)
    return hashlib.sha256(source).hexdigest()


def v3(client_secret: str, method: str, uri: str, body: bytes | str, timestamp: str) -> str:
    message = method.upper().encode() + decode_uri(uri).encode() + _bytes(body) + timestamp.encode()
    digest = hmac.new(client_secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
