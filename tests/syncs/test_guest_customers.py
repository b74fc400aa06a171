"""Buyers with nothing to match by are never linked to another buyer's customer: each
order gets a customer of its own, or all go to the operator's guest customer."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from django.core.management import call_command

from fortnox.client import FortnoxClient
from integrations.documents import Customer, CustomerKind
from syncs.customers import customer_resolve
from syncs.models import ExternalLink, Integration, SyncRun
from syncs.pipeline import run_execute
from syncs.runs import RunLog, run_get_or_create
from tests.syncs.conftest import make_document

pytestmark = pytest.mark.django_db
Match = Integration.CustomerMatch


def _guest(source_id: str, name: str, **fields):
    """An order from a guest checkout (no customer id) without an e-mail address."""
    doc = make_document(source_id)
    customer = replace(doc.customer, **{"source_id": "", "name": name, "email": "", **fields})
    return replace(doc, customer=customer)


def _run(integration, source_id) -> SyncRun:
    run = run_get_or_create(integration=integration, operation="document", source_id=source_id)
    run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def _invoice_customer(sandbox, run: SyncRun) -> dict:
    tenant = sandbox.tenant("1234567")
    return tenant.customers[tenant.invoices[run.document_number]["CustomerNumber"]]


@pytest.mark.parametrize(
    ("match", "fields"),
    [
        (Match.EMAIL, {}),
        (Match.ORGANISATION_NUMBER, {"email": "bo@example.se"}),  # no organisation number
        (Match.CUSTOMER_NUMBER, {}),  # no customer number path: the value is empty too
    ],
)
def test_two_guest_orders_without_the_match_value_get_two_customers_per_order(
    integration, fake_source, fortnox_sandbox, match, fields
):
    integration.customer_match = match
    integration.save()
    fake_source.documents["1001"] = _guest("1001", "Bo Ek", **fields)
    fake_source.documents["1002"] = _guest("1002", "Cecilia Lind", **fields)

    first, second = _run(integration, "1001"), _run(integration, "1002")

    assert (first.status, second.status) == (SyncRun.Status.SUCCEEDED,) * 2, [
        first.error_message,
        second.error_message,
    ]
    assert _invoice_customer(fortnox_sandbox, first)["Name"] == "Bo Ek"
    assert _invoice_customer(fortnox_sandbox, second)["Name"] == "Cecilia Lind"
    assert len(fortnox_sandbox.tenant("1234567").customers) == 2
    keys = set(ExternalLink.objects.filter(kind="customer").values_list("source_id", flat=True))
    assert keys == {"guest:testsource:sale:1001", "guest:testsource:sale:1002"}


def test_a_retried_guest_order_finds_the_customer_it_made(integration, fortnox_connection):
    doc = _guest("1001", "Bo Ek")
    client = FortnoxClient(connection=fortnox_connection)
    run = run_get_or_create(integration=integration, operation="document", source_id="1001")

    first = customer_resolve(integration=integration, doc=doc, client=client, log=RunLog(run))
    again = customer_resolve(integration=integration, doc=doc, client=client, log=RunLog(run))

    assert first == again
    assert ExternalLink.objects.get(kind="customer").fortnox_number == first


def test_guest_orders_go_to_the_named_guest_customer(integration, fake_source, fortnox_sandbox):
    client = FortnoxClient(connection=integration.fortnox)
    guest = client.create_customer(customer={"Name": "Kassakund"})["CustomerNumber"]
    integration.guest_customers = Integration.GuestCustomers.NAMED
    integration.guest_customer_number = guest
    integration.save()
    fake_source.documents["1001"] = _guest("1001", "Bo Ek")
    fake_source.documents["1002"] = _guest("1002", "Cecilia Lind")

    runs = [_run(integration, "1001"), _run(integration, "1002")]

    assert [r.status for r in runs] == [SyncRun.Status.SUCCEEDED] * 2
    assert [_invoice_customer(fortnox_sandbox, r)["CustomerNumber"] for r in runs] == [guest] * 2
    assert list(fortnox_sandbox.tenant("1234567").customers) == [guest]
    assert not ExternalLink.objects.filter(kind="customer").exists()


def test_named_policy_still_matches_buyers_with_an_e_mail_address(
    integration, fake_source, fortnox_sandbox
):
    integration.guest_customers = Integration.GuestCustomers.NAMED
    integration.guest_customer_number = "999"
    integration.save()
    fake_source.documents["1001"] = make_document("1001")

    run = _run(integration, "1001")

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert _invoice_customer(fortnox_sandbox, run)["Email"] == "anna@example.se"


def test_named_policy_without_a_customer_number_fails_naming_the_setting(
    integration, fake_source, fortnox_sandbox
):
    integration.guest_customers = Integration.GuestCustomers.NAMED
    integration.guest_customer_number = ""
    integration.save()
    fake_source.documents["1001"] = _guest("1001", "Bo Ek")

    run = _run(integration, "1001")

    assert run.status == SyncRun.Status.FAILED
    assert "guest customer number is not set" in run.error_message
    assert "e-mail address" in run.error_message
    assert fortnox_sandbox.tenant("1234567").customers == {}
    assert fortnox_sandbox.tenant("1234567").invoices == {}


def test_a_buyer_with_a_customer_id_but_no_e_mail_is_not_a_guest(
    integration, fake_source, fortnox_sandbox
):
    integration.guest_customers = Integration.GuestCustomers.NAMED
    integration.guest_customer_number = "999"
    integration.save()
    doc = make_document("1001")
    customer = Customer(source_id="cust-9", kind=CustomerKind.PRIVATE, name="Bo Ek")
    fake_source.documents["1001"] = replace(doc, customer=customer)
    fake_source.documents["1002"] = replace(make_document("1002"), customer=customer)

    runs = [_run(integration, "1001"), _run(integration, "1002")]

    assert [r.status for r in runs] == [SyncRun.Status.SUCCEEDED] * 2
    numbers = {_invoice_customer(fortnox_sandbox, r)["CustomerNumber"] for r in runs}
    assert len(numbers) == 1 and numbers != {"999"}


# --- the preview decides the same ---------------------------------------------------------
def _preview(capsys, tmp_path, integration, source_id="1001") -> dict:
    path = tmp_path / "order.json"
    path.write_text(json.dumps({"id": source_id}))
    call_command("sync_preview", "testsource", "--payload", str(path), "--integration",
                 str(integration.pk), "--json")  # fmt: skip
    return json.loads(capsys.readouterr().out)


def test_preview_of_a_guest_order_shows_a_new_customer_not_another_guests(
    integration, fake_source, fortnox_sandbox, capsys, tmp_path
):
    fake_source.documents["1001"] = _guest("1001", "Bo Ek")
    fake_source.documents["1002"] = _guest("1002", "Cecilia Lind")
    assert _run(integration, "1001").status == SyncRun.Status.SUCCEEDED

    preview = _preview(capsys, tmp_path, integration, "1002")

    assert preview["document"]["Invoice"]["CustomerNumber"] == "(new customer)"
    assert preview["customer"]["Customer"]["Name"] == "Cecilia Lind"


def test_preview_of_a_guest_order_under_the_named_policy_uses_the_guest_customer(
    integration, fake_source, capsys, tmp_path
):
    integration.guest_customers = Integration.GuestCustomers.NAMED
    integration.guest_customer_number = "GAST"
    integration.save()
    fake_source.documents["1001"] = _guest("1001", "Bo Ek")

    preview = _preview(capsys, tmp_path, integration)

    assert preview["document"]["Invoice"]["CustomerNumber"] == "GAST"
    assert preview["customer"] == {}
    assert preview["warnings"] == []


def test_preview_warns_when_the_named_guest_customer_is_not_set(
    integration, fake_source, capsys, tmp_path
):
    integration.guest_customers = Integration.GuestCustomers.NAMED
    integration.save()
    fake_source.documents["1001"] = _guest("1001", "Bo Ek")

    preview = _preview(capsys, tmp_path, integration)

    assert any("guest customer number is not set" in w for w in preview["warnings"])
    assert preview["customer"] == {}
