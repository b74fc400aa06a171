"""Building Fortnox customers, articles, invoices and orders from canonical documents.

Pure functions: the engine decides the customer number, each line's article and the
integration's options; these functions only say how Fortnox wants it written.

Rows carry the source's own amounts, so Fortnox's arithmetic reproduces them instead of
re-rounding unit prices. Whether Fortnox takes an AMOUNT discount off the row or off each
unit is not confirmed (the reference marks the row reading as inferred), so a discounted
row is shaped so that both readings give the same total (``row_pricing``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from integrations.documents import (
    CENT,
    ZERO,
    Customer,
    CustomerKind,
    Line,
    LineKind,
    SalesDocument,
)

# VAT types whose documents carry no VAT: reverse charge (EU and Swedish construction) and
# export; the buyer accounts for any VAT.
NO_VAT_TYPES = frozenset({"EUREVERSEDVAT", "EXPORT", "SEREVERSEDVAT"})
SWEDISH_RATES = frozenset({Decimal(25), Decimal(12), Decimal(6)})
FREIGHT_RATE = Decimal(25)  # Fortnox taxes Freight at 25 %


@dataclass(frozen=True)
class Accounts:
    """Accounts the integration chose (None: Fortnox's own default).

    ``sales`` is the sales account per Swedish VAT rate, for new articles; the VAT-type
    accounts go on rows and new articles for reverse-charge EU buyers and exports."""

    gift_card: int | None = None
    duty: int | None = None
    tip: int | None = None
    sales: dict[Decimal, int] = field(default_factory=dict)
    eu_goods: int | None = None
    eu_services: int | None = None
    export: int | None = None

    def for_vat_type(self, vat_type: str, line: Line) -> int | None:
        if vat_type == "EUREVERSEDVAT":
            return self.eu_goods if line.requires_shipping else self.eu_services
        if vat_type == "EXPORT":
            return self.export
        return None


# Lines with an account of their own and no VAT, whatever the customer.
OWN_ACCOUNT_KINDS = {
    LineKind.GIFT_CARD: "gift_card",
    LineKind.DUTY: "duty",
    LineKind.TIP: "tip",
}


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
    vat_type: str = ""  # the customer's VAT type, when known
    accounts: Accounts | None = None


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
    # JSON has no decimal type; a float of a value with two decimals prints exactly.
    return float(value)


def row_pricing(line: Line) -> tuple[Decimal, Decimal, Decimal, str]:
    """(quantity, unit price, AMOUNT discount, description) for a line, such that the row
    total is the same whether Fortnox takes the discount off the row or off each unit:

    * no discount, or a quantity of one: the line as it is;
    * a discount that leaves a net unit price in whole öre: that net price, no discount;
    * otherwise one row of quantity one for the whole line ("3 x ..."), with the discount.
    """
    quantity, price, discount = line.quantity, line.unit_price, line.discount
    if not discount or quantity == 1:
        return quantity, price, discount, line.description
    net = (quantity * price - discount) / quantity
    if net == net.quantize(CENT):
        return quantity, net.quantize(CENT), ZERO, line.description
    whole = (quantity * price).quantize(CENT)
    return Decimal(1), whole, discount, f"{quantity} x {line.description}"


def row_account(line: Line, options: DocumentOptions) -> int | None:
    """The account a row names (None: the article's, else Fortnox's default): gift cards,
    duties and tips their own; EU reverse-charge and export rows the VAT type's; shipping
    taxed at a reduced rate (a mixed basket's 12 % or 6 % part) that rate's sales account,
    as the shipping article's account is for 25 %."""
    accounts = options.accounts or Accounts(gift_card=options.gift_card_account)
    if line.kind in OWN_ACCOUNT_KINDS:
        return getattr(accounts, OWN_ACCOUNT_KINDS[line.kind])
    if account := accounts.for_vat_type(options.vat_type, line):
        return account
    if line.kind == LineKind.SHIPPING and line.vat_rate != FREIGHT_RATE:
        return accounts.sales.get(line.vat_rate)
    return None


def build_row(line: Line, *, article_number: str, document_type: str, sign: int, options) -> dict:
    quantity, price, discount, description = row_pricing(line)
    row: dict = {}
    if article_number and line.kind not in OWN_ACCOUNT_KINDS:
        row["ArticleNumber"] = article_number
    row["Description"] = description
    if document_kind(document_type).ordered_quantity:
        row["OrderedQuantity"] = _num(quantity * sign)
    row["DeliveredQuantity"] = _num(quantity * sign)
    row["Price"] = _num(price)
    row["VAT"] = _num(line.vat_rate)
    if discount:
        row["Discount"] = _num(discount * sign)
        row["DiscountType"] = "AMOUNT"
    if account := row_account(line, options):
        row["AccountNumber"] = account
    return row


def freight_problem(doc: SalesDocument, options: DocumentOptions) -> str:
    """Why shipping cannot go in Fortnox's Freight (taxed at 25 %), or "" when it can."""
    shipping = doc.lines_of(LineKind.SHIPPING)
    if options.shipping != "freight" or not shipping:
        return ""
    rates = {line.vat_rate for line in shipping}
    if rates == {FREIGHT_RATE} or (options.vat_type in NO_VAT_TYPES and rates == {ZERO}):
        return ""
    shown = " and ".join(f"{rate} %" for rate in sorted(rates, reverse=True))
    return (
        f"Shipping is taxed at {shown}, but Fortnox's Freight field is taxed at 25 %;"
        " shipping was sent as rows instead."
    )


def freight_excluding_vat(doc: SalesDocument, include_vat: bool) -> Decimal:
    """Fortnox's Freight is an amount excluding VAT."""
    shipping = doc.lines_of(LineKind.SHIPPING)
    amount = sum((line.amount for line in shipping), ZERO)
    if include_vat:
        amount -= sum((line.vat_amount for line in shipping), ZERO)
    return amount


def your_order_number(doc: SalesDocument, limit: int = 30) -> str:
    """The order's name when it fits YourOrderNumber, else its number alone."""
    if len(doc.number) <= limit or not doc.short_number:
        return doc.number
    return doc.short_number


def build_document(doc: SalesDocument, options: DocumentOptions) -> dict:
    """The body of ``POST /3/invoices`` or ``/3/orders`` (without the envelope)."""
    include_vat = (
        doc.prices_include_vat if options.prices_include_vat is None else options.prices_include_vat
    )
    sign = -1 if doc.is_credit else 1
    kind = document_kind(options.document_type)
    freight = options.shipping == "freight" and not freight_problem(doc, options)
    body: dict = {
        "CustomerNumber": options.customer_number,
        kind.date_field: doc.issued_on.isoformat(),
        "Currency": doc.currency,
        "VATIncluded": include_vat,
        "ExternalInvoiceReference1": doc.source_key,
        "ExternalInvoiceReference2": doc.number,  # the order's name, whole
        "YourOrderNumber": your_order_number(doc),
        "Remarks": options.remarks,
    }
    if doc.currency_rate is not None:
        body["CurrencyRate"] = _num(doc.currency_rate)
    if options.credit_invoice_reference:
        body["CreditInvoiceReference"] = options.credit_invoice_reference
    rows = []
    for index, line in enumerate(doc.lines):
        if line.kind == LineKind.SHIPPING and freight:
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
    if freight:
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


def article_vat_rate(line: Line) -> Decimal | None:
    """The Swedish rate a new article gets from its first line; None when the line's rate
    says nothing about the product at home (0 on an export or reverse-charge sale, a
    foreign OSS rate): Fortnox's default then applies."""
    return line.vat_rate if line.vat_rate in SWEDISH_RATES else None


def build_article(
    line: Line, *, article_number: str, accounts: Accounts | None = None, unit: str = ""
) -> dict:
    """The body of ``POST /3/articles`` for a product met for the first time: the line's
    VAT rate and that rate's sales account, SERVICE when the product needs no shipping,
    the accounts for EU and export sales, and the unit."""
    accounts = accounts or Accounts()
    service = not line.requires_shipping
    body: dict = {"Description": line.description, "Type": "SERVICE" if service else "STOCK"}
    if article_number:
        body["ArticleNumber"] = article_number
    rate = article_vat_rate(line)
    if rate is not None:
        body["VAT"] = _num(rate)
        if account := accounts.sales.get(rate):
            body["SalesAccount"] = account
    eu = accounts.eu_services if service else accounts.eu_goods
    for name, account in (("EUAccount", eu), ("ExportAccount", accounts.export)):
        if account:
            body[name] = account
    if unit:
        body["Unit"] = unit
    return body


def price_excluding_vat(line: Line, prices_include_vat: bool) -> Decimal:
    if not prices_include_vat:
        return line.unit_price
    return (line.unit_price * 100 / (100 + line.vat_rate)).quantize(Decimal("0.01"))
