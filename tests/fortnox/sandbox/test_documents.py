"""Invoices, orders and payments through the sandbox."""

from __future__ import annotations

import pytest


def invoice(api, **fields):
    return api.post("invoices", {"Invoice": fields})


def test_invoice_defaults_when_only_customer_is_posted(api, customer):
    status, body = invoice(api, CustomerNumber=customer["CustomerNumber"])

    doc = body["Invoice"]
    assert status == 201
    assert doc["DocumentNumber"] == "1"
    assert doc["TermsOfPayment"] == "30"
    assert (doc["Currency"], doc["CurrencyRate"], doc["VATIncluded"]) == ("SEK", 1, False)
    assert (doc["Credit"], doc["CreditInvoiceReference"], doc["OrderReference"]) == (
        "false",
        "0",
        "0",
    )
    assert doc["OCR"] == "133"
    assert doc["InvoiceRows"] == [] and doc["Total"] == 0
    assert doc["CustomerName"] == "Kund AB"
    assert doc["EmailInformation"]["EmailSubject"] == "Faktura 1 bifogas"


def test_invoice_totals_excluding_vat_with_freight(api, customer, article):
    rows = [
        {"ArticleNumber": "MUG-1", "DeliveredQuantity": "2", "Price": 100},
        {"Description": "Bok", "DeliveredQuantity": 1, "Price": 200, "VAT": 6},
    ]
    _, body = invoice(api, CustomerNumber="1", InvoiceRows=rows, Freight=49)

    doc = body["Invoice"]
    assert (doc["Net"], doc["Gross"], doc["FreightVAT"]) == (400.0, 449.0, 12.25)
    assert doc["TotalVAT"] == 74.25  # 50 + 12 + 12.25
    assert doc["Total"] == 523.25
    first = doc["InvoiceRows"][0]
    assert first["DeliveredQuantity"] == "2" and first["Description"] == "Mugg"
    assert (first["Total"], first["PriceExcludingVAT"], first["TotalExcludingVAT"]) == (
        200.0,
        100.0,
        200.0,
    )


def test_invoice_totals_including_vat_with_discounts(api, customer, article):
    rows = [
        {"ArticleNumber": "MUG-1", "DeliveredQuantity": 2, "Price": 125, "Discount": 10},
        {
            "ArticleNumber": "MUG-1",
            "DeliveredQuantity": 1,
            "Price": 250,
            "Discount": 50,
            "DiscountType": "AMOUNT",
        },
    ]
    _, body = invoice(api, CustomerNumber="1", InvoiceRows=rows, VATIncluded=True)

    doc = body["Invoice"]
    assert [r["Total"] for r in doc["InvoiceRows"]] == [225.0, 200.0]
    assert doc["TotalVAT"] == 85.0  # 45 + 40
    assert doc["Net"] == 340.0
    assert doc["Total"] == 425.0


def test_export_customer_gets_no_vat(api, article):
    api.post("customers", {"Customer": {"Name": "US Inc", "VATType": "EXPORT"}})
    rows = [{"ArticleNumber": "MUG-1", "DeliveredQuantity": 1, "Price": 100}]
    _, body = invoice(api, CustomerNumber="1", InvoiceRows=rows, Freight=20)

    doc = body["Invoice"]
    assert (doc["TotalVAT"], doc["Total"]) == (0.0, 120.0)
    assert doc["InvoiceRows"][0]["AccountNumber"] == 3105


def test_quantity_and_price_are_rounded_to_two_decimals(api, customer):
    rows = [{"Description": "x", "DeliveredQuantity": "1.125", "Price": 10.005}]
    _, body = invoice(api, CustomerNumber="1", InvoiceRows=rows)
    row = body["Invoice"]["InvoiceRows"][0]
    assert (row["DeliveredQuantity"], row["Price"]) == ("1.13", 10.01)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({}, 2099001),
        ({"CustomerNumber": "404"}, 2000433),
        ({"CustomerNumber": "1", "Total": 100}, 2001399),
        ({"CustomerNumber": "1", "YourOrderNumber": "x" * 31}, 2099002),
        ({"CustomerNumber": "1", "ExternalInvoiceReference1": "x" * 81}, 2099002),
        ({"CustomerNumber": "1", "Currency": "XYZ"}, 2099005),
        ({"CustomerNumber": "1", "InvoiceRows": [{"ArticleNumber": "NOPE"}]}, 2000428),
        ({"CustomerNumber": "1", "InvoiceRows": [{"DeliveredQuantity": 1}]}, 2003977),
        ({"CustomerNumber": "1", "InvoiceRows": [{"Description": "x", "VAT": 7}]}, 2099004),
        ({"CustomerNumber": "1", "InvoiceRows": [{"Description": "x" * 256}]}, 2099002),
        ({"CustomerNumber": "1", "InvoiceRows": [{"OrderedQuantity": 1}]}, 2001399),
    ],
)
def test_invoice_validation(api, customer, fields, code):
    status, body = invoice(api, **fields)
    assert status == 400
    assert body["ErrorInformation"]["code"] == code


def test_foreign_currency_takes_register_rate(api, customer):
    _, body = invoice(api, CustomerNumber="1", Currency="EUR")
    assert body["Invoice"]["CurrencyRate"] == 11.45


def test_booked_invoice_is_immutable(api, customer):
    invoice(api, CustomerNumber="1", InvoiceRows=[{"Description": "x", "DeliveredQuantity": 1}])
    status, booked = api.put("invoices/1/bookkeep")
    update = api.put("invoices/1", {"Invoice": {"YourReference": "Ny"}})
    cancel = api.put("invoices/1/cancel")
    assert status == 200 and booked["Invoice"]["Booked"] is True
    assert update[0] == 400 and update[1]["ErrorInformation"]["code"] == 2099006
    assert cancel[0] == 400


def test_rejected_update_leaves_invoice_unchanged(api, customer):
    invoice(api, CustomerNumber="1", YourReference="Gammal")
    status, _ = api.put(
        "invoices/1", {"Invoice": {"YourReference": "Ny", "InvoiceRows": [{"ArticleNumber": "X"}]}}
    )
    assert status == 400
    assert api.get("invoices/1")[1]["Invoice"]["YourReference"] == "Gammal"


def test_update_rows_by_row_id(api, customer):
    rows = [{"Description": "a", "DeliveredQuantity": 1, "Price": 10}, {"Description": "b"}]
    _, body = invoice(api, CustomerNumber="1", InvoiceRows=rows)
    keep = body["Invoice"]["InvoiceRows"][0]["RowId"]

    _, updated = api.put(
        "invoices/1",
        {"Invoice": {"InvoiceRows": [{"RowId": keep, "Price": 20}, {"Description": "c"}]}},
    )

    new_rows = updated["Invoice"]["InvoiceRows"]
    assert [r["Description"] for r in new_rows] == ["a", "c"]
    assert new_rows[0]["Price"] == 20.0 and new_rows[0]["RowId"] != keep
    assert updated["Invoice"]["Total"] == 25.0


def test_credit_needs_booked_invoice_and_links_both_ways(api, customer):
    rows = [{"Description": "x", "DeliveredQuantity": 2, "Price": 100}]
    invoice(api, CustomerNumber="1", InvoiceRows=rows)
    unbooked = api.put("invoices/1/credit")
    api.put("invoices/1/bookkeep")

    status, body = api.put("invoices/1/credit")

    assert unbooked[0] == 400
    assert status == 200 and body["Invoice"]["CreditInvoiceReference"] == "2"
    credit = api.get("invoices/2")[1]["Invoice"]
    assert (credit["Credit"], credit["CreditInvoiceReference"]) == ("true", "1")
    assert credit["InvoiceRows"][0]["DeliveredQuantity"] == "-2"
    assert credit["Total"] == -250.0
    assert api.put("invoices/1/credit")[0] == 400


def test_print_and_preview_are_pdfs(api, customer):
    invoice(api, CustomerNumber="1")
    status, preview = api.get("invoices/1/preview")
    assert status == 200
    assert preview.headers["Content-Type"] == "application/pdf"
    assert preview.content.startswith(b"%PDF") and b"Faktura 1" in preview.content
    assert api.get("invoices/1")[1]["Invoice"]["Sent"] is False
    api.get("invoices/1/print")
    assert api.get("invoices/1")[1]["Invoice"]["Sent"] is True


def test_invoice_search_by_external_reference_and_filter(api, customer):
    invoice(api, CustomerNumber="1", ExternalInvoiceReference1="shopify-1001")
    invoice(api, CustomerNumber="1", ExternalInvoiceReference1="shopify-1002")
    api.put("invoices/2/bookkeep")

    _, found = api.get("invoices", externalinvoicereference1="SHOPIFY-1002")
    _, unbooked = api.get("invoices", filter="unbooked")

    assert [i["DocumentNumber"] for i in found["Invoices"]] == ["2"]
    assert found["Invoices"][0]["CurrencyRate"] == "1"
    assert [i["DocumentNumber"] for i in unbooked["Invoices"]] == ["1"]


def test_order_rows_need_ordered_quantity(api, customer):
    status, body = api.post(
        "orders", {"Order": {"CustomerNumber": "1", "OrderRows": [{"Description": "x"}]}}
    )
    assert status == 400 and "OrderedQuantity" in body["ErrorInformation"]["message"]


def test_order_becomes_invoice(api, customer, article):
    rows = [{"ArticleNumber": "MUG-1", "OrderedQuantity": 3, "Price": 10}]
    status, created = api.post(
        "orders", {"Order": {"CustomerNumber": "1", "OrderRows": rows, "YourOrderNumber": "#1001"}}
    )
    assert status == 201 and created["Order"]["Total"] == 37.5

    status, body = api.put("orders/1/createinvoice")

    assert status == 200
    assert body["Invoice"]["OrderReference"] == "1"
    assert body["Invoice"]["YourOrderNumber"] == "#1001"
    assert body["Invoice"]["Total"] == 37.5
    assert api.get("orders/1")[1]["Order"]["InvoiceReference"] == body["Invoice"]["DocumentNumber"]
    assert api.put("orders/1/createinvoice")[0] == 400


def test_payment_settles_invoice(api, customer):
    invoice(api, CustomerNumber="1", InvoiceRows=[{"Description": "x", "DeliveredQuantity": 1}])
    api.put(
        "invoices/1",
        {"Invoice": {"InvoiceRows": [{"Description": "x", "DeliveredQuantity": 1, "Price": 80}]}},
    )
    api.put("invoices/1/bookkeep")

    status, body = api.post(
        "invoicepayments", {"InvoicePayment": {"InvoiceNumber": 1, "Amount": 100}}
    )

    assert status == 201 and body["InvoicePayment"]["Number"] == "1"
    paid = api.get("invoices/1")[1]["Invoice"]
    assert paid["Balance"] == 0.0 and paid["FinalPayDate"] is not None
    listed = api.get("invoicepayments", invoicenumber="1")[1]
    assert len(listed["InvoicePayments"]) == 1
    assert [
        i["DocumentNumber"] for i in api.get("invoices", filter="fullypaid")[1]["Invoices"]
    ] == ["1"]
