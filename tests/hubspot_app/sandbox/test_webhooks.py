"""Webhook events (deal stage, creations, changes), batching, duplicates, order, sending."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import requests
import responses

from hubspot_app.sandbox import WebhookSender
from tests.hubspot_app.sandbox.helpers import API, TARGET, bearer
from tests.plugins.hubspot import PORTAL_ID


def verify_v3(delivery, secret: str = "sandbox-secret") -> bool:
    stamp = delivery.headers["X-HubSpot-Request-Timestamp"]
    message = b"POST" + delivery.url.encode() + delivery.body + stamp.encode()
    expected = base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest())
    return hmac.compare_digest(expected.decode(), delivery.headers["X-HubSpot-Signature-v3"])


def test_moving_a_deal_queues_a_dealstage_property_change(hubspot_sandbox):
    deal = hubspot_sandbox.create_deal("amount_discount")["deal"]
    hubspot_sandbox.outbox.clear()
    hubspot_sandbox.clock.frozen = hubspot_sandbox.now()  # occurredAt to the millisecond
    hubspot_sandbox.clock.offset = 0.0
    hubspot_sandbox.move_deal(deal["id"], "closedwon")
    [event] = hubspot_sandbox.outbox
    assert event == {
        "eventId": event["eventId"],
        "subscriptionId": 3_100_002,
        "portalId": PORTAL_ID,
        "appId": 1,
        "occurredAt": int(hubspot_sandbox.now() * 1000),
        "subscriptionType": "deal.propertyChange",
        "attemptNumber": 0,
        "objectId": int(deal["id"]),
        "changeSource": "CRM_UI",
        "sourceId": f"userId:{hubspot_sandbox.portal().user_id}",
        "propertyName": "dealstage",
        "propertyValue": "closedwon",
    }


def test_creating_a_bundle_queues_creations(hubspot_sandbox):
    hubspot_sandbox.create_deal("amount_discount")
    kinds = [e["subscriptionType"] for e in hubspot_sandbox.outbox]
    assert kinds == ["company.creation", "contact.creation", "deal.creation", "product.creation"]
    assert all(e["changeFlag"] == "CREATED" for e in hubspot_sandbox.outbox)


def test_the_apps_own_api_writes_carry_integration_and_its_app_id(hubspot_sandbox, hubspot_tokens):
    product = hubspot_sandbox.create_object(object_type="products", properties={"name": "A"})
    hubspot_sandbox.outbox.clear()
    requests.patch(f"{API}/crm/v3/objects/products/{product['id']}", headers=bearer(hubspot_tokens),
                   json={"properties": {"price": "10", "description": "x"}}, timeout=5)  # fmt: skip
    [event] = hubspot_sandbox.outbox
    assert (event["changeSource"], event["sourceId"]) == ("INTEGRATION", "1")
    assert (event["propertyName"], event["propertyValue"]) == ("price", "10")


def test_contact_and_company_updates_queue_events(hubspot_sandbox):
    made = hubspot_sandbox.create_deal("norwegian_company")
    hubspot_sandbox.outbox.clear()
    hubspot_sandbox.update_object(object_type="companies", object_id=made["company"]["id"],
                                  properties={"country": "Norway"})  # fmt: skip
    hubspot_sandbox.update_object(object_type="contacts", object_id=made["contact"]["id"],
                                  properties={"lastname": "Hansen", "phone": "1"})  # fmt: skip
    assert [(e["subscriptionType"], e["propertyName"]) for e in hubspot_sandbox.outbox] == [
        ("company.propertyChange", "country"), ("contact.propertyChange", "lastname")
    ]  # fmt: skip


def test_events_are_batched_as_one_json_array_and_signed(hubspot_sandbox):
    hubspot_sandbox.create_deal("amount_discount")
    [delivery] = hubspot_sandbox.webhook_deliveries(TARGET)
    events = json.loads(delivery.body)
    assert isinstance(events, list) and len(events) == 4
    assert (
        delivery.headers["X-HubSpot-Signature"]
        == hashlib.sha256(b"sandbox-secret" + delivery.body).hexdigest()
    )
    assert verify_v3(delivery)
    assert hubspot_sandbox.outbox == []


def test_duplicate_and_reorder(hubspot_sandbox):
    hubspot_sandbox.create_deal("amount_discount")
    deliveries = hubspot_sandbox.webhook_deliveries(TARGET, batch_size=3, duplicate=1, reorder=True)
    ids = [[e["eventId"] for e in d.events] for d in deliveries]
    assert ids == [[4, 3, 2], [1], [4, 3, 2], [1]]


def test_another_secret_does_not_verify(hubspot_sandbox):
    hubspot_sandbox.create_deal("no_line_items")
    [delivery] = hubspot_sandbox.webhook_deliveries(TARGET, secret="old-secret")
    assert not verify_v3(delivery)


def test_nothing_is_queued_after_uninstall(hubspot_sandbox):
    hubspot_sandbox.uninstall(portal_id=PORTAL_ID)
    hubspot_sandbox.create_deal("no_line_items")
    assert hubspot_sandbox.outbox == []


def test_deliver_posts_each_batch(hubspot_sandbox):
    received = []
    hubspot_sandbox.rsps.add_callback(
        responses.POST, TARGET, callback=lambda r: received.append(r) or (204, {}, b"")
    )
    hubspot_sandbox.create_deal("no_line_items")
    statuses = hubspot_sandbox.deliver(TARGET, duplicate=1, sender=WebhookSender())
    assert statuses == [204, 204]
    assert received[0].body == received[1].body
    assert received[0].headers["X-HubSpot-Signature-Version"] == "v1"
