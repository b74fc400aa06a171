"""Fortnox's field limits, applied before sending so a document is never refused for length.

The engine applies them last, after field mappings, when it builds a payload (the preview
shows that same payload); the client sends exactly what it is given. Every change is
returned as a sentence, so the run log says what was cut.
"""

from __future__ import annotations

import re

ARTICLE_NUMBER_CHARS = re.compile(r"[^A-Za-z0-9_+/-]")

# Limits per envelope, from the reference (where the spec and the gem disagree, the smaller).
DOCUMENT_LIMITS = {
    "YourOrderNumber": 30,
    "ExternalInvoiceReference1": 80,
    "ExternalInvoiceReference2": 80,
    "YourReference": 50,
    "OurReference": 50,
    "ZipCode": 10,
    "DeliveryZipCode": 10,
    "Remarks": 1024,
    "Comments": 1024,
}
CUSTOMER_LIMITS = {
    "Name": 1024,
    "ZipCode": 10,
    "OrganisationNumber": 30,
    "YourReference": 50,
    "OurReference": 50,
    "WWW": 128,
}
ARTICLE_LIMITS = {"Description": 200, "EAN": 30, "Manufacturer": 50}
ROW_LIMITS = {"Description": 255}


def clean_article_number(value: str) -> str:
    return ARTICLE_NUMBER_CHARS.sub("-", value.strip())[:50]


def _truncate(payload: dict, limits: dict[str, int], where: str, notes: list[str]) -> None:
    for name, limit in limits.items():
        value = payload.get(name)
        if isinstance(value, str) and len(value) > limit:
            payload[name] = value[:limit]
            notes.append(f"{where}{name} shortened from {len(value)} to {limit} characters")


def _country(payload: dict, name: str, where: str, notes: list[str]) -> None:
    value = payload.get(name)
    if isinstance(value, str) and value and len(value) != 2:
        notes.append(f"{where}{name} {value!r} is not a 2-letter country code; left out")
        payload.pop(name)
    elif isinstance(value, str) and value:
        payload[name] = value.upper()


def fit_customer(customer: dict) -> tuple[dict, list[str]]:
    out, notes = dict(customer), []
    _truncate(out, CUSTOMER_LIMITS, "Customer ", notes)
    _truncate(out, {"DeliveryZipCode": 10}, "Customer ", notes)
    _country(out, "CountryCode", "Customer ", notes)
    _country(out, "DeliveryCountryCode", "Customer ", notes)
    return out, notes


def fit_article(article: dict) -> tuple[dict, list[str]]:
    out, notes = dict(article), []
    number = out.get("ArticleNumber")
    if isinstance(number, str):
        cleaned = clean_article_number(number)
        if cleaned != number:
            notes.append(f"Article number {number!r} sent as {cleaned!r}")
            out["ArticleNumber"] = cleaned
    _truncate(out, ARTICLE_LIMITS, "Article ", notes)
    return out, notes


def fit_document(document: dict, rows_key: str) -> tuple[dict, list[str]]:
    out, notes = dict(document), []
    _truncate(out, DOCUMENT_LIMITS, "", notes)
    _country(out, "CountryCode", "", notes)
    rows = []
    for index, row in enumerate(out.get(rows_key) or [], start=1):
        row = dict(row)
        if isinstance(row.get("ArticleNumber"), str):
            row["ArticleNumber"] = clean_article_number(row["ArticleNumber"])
        _truncate(row, ROW_LIMITS, f"Row {index} ", notes)
        rows.append(row)
    if rows_key in out:
        out[rows_key] = rows
    return out, notes
