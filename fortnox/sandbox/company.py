"""``/3/companyinformation`` and ``/3/currencies``."""

from __future__ import annotations

from typing import Any

from fortnox.sandbox import errors
from fortnox.sandbox.context import Context
from fortnox.sandbox.errors import Response, json_response
from fortnox.sandbox.listing import ListSpec, list_response

CURRENCY_NAMES = {
    "SEK": "Svenska kronor",
    "EUR": "Euro",
    "USD": "US-dollar",
    "GBP": "Brittiska pund",
    "NOK": "Norska kronor",
    "DKK": "Danska kronor",
    "CHF": "Schweiziska franc",
    "JPY": "Japanska yen",
    "PLN": "Polska zloty",
}
CURRENCY_LIST = ListSpec(
    envelope="Currencies",
    collection="currencies",
    item_fields=("@url", "BuyRate", "Code", "Date", "Description", "SellRate", "Unit"),
    number_field="Code",
    search={},
)


def company_information(ctx: Context) -> Response:
    """GET /3/companyinformation (note Fortnox's spelling OrganizationNumber here)."""
    tenant = ctx.tenant
    info = {
        "Address": "Testgatan 1",
        "City": "Stockholm",
        "CountryCode": "SE",
        "DatabaseNumber": int(tenant.database_number)
        if tenant.database_number.isdigit()
        else tenant.database_number,
        "CompanyName": tenant.company_name,
        "OrganizationNumber": tenant.organization_number,
        "VisitAddress": "Testgatan 1",
        "VisitCity": "Stockholm",
        "VisitCountryCode": "SE",
        "VisitZipCode": "11122",
        "ZipCode": "11122",
    }
    return json_response(200, {"CompanyInformation": info})


def _currency(ctx: Context, code: str) -> dict[str, Any]:
    rate = float(ctx.tenant.rate(code))
    return {
        "@url": ctx.url("currencies", code),
        "BuyRate": rate,
        "Code": code,
        "Date": ctx.today().isoformat(),
        "Description": CURRENCY_NAMES.get(code, code),
        "SellRate": rate,
        "Unit": 1,
        "IsAutomatic": code != "SEK",
    }


def list_currencies(ctx: Context) -> Response:
    """GET /3/currencies"""
    items = [_currency(ctx, code) for code in ctx.tenant.currencies]
    return list_response(CURRENCY_LIST, items, ctx.query, lambda item: 0.0)


def get_currency(ctx: Context, code: str) -> Response:
    """GET /3/currencies/{code}"""
    if code.upper() not in ctx.tenant.currencies:
        raise errors.not_found(errors.CURRENCY_CODE_NOT_FOUND, "Kan inte hitta valutan.")
    return json_response(200, {"Currency": _currency(ctx, code.upper())})
