"""VAT by the customer's VAT type: reverse charge, EU consumers with OSS, öresavrundning."""

from __future__ import annotations

import pytest

TENANT = "1234567"


def vat_not_found(rate) -> dict:
    message = f"Kunde inte hitta moms {rate} %."
    return {"ErrorInformation": {"error": 1, "message": message, "code": 2099004}}


def add_customer(api, **fields) -> str:
    status, body = api.post("customers", {"Customer": {"Name": "Kund", **fields}})
    assert status == 201, body
    return body["Customer"]["CustomerNumber"]


def post(api, number, vat=25, price=100, kind="invoices", **fields):
    envelope, rows_key, quantity = {
        "invoices": ("Invoice", "InvoiceRows", "DeliveredQuantity"),
        "orders": ("Order", "OrderRows", "OrderedQuantity"),
    }[kind]
    rows = [{"Description": "Mugg", quantity: 1, "Price": price, "VAT": vat}]
    return api.post(kind, {envelope: {"CustomerNumber": number, rows_key: rows, **fields}})


def test_sereversedvat_customer_carries_no_vat(api):
    number = add_customer(api, VATType="SEREVERSEDVAT")

    status, body = post(api, number, Freight=50)

    doc = body["Invoice"]
    assert status == 201
    assert (doc["TotalVAT"], doc["FreightVAT"], doc["Total"]) == (0.0, 0.0, 150.0)
    assert doc["InvoiceRows"][0]["AccountNumber"] == 3231


@pytest.mark.parametrize("kind", ["invoices", "orders"])
def test_eureversedvat_customer_without_vat_number_is_refused(api, kind):
    number = add_customer(api, VATType="EUREVERSEDVAT", CountryCode="DE")
    message = "Kunden saknar VAT-nummer (VATNumber), som krävs för momstypen EUREVERSEDVAT."

    assert post(api, number, kind=kind) == (
        400,
        {"ErrorInformation": {"error": 1, "message": message, "code": 2099001}},
    )
    api.put(f"customers/{number}", {"Customer": {"VATNumber": "DE811234567"}})
    status, body = post(api, number, kind=kind)
    assert status == 201 and body[kind[:-1].capitalize()]["TotalVAT"] == 0.0


@pytest.mark.parametrize(
    ("fields", "account"),
    [
        ({}, 3001),
        ({"VATType": "EXPORT", "CountryCode": "US"}, 3105),
        ({"VATType": "EUREVERSEDVAT", "VATNumber": "DE811234567"}, 3108),
        ({"VATType": "EUVAT", "CountryCode": "DE"}, 3106),
        ({"VATType": "SEREVERSEDVAT"}, 3231),
    ],
)
def test_default_sales_account_follows_the_vat_type(api, fields, account):
    number = add_customer(api, **fields)
    assert post(api, number)[1]["Invoice"]["InvoiceRows"][0]["AccountNumber"] == account


def test_round_off_applies_to_sek_documents_only(fortnox_sandbox, api, customer):
    fortnox_sandbox.tenant(TENANT).round_off = True

    sek = post(api, "1", price="99.90")[1]["Invoice"]
    eur = post(api, "1", price="99.90", Currency="EUR")[1]["Invoice"]

    assert (sek["RoundOff"], sek["Total"]) == (0.12, 125.0)
    assert (eur["RoundOff"], eur["Total"]) == (0.0, 124.88)


@pytest.mark.parametrize("rate", [25, 12, 6, 0])
def test_swedish_rates_are_accepted_on_sevat_rows(api, customer, rate):
    assert post(api, "1", vat=rate)[0] == 201


@pytest.mark.parametrize("rate", [7, 19, 24, 20, 5.5])
def test_other_rates_are_refused_on_sevat_rows(api, customer, rate):
    assert post(api, "1", vat=rate) == (400, vat_not_found(rate))


@pytest.mark.parametrize(("country", "rate"), [("DE", 19), ("FI", 24), ("FR", 20)])
def test_foreign_eu_rate_on_euvat_documents_needs_oss(fortnox_sandbox, api, country, rate):
    number = add_customer(api, VATType="EUVAT", CountryCode=country)

    without = post(api, number, vat=rate)
    fortnox_sandbox.set_oss(TENANT, True)
    status, body = post(api, number, vat=rate)

    assert without == (400, vat_not_found(rate))
    assert status == 201 and body["Invoice"]["TotalVAT"] == float(rate)


def test_oss_rate_must_be_one_of_the_customers_country(fortnox_sandbox, api):
    fortnox_sandbox.set_oss(TENANT, True)
    german = add_customer(api, VATType="EUVAT", CountryCode="DE")
    assert post(api, german, vat=24) == (400, vat_not_found(24))
    assert post(api, german, vat=25)[0] == 201  # Swedish VAT below the distance-sales limit


def test_oss_does_not_open_foreign_rates_to_swedish_customers(fortnox_sandbox, api, customer):
    fortnox_sandbox.set_oss(TENANT, True)
    assert post(api, "1", vat=19) == (400, vat_not_found(19))
    assert post(api, "1", vat=19, kind="orders") == (400, vat_not_found(19))


def test_turning_oss_off_refuses_foreign_rates_again(fortnox_sandbox, api):
    number = add_customer(api, VATType="EUVAT", CountryCode="DE")
    fortnox_sandbox.set_oss(TENANT, True)
    assert post(api, number, vat=19, kind="orders")[0] == 201
    fortnox_sandbox.set_oss(TENANT, False)
    assert post(api, number, vat=19, kind="orders") == (400, vat_not_found(19))
