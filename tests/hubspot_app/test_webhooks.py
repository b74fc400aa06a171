"""The webhook receiver: HubSpot's v3 signature, stale timestamps, malformed bodies, one
event per eventId, and one document per deal and rule however the deal moves."""

from __future__ import annotations

import time

import pytest

from hubspot_app.sandbox.signatures import v3
from hubspot_app.sandbox.webhooks import Delivery, build_delivery
from hubspot_app.signatures import decode_uri, signature_v3
from syncs.models import InboundEvent, SyncRun
from syncs.outbox import outbox_relay
from tests.hubspot_app.conftest import WEBHOOK_PATH, WEBHOOK_URL, fortnox_invoices
from tests.plugins.hubspot import PORTAL_ID

pytestmark = pytest.mark.django_db
SECRET = "sandbox-secret"


def _event(event_id: int = 1, **extra) -> dict:
    return {
        "eventId": event_id,
        "subscriptionId": 3100002,
        "portalId": PORTAL_ID,
        "appId": 1,
        "occurredAt": int(time.time() * 1000),
        "subscriptionType": "deal.propertyChange",
        "attemptNumber": 0,
        "objectId": 123,
        "changeSource": "CRM_UI",
        "sourceId": "userId:9",
        "propertyName": "dealstage",
        "propertyValue": "closedwon",
        **extra,
    }


def _signed(events, *, secret: str = SECRET, age_ms: int = 0, url: str = WEBHOOK_URL):
    stamp = int(time.time() * 1000) - age_ms
    return build_delivery(url=url, events=events, client_secret=secret, timestamp_ms=stamp)


def _post(client, delivery: Delivery):
    headers = {k: v for k, v in delivery.headers.items() if k != "Content-Type"}
    return client.post(
        WEBHOOK_PATH, delivery.body, content_type="application/json", headers=headers
    )


def test_v3_signature_matches_hubspots_algorithm_with_the_twelve_escapes_decoded():
    uri = "https://example.se/hubspot/webhooks/?a=%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B%20"
    assert decode_uri(uri) == "https://example.se/hubspot/webhooks/?a=:/?@!$'()*,;%20"
    body = b'[{"eventId":1}]'
    assert signature_v3(SECRET, "POST", uri, body, "1700000000000") == v3(
        SECRET, "POST", uri, body, "1700000000000"
    )


def test_delivery_signed_by_hubspots_algorithm_is_recorded_once_per_event(client):
    delivery = _signed([_event(1), _event(2, propertyValue="contractsent")])

    first, again = _post(client, delivery), _post(client, delivery)

    assert (first.status_code, again.status_code) == (200, 200)
    assert sorted(InboundEvent.objects.values_list("delivery_id", "topic", "account_id")) == [
        (f"{PORTAL_ID}:1", "deal.propertyChange", str(PORTAL_ID)),
        (f"{PORTAL_ID}:2", "deal.propertyChange", str(PORTAL_ID)),
    ]


@pytest.mark.parametrize(
    "delivery",
    [
        pytest.param(lambda: _signed([_event()], secret="not-the-secret"), id="wrong secret"),
        pytest.param(lambda: _signed([_event()], age_ms=5 * 60 * 1000 + 1000), id="stale"),
        pytest.param(lambda: _signed([_event()], url="https://elsewhere.se/hubspot/webhooks/"),
                     id="another url"),
    ],
)  # fmt: skip
def test_wrong_or_stale_signature_gets_401_and_stores_nothing(client, delivery):
    response = _post(client, delivery())

    assert response.status_code == 401
    assert InboundEvent.objects.count() == 0


def test_body_changed_after_signing_gets_401(client):
    delivery = _signed([_event()])
    changed = Delivery(delivery.method, delivery.url, delivery.headers, delivery.body + b" ")

    assert _post(client, changed).status_code == 401


def test_missing_signature_headers_get_401(client):
    delivery = _signed([_event()])
    response = client.post(WEBHOOK_PATH, delivery.body, content_type="application/json")

    assert response.status_code == 401
    assert InboundEvent.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [b"{}", b"not json", b'[{"eventId": "x"}]', b"[1]", b'[{"portalId": 1}]', b"[\xff]"],
)
def test_signed_but_malformed_body_gets_400_and_stores_nothing(client, body):
    stamp = str(int(time.time() * 1000))
    headers = {
        "X-HubSpot-Signature-v3": signature_v3(SECRET, "POST", WEBHOOK_URL, body, stamp),
        "X-HubSpot-Request-Timestamp": stamp,
    }
    response = client.post(WEBHOOK_PATH, body, content_type="application/json", headers=headers)

    assert response.status_code == 400
    assert InboundEvent.objects.count() == 0


def test_an_empty_array_and_a_long_one_are_accepted(client):
    assert _post(client, _signed([])).status_code == 200
    events = [_event(n, propertyName="amount", propertyValue=str(n)) for n in range(1, 251)]
    assert _post(client, _signed(events)).status_code == 200
    assert InboundEvent.objects.count() == 250


def test_the_receiver_makes_no_outbound_call(client, mocked_http):
    _post(client, _signed([_event()]))

    assert len(mocked_http.calls) == 0


def test_echo_of_our_own_write_is_recorded_and_ignored(
    portal_integration, client, django_capture_on_commit_callbacks
):
    echo = _event(7, changeSource="INTEGRATION", sourceId="1")
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client, _signed([echo])).status_code == 200
        outbox_relay()

    event = InboundEvent.objects.get()
    assert event.state == InboundEvent.State.IGNORED
    assert SyncRun.objects.count() == 0


def test_deal_moved_out_of_the_stage_and_back_makes_still_one_invoice(
    portal_integration, hubspot_sandbox, fortnox_sandbox, deliver
):
    made = hubspot_sandbox.create_deal("mixed_vat_12_6")
    deal_id = made["deal"]["id"]
    for stage in ("closedwon", "contractsent", "closedwon"):
        hubspot_sandbox.move_deal(deal_id, stage)
        deliver(duplicate=1)

    deliver(duplicate=2, reorder=True)

    assert len(fortnox_invoices(fortnox_sandbox)) == 1
    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.SUCCEEDED
    assert len(hubspot_sandbox.notes(deal_id)) == 1


def test_deal_in_a_stage_no_rule_names_makes_nothing(
    portal_integration, hubspot_sandbox, fortnox_sandbox, deliver
):
    made = hubspot_sandbox.create_deal("mixed_vat_12_6")
    hubspot_sandbox.move_deal(made["deal"]["id"], "presentationscheduled")

    deliver()

    assert fortnox_invoices(fortnox_sandbox) == {}
    assert not SyncRun.objects.filter(status=SyncRun.Status.SUCCEEDED).exists()


def test_event_for_a_stage_the_deal_has_left_is_skipped_after_rereading(
    portal_integration, hubspot_sandbox, fortnox_sandbox, deliver
):
    made = hubspot_sandbox.create_deal("mixed_vat_12_6")
    deal_id = made["deal"]["id"]
    hubspot_sandbox.move_deal(deal_id, "closedwon")
    hubspot_sandbox.move_deal(deal_id, "contractsent")  # before the events arrive

    deliver()

    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.SKIPPED
    assert "contractsent" in run.error_message
    assert fortnox_invoices(fortnox_sandbox) == {}


def test_rules_pick_the_document_type_per_stage(
    portal_integration, hubspot_sandbox, fortnox_sandbox, deliver
):
    settings = portal_integration.hubspot_settings
    order_rule = {"pipeline": "default", "stage": "contractsent", "document_type": "order"}
    settings.stage_rules = [order_rule, *settings.stage_rules]
    settings.save()
    made = hubspot_sandbox.create_deal("mixed_vat_12_6")
    deal_id = made["deal"]["id"]
    hubspot_sandbox.move_deal(deal_id, "closedwon")  # scenario deals start in contractsent
    hubspot_sandbox.move_deal(deal_id, "contractsent")
    deliver()
    hubspot_sandbox.move_deal(deal_id, "closedwon")
    deliver()

    tenant = fortnox_sandbox.tenant("1234567")
    assert len(tenant.orders) == 1
    assert len(tenant.invoices) == 1
    kinds = sorted(SyncRun.objects.values_list("source_id", "document_type", "status"))
    assert kinds == [
        (f"{deal_id}:default:closedwon", "invoice", "succeeded"),
        (f"{deal_id}:default:contractsent", "order", "succeeded"),
    ]
