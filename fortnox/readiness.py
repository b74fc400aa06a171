"""Is a Fortnox tenant ready for the integrations that book into it?

Each check names what it looked at and, when it fails, the fix. The VAT probe creates one
draft order with a row per rate and cancels it at once (orders, unlike invoices, may have
gaps in their numbering), because Fortnox has no endpoint that lists usable VAT rates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from fortnox.client import FortnoxClient
from integrations.errors import ConnectorError
from integrations.models import Connection

VAT_RATES = (25, 12, 6, 0)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""
    fix: str = ""
    warning: bool = False


def _needs(integrations: Iterable) -> dict[str, set]:
    needs: dict[str, set] = {
        "scopes": {"companyinformation", "customer", "article", "currency"},
        "currencies": {"SEK"},
        "articles": set(),
    }
    for integration in integrations:
        needs["scopes"].add(integration.document_type)  # "invoice" or "order"
        if integration.missing_article == "create":
            needs["scopes"].add("price")
        if integration.default_currency:
            needs["currencies"].add(integration.default_currency.upper())
        needs["currencies"].update(
            c.upper() for c in integration.source.metadata.get("currencies", [])
        )
        for label, number in (
            ("shipping", integration.shipping_article),
            ("placeholder", integration.placeholder_article),
        ):
            if number:
                needs["articles"].add((label, number))
    return needs


RESOURCE_PROBES = {
    "customer": "/3/customers",
    "article": "/3/articles",
    "invoice": "/3/invoices",
    "order": "/3/orders",
    "currency": "/3/currencies",
    # No cheap list of prices exists; a 404 for a made-up article still proves the licence.
    "price": "/3/prices/A/READINESS-PROBE/0",
}


def readiness_check(*, connection: Connection, client: FortnoxClient | None = None) -> list[Check]:
    integrations = list(connection.fortnox_integrations.select_related("source"))
    client = client or FortnoxClient(connection=connection)
    try:
        company = client.get_company_information()
    except ConnectorError as exc:
        return [Check("Access token", False, exc.message, "Reconnect Fortnox from the setup page.")]
    checks = [Check("Access token", True, f"connected to {company.get('CompanyName', '')}")]
    needs = _needs(integrations)
    checks += _scope_checks(connection, needs["scopes"])
    checks += _licence_checks(client, needs["scopes"])
    checks += _currency_checks(client, needs["currencies"])
    checks += _article_checks(client, needs["articles"])
    checks.append(_vat_probe(client))
    return checks


def _scope_checks(connection: Connection, scopes: set[str]) -> list[Check]:
    granted = set(connection.scopes or [])
    missing = sorted(scopes - granted) if granted else []
    if not missing:
        return [Check("Permissions", True, ", ".join(sorted(scopes)))]
    return [
        Check(
            "Permissions",
            False,
            f"not granted: {', '.join(missing)}",
            "Add the scopes to FORTNOX_SCOPES and reconnect Fortnox so they are granted.",
        )
    ]


def _licence_checks(client: FortnoxClient, scopes: set[str]) -> list[Check]:
    checks = []
    for scope in sorted(scopes & set(RESOURCE_PROBES)):
        try:
            client.request("GET", RESOURCE_PROBES[scope], params={"limit": 1})
        except ConnectorError as exc:
            if exc.status == 404:
                checks.append(Check(f"Licence for {scope}", True))
                continue
            checks.append(Check(f"Licence for {scope}", False, f"code {exc.code}", exc.message))
        else:
            checks.append(Check(f"Licence for {scope}", True))
    return checks


def _currency_checks(client: FortnoxClient, currencies: set[str]) -> list[Check]:
    try:
        known = {c.get("Code") for c in client.list_currencies()}
    except ConnectorError as exc:
        return [Check("Currencies", False, exc.message, "Grant the 'currency' permission.")]
    known.add("SEK")  # the home currency is never in the register
    missing = sorted(currencies - known)
    if missing:
        fix = f"Add {', '.join(missing)} under Inställningar > Bokföring > Valutor in Fortnox."
        return [Check("Currencies", False, f"missing: {', '.join(missing)}", fix)]
    return [Check("Currencies", True, ", ".join(sorted(currencies)))]


def _article_checks(client: FortnoxClient, articles: set[tuple[str, str]]) -> list[Check]:
    checks = []
    for label, number in sorted(articles):
        try:
            client.get_article(article_number=number)
        except ConnectorError as exc:
            fix = f"Create article {number} in Fortnox, or change the {label} article setting."
            checks.append(Check(f"The {label} article {number}", False, exc.message, fix))
        else:
            checks.append(Check(f"The {label} article {number}", True))
    return checks


def _vat_probe(client: FortnoxClient) -> Check:
    name = f"VAT rates {'/'.join(map(str, VAT_RATES))}"
    customers = list(
        client.request("GET", "/3/customers", params={"limit": 1}).json().get("Customers", [])
    )
    if not customers:
        return Check(name, True, "not probed: no customer to probe with yet", warning=True)
    order = {
        "CustomerNumber": customers[0]["CustomerNumber"],
        "OrderDate": timezone.localdate().isoformat(),
        "Remarks": "Readiness check by fortnox-bridge; cancelled automatically.",
        "OrderRows": [
            {"Description": f"VAT {rate} % check", "OrderedQuantity": 1, "DeliveredQuantity": 1,
             "Price": 0, "VAT": rate}
            for rate in VAT_RATES
        ],
    }  # fmt: skip
    try:
        created = client.create_order(order=order)
    except ConnectorError as exc:
        fix = "Add the missing VAT rates under Inställningar > Bokföring > Momskoder in Fortnox."
        return Check(name, False, exc.message, fix if "VAT" in exc.message else exc.message)
    client.request("PUT", f"/3/orders/{created['DocumentNumber']}/cancel")
    return Check(name, True, f"probed with draft order {created['DocumentNumber']} (cancelled)")
