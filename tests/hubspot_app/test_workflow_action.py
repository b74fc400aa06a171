"""The custom workflow action: signed execution requests answered at once with BLOCK, the
work done in a task through the engine, and completion through the callback API."""

from __future__ import annotations

import json
import time

import pytest
from django.conf import settings

from hubspot_app.models import WorkflowExecution
from hubspot_app.sandbox.actions import action_body, build_action_request
from hubspot_app.sandbox.testing import post_to_client
from syncs.models import SyncRun
from tests.hubspot_app.conftest import fortnox_customers, fortnox_invoices
from tests.plugins.hubspot import PORTAL_ID

pytestmark = pytest.mark.django_db
ACTION_URL = f"{settings.PUBLIC_BASE_URL}/hubspot/actions/"


@pytest.fixture
def execute(client, hubspot_sandbox, django_capture_on_commit_callbacks):
    """``execute(request)``: POST a built execution request, then run its task; returns
    (response, seconds the answer took, completions recorded before the task ran)."""

    def send(request):
        with django_capture_on_commit_callbacks(execute=True):
            started = time.monotonic()
            response = post_to_client(client, request)
            took = time.monotonic() - started
            before = hubspot_sandbox.completions()
        return response, took, before

    return send


def enrol(sandbox, object_id, action=None, object_type="DEAL"):
    fields = {"action": action} if action else {}
    return sandbox.workflow_action_request(
        ACTION_URL, object_id=object_id, input_fields=fields, object_type=object_type
    )


def test_invoice_action_answers_block_at_once_then_completes_with_the_number(
    portal_integration, hubspot_sandbox, fortnox_sandbox, execute
):
    deal = hubspot_sandbox.create_deal("amount_discount")["deal"]
    request = enrol(hubspot_sandbox, deal["id"], "invoice")

    response, took, before = execute(request)

    assert response.status_code == 200 and took < 1.0
    assert response.json() == {"outputFields": {"hs_execution_state": "BLOCK"}}
    assert before == []
    [invoice] = fortnox_invoices(fortnox_sandbox).values()
    [done] = hubspot_sandbox.completions()
    assert done["callbackId"] == request.events["callbackId"] and done["via"] == "callback"
    assert done["outputFields"] == {
        "fortnox_number": invoice["DocumentNumber"],
        "error_message": "",
        "hs_execution_state": "SUCCESS",
    }
    run = SyncRun.objects.get()
    assert (run.operation, run.source_id) == ("document", f"{deal['id']}:action:invoice")
    assert (
        f"Fortnox invoice {invoice['DocumentNumber']}"
        in (hubspot_sandbox.notes(deal["id"])[0]["properties"]["hs_note_body"])
    )


def test_a_failure_completes_with_fail_continue_and_the_sentence(
    portal_integration, hubspot_sandbox, fortnox_sandbox, execute
):
    deal = hubspot_sandbox.create_deal("quantities")["deal"]  # a line item without SKU

    response, _, _ = execute(enrol(hubspot_sandbox, deal["id"], "invoice"))

    assert response.json()["outputFields"]["hs_execution_state"] == "BLOCK"
    [done] = hubspot_sandbox.completions()
    outputs = done["outputFields"]
    assert outputs["hs_execution_state"] == "FAIL_CONTINUE"
    assert outputs["error_message"].startswith("SKU should not be empty")
    assert outputs["fortnox_number"] == ""
    assert fortnox_invoices(fortnox_sandbox) == {}


def test_a_repeated_execution_does_no_second_piece_of_work(
    portal_integration, hubspot_sandbox, fortnox_sandbox, execute
):
    deal = hubspot_sandbox.create_deal("amount_discount")["deal"]
    request = enrol(hubspot_sandbox, deal["id"], "invoice")
    execute(request)

    again, _, _ = execute(request)

    [completed] = hubspot_sandbox.completions()
    assert again.json() == {"outputFields": completed["outputFields"]}
    assert len(fortnox_invoices(fortnox_sandbox)) == 1
    assert WorkflowExecution.objects.count() == 1
    assert SyncRun.objects.get().attempts == 1


def test_a_second_enrollment_of_the_deal_is_answered_with_the_same_document(
    portal_integration, hubspot_sandbox, fortnox_sandbox, execute
):
    deal = hubspot_sandbox.create_deal("amount_discount")["deal"]
    execute(enrol(hubspot_sandbox, deal["id"], "invoice"))

    execute(enrol(hubspot_sandbox, deal["id"], "invoice"))

    first, second = hubspot_sandbox.completions()
    assert first["outputFields"] == second["outputFields"]
    assert len(fortnox_invoices(fortnox_sandbox)) == 1


def test_order_action_makes_a_draft_order(
    portal_integration, hubspot_sandbox, fortnox_sandbox, execute
):
    deal = hubspot_sandbox.create_deal("amount_discount")["deal"]

    execute(enrol(hubspot_sandbox, deal["id"], "order"))

    [order] = fortnox_sandbox.tenant(portal_integration.fortnox.account_id).orders.values()
    [done] = hubspot_sandbox.completions()
    assert done["outputFields"]["fortnox_number"] == order["DocumentNumber"]


def test_customer_action_on_a_company_creates_once_then_updates(
    portal_integration, hubspot_sandbox, fortnox_sandbox, execute
):
    made = hubspot_sandbox.create_deal("amount_discount")
    company = made["company"]

    execute(enrol(hubspot_sandbox, company["id"], "customer", object_type="COMPANY"))
    hubspot_sandbox.update_object(
        object_type="companies", object_id=company["id"], properties={"city": "Lund"}
    )
    execute(enrol(hubspot_sandbox, company["id"], object_type="COMPANY"))  # the default

    [customer] = fortnox_customers(fortnox_sandbox).values()
    assert customer["City"] == "Lund"
    first, second = hubspot_sandbox.completions()
    number = customer["CustomerNumber"]
    assert first["outputFields"]["fortnox_number"] == number
    assert second["outputFields"]["hs_execution_state"] == "SUCCESS"
    record = hubspot_sandbox.portal().store("companies")[company["id"]]
    assert record["properties"]["fortnox_customer_number"] == number
    run = SyncRun.objects.get(operation="customer")
    assert (run.source_id, run.attempts) == (f"company:{company['id']}", 2)


def test_a_request_signed_v2_only_is_accepted(portal_integration, hubspot_sandbox, execute):
    deal = hubspot_sandbox.create_deal("amount_discount")["deal"]
    request = enrol(hubspot_sandbox, deal["id"])
    headers = {k: v for k, v in request.headers.items() if k != "X-HubSpot-Signature-v3"}

    response, _, _ = execute(request._replace(headers=headers))

    assert response.json()["outputFields"]["hs_execution_state"] == "BLOCK"


@pytest.mark.parametrize("secret", ["wrong-secret"])
def test_a_wrong_signature_is_refused_and_stores_nothing(
    portal_integration, hubspot_sandbox, client, secret
):
    body = action_body(
        callback_id="ap-1-2-3-0", portal_id=PORTAL_ID, object_id="5", object_type="DEAL",
        input_fields={}, properties=None, workflow_id=1, definition_id=1,
    )  # fmt: skip
    request = build_action_request(
        url=ACTION_URL, body=body, client_secret=secret, timestamp_ms=hubspot_sandbox.now_ms()
    )

    assert post_to_client(client, request).status_code == 401
    assert not WorkflowExecution.objects.exists()


def test_a_bad_body_is_a_400_naming_the_field(portal_integration, hubspot_sandbox, client):
    body = action_body(
        callback_id="ap-1-2-3-0", portal_id=PORTAL_ID, object_id="5", object_type="DEAL",
        input_fields={"action": "customer"}, properties=None, workflow_id=1, definition_id=1,
    )  # fmt: skip
    request = build_action_request(
        url=ACTION_URL,
        body=body,
        client_secret=hubspot_sandbox.client_secret,
        timestamp_ms=hubspot_sandbox.now_ms(),
    )
    response = post_to_client(client, request)
    assert response.status_code == 400
    assert "object" in response.json()["fields"]

    del body["callbackId"]
    request = build_action_request(
        url=ACTION_URL,
        body=body,
        client_secret=hubspot_sandbox.client_secret,
        timestamp_ms=hubspot_sandbox.now_ms(),
    )
    response = post_to_client(client, request)
    assert response.status_code == 400 and "callbackId" in response.json()["error"]
    assert not WorkflowExecution.objects.exists()


def test_a_portal_without_integration_fails_the_action_at_once(hubspot_sandbox, client, db):
    request = enrol(hubspot_sandbox, "5")
    outputs = json.loads(post_to_client(client, request).content)["outputFields"]
    assert outputs["hs_execution_state"] == "FAIL_CONTINUE"
    assert "not connected" in outputs["error_message"]


def test_an_execution_whose_task_was_never_queued_is_picked_up_by_the_dispatcher(
    portal_integration, hubspot_sandbox, fortnox_sandbox, client, monkeypatch
):
    from datetime import timedelta

    from django.test import TestCase
    from django.utils import timezone

    from syncs.outbox import outbox_dispatch

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    deal = hubspot_sandbox.create_deal("amount_discount")["deal"]
    monkeypatch.setattr("django_q.tasks.async_task", broker_down)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = post_to_client(client, enrol(hubspot_sandbox, deal["id"], "invoice"))
    assert response.json() == {"outputFields": {"hs_execution_state": "BLOCK"}}
    assert hubspot_sandbox.completions() == []
    monkeypatch.undo()

    with TestCase.captureOnCommitCallbacks(execute=True):
        dispatched = outbox_dispatch(now=timezone.now() + timedelta(hours=1))

    assert dispatched.source_work == 1
    [done] = hubspot_sandbox.completions()
    assert done["outputFields"]["hs_execution_state"] == "SUCCESS"
    assert WorkflowExecution.objects.get().state == WorkflowExecution.State.COMPLETED
