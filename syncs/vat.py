"""The Fortnox VAT type of a customer, by country (Swedish rules)."""

from __future__ import annotations

from integrations.documents import Customer, CustomerKind

HOME_COUNTRY = "SE"
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
VAT_TYPES = ("SEVAT", "SEREVERSEDVAT", "EUREVERSEDVAT", "EUVAT", "EXPORT")


def vat_type_for(customer: Customer, *, overrides: dict[str, str] | None = None) -> str:
    """Sweden: SEVAT. EU business with a VAT number: EUREVERSEDVAT. Other EU buyers:
    EUVAT. Outside the EU: EXPORT. A per-country override wins."""
    country = (customer.country_code or HOME_COUNTRY).upper()
    if overrides and country in overrides:
        return overrides[country]
    if country == HOME_COUNTRY:
        return "SEVAT"
    if country in EU_COUNTRIES:
        is_business = customer.kind == CustomerKind.COMPANY and customer.vat_number
        return "EUREVERSEDVAT" if is_business else "EUVAT"
    return "EXPORT"
