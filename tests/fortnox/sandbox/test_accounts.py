"""The tenant's chart of accounts: what names an account outside it is refused."""

from __future__ import annotations

import pytest

from fortnox.sandbox import FortnoxSandbox
from fortnox.sandbox.bas import DEFAULT_CHART
from fortnox.sandbox.state import words

TENANT = "1234567"
ROW_ACCOUNT_MISSING = {
    "ErrorInformation": {"error": 1, "message": "Kan inte hitta kontot.", "code": 2000423}
}
PREDEFINED_MISSING = {
    "ErrorInformation": {"error": 1, "message": "Kunde inte hitta konto", "code": 2001304}
}


def register_missing(label: str, number: int) -> dict:
    message = f'{label} inte uppdaterat. Kontot "{number}" existerar inte.'
    return {"ErrorInformation": {"error": 1, "message": message, "code": 2001304}}


def invoice_with(api, **row):
    rows = [{"Description": "Mugg", "DeliveredQuantity": 1, "Price": 100, **row}]
    return api.post("invoices", {"Invoice": {"CustomerNumber": "1", "InvoiceRows": rows}})


@pytest.mark.parametrize(
    "account",
    # Every account the project books to by default, and what a small shop's BAS chart has.
    words(
        "1510 1580 1680 1930 2420 2440 2611 2614 2621 2631 2641 2645 2899 3001 3002 3003 3004 "
        "3011 3012 3105 3106 3108 3231 3305 3308 3520 3521 3522 3530 3540 3590 3740 3990 3993 "
        "4000"
    ),
)
def test_default_chart_holds_the_accounts_a_small_shop_books_to(fortnox_sandbox, account):
    assert account in fortnox_sandbox.tenant(TENANT).accounts


def test_row_naming_an_account_outside_the_chart_is_2000423(api, customer):
    assert invoice_with(api, AccountNumber=3999) == (400, ROW_ACCOUNT_MISSING)


def test_account_added_through_the_control_api_can_be_used(fortnox_sandbox, api, customer):
    fortnox_sandbox.add_account(TENANT, 3999, "Övriga rörelseintäkter")

    status, body = invoice_with(api, AccountNumber=3999)

    assert status == 201 and body["Invoice"]["InvoiceRows"][0]["AccountNumber"] == 3999


def test_row_without_account_needs_the_predefined_sales_account(fortnox_sandbox, api, customer):
    fortnox_sandbox.remove_account(TENANT, 3001)
    assert invoice_with(api, VAT=25) == (400, PREDEFINED_MISSING)


def test_article_naming_an_account_outside_the_chart_is_2001304(api):
    article = {"Description": "Mugg", "PurchaseAccount": 4011}
    status, body = api.post("articles", {"Article": article})
    assert (status, body) == (400, register_missing("Inköpskonto", 4011))


def test_article_default_account_missing_from_the_chart_fails_the_next_put(fortnox_sandbox, api):
    fortnox_sandbox.remove_account(TENANT, 4000)
    created = api.post("articles", {"Article": {"ArticleNumber": "M1", "Description": "Mugg"}})

    updated = api.put("articles/M1", {"Article": {"Description": "Stor mugg"}})

    assert created[0] == 201 and created[1]["Article"]["PurchaseAccount"] == 4000
    assert updated == (400, register_missing("Inköpskonto", 4000))


def test_customer_sales_account_outside_the_chart_is_2001304(api):
    status, body = api.post("customers", {"Customer": {"Name": "Kund AB", "SalesAccount": "3999"}})
    assert (status, body) == (400, register_missing("Försäljningskonto", 3999))


def test_payment_account_outside_the_chart_is_2000423(api, customer):
    invoice_with(api)
    api.put("invoices/1/bookkeep")
    payment = {"InvoiceNumber": 1, "Amount": 125, "ModeOfPaymentAccount": 1999}
    assert api.post("invoicepayments", {"InvoicePayment": payment}) == (400, ROW_ACCOUNT_MISSING)
    write_offs = [{"Amount": 5, "AccountNumber": 6999}]
    write_off = {"InvoiceNumber": 1, "Amount": 120, "WriteOffs": write_offs}
    assert api.post("invoicepayments", {"InvoicePayment": write_off}) == (400, ROW_ACCOUNT_MISSING)


def test_bookkeeping_needs_every_voucher_account(fortnox_sandbox, api, customer):
    invoice_with(api, VAT=25)
    fortnox_sandbox.remove_account(TENANT, 2611)  # utgående moms 25 %

    assert api.put("invoices/1/bookkeep") == (400, PREDEFINED_MISSING)
    assert fortnox_sandbox.tenant(TENANT).invoices["1"]["Booked"] is False


def test_bookkeeping_a_rounded_invoice_needs_the_round_off_account(fortnox_sandbox, api, customer):
    fortnox_sandbox.tenant(TENANT).round_off = True
    invoice_with(api, Price="99.90")  # 124.88 -> 125, RoundOff 0.12
    fortnox_sandbox.remove_account(TENANT, 3740)

    assert api.put("invoices/1/bookkeep") == (400, PREDEFINED_MISSING)
    fortnox_sandbox.add_account(TENANT, 3740)
    assert api.put("invoices/1/bookkeep")[0] == 200


def test_set_accounts_replaces_the_chart_and_survives_a_restart():
    sandbox = FortnoxSandbox()
    sandbox.add_tenant(TENANT)
    sandbox.set_accounts(TENANT, {1930: "Bank", "3001": "Försäljning"})
    sandbox.set_oss(TENANT, True)

    restored = FortnoxSandbox()
    restored.load_dict(sandbox.to_dict())

    assert restored.tenant(TENANT).accounts == {"1930": "Bank", "3001": "Försäljning"}
    assert restored.tenant(TENANT).oss is True
    assert sandbox.set_accounts(TENANT) == DEFAULT_CHART
    with pytest.raises(ValueError, match="not an account number"):
        sandbox.add_account(TENANT, "39x9")
