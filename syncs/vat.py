"""The Fortnox VAT type of a customer, by country (Swedish rules), and the VAT rules that
must hold before a document is sent: a reverse-charge customer needs a VAT number, and a
foreign rate for an EU consumer needs the tenant's OSS setting."""

from __future__ import annotations

from decimal import Decimal

from integrations.documents import Customer, CustomerKind, SalesDocument
from integrations.errors import ConnectorError

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
HOME_RATES = frozenset({Decimal(25), Decimal(12), Decimal(6), Decimal(0)})
COUNTRY_NAMES = {
    "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "CY": "Cyprus", "CZ": "Czechia",
    "DE": "Germany", "DK": "Denmark", "EE": "Estonia", "ES": "Spain", "FI": "Finland",
    "FR": "France", "GR": "Greece", "HR": "Croatia", "HU": "Hungary", "IE": "Ireland",
    "IT": "Italy", "LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia", "MT": "Malta",
    "NL": "the Netherlands", "PL": "Poland", "PT": "Portugal", "RO": "Romania",
    "SE": "Sweden", "SI": "Slovenia", "SK": "Slovakia",
}  # fmt: skip
OSS_FIX = (
    "Register for OSS (one-stop shop) and turn it on in Fortnox under Inställningar >"
    " Bokföring > Moms with {country}'s rates, then replay this sync."
)


class VatRuleBroken(ConnectorError):
    """A VAT rule the document breaks, said before (or instead of) Fortnox's refusal."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True, provider="syncs")


def country_name(code: str) -> str:
    return COUNTRY_NAMES.get(code.upper(), code.upper())


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


def reverse_charge_problem(customer: Customer, vat_type: str) -> str:
    """Why a new customer cannot be EUREVERSEDVAT (Fortnox needs its VAT number), or ""."""
    if vat_type != "EUREVERSEDVAT" or customer.vat_number:
        return ""
    country = customer.country_code or HOME_COUNTRY
    return (
        f"A VAT type override makes buyers in {country_name(country)} ({country}) reverse"
        " charge (EUREVERSEDVAT), but this buyer has no VAT number, which Fortnox requires for"
        f" that type. Remove the override for {country}, or have the buyer give a VAT number,"
        " then replay this sync."
    )


def foreign_rates(doc: SalesDocument) -> list[Decimal]:
    """The rates on the document that are not Swedish (25/12/6/0): another EU country's,
    charged to a consumer there under OSS."""
    return sorted({line.vat_rate for line in doc.lines} - HOME_RATES, reverse=True)


def oss_refusal(doc: SalesDocument, vat_type: str, error: ConnectorError) -> VatRuleBroken | None:
    """Fortnox's refusal of a foreign rate for an EU consumer, as a sentence naming the
    country, the rate and the fix; None when the refusal is about something else."""
    rates = foreign_rates(doc)
    refused_vat = "moms" in (error.detail or "").lower() or "VAT rate" in error.message
    if vat_type != "EUVAT" or not rates or error.status != 400 or not refused_vat:
        return None
    return VatRuleBroken(oss_sentence(doc.customer.country_code, rates))


def oss_sentence(country: str, rates: list[Decimal]) -> str:
    shown = " and ".join(f"{rate} %" for rate in rates)
    name = country_name(country)
    return (
        f"Fortnox refused the VAT rate {shown} of {name} ({country}): a consumer in {name} is"
        " charged that country's VAT under OSS, and this Fortnox company is not set up for"
        " OSS. " + OSS_FIX.format(country=name)
    )
