"""The app card's back end: "Update customer in Fortnox" for a company, and the financials
of its Fortnox customer, authenticated by the v3 signature of ``hubspot.fetch`` alone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache

from fortnox.client import FortnoxClient
from hubspot_app.sandbox.actions import build_card_fetch
from hubspot_app.sandbox.testing import post_to_client
from syncs import financials
from syncs.models import SyncRun
from tests.hubspot_app.conftest import fortnox_customers
from tests.plugins.hubspot import PORTAL_ID

pytestmark = pytest.mark.django_db
BASE = settings.PUBLIC_BASE_URL
FINANCIALS = f"{BASE}/hubspot/cards/financials/"
CUSTOMER = f"{BASE}/hubspot/cards/customer/"
OTHER_PORTAL = 24_680_002


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def company(hubspot_sandbox) -> dict:
    return hubspot_sandbox.create_deal("amount_discount")["company"]


def fetch(client, sandbox, url, *, method="GET", body=None, portal_id=None):
    request = sandbox.card_fetch_request(url, method=method, body=body, portal_id=portal_id)
    return post_to_client(client, request)


def card_url(company_id: str) -> str:
    return f"{FINANCIALS}?objectId={company_id}&objectType=0-2"


def update_customer(client, sandbox, company_id):
    body = {"objectId": int(company_id), "objectType": "0-2"}
    return fetch(client, sandbox, CUSTOMER, method="POST", body=body)


def test_update_customer_from_a_company_creates_it_once_and_updates_it_next_time(
    portal_integration, hubspot_sandbox, fortnox_sandbox, client, company
):
    first = update_customer(client, hubspot_sandbox, company["id"])
    hubspot_sandbox.update_object(
        object_type="companies", object_id=company["id"], properties={"phone": "040-123456"}
    )
    second = update_customer(client, hubspot_sandbox, company["id"])

    assert first.status_code == second.status_code == 200
    [customer] = fortnox_customers(fortnox_sandbox).values()
    number = customer["CustomerNumber"]
    assert first.json()["customer_number"] == second.json()["customer_number"] == number
    assert customer["Phone1"] == "040-123456"
    assert customer["Name"] == company["properties"]["name"]
    record = hubspot_sandbox.portal().store("companies")[company["id"]]
    assert record["properties"]["fortnox_customer_number"] == number
    run = SyncRun.objects.get(operation="customer")
    assert (run.status, run.attempts) == (SyncRun.Status.SUCCEEDED, 2)
    assert [line.message for line in run.log.order_by("pk")] == [
        f"Fortnox customer {number} created",
        f"Fortnox customer {number} updated (Phone1)",
    ]


def test_a_company_without_fortnox_customer_says_so_and_offers_the_update(
    portal_integration, hubspot_sandbox, client, company
):
    answer = fetch(client, hubspot_sandbox, card_url(company["id"]))

    assert answer.status_code == 200
    assert answer.json() == {
        "customer_number": None,
        "message": "This company has no Fortnox customer yet.",
        "actions": [{"id": "update_customer", "label": "Update customer in Fortnox"}],
    }


def _invoices(fortnox_connection, number: str) -> FortnoxClient:
    """Six invoices: overdue, unpaid, draft, cancelled, one in EUR, one of another customer."""
    fortnox = FortnoxClient(connection=fortnox_connection)
    other = fortnox.create_customer(customer={"Name": "Someone Else AB"})["CustomerNumber"]
    row = [{"Description": "Consulting", "DeliveredQuantity": 2, "Price": 500, "VAT": 25}]

    def invoice(customer=number, **fields) -> str:
        body = {"CustomerNumber": customer, "InvoiceRows": row, **fields}
        return fortnox.create_invoice(invoice=body)["DocumentNumber"]

    overdue = invoice(InvoiceDate="2020-01-01", DueDate="2020-01-31")
    unpaid = invoice(DueDate="2099-12-31")
    invoice()  # a draft: invoiced, not yet owed
    cancelled = invoice()
    euros = invoice(Currency="EUR", CurrencyRate=11.2, DueDate="2020-02-29",
                    InvoiceDate="2020-02-01")  # fmt: skip
    for booked in (overdue, unpaid, euros):
        fortnox.bookkeep_invoice(document_number=booked)
    fortnox.cancel_invoice(document_number=cancelled)
    invoice(customer=other)
    return fortnox


def _expected(fortnox: FortnoxClient, number: str) -> dict:
    """The sums as Fortnox's own filters give them."""
    sums: dict[str, dict[str, Decimal]] = {}

    def add(rows, field, key):
        for row in rows:
            bucket = sums.setdefault(row["Currency"], {})
            bucket[key] = bucket.get(key, Decimal("0")) + Decimal(str(row[field]))

    mine = lambda rows: [r for r in rows if r["CustomerNumber"] == number]  # noqa: E731
    add([r for r in mine(fortnox.list_invoices()) if not r["Cancelled"]], "Total", "invoiced")
    add(mine(fortnox.list_invoices(filter="unpaid")), "Balance", "unpaid")
    add(mine(fortnox.list_invoices(filter="unpaidoverdue")), "Balance", "overdue")
    return {ccy: {k: f"{v:.2f}" for k, v in sorted(values.items())} for ccy, values in sums.items()}


def test_financials_equal_the_fortnox_invoices_of_the_customer(
    portal_integration, hubspot_sandbox, fortnox_connection, client, company
):
    number = update_customer(client, hubspot_sandbox, company["id"]).json()["customer_number"]
    fortnox = _invoices(fortnox_connection, number)

    answer = fetch(client, hubspot_sandbox, card_url(company["id"]))

    assert answer.status_code == 200
    data = answer.json()
    got = {
        ccy: {k: v for k, v in sums.items() if k != "count"}
        for ccy, sums in data["currencies"].items()
    }
    assert got == _expected(fortnox, number)
    assert set(got) == {"SEK", "EUR"}
    assert data["currencies"]["SEK"]["overdue"] == "1250.00"
    assert data["customer_number"] == number
    statuses = sorted(row["status"] for row in data["latest"])
    assert statuses == ["cancelled", "draft", "overdue", "overdue", "unpaid"]
    assert all(row["url"].endswith(row["number"]) and row["due_date"] for row in data["latest"])


def test_a_card_view_is_cached_and_perform_sync_reads_fortnox_again(
    portal_integration, hubspot_sandbox, fortnox_sandbox, fortnox_connection, client, company,
    monkeypatch,
):  # fmt: skip
    monkeypatch.setattr(financials, "REFRESH_SECONDS", 0)
    number = update_customer(client, hubspot_sandbox, company["id"]).json()["customer_number"]
    fetch(client, hubspot_sandbox, card_url(company["id"]))
    fortnox = FortnoxClient(connection=fortnox_connection)
    row = [{"Description": "More", "DeliveredQuantity": 1, "Price": 100, "VAT": 25}]
    fortnox.create_invoice(invoice={"CustomerNumber": number, "InvoiceRows": row})
    calls = len(fortnox_sandbox.request_log) if hasattr(fortnox_sandbox, "request_log") else None

    cached = fetch(client, hubspot_sandbox, card_url(company["id"])).json()
    body = {"objectId": company["id"], "objectType": "COMPANY"}
    synced = fetch(client, hubspot_sandbox, FINANCIALS, method="POST", body=body).json()

    assert "currencies" not in cached or cached["currencies"] == {}
    assert synced["currencies"]["SEK"]["invoiced"] == "125.00"
    if calls is not None:
        assert len(fortnox_sandbox.request_log) > calls


def test_financials_refuse_another_portal_a_wrong_secret_and_a_stale_timestamp(
    portal_integration, hubspot_sandbox, client, company
):
    update_customer(client, hubspot_sandbox, company["id"])
    hubspot_sandbox.add_portal(portal_id=OTHER_PORTAL)
    url = card_url(company["id"])

    def signed(*, secret=None, age_ms=0, portal_id=PORTAL_ID):
        return build_card_fetch(
            url=url,
            client_secret=secret or hubspot_sandbox.client_secret,
            timestamp_ms=hubspot_sandbox.now_ms() - age_ms,
            portal_id=portal_id,
            user_id=1,
            user_email="user@example.com",
            app_id=hubspot_sandbox.app_id,
        )

    assert post_to_client(client, signed()).status_code == 200
    assert post_to_client(client, signed(portal_id=OTHER_PORTAL)).status_code == 403
    assert post_to_client(client, signed(secret="another-secret")).status_code == 401
    assert post_to_client(client, signed(age_ms=6 * 60 * 1000)).status_code == 401
    unsigned = signed()._replace(headers={})
    assert post_to_client(client, unsigned).status_code == 401


def test_a_bad_card_query_is_a_400(portal_integration, hubspot_sandbox, client):
    answer = fetch(client, hubspot_sandbox, f"{FINANCIALS}?objectId=abc&objectType=0-3")
    assert answer.status_code == 400
    assert "objectId" in answer.json()["error"] and "objectType" in answer.json()["error"]
