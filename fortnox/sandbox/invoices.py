"""``/3/invoices``: customer invoices and their actions (bookkeep, cancel, credit, print...)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from fortnox.sandbox import credits, documents, errors, fields
from fortnox.sandbox.context import Context
from fortnox.sandbox.documents import Kind
from fortnox.sandbox.errors import Response, json_response
from fortnox.sandbox.listing import ListSpec, field_values, list_response
from fortnox.sandbox.pdf import render_pdf
from fortnox.sandbox.rows import INVOICE_ROWS
from fortnox.sandbox.state import words


def _ocr(value: Any, name: str) -> str:
    text = fields.as_text(value, name)
    if text and not text.isdigit():
        raise errors.bad_request(errors.NOT_NUMERIC, "OCR måste vara numeriskt.")
    return text


KIND = Kind(
    collection="invoices",
    envelope="Invoice",
    rows_key="InvoiceRows",
    date_key="InvoiceDate",
    schema=documents.with_rows(
        {
            "InvoiceDate": fields.date,
            "DueDate": fields.date,
            "InvoiceType": fields.choice(
                "INVOICE", "CASHINVOICE", "AGREEMENTINVOICE", "SUMMARYINVOICE", "INTRESTINVOICE"
            ),
            "OCR": _ocr,
            "EUQuarterlyReport": fields.boolean,
            "TaxReductionType": fields.choice("none", "rot", "rut", "green"),
            "CreditInvoiceReference": fields.text(20),
        },
        "InvoiceRows",
    ),
    rows=INVOICE_ROWS,
    not_found_code=errors.INVOICE_NOT_FOUND,
    not_found_message="Kan inte hitta fakturan.",
    subject="Faktura {no} bifogas",
)

LIST = ListSpec(
    envelope="Invoices",
    collection="invoices",
    item_fields=tuple(
        words(
            "@url Balance Booked Cancelled CostCenter Currency CurrencyRate CurrencyUnit "
            "CustomerName CustomerNumber DocumentNumber DueDate ExternalInvoiceReference1 "
            "ExternalInvoiceReference2 InvoiceDate InvoiceType NoxFinans OCR VoucherNumber "
            "VoucherSeries VoucherYear WayOfDelivery TermsOfPayment Project Sent Total "
            "FinalPayDate"
        )
    ),
    number_field="DocumentNumber",
    search={
        name.lower(): field_values(name)
        for name in words(
            "CustomerNumber CustomerName DocumentNumber ExternalInvoiceReference1 "
            "ExternalInvoiceReference2 YourOrderNumber YourReference OurReference OCR Sent "
            "NotCompleted Credit InvoiceType Currency"
        )
    },
    filters={
        "cancelled": lambda i: i["Cancelled"],
        "fullypaid": lambda i: not i["Cancelled"] and i["FinalPayDate"] is not None,
        "unpaid": lambda i: _unpaid(i),
        "unpaidoverdue": lambda i: _unpaid(i) and i["DueDate"] < i["_today"],
        "unbooked": lambda i: not i["Booked"] and not i["Cancelled"],
    },
    date_field="InvoiceDate",
)
LIST.search["articlenumber"] = lambda i: [r["ArticleNumber"] for r in i["InvoiceRows"]]


def _unpaid(invoice: dict[str, Any]) -> bool:
    return invoice["Booked"] and not invoice["Cancelled"] and invoice["Balance"] != 0


def _defaults(ctx: Context, number: str) -> dict[str, Any]:
    today = ctx.today().isoformat()
    return {
        "@url": ctx.url("invoices", number),
        "@urlTaxReductionList": ctx.url("taxreductions")
        + f"?filter=invoices&referencenumber={number}",
        "AccountingMethod": "ACCRUAL",
        "AdministrationFee": 0,
        "Balance": 0,
        "BasisTaxReduction": 0,
        "Booked": False,
        "Cancelled": False,
        "Comments": "",
        "ContractReference": "0",
        "ContributionPercent": 0,
        "ContributionValue": 0,
        "Credit": "false",
        "CreditInvoiceReference": "0",
        "CurrencyRate": 1,
        "CurrencyUnit": 1,
        "DeliveryDate": None,
        "DocumentNumber": number,
        "EUQuarterlyReport": False,
        "ExternalInvoiceReference1": "",
        "ExternalInvoiceReference2": "",
        "FinalPayDate": None,
        "Freight": 0,
        "HouseWork": False,
        "InvoiceDate": today,
        "InvoicePeriodEnd": "",
        "InvoicePeriodStart": "",
        "InvoiceReference": "0",
        "InvoiceRows": [],
        "InvoiceType": "INVOICE",
        "Labels": [],
        "LastRemindDate": None,
        "NotCompleted": False,
        "NoxFinans": False,
        "OCR": "",
        "OfferReference": "0",
        "OrderReference": "0",
        "OutboundDate": today,
        "PaymentWay": "",
        "PrintTemplate": "",
        "Reminders": 0,
        "Sent": False,
        "TaxReduction": None,
        "TaxReductionType": "none",
        "VATIncluded": False,
        "VoucherNumber": None,
        "VoucherSeries": None,
        "VoucherYear": None,
        "WarehouseReady": True,
        "YourOrderNumber": "",
    }


def refresh(ctx: Context, invoice: dict[str, Any]) -> None:
    """Totals, TotalToPay, Balance and FinalPayDate from rows and registered payments."""
    documents.refresh_totals(ctx, KIND, invoice)
    invoice["TotalToPay"] = invoice["Total"]
    number = invoice["DocumentNumber"]
    paid = [p for p in ctx.tenant.payments.values() if p["InvoiceNumber"] == int(number)]
    paid_amount = sum((Decimal(str(p["AmountCurrency"])) for p in paid), Decimal("0"))
    balance = Decimal(str(invoice["Total"])) - paid_amount
    invoice["Balance"] = fields.money(balance)
    settled = paid and balance == 0
    invoice["FinalPayDate"] = max(p["PaymentDate"] for p in paid) if settled else None


def new_invoice(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Create and store an invoice from validated fields (also used by order -> invoice)."""
    customer = documents.document_customer(ctx, data.get("CustomerNumber", ""))
    number = documents.claim_number(ctx, KIND, data)
    invoice = {**_defaults(ctx, number), **documents.customer_defaults(KIND, customer)}
    invoice["CustomerNumber"] = customer["CustomerNumber"]
    invoice["EmailInformation"]["EmailSubject"] = f"Faktura {number} bifogas"
    documents.apply_header(ctx, KIND, invoice, data, creating=True)
    if "DueDate" not in data:
        invoice["DueDate"] = documents.due_date(invoice["InvoiceDate"], invoice["TermsOfPayment"])
    invoice["OCR"] = invoice["OCR"] or documents.ocr_for(number)
    invoice["OutboundDate"] = invoice["InvoiceDate"]
    documents.apply_rows(ctx, KIND, invoice, data)
    documents.validate(ctx, KIND, invoice)
    original = credits.original_of(ctx, invoice, number)
    refresh(ctx, invoice)
    ctx.tenant.invoices[number] = invoice
    credits.link(ctx, original, invoice)
    ctx.touch("invoices", number)
    return invoice


def _out(invoice: dict[str, Any], status: int = 200) -> Response:
    return json_response(status, {"Invoice": invoice})


def list_invoices(ctx: Context) -> Response:
    """GET /3/invoices"""
    today = ctx.today().isoformat()
    items = [
        {**i, "CurrencyRate": str(i["CurrencyRate"]), "_today": today}
        for i in ctx.tenant.invoices.values()
    ]
    modified = lambda i: ctx.tenant.modified_at("invoices", i["DocumentNumber"])  # noqa: E731
    return list_response(LIST, items, ctx.query, modified)


def get_invoice(ctx: Context, number: str) -> Response:
    """GET /3/invoices/{number}"""
    return _out(documents.find(ctx, KIND, number))


def create_invoice(ctx: Context) -> Response:
    """POST /3/invoices: CustomerNumber is required; everything else has Fortnox's defaults."""
    data = fields.clean(fields.parse_body(ctx.body, "Invoice"), KIND.schema)
    return _out(new_invoice(ctx, data), 201)


def update_invoice(ctx: Context, number: str) -> Response:
    """PUT /3/invoices/{number}: a partial update of an unbooked, uncancelled invoice."""
    # Work on a copy so a request rejected half-way leaves the stored invoice untouched.
    invoice = copy.deepcopy(documents.find(ctx, KIND, number))
    documents.reject_if_locked(invoice, "Fakturan")
    data = fields.clean(fields.parse_body(ctx.body, "Invoice"), KIND.schema)
    if data.get("DocumentNumber", number) != number:
        raise errors.invalid_value("DocumentNumber", data["DocumentNumber"])
    if "CustomerNumber" in data:
        customer = documents.document_customer(ctx, data["CustomerNumber"])
        invoice["CustomerName"] = customer["Name"]
    documents.apply_header(ctx, KIND, invoice, data, creating=False)
    if "DueDate" not in data and ({"InvoiceDate", "TermsOfPayment"} & set(data)):
        invoice["DueDate"] = documents.due_date(invoice["InvoiceDate"], invoice["TermsOfPayment"])
    documents.apply_rows(ctx, KIND, invoice, data)
    documents.validate(ctx, KIND, invoice)
    original = None
    if "CreditInvoiceReference" in data:
        original = credits.original_of(ctx, invoice, number)
    refresh(ctx, invoice)
    ctx.tenant.invoices[number] = invoice
    credits.link(ctx, original, invoice)
    ctx.touch("invoices", number)
    return _out(invoice)


def render_document_pdf(title: str, doc: dict[str, Any]) -> Response:
    """A PDF of a document: number, customer and total."""
    lines = [
        f"{title} {doc['DocumentNumber']}",
        f"Kund: {doc['CustomerNumber']} {doc.get('CustomerName', '')}",
        f"Totalt: {doc['Total']:.2f} {doc['Currency']}",
    ]
    headers = {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'inline; filename="{title.lower()}-{doc["DocumentNumber"]}.pdf"',
    }
    return Response(200, headers, render_pdf(lines))


def credit_copy(ctx: Context, invoice: dict[str, Any], number: str) -> dict[str, Any]:
    """The credit invoice of ``invoice``: its exact negative. Quantities, freight and fee are
    negated, and so are AMOUNT discounts, which are money for the whole row: -2 x 250 less a
    discount of 50 would be -550, not the -450 that cancels 2 x 250 - 50 (a PERCENT discount
    is a share and stays as it is)."""
    credit = copy.deepcopy(invoice)
    today = ctx.today().isoformat()
    credit.update(_defaults(ctx, number) | {k: credit[k] for k in _KEPT_ON_CREDIT})
    credit.update(
        {
            "Credit": "true",
            "CreditInvoiceReference": invoice["DocumentNumber"],
            "DueDate": today,
            "OCR": documents.ocr_for(number),
            "Freight": -invoice["Freight"],
            "AdministrationFee": -invoice["AdministrationFee"],
        }
    )
    credit["EmailInformation"]["EmailSubject"] = f"Faktura {number} bifogas"
    for row in credit["InvoiceRows"]:
        row["RowId"] = ctx.tenant.next_row_id()
        row["DeliveredQuantity"] = fields.quantity_text(-Decimal(row["DeliveredQuantity"]))
        if row["DiscountType"] == "AMOUNT":
            row["Discount"] = float(-Decimal(str(row["Discount"])))
    return credit


_KEPT_ON_CREDIT = words(
    "InvoiceRows Currency CurrencyRate CurrencyUnit VATIncluded PriceList Language "
    "ExternalInvoiceReference1 ExternalInvoiceReference2 YourOrderNumber InvoiceType"
)
