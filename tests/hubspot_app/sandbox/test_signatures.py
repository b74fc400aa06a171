"""Signature algorithms checked against the documented vectors and a hand-computed v3."""

from __future__ import annotations

import base64
import hashlib
import hmac

from hubspot_app.sandbox import signatures
from hubspot_app.sandbox.webhooks import build_delivery

SECRET = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy"
V1_BODY = (
    '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,'
    '"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,'
    '"changeSource":"CRM","changeFlag":"NEW","appId":54321}]'
)


def test_v1_matches_hubspots_documented_vector():
    assert signatures.v1(SECRET, V1_BODY) == (
        "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de"
    )


def test_v2_matches_hubspots_documented_vector():
    signature = signatures.v2(
        SECRET, "POST", "https://www.example.com/webhook_uri", '{"example_field":"example_value"}'
    )
    assert signature == "9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900"


def test_v3_hashes_method_decoded_uri_body_and_millisecond_timestamp():
    uri = "https://app.example.se/hook%3Fx%3D1?a=b%2Cc&d=e%20f"
    # Worked by hand: %3F -> ?, %2C -> , are decoded; %3D and %20 are not on the list.
    message = b'POSThttps://app.example.se/hook?x%3D1?a=b,c&d=e%20f{"a":1}1700000000123'
    expected = base64.b64encode(hmac.new(b"s3cret", message, hashlib.sha256).digest()).decode()
    assert signatures.v3("s3cret", "post", uri, b'{"a":1}', "1700000000123") == expected


def test_only_the_twelve_escapes_are_decoded():
    encoded = "%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B%20%3D%25"
    assert signatures.decode_uri(encoded) == ":/?@!$'()*,;%20%3D%25"


def test_webhook_delivery_is_signed_v1_and_v3():
    delivery = build_delivery(
        url="https://app.example.se/hubspot/webhooks/",
        events=[{"eventId": 7}],
        client_secret="sandbox-secret",
        timestamp_ms=1_700_000_000_000,
    )
    body = b'[{"eventId":7}]'
    assert delivery.body == body
    headers = delivery.headers
    assert headers["X-HubSpot-Signature-Version"] == "v1"
    assert headers["X-HubSpot-Signature"] == hashlib.sha256(b"sandbox-secret" + body).hexdigest()
    message = b"POSThttps://app.example.se/hubspot/webhooks/" + body + b"1700000000000"
    expected = hmac.new(b"sandbox-secret", message, hashlib.sha256).digest()
    assert headers["X-HubSpot-Signature-v3"] == base64.b64encode(expected).decode()
    assert headers["X-HubSpot-Request-Timestamp"] == "1700000000000"
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"].startswith("HubSpot Connect 2.0 (http://dev.hubspot.com/)")
