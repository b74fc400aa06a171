"""Property-based fuzzing of every inbound door: whatever arrives, the answer is never a
5xx, and a refused request stores nothing (no event, connection or integration).

Each example uses a fresh test client; the database is the test's, so counts are compared
around each request. Only what a request can carry is random; the provider's token
endpoints are stubbed to refuse, as they do a forged or reused code.
"""

from __future__ import annotations

import json
import time
import uuid
from urllib.parse import quote, urlencode

import pytest
import responses
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from integrations.models import Connection
from shopify_app.signatures import normalise_shop, query_hmac, webhook_hmac
from syncs.models import InboundEvent, Integration
from syncs.replay import replay_url
from tests.factories import SyncRunFactory

pytestmark = pytest.mark.django_db
SHOP = "demo-butik.myshopify.com"
FUZZ = hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
SHOPIFY_TOKEN_URL = f"https://{SHOP}/admin/oauth/access_token"
FORTNOX_TOKEN_URL = f"{settings.FORTNOX_AUTH_URL}/token"

# --- strategies ----------------------------------------------------------------------------
odd_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="ascii"), max_size=40),
    st.sampled_from(["", " ", "\x00", "ÅÄÖ", "\ud800", "%00", "é" * 300, "a" * 5000]),
)
shops = st.one_of(
    st.just(SHOP),
    st.just("annan-butik.myshopify.com"),
    st.just(f"HTTPS://{SHOP.upper()}/"),
    st.just("a" * 300 + ".myshopify.com"),
    odd_text,
)
topics = st.one_of(
    st.sampled_from(
        [
            "orders/paid",
            "orders/create",
            "app/uninstalled",
            "shop/redact",
            "customers/redact",
            "customers/data_request",
            "refunds/create",
            "x" * 101,
        ]
    ),
    odd_text,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | odd_text | shops,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "domain", "myshopify_domain", "shop_domain", "customer"])
            | st.text(max_size=8),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)
bodies = st.one_of(
    json_values.map(lambda value: json.dumps(value).encode()),
    json_values.map(lambda value: json.dumps(value, ensure_ascii=False).encode("utf-8", "replace")),
    st.binary(max_size=200),
    st.sampled_from([b"[" * 50_000 + b"]" * 50_000, b'{"a": "\x00"}', b"\xff\xfe{}"]),
)
query_values = st.lists(
    st.tuples(
        st.sampled_from(["shop", "hmac", "timestamp", "code", "state", "host", "error"])
        | st.text(max_size=10),
        odd_text,
    ),
    max_size=8,
)


def _counts() -> tuple[int, int, int]:
    return InboundEvent.objects.count(), Connection.objects.count(), Integration.objects.count()


def _assert_no_5xx_and_nothing_stored_when_refused(response, before) -> None:
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert _counts() == before


def _query(pairs) -> str:
    """Lone surrogates go out as the invalid UTF-8 they would be on the wire."""
    return urlencode(pairs, doseq=True, errors="surrogatepass")


def _as_received(text: str) -> str:
    """What Django makes of the text after the round trip (invalid UTF-8 replaced)."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


# --- /shopify/webhooks/ ------------------------------------------------------------------
@FUZZ
@given(
    topic=topics,
    shop=shops,
    webhook_id=st.one_of(st.uuids().map(str), odd_text, st.just("d" * 256)),
    body=bodies,
    signed=st.booleans(),
    signature=odd_text,
    length=st.one_of(st.none(), st.sampled_from(["abc", "-1", "0", "99999999999"])),
    extra=st.dictionaries(
        st.sampled_from(["X-Shopify-API-Version", "X-Shopify-Event-Id", "X-Shopify-Triggered-At"]),
        odd_text,
    ),
)
def test_webhook_receiver_never_answers_5xx_and_stores_nothing_it_refuses(
    topic, shop, webhook_id, body, signed, signature, length, extra
):
    headers = {
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Hmac-Sha256": webhook_hmac(body, settings.SHOPIFY_CLIENT_SECRET)
        if signed
        else signature,
        **extra,
    }
    meta = {"CONTENT_LENGTH": length} if length is not None else {}
    before = _counts()

    response = Client().post(
        "/shopify/webhooks/", data=body, content_type="application/json", headers=headers, **meta
    )

    _assert_no_5xx_and_nothing_stored_when_refused(response, before)
    if response.status_code == 200:
        event = InboundEvent.objects.get(delivery_id=webhook_id.strip())
        assert event.account_id == normalise_shop(shop)
        assert len(event.topic) <= 100 and len(event.delivery_id) <= 255
        assert isinstance(json.loads(event.body), dict)


@FUZZ
@given(signature=st.one_of(odd_text, st.text(min_size=40, max_size=50)), body=bodies)
def test_webhook_with_any_signature_header_is_refused_and_never_a_5xx(signature, body):
    """Every other header is right: only the signature is random text (non-ASCII,
    not base64, a NUL byte) and never matches."""
    headers = {
        "X-Shopify-Topic": "orders/paid",
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Hmac-Sha256": signature,
    }
    before = _counts()

    response = Client().post(
        "/shopify/webhooks/", data=body, content_type="application/json", headers=headers
    )

    assert response.status_code in (400, 401)  # 400: a blank header is a missing one
    assert _counts() == before


@FUZZ
@given(
    body=json_values.map(lambda value: {"id": 1, "shop_domain": value}),
    topic=topics,
)
def test_signed_webhook_naming_another_shop_is_never_stored(body, topic):
    raw = json.dumps(body).encode()
    headers = {
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Hmac-Sha256": webhook_hmac(raw, settings.SHOPIFY_CLIENT_SECRET),
    }
    before = _counts()

    response = Client().post(
        "/shopify/webhooks/", data=raw, content_type="application/json", headers=headers
    )

    _assert_no_5xx_and_nothing_stored_when_refused(response, before)
    if isinstance(body["shop_domain"], str) and normalise_shop(body["shop_domain"]) == SHOP:
        assert response.status_code in (200, 400)
    else:
        assert response.status_code in (400, 401)


# --- /shopify/install/ and the two OAuth callbacks ---------------------------------------
def _signed_query(pairs, secret: str) -> list[tuple[str, str]]:
    params = {"timestamp": str(int(time.time())), **dict(pairs)}
    received = {_as_received(key): _as_received(value) for key, value in params.items()}
    return [*params.items(), ("hmac", query_hmac(received, secret))]


@FUZZ
@given(pairs=query_values, shop=shops, sign=st.booleans())
def test_install_never_answers_5xx_and_stores_nothing(pairs, shop, sign):
    pairs = [("shop", shop), *pairs]
    if sign:
        pairs = _signed_query(pairs, settings.SHOPIFY_CLIENT_SECRET)
    before = _counts()

    response = Client().get(f"/shopify/install/?{_query(pairs)}")

    assert response.status_code < 500
    assert _counts() == before  # installing stores nothing until the callback


@FUZZ
@given(given_hmac=odd_text, timestamp=st.one_of(st.just(None), odd_text, st.integers()))
def test_install_with_any_hmac_is_refused_and_never_a_5xx(given_hmac, timestamp):
    pairs = [("shop", SHOP), ("hmac", given_hmac)]
    if timestamp is None:
        pairs.append(("timestamp", str(int(time.time()))))
    else:
        pairs.append(("timestamp", str(timestamp)))

    response = Client().get(f"/shopify/install/?{_query(pairs)}")

    assert response.status_code == 401


@pytest.fixture
def token_endpoints_refuse():
    """Shopify and Fortnox answer a token request for a forged or reused code with 400."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        shopify_error = {
            "error": "invalid_request",
            "error_description": "The authorization code was not found or was already used",
        }
        rsps.add(responses.POST, SHOPIFY_TOKEN_URL, status=400, json=shopify_error)
        fortnox_error = {"error": "invalid_grant", "error_description": "Invalid code"}
        rsps.add(responses.POST, FORTNOX_TOKEN_URL, status=400, json=fortnox_error)
        yield rsps


def _client_with_state(provider: str, state: str, **extra) -> Client:
    client = Client()
    session = client.session
    session[f"oauth:{provider}"] = {"state": state, **extra}
    session.save()
    return client


@FUZZ
@given(
    pairs=query_values,
    code=odd_text,
    state_known=st.booleans(),
    sign=st.booleans(),
    repeat=st.booleans(),
)
def test_shopify_callback_never_answers_5xx_and_stores_nothing_it_refuses(
    token_endpoints_refuse, pairs, code, state_known, sign, repeat
):
    client = _client_with_state("shopify", "the-state", shop=SHOP)
    pairs = [("code", code), ("shop", SHOP), *pairs]
    if state_known:
        pairs.append(("state", "the-state"))
    if sign:
        pairs = _signed_query(pairs, settings.SHOPIFY_CLIENT_SECRET)
    if repeat and pairs:
        pairs.append(pairs[0])
    before = _counts()

    response = client.get(f"/shopify/callback/?{_query(pairs)}")

    _assert_no_5xx_and_nothing_stored_when_refused(response, before)
    assert response.status_code in (400, 401)
    assert _counts() == before


@FUZZ
@given(pairs=query_values, code=odd_text, state_known=st.booleans(), repeat=st.booleans())
def test_fortnox_callback_never_answers_5xx_and_stores_nothing_it_refuses(
    token_endpoints_refuse, pairs, code, state_known, repeat
):
    client = _client_with_state("fortnox", "the-state", integration_id=None)
    pairs = [("code", code), *pairs]
    if state_known:
        pairs.append(("state", "the-state"))
    if repeat:
        pairs.append(pairs[0])
    before = _counts()

    response = client.get(f"/fortnox/callback/?{_query(pairs)}")

    _assert_no_5xx_and_nothing_stored_when_refused(response, before)
    assert response.status_code == 400
    assert b"<p>" in response.content  # the page with its one sentence
    assert _counts() == before


@FUZZ
@given(pairs=query_values, integration=odd_text)
def test_fortnox_connect_never_answers_5xx_and_stores_nothing(pairs, integration):
    before = _counts()

    response = Client().get(f"/fortnox/connect/?{_query([('integration', integration), *pairs])}")

    assert response.status_code == 403
    assert _counts() == before


# --- the replay link and the health check --------------------------------------------------
@FUZZ
@given(token=odd_text.filter(bool), post=st.booleans())
def test_replay_link_with_any_token_is_never_a_5xx(token, post):
    path = f"/syncs/replay/{quote(token, safe='', errors='surrogatepass')}/"
    client = Client()

    response = client.post(path) if post else client.get(path)

    assert response.status_code in (403, 404, 405), response.status_code  # 403: CSRF on POST


def test_replay_link_of_a_deleted_run_is_404_on_get_and_post():
    run = SyncRunFactory(status="failed")
    path = replay_url(run).removeprefix(settings.PUBLIC_BASE_URL)
    run.delete()
    client = Client()

    assert client.get(path).status_code == 404
    assert client.post(path).status_code in (403, 404)


def test_replay_link_with_a_huge_token_is_404():
    assert Client().get(f"/syncs/replay/{'a' * 100_000}/").status_code == 404


@FUZZ
@given(
    method=st.sampled_from(["get", "post", "put", "delete", "head", "options"]),
    pairs=query_values,
)
def test_healthz_never_answers_5xx(method, pairs):
    response = getattr(Client(), method)(f"/healthz?{_query(pairs)}")

    assert response.status_code in (200, 405)
