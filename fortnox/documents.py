"""Building Fortnox customers, articles, invoices and orders from canonical documents.

Pure functions: the engine decides the customer number, each line's article and the
integration's options; these functions only say how Fortnox wants it written.
Rows carry the source's unit price and its whole-row discount as an AMOUNT, so Fortnox's
arithmetic reproduces the source's per-line amounts instead of re-rounding unit prices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from integrations.documents import ZERO, Customer, CustomerKind, Line, LineKind, SalesDocument

NO_VAT_TYPES = frozenset({"EUREVERSEDVAT", "EXPORT"})


@dataclass(frozen=True)
class DocumentOptions:
    document_type: str = "invoice"  # "invoice" | "order"
    customer_number: str = ""
    # Article number per line, by the line's index in SalesDocument.lines ("" = none).
    article_numbers: dict[int, str] = field(default_factory=dict)
    shipping: str = "row"  # "row" | "freight"
    prices_include_vat: bool | None = None  # None: follow the document
    gift_card_account: int | None = None
    remarks: str = ""
    credit_invoice_reference: str = ""


@dataclass(frozen=True)
class DocumentKind:
    """How Fortnox writes one kind of sales document: everything that differs between a
    draft invoice and a draft order is here, so nothing else branches on the kind."""

    name: str  # "invoice", as Integration.document_type says it
    envelope: str  # {"Invoice": {...}}
    rows_key: str
    date_field: str
    path: str  # the register, e.g. /3/invoices
    list_key: str  # the list answer's key, e.g. Invoices
    ordered_quantity: bool  # rows state OrderedQuantity as well as DeliveredQuantity
    can_bookkeep: bool  # "bookkeep" and "e-mail" after creating apply


KINDS = {
    "invoice": DocumentKind(
        "invoice", "Invoice", "InvoiceRows", "InvoiceDate", "/3/invoices", "Invoices", False, True
    ),
    "order": DocumentKind(
        "order", "Order", "OrderRows", "OrderDate", "/3/orders", "Orders", True, False
    ),
}


def document_kind(name: str) -> DocumentKind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"Fortnox has no document kind {name!r}") from None


def envelope(document_type: str) -> tuple[str, str]:
    """("Invoice", "InvoiceRows") or ("Order", "OrderRows")."""
    kind = document_kind(document_type)
    return kind.envelope, kind.rows_key


def _num(value: Decimal) -> float:
    return float(value)


def build_row(line: Line, *, article_number: str, document_type: str, sign: int, options) -> dict:
    quantity = _num(line.quantity * sign)
    row: dict = {}
    if article_number:
        row["ArticleNumber"] = article_number
    row["Description"] = line.description
    if document_kind(document_type).ordered_quantity:
        row["OrderedQuantity"] = quantity
    row["DeliveredQuantity"] = quantity
    row["Price"] = _num(line.unit_price)
    row["VAT"] = _num(line.vat_rate)
    if line.discount:
        row["Discount"] = _num(line.discount * sign)
        row["DiscountType"] = "AMOUNT"
    if line.kind == LineKind.GIFT_CARD and options.gift_card_account:
        row["AccountNumber"] = options.gift_card_account
    return row


def freight_excluding_vat(doc: SalesDocument, include_vat: bool) -> Decimal:
    """Fortnox's Freight is an amount excluding VAT."""
    shipping = doc.lines_of(LineKind.SHIPPING)
    amount = sum((line.amount for line in shipping), ZERO)
    if include_vat:
        amount -= sum((line.vat_amount for line in shipping), ZERO)
    return amount


def build_document(doc: SalesDocument, options: DocumentOptions) -> dict:
    """The body of ``POST /3/invoices`` or ``/3/orders`` (without the envelope)."""
    include_vat = (
        doc.prices_include_vat if options.prices_include_vat is None else options.prices_include_vat
    )
    sign = -1 if doc.is_credit else 1
    kind = document_kind(options.document_type)
    body: dict = {
        "CustomerNumber": options.customer_number,
        kind.date_field: doc.issued_on.isoformat(),
        "Currency": doc.currency,
        "VATIncluded": include_vat,
        "ExternalInvoiceReference1": doc.source_key,
        "YourOrderNumber": doc.number,
        "Remarks": options.remarks,
    }
    if doc.currency_rate is not None:
        body["CurrencyRate"] = _num(doc.currency_rate)
    if options.credit_invoice_reference:
        body["CreditInvoiceReference"] = options.credit_invoice_reference
    rows = []
    for index, line in enumerate(doc.lines):
        if line.kind == LineKind.SHIPPING and options.shipping == "freight":
            continue
        article = options.article_numbers.get(index, "")
        rows.append(
            build_row(
                line,
                article_number=article,
                document_type=options.document_type,
                sign=sign,
                options=options,
            )
        )
    if options.shipping == "freight" and doc.lines_of(LineKind.SHIPPING):
        body["Freight"] = _num(freight_excluding_vat(doc, include_vat) * sign)
    body[kind.rows_key] = rows
    return body


def build_customer(customer: Customer, *, vat_type: str, defaults: dict[str, str]) -> dict:
    """The body of ``POST /3/customers`` for a customer met for the first time."""
    body: dict = {
        "Name": customer.name,
        "Type": "COMPANY" if customer.kind == CustomerKind.COMPANY else "PRIVATE",
        "VATType": vat_type,
    }
    optional = {
        "Email": customer.email,
        "Phone1": customer.phone or customer.billing.phone,
        "OrganisationNumber": customer.organisation_number,
        "VATNumber": customer.vat_number,
        "Address1": customer.billing.line1,
        "Address2": customer.billing.line2,
        "ZipCode": customer.billing.zip_code,
        "City": customer.billing.city,
        "CountryCode": customer.billing.country_code,
    }
    body.update({key: value for key, value in optional.items() if value})
    delivery = customer.delivery
    if delivery and delivery != customer.billing:
        body.update(
            {
                key: value
                for key, value in {
                    "DeliveryName": delivery.name or delivery.company,
                    "DeliveryAddress1": delivery.line1,
                    "DeliveryAddress2": delivery.line2,
                    "DeliveryZipCode": delivery.zip_code,
                    "DeliveryCity": delivery.city,
                    "DeliveryCountryCode": delivery.country_code,
                    "DeliveryPhone1": delivery.phone,
                }.items()
                if value
            }
        )
    body.update({key: value for key, value in defaults.items() if value})
    return body


def build_article(line: Line, *, article_number: str) -> dict:
    """The body of ``POST /3/articles`` for a product met for the first time."""
    body: dict = {"Description": line.description, "Type": "STOCK"}
    if article_number:
        body["ArticleNumber"] = article_number
    return body


def price_excluding_vat(line: Line, prices_include_vat: bool) -> Decimal:
    if not prices_include_vat:
        return line.unit_price
    return (line.unit_price * 100 / (100 + line.vat_rate)).quantize(Decimal("0.01"))
