"""The client against stubs of Fortnox's real error bodies (from the reference)."""

from __future__ import annotations

import pytest
import requests
import responses

from fortnox.client import FortnoxClient
from fortnox.limits import fit_document
from integrations.errors import ConnectorError
from tests.factories import ConnectionFactory

pytestmark = pytest.mark.django_db
API = "https://api.fortnox.se/3"


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(sleeps):
    return FortnoxClient(connection=ConnectionFactory(account_id="555"), sleep=sleeps.append)


def _error(code: int, message: str, *, upper: bool = False) -> dict:
    if upper:
        return {"ErrorInformation": {"Error": 1, "Message": message, "Code": code}}
    return {"ErrorInformation": {"error": 1, "message": message, "code": code}}


@pytest.mark.parametrize(
    ("code", "module"),
    [(2001101, "invoicing"), (2000663, "invoicing"), (2001103, "invoicing")],
)
def test_licence_errors_become_a_permanent_sentence_naming_the_module(
    mocked_http, client, code, module
):
    mocked_http.post(
        f"{API}/invoices", status=400, json=_error(code, "Det finns ingen aktiv licens")
    )

    with pytest.raises(ConnectorError) as caught:
        client.create_invoice(invoice={"CustomerNumber": "1"})

    error = caught.value
    assert error.permanent is True
    assert error.code == code
    assert f"missing {module} (the invoice licence" in error.message
    assert len(mocked_http.calls) == 1  # a permanent error is never retried


def test_order_licence_error_names_the_order_module(mocked_http, client):
    mocked_http.post(f"{API}/orders", status=400, json=_error(2001101, "ingen aktiv licens"))

    with pytest.raises(ConnectorError) as caught:
        client.create_order(order={"CustomerNumber": "1"})

    assert "missing orders (the order licence" in caught.value.message


def test_upper_case_error_information_is_parsed(mocked_http, client):
    mocked_http.get(
        f"{API}/customers/77",
        status=404,
        json=_error(2000433, "Kan inte hitta kunden.", upper=True),
    )

    with pytest.raises(ConnectorError) as caught:
        client.get_customer(customer_number="77")

    assert caught.value.code == 2000433
    assert caught.value.message == "The customer does not exist in Fortnox."
    assert caught.value.permanent is True


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        (2000637, "Kundnummer används redan", "already used in Fortnox"),
        (2000166, "Otillåtna tecken i artikelnummer", "letters, digits and _ + / - only"),
        (2001304, "Kontot finns inte", "chart of accounts"),
        (2000999, "Kunde inte hitta moms", "VAT rate on this document is not set up"),
        (2000998, "Could not find currency", "currency register"),
    ],
)
def test_known_validation_errors_get_actionable_sentences(
    mocked_http, client, code, message, expected
):
    mocked_http.post(f"{API}/invoices", status=400, json=_error(code, message))

    with pytest.raises(ConnectorError) as caught:
        client.create_invoice(invoice={"CustomerNumber": "1"})

    assert expected in caught.value.message
    assert caught.value.permanent is True


def test_get_is_retried_after_a_500_and_then_succeeds(mocked_http, client, sleeps):
    mocked_http.get(f"{API}/invoices/5", status=500, json=_error(1000003, "System exception"))
    mocked_http.get(f"{API}/invoices/5", json={"Invoice": {"DocumentNumber": "5", "Total": 125}})

    invoice = client.get_invoice(document_number="5")

    assert invoice["DocumentNumber"] == "5"
    assert len(mocked_http.calls) == 2
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 1.0


def test_429_is_retried_even_for_a_create(mocked_http, client, sleeps):
    mocked_http.post(f"{API}/invoices", status=429, body="")
    mocked_http.post(f"{API}/invoices", status=201, json={"Invoice": {"DocumentNumber": "9"}})

    assert client.create_invoice(invoice={"CustomerNumber": "1"})["DocumentNumber"] == "9"
    assert len(mocked_http.calls) == 2


def test_a_create_that_timed_out_is_not_resent(mocked_http, client):
    mocked_http.post(f"{API}/invoices", body=requests.ReadTimeout("read timed out"))

    with pytest.raises(ConnectorError) as caught:
        client.create_invoice(invoice={"CustomerNumber": "1"})

    assert caught.value.permanent is False
    assert len(mocked_http.calls) == 1


def test_retries_are_bounded(mocked_http, client, sleeps):
    for _ in range(10):
        mocked_http.get(f"{API}/invoices/5", status=503, body="")

    with pytest.raises(ConnectorError) as caught:
        client.get_invoice(document_number="5")

    assert caught.value.permanent is False
    assert len(mocked_http.calls) == client.retry_policy.attempts == 5
    assert len(sleeps) == 4


def test_gateway_unauthorized_refreshes_once_then_fails_permanently(mocked_http, client):
    mocked_http.post(
        "https://apps.fortnox.se/oauth-v1/token",
        json={
            "access_token": "new-access",
            "refresh_token": "new-refresh",
            "scope": "invoice",
            "expires_in": 3600,
            "token_type": "bearer",
        },
    )
    mocked_http.get(f"{API}/invoices/5", status=401, json={"message": "unauthorized"})
    mocked_http.get(f"{API}/invoices/5", status=401, json={"message": "unauthorized"})

    with pytest.raises(ConnectorError) as caught:
        client.get_invoice(document_number="5")

    assert caught.value.permanent is True
    assert "Reconnect Fortnox" in caught.value.message
    bearer = [c.request.headers.get("Authorization") for c in mocked_http.calls]
    assert bearer[0].startswith("Bearer access-token-")
    assert bearer[2] == "Bearer new-access"


def test_responses_string_numbers_become_decimals(mocked_http, client):
    from decimal import Decimal

    mocked_http.get(
        f"{API}/invoices/18",
        json={
            "Invoice": {
                "DocumentNumber": "18",
                "Total": 1250,
                "CurrencyRate": "1",
                "InvoiceRows": [{"DeliveredQuantity": "1.12", "Price": 99.5}],
            }
        },
    )

    invoice = client.get_invoice(document_number="18")

    assert invoice["DocumentNumber"] == "18"
    assert invoice["Total"] == Decimal("1250")
    assert invoice["CurrencyRate"] == Decimal("1")
    assert invoice["InvoiceRows"][0]["DeliveredQuantity"] == Decimal("1.12")


def test_exact_customer_lookup_ignores_substring_matches(mocked_http, client):
    mocked_http.get(
        f"{API}/customers",
        match=[
            responses.matchers.query_param_matcher(
                {"email": "ann@x.se", "limit": "500", "page": "1"}
            )
        ],
        json={
            "MetaInformation": {"@TotalResources": 2, "@TotalPages": 1, "@CurrentPage": 1},
            "Customers": [
                {"CustomerNumber": "1", "Email": "joann@x.se"},
                {"CustomerNumber": "2", "Email": "Ann@X.se"},
            ],
        },
    )

    assert client.find_customer(email="ann@x.se")["CustomerNumber"] == "2"


def test_the_client_sends_a_document_exactly_as_given(mocked_http, client):
    """Field limits are the engine's (fortnox.limits, applied when the payload is built, so
    the preview shows it); the client never changes what it is given."""
    mocked_http.post(f"{API}/invoices", status=201, json={"Invoice": {"DocumentNumber": "1"}})
    invoice = {
        "CustomerNumber": "1",
        "YourOrderNumber": "X" * 40,
        "InvoiceRows": [{"ArticleNumber": "SKU 1.A", "Description": "d" * 300}],
    }

    client.create_invoice(invoice=invoice)

    import json

    assert json.loads(mocked_http.calls[0].request.body) == {"Invoice": invoice}


def test_long_fields_are_fitted_and_each_change_is_a_sentence():
    fitted, notes = fit_document(
        {
            "CustomerNumber": "1",
            "YourOrderNumber": "X" * 40,
            "InvoiceRows": [{"ArticleNumber": "SKU 1.A", "Description": "d" * 300}],
        },
        "InvoiceRows",
    )

    assert fitted["YourOrderNumber"] == "X" * 30
    assert fitted["InvoiceRows"][0] == {"ArticleNumber": "SKU-1-A", "Description": "d" * 255}
    assert notes == [
        "YourOrderNumber shortened from 40 to 30 characters",
        "Row 1 Description shortened from 300 to 255 characters",
    ]


def test_a_create_that_could_not_connect_is_sent_again(mocked_http, client):
    mocked_http.post(f"{API}/invoices", body=requests.ConnectTimeout("connect timed out"))
    mocked_http.post(f"{API}/invoices", status=201, json={"Invoice": {"DocumentNumber": "4"}})

    assert client.create_invoice(invoice={"CustomerNumber": "1"})["DocumentNumber"] == "4"
    assert len(mocked_http.calls) == 2


def test_a_create_whose_connection_broke_is_not_sent_again(mocked_http, client):
    mocked_http.post(f"{API}/invoices", body=requests.ConnectionError("connection reset"))

    with pytest.raises(ConnectorError) as caught:
        client.create_invoice(invoice={"CustomerNumber": "1"})

    assert caught.value.permanent is False
    assert len(mocked_http.calls) == 1
