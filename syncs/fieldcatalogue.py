"""The Fortnox fields a mapping row may fill, with their types and length limits.

``document`` fields go on the invoice or order, ``customer`` fields on customers this
service creates, ``article`` fields on articles it creates. ExternalInvoiceReference1 is
not here: it carries the sale's source key, which makes document creation idempotent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation


@dataclass(frozen=True)
class FieldSpec:
    type: str = "text"  # text | decimal | date | bool | choice | email | integer
    max_length: int | None = None
    choices: tuple[str, ...] = ()


def _text(limit: int | None = None) -> FieldSpec:
    return FieldSpec("text", limit)


CATALOGUE: dict[str, dict[str, FieldSpec]] = {
    "document": {
        "YourOrderNumber": _text(30),
        "YourReference": _text(50),
        "OurReference": _text(50),
        "ExternalInvoiceReference2": _text(80),
        "Remarks": _text(1024),
        "Comments": _text(1024),
        "TermsOfPayment": _text(20),
        "TermsOfDelivery": _text(20),
        "WayOfDelivery": _text(20),
        "PriceList": _text(20),
        "PrintTemplate": _text(20),
        "Project": _text(20),
        "CostCenter": _text(20),
        "Language": FieldSpec("choice", choices=("SV", "EN")),
        "DeliveryDate": FieldSpec("date"),
        "AdministrationFee": FieldSpec("decimal"),
        "NotCompleted": FieldSpec("bool"),
    },
    "customer": {
        "CustomerNumber": _text(50),
        "Name": _text(1024),
        "Email": FieldSpec("email", 1024),
        "EmailInvoice": FieldSpec("email", 1024),
        "Phone1": _text(50),
        "Phone2": _text(50),
        "OrganisationNumber": _text(30),
        "VATNumber": _text(50),
        "Address1": _text(1024),
        "Address2": _text(1024),
        "ZipCode": _text(10),
        "City": _text(1024),
        "CountryCode": _text(2),
        "YourReference": _text(50),
        "OurReference": _text(50),
        "ExternalReference": _text(100),
        "Comments": _text(1024),
        "TermsOfPayment": _text(20),
        "PriceList": _text(20),
        "Currency": _text(3),
        "WWW": _text(128),
        "Type": FieldSpec("choice", choices=("PRIVATE", "COMPANY")),
    },
    "article": {
        "Description": _text(200),
        "EAN": _text(30),
        "Unit": _text(10),
        "Manufacturer": _text(50),
        "ManufacturerArticleNumber": _text(50),
        "Note": _text(1024),
        "Type": FieldSpec("choice", choices=("STOCK", "SERVICE")),
        "SalesAccount": FieldSpec("integer"),
        "PurchasePrice": FieldSpec("decimal"),
    },
}

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def spec_for(target: str) -> tuple[str, str, FieldSpec]:
    """``"document.Remarks"`` -> ("document", "Remarks", spec); KeyError if unknown."""
    obj, _, field = target.partition(".")
    return obj, field, CATALOGUE[obj][field]


def type_problem(spec: FieldSpec, value: str) -> str | None:
    """Why ``value`` cannot go in a field of this spec, or None."""
    if spec.max_length is not None and len(value) > spec.max_length:
        return f"is {len(value)} characters long; Fortnox allows at most {spec.max_length}"
    checks = {
        "decimal": (lambda v: Decimal(v.replace(",", ".")), "must be a number"),
        "integer": (int, "must be a whole number"),
        "date": (date.fromisoformat, "must be a date (YYYY-MM-DD)"),
    }
    if spec.type in checks:
        parse, message = checks[spec.type]
        try:
            parse(value)
        except (InvalidOperation, ValueError):
            return message
    if spec.type == "bool" and value.lower() not in {"true", "false"}:
        return "must be true or false"
    if spec.type == "choice" and value not in spec.choices:
        return f"must be one of {', '.join(spec.choices)}"
    if spec.type == "email" and not EMAIL.match(value):
        return "must be an e-mail address"
    return None


def coerce(spec: FieldSpec, value):
    """Turn a mapped value into what Fortnox expects for the field."""
    if spec.type == "decimal":
        return float(Decimal(str(value).replace(",", ".")))
    if spec.type == "integer":
        return int(value)
    if spec.type == "bool":
        return value if isinstance(value, bool) else str(value).lower() == "true"
    text = str(value)
    return text[: spec.max_length] if spec.max_length else text
