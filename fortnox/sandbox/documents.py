"""What invoices and orders share: header fields, customer defaults, totals, numbering."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from fortnox.sandbox import errors, fields, vat
from fortnox.sandbox.context import Context
from fortnox.sandbox.rows import RowRules, build_rows, row_input, row_totals_for, zero_vat
from fortnox.sandbox.state import PRICE_LISTS, words
from fortnox.sandbox.totals import document_totals

_TEXT = fields.text()


def _positive(value: Any, name: str) -> float:
    number = fields.as_decimal(value, name)
    if number <= 0:
        raise errors.invalid_value(name, value)
    return float(number)


def _document_number(value: Any, name: str) -> str:
    number = fields.as_text(value, name)
    if not number.isdigit():
        raise errors.bad_request(errors.NOT_NUMERIC, f"{name} måste vara numeriskt.")
    return str(int(number))


def _labels(value: Any, name: str) -> list[dict[str, int]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise errors.invalid_value(name, value)
    labels = []
    for label in value:
        fields.check_names(label, ("Id", "Description"))
        labels.append({"Id": int(fields.as_decimal(label.get("Id"), "Labels.Id"))})
    return labels


EMAIL_KEYS = (
    "EmailAddressFrom",
    "EmailAddressTo",
    "EmailAddressCC",
    "EmailAddressBCC",
    "EmailSubject",
    "EmailBody",
    "EmailReadReceipt",
)


def _email_information(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise errors.invalid_value(name, value)
    fields.check_names(value, EMAIL_KEYS)
    cleaned = {}
    for key, item in value.items():
        if key.startswith("EmailAddress"):
            cleaned[key] = fields.as_email(item, key) or None
        elif key == "EmailReadReceipt":
            cleaned[key] = fields.as_bool(item, key)
        else:
            cleaned[key] = fields.as_text(item, key)
    return cleaned


def _rows(value: Any, name: str) -> Any:
    return value  # checked row by row in rows.build_rows


COMMON_SCHEMA: dict[str, fields.Cleaner] = {
    "CustomerNumber": fields.text(50),
    "DocumentNumber": _document_number,
    "DeliveryDate": fields.date,
    "Currency": fields.text(3),
    "CurrencyRate": _positive,
    "CurrencyUnit": _positive,
    "VATIncluded": fields.boolean,
    "Freight": fields.amount,
    "AdministrationFee": fields.amount,
    "YourOrderNumber": fields.text(30),
    "YourReference": fields.text(50),
    "OurReference": fields.text(50),
    "ExternalInvoiceReference1": fields.text(80),
    "ExternalInvoiceReference2": fields.text(80),
    "Remarks": fields.text(1024),
    "Comments": fields.text(1024),
    "Language": fields.choice("SV", "EN"),
    "PriceList": fields.choice(*PRICE_LISTS),
    "NotCompleted": fields.boolean,
    "EmailInformation": _email_information,
    "Labels": _labels,
    "ZipCode": fields.text(10),
    "DeliveryZipCode": fields.text(10),
}
for _name in words(
    "TermsOfPayment TermsOfDelivery WayOfDelivery PrintTemplate Project CostCenter Address1 "
    "Address2 City Country DeliveryName DeliveryAddress1 DeliveryAddress2 DeliveryCity "
    "DeliveryCountry Phone1 Phone2"
):
    COMMON_SCHEMA[_name] = _TEXT


@dataclass(frozen=True)
class Kind:
    """One document type (invoice or order) as the shared code sees it."""

    collection: str
    envelope: str
    rows_key: str
    date_key: str
    schema: dict[str, fields.Cleaner]
    rows: RowRules
    not_found_code: int
    not_found_message: str
    subject: str


def with_rows(schema: dict[str, fields.Cleaner], rows_key: str) -> dict[str, fields.Cleaner]:
    """A header schema that also accepts the rows list."""
    return {**COMMON_SCHEMA, **schema, rows_key: _rows}


def find(ctx: Context, kind: Kind, number: str) -> dict[str, Any]:
    """A stored document, or Fortnox's 404."""
    return ctx.get(kind.collection, number, kind.not_found_code, kind.not_found_message)


def document_customer(ctx: Context, number: str) -> dict[str, Any]:
    """The customer a document is written to; an unknown number is a 400 on documents."""
    if not number:
        raise errors.required("CustomerNumber")
    customer = ctx.tenant.customers.get(number)
    if customer is None:
        raise errors.bad_request(errors.CUSTOMER_NOT_FOUND, "Kan inte hitta kunden.")
    return customer


def customer_defaults(kind: Kind, customer: dict[str, Any]) -> dict[str, Any]:
    """Header values a new document takes from its customer."""
    copied = words(
        "Address1 Address2 ZipCode City Country Phone1 Phone2 OrganisationNumber DeliveryName "
        "DeliveryAddress1 DeliveryAddress2 DeliveryZipCode DeliveryCity DeliveryCountry "
        "TermsOfDelivery WayOfDelivery YourReference OurReference CostCenter Project"
    )
    values = {name: customer.get(name) or "" for name in copied}
    values.update(
        {
            "CustomerName": customer["Name"],
            "Currency": customer.get("Currency") or "SEK",
            "PriceList": customer.get("PriceList") or "A",
            "TermsOfPayment": customer.get("TermsOfPayment") or "30",
            "Language": "SV" if customer.get("CountryCode") in ("", "SE", None) else "EN",
            "Freight": customer.get("InvoiceFreight") or 0,
            "AdministrationFee": customer.get("InvoiceAdministrationFee") or 0,
            "Remarks": customer.get("InvoiceRemark") or "",
        }
    )
    address = customer.get("EmailInvoice") if kind.collection == "invoices" else None
    values["EmailInformation"] = {
        "EmailAddressFrom": None,
        "EmailAddressTo": address or customer.get("EmailOrder") or customer.get("Email") or None,
        "EmailAddressCC": None,
        "EmailAddressBCC": None,
        "EmailSubject": kind.subject,
        "EmailBody": " ",
        "EmailReadReceipt": False,
    }
    return values


def apply_header(
    ctx: Context, kind: Kind, doc: dict[str, Any], data: dict[str, Any], *, creating: bool
) -> None:
    """Copy validated header fields onto ``doc`` and check currency against the register.

    Without an explicit CurrencyRate a new or changed currency takes the register's rate.
    """
    previous = doc.get("Currency")
    for name, value in data.items():
        if name == "EmailInformation":
            doc[name] = {**doc.get(name, {}), **value}
        elif name != kind.rows_key:
            doc[name] = value
    ctx.check_currency(doc["Currency"])
    changed = creating or doc["Currency"] != previous
    if "CurrencyRate" not in data and changed:
        doc["CurrencyRate"] = float(ctx.tenant.rate(doc["Currency"]))
    if doc["Currency"] == "SEK":
        doc["CurrencyRate"], doc["CurrencyUnit"] = 1, 1


def apply_rows(ctx: Context, kind: Kind, doc: dict[str, Any], data: dict[str, Any]) -> None:
    """Replace or update the rows when the request carries them."""
    if kind.rows_key in data:
        existing = doc.get(kind.rows_key) or []
        doc[kind.rows_key] = build_rows(ctx, kind.rows, doc, data[kind.rows_key], existing)


def validate(ctx: Context, kind: Kind, doc: dict[str, Any]) -> None:
    """Rules on the document as a whole, once header and rows are applied (see vat.py)."""
    vat.check_document(ctx, doc, kind.rows_key)


def refresh_totals(ctx: Context, kind: Kind, doc: dict[str, Any]) -> None:
    """Recompute row and document totals (see totals.py); invoices also get their Balance."""
    rows = doc[kind.rows_key]
    no_vat = zero_vat(ctx, doc)
    for row in rows:
        row.update(row_totals_for(kind.rows, row, bool(doc["VATIncluded"]), no_vat))
    totals = document_totals(
        [row_input(kind.rows, row) for row in rows],
        vat_included=bool(doc["VATIncluded"]),
        zero_vat=no_vat,
        freight=Decimal(str(doc["Freight"] or 0)),
        administration_fee=Decimal(str(doc["AdministrationFee"] or 0)),
        # Öresavrundning rounds to whole kronor, so it is for SEK documents only (reference
        # §7: "rounding to whole SEK when enabled"); a EUR total keeps its cents.
        round_off=ctx.tenant.round_off and doc["Currency"] == "SEK",
    )
    doc.update(
        {
            "Net": fields.money(totals.net),
            "Gross": fields.money(totals.gross),
            "FreightVAT": fields.money(totals.freight_vat),
            "AdministrationFeeVAT": fields.money(totals.administration_fee_vat),
            "TotalVAT": fields.money(totals.total_vat),
            "RoundOff": fields.money(totals.round_off),
            "Total": fields.money(totals.total),
        }
    )


def claim_number(ctx: Context, kind: Kind, data: dict[str, Any]) -> str:
    """The given DocumentNumber if free, else the next one in the series."""
    taken = getattr(ctx.tenant, kind.collection)
    number = data.get("DocumentNumber") or ctx.tenant.next_number(kind.collection)
    if number in taken:
        raise errors.bad_request(errors.NUMBER_USED, f"Dokumentnummer {number} används redan.")
    return number


def due_date(invoice_date: str, terms: str) -> str:
    """Invoice date plus the payment terms in days (30 when the terms are not a number)."""
    days = int(terms) if terms.isdigit() else 30
    return (date.fromisoformat(invoice_date) + timedelta(days=days)).isoformat()


def ocr_for(number: str) -> str:
    """Fortnox-style OCR: number, length digit, Luhn check digit ("18" -> "1842")."""
    body = number + str((len(number) + 2) % 10)
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char) * (2 if index % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return body + str((10 - total % 10) % 10)


def reject_if_locked(doc: dict[str, Any], label: str) -> None:
    """Booked or cancelled documents cannot change."""
    if doc.get("Booked"):
        raise errors.bad_request(errors.DOCUMENT_LOCKED, f"{label} är bokförd; kan inte ändras.")
    if doc.get("Cancelled"):
        raise errors.bad_request(errors.DOCUMENT_LOCKED, f"{label} är makulerad; kan inte ändras.")
