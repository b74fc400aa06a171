"""Credit invoices: the exact negative of the original, and the references Fortnox refuses."""

from __future__ import annotations

import pytest

TOTALS = ("Net", "Gross", "TotalVAT", "FreightVAT", "RoundOff", "Total")


def refused(code: int, message: str) -> dict:
    return {"ErrorInformation": {"error": 1, "message": message, "code": code}}


def post_invoice(api, rows, **fields):
    return api.post("invoices", {"Invoice": {"CustomerNumber": "1", "InvoiceRows": rows, **fields}})


def row(price, quantity=1, **more):
    return {"Description": "Mugg", "DeliveredQuantity": quantity, "Price": price, **more}


@pytest.mark.parametrize("round_off", [False, True])
def test_credit_of_an_amount_discount_is_the_exact_negative(
    fortnox_sandbox, api, customer, round_off
):
    fortnox_sandbox.tenant("1234567").round_off = round_off
    rows = [
        row(250, 2, Discount=50, DiscountType="AMOUNT"),
        row("99.90", 3, VAT=12, Discount=10),
        row("19.99", 1, VAT=6, Discount="0.37", DiscountType="AMOUNT"),
    ]
    post_invoice(api, rows, Freight=49, VATIncluded=False)
    api.put("invoices/1/bookkeep")

    api.put("invoices/1/credit")

    invoices = fortnox_sandbox.tenant("1234567").invoices
    original, credit = invoices["1"], invoices["2"]
    assert original["Total"] != 0
    assert {k: credit[k] for k in TOTALS} == {k: -original[k] for k in TOTALS}
    assert [r["Total"] for r in credit["InvoiceRows"]] == [
        -r["Total"] for r in original["InvoiceRows"]
    ]
    assert credit["InvoiceRows"][0]["Discount"] == -50.0


def test_credit_reference_to_a_missing_invoice_is_refused(api, customer):
    status, body = post_invoice(api, [row(-100)], CreditInvoiceReference="99")
    assert (status, body) == (400, refused(2000434, "Kan inte hitta fakturan."))


def test_credit_reference_links_the_original_until_it_is_fully_credited(api, customer):
    post_invoice(api, [row(100, 2)])  # 250 incl. VAT

    first = post_invoice(api, [row(-100)], CreditInvoiceReference="1")
    after_first = api.get("invoices/1")[1]["Invoice"]["CreditInvoiceReference"]
    second = post_invoice(api, [row(-100)], CreditInvoiceReference="1")
    third = post_invoice(api, [row(-100)], CreditInvoiceReference="1")

    assert first[0] == 201 and first[1]["Invoice"]["Credit"] == "true"
    assert first[1]["Invoice"]["CreditInvoiceReference"] == "1"
    assert after_first == "2"
    assert second[0] == 201
    assert api.get("invoices/1")[1]["Invoice"]["CreditInvoiceReference"] == "3"
    assert third == (400, refused(2099007, "Fakturan är redan krediterad."))
    assert len(api.get("invoices")[1]["Invoices"]) == 3


def test_credit_reference_to_a_credit_action_invoice_is_refused(api, customer):
    post_invoice(api, [row(100)])
    api.put("invoices/1/bookkeep")
    api.put("invoices/1/credit")

    status, body = post_invoice(api, [row(-100)], CreditInvoiceReference="1")

    assert (status, body) == (400, refused(2099007, "Fakturan är redan krediterad."))


def test_credit_reference_to_a_credit_invoice_or_cancelled_invoice_is_refused(api, customer):
    post_invoice(api, [row(100)])
    post_invoice(api, [row(-50)], CreditInvoiceReference="1")
    post_invoice(api, [row(100)])
    api.put("invoices/3/cancel")

    to_credit = post_invoice(api, [row(-50)], CreditInvoiceReference="2")
    to_cancelled = post_invoice(api, [row(-50)], CreditInvoiceReference="3")

    assert to_credit == (400, refused(2099007, "En kreditfaktura kan inte krediteras."))
    assert to_cancelled == (
        400,
        refused(2099007, "Fakturan är makulerad och kan inte krediteras."),
    )


def test_unset_credit_reference_is_zero(api, customer):
    status, body = post_invoice(api, [row(100)], CreditInvoiceReference="0")
    assert status == 201
    assert (body["Invoice"]["Credit"], body["Invoice"]["CreditInvoiceReference"]) == ("false", "0")
