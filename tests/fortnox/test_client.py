"""The Fortnox client against the sandbox."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from fortnox.client import FortnoxClient
from fortnox.limits import fit_article
from integrations.errors import ConnectorError
from integrations.models import Connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(fortnox_sandbox, fortnox_tokens):
    conn = Connection.objects.create(
        provider="fortnox",
        account_id="1234567",
        access_token=fortnox_tokens["access_token"],
        refresh_token=fortnox_tokens["refresh_token"],
        token_expires_at=timezone.now() + timedelta(hours=1),
    )
    return FortnoxClient(connection=conn, sleep=lambda seconds: None)


def test_customers_are_created_read_updated_and_found_exactly(client):
    ann = client.create_customer(customer={"Name": "Ann Ek", "Email": "ann@ek.se"})
    client.create_customer(customer={"Name": "Joann Berg", "Email": "joann@ek.se"})

    assert isinstance(ann["CustomerNumber"], str)
    assert client.get_customer(customer_number=ann["CustomerNumber"])["Name"] == "Ann Ek"
    assert client.find_customer(email="ANN@ek.se")["CustomerNumber"] == ann["CustomerNumber"]
    assert client.find_customer(email="nn@ek.se") is None
    updated = client.update_customer(
        customer_number=ann["CustomerNumber"], customer={"City": "Umeå"}
    )
    assert updated["City"] == "Umeå"


def test_customer_number_one_does_not_match_ten(client):
    for number in ("10", "21"):
        client.create_customer(customer={"CustomerNumber": number, "Name": f"Kund {number}"})

    assert client.find_customer(customer_number="1") is None
    assert client.find_customer(customer_number="10")["Name"] == "Kund 10"


def test_organisation_number_lookup_ignores_formatting(client):
    client.create_customer(customer={"Name": "Bolaget AB", "OrganisationNumber": "556677-8899"})

    assert client.find_customer(organisation_number="5566778899")["Name"] == "Bolaget AB"


def test_articles_and_prices(client, fortnox_sandbox):
    article, notes = fit_article({"ArticleNumber": "TS 1.M", "Description": "T-shirt"})
    created = client.create_article(article=article)
    client.set_price(article_number=created["ArticleNumber"], price=Decimal("199.20"))

    assert created["ArticleNumber"] == "TS-1-M"
    assert notes == ["Article number 'TS 1.M' sent as 'TS-1-M'"]
    assert client.find_article(article_number="TS-1-M")["Description"] == "T-shirt"
    assert client.find_article(description="t-shirt")["ArticleNumber"] == "TS-1-M"
    assert fortnox_sandbox.tenant("1234567").prices["A/TS-1-M/0"]["Price"] == 199.2


def _invoice(client, reference: str, **extra) -> dict:
    customer = client.create_customer(customer={"Name": "Kund AB"})
    return client.create_invoice(
        invoice={
            "CustomerNumber": customer["CustomerNumber"],
            "ExternalInvoiceReference1": reference,
            "InvoiceRows": [
                {"Description": "Konsulttimme", "DeliveredQuantity": 2, "Price": 100, "VAT": 25}
            ],
            **extra,
        }
    )


def test_invoice_totals_are_decimals_and_found_by_reference(client):
    invoice = _invoice(client, "shopify:sale:1")
    _invoice(client, "shopify:sale:10")

    assert invoice["Total"] == Decimal("250")
    assert invoice["TotalVAT"] == Decimal("50")
    found = client.find_document_by_reference(kind="invoice", reference="shopify:sale:1")
    assert found["DocumentNumber"] == invoice["DocumentNumber"]
    assert client.find_document_by_reference(kind="invoice", reference="shopify:sale:2") is None


def test_listing_pages_through_all_invoices(client, monkeypatch):
    monkeypatch.setattr("fortnox.client.PAGE_SIZE", 2)
    numbers = {_invoice(client, f"ref-{i}")["DocumentNumber"] for i in range(5)}

    assert {i["DocumentNumber"] for i in client.list_invoices()} == numbers
    assert len(list(client.list_invoices(filter="unbooked"))) == 5


def test_invoice_actions_pdf_bookkeep_and_credit(client):
    invoice = _invoice(client, "ref-pdf")
    number = invoice["DocumentNumber"]

    assert client.get_document_pdf(kind="invoice", document_number=number).startswith(b"%PDF")
    assert client.bookkeep_invoice(document_number=number)["Booked"] is True
    original = client.credit_invoice(document_number=number)
    credit = client.get_invoice(document_number=original["CreditInvoiceReference"])
    assert credit["Total"] == Decimal("-250")
    with pytest.raises(ConnectorError) as caught:
        client.cancel_invoice(document_number=number)
    assert caught.value.permanent is True


def test_orders_are_created_found_by_reference_and_printed(client):
    customer = client.create_customer(customer={"Name": "Kund AB"})
    order = client.create_order(
        order={
            "CustomerNumber": customer["CustomerNumber"],
            "ExternalInvoiceReference1": "shopify:sale:77",
            "OrderRows": [{"Description": "Vara", "OrderedQuantity": 3, "Price": 10, "VAT": 12}],
        }
    )

    found = client.find_document_by_reference(kind="order", reference="shopify:sale:77")
    assert found["DocumentNumber"] == order["DocumentNumber"]
    assert order["Total"] == Decimal("33.60")
    pdf = client.get_document_pdf(kind="order", document_number=order["DocumentNumber"])
    assert pdf.startswith(b"%PDF")


def test_company_information_and_currencies(client):
    assert client.get_company_information()["CompanyName"] == "Testbolaget AB"
    assert {"EUR", "USD"} <= {c["Code"] for c in client.list_currencies()}


def test_sandbox_429_and_500_are_retried_for_reads(client, fortnox_sandbox):
    fortnox_sandbox.faults.rate_limit_rate = 0.5
    fortnox_sandbox.faults.reseed(3)

    for _ in range(5):
        assert client.get_company_information()["CompanyName"] == "Testbolaget AB"

    statuses = [e.status for e in fortnox_sandbox.request_log if e.path.startswith("/3/")]
    assert 429 in statuses
    assert statuses.count(200) == 5


def test_expired_access_token_is_refreshed_once_and_the_call_succeeds(client, fortnox_sandbox):
    fortnox_sandbox.advance_clock(3700)  # Fortnox expired it; our row still believes it valid

    assert client.get_company_information()["CompanyName"] == "Testbolaget AB"
    assert fortnox_sandbox.refresh_requests == 1


def test_unknown_customer_on_an_invoice_is_a_permanent_error(client):
    with pytest.raises(ConnectorError) as caught:
        client.create_invoice(invoice={"CustomerNumber": "999", "InvoiceRows": []})

    assert caught.value.permanent is True
    assert caught.value.status == 400
