"""VAT by the customer's VAT type: who pays none, which rates a row may carry, default accounts.

Reference §7: VAT treatment comes from the customer's ``VATType`` (documents have none).
``EUREVERSEDVAT`` is EU business-to-business and needs a ``VATNumber``; ``EUVAT`` is EU
consumers; ``EXPORT`` is outside the EU; ``SEREVERSEDVAT`` is Swedish construction reverse
charge. A row's VAT must be a rate the company has set up (25/12/6/0 in Sweden), otherwise
"Kunde inte hämta/hitta moms". OSS means one rate (and account) per EU country.
"""

from __future__ import annotations

from typing import Any

from fortnox.sandbox import errors
from fortnox.sandbox.chart import SALES_BY_RATE
from fortnox.sandbox.context import Context

# Reverse charge (both kinds) and export: the buyer accounts for VAT, the document has none.
ZERO_VAT_TYPES = frozenset({"EUREVERSEDVAT", "EXPORT", "SEREVERSEDVAT"})

# Default sales accounts by VAT type (BAS; see bas.py). Inferred: Fortnox takes the article's
# account for the type when it has one, else its predefined account.
TYPE_ACCOUNTS = {
    "EXPORT": ("ExportAccount", 3105),
    "EUREVERSEDVAT": ("EUAccount", 3108),
    "EUVAT": ("EUVATAccount", 3106),
    "SEREVERSEDVAT": (None, 3231),  # construction reverse charge has its own BAS account
}

# Standard and reduced VAT rates of EU countries, current and recently replaced ones (rates
# change; a document dated before a change still carries the old rate). Used only with OSS.
OSS_RATES: dict[str, tuple[float, ...]] = {
    "AT": (20, 13, 10),
    "BE": (21, 12, 6),
    "BG": (20, 9),
    "CY": (19, 9, 5, 3),
    "CZ": (21, 15, 12, 10),
    "DE": (19, 7),
    "DK": (25,),
    "EE": (24, 22, 13, 9, 5),
    "ES": (21, 10, 5, 4),
    "FI": (25.5, 24, 14, 13.5, 10),
    "FR": (20, 10, 5.5, 2.1),
    "GR": (24, 13, 6),
    "HR": (25, 13, 5),
    "HU": (27, 18, 5),
    "IE": (23, 13.5, 9, 4.8),
    "IT": (22, 10, 5, 4),
    "LT": (21, 9, 5),
    "LU": (17, 16, 14, 13, 8, 7, 3),
    "LV": (21, 12, 5),
    "MT": (18, 7, 5),
    "NL": (21, 9),
    "PL": (23, 8, 5),
    "PT": (23, 13, 6),
    "RO": (21, 19, 11, 9, 5),
    "SI": (22, 9.5, 5),
    "SK": (23, 20, 19, 10, 5),
}
ANY_OSS_RATE = frozenset(rate for rates in OSS_RATES.values() for rate in rates)


def customer_of(ctx: Context, doc: dict[str, Any]) -> dict[str, Any]:
    """The document's customer (empty when unknown)."""
    return ctx.tenant.customers.get(doc.get("CustomerNumber", ""), {})


def vat_type(ctx: Context, doc: dict[str, Any]) -> str:
    """The customer's VAT type, SEVAT when unknown."""
    return customer_of(ctx, doc).get("VATType") or "SEVAT"


def no_vat(ctx: Context, doc: dict[str, Any]) -> bool:
    """Whether the document carries no VAT at all (reverse charge, export)."""
    return vat_type(ctx, doc) in ZERO_VAT_TYPES


def check_row_rate(ctx: Context, rate: Any) -> None:
    """A row rate must exist somewhere: the tenant's rates, or (for OSS) an EU country's.

    Whether a foreign rate is allowed on this document is decided by :func:`check_document`
    once the whole document is known.
    """
    if rate not in ctx.tenant.vat_rates and rate not in ANY_OSS_RATE:
        ctx.check_vat(rate)


def _oss_allows(ctx: Context, customer: dict[str, Any], rate: Any) -> bool:
    if not ctx.tenant.oss or customer.get("VATType") != "EUVAT":
        return False
    rates = OSS_RATES.get(customer.get("CountryCode") or "")
    return rate in (rates if rates is not None else ANY_OSS_RATE)


def check_document(ctx: Context, doc: dict[str, Any], rows_key: str) -> None:
    """Refuse what Fortnox refuses about a document's VAT, given its customer.

    * ``EUREVERSEDVAT`` without a VATNumber (reference §7: that type needs one; the code
      and wording are the sandbox's, 2099001, as the reference names none).
    * A row rate the company has not set up is "Kunde inte hitta moms" (reference §7),
      unless the tenant uses OSS, the customer is ``EUVAT`` and the rate is one of the
      customer's country's rates (inferred from §7's "one account and rate per country").
    """
    customer = customer_of(ctx, doc)
    if customer.get("VATType") == "EUREVERSEDVAT" and not customer.get("VATNumber"):
        raise errors.bad_request(
            errors.REQUIRED_FIELD,
            "Kunden saknar VAT-nummer (VATNumber), som krävs för momstypen EUREVERSEDVAT.",
        )
    for row in doc[rows_key]:
        rate = row["VAT"]
        if rate not in ctx.tenant.vat_rates and not _oss_allows(ctx, customer, rate):
            ctx.check_vat(rate)


def default_account(
    ctx: Context, doc: dict[str, Any], article: dict[str, Any] | None, rate: Any
) -> int:
    """The sales account of a row that names none: by VAT type, then the article, then rate."""
    field, fallback = TYPE_ACCOUNTS.get(vat_type(ctx, doc), ("SalesAccount", None))
    if article and field and article.get(field):
        return article[field]
    return fallback or SALES_BY_RATE.get(rate, SALES_BY_RATE[25])
