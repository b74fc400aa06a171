"""Is a Fortnox tenant ready for the integrations that book into it?

Each check names what it looked at and, when it fails, the fix. The VAT probe creates one
draft order with a row per rate and cancels it at once (orders, unlike invoices, may have
gaps in their numbering), because Fortnox has no endpoint that lists usable VAT rates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fortnox.client import FortnoxClient
from integrations.errors import ConnectorError
from integrations.models import Connection

VAT_RATES = (25, 12, 6, 0)
#: Checks the engine adds, called as ``check(connection=..., client=...)`` and returning
#: ``Check``s: what a tenant needs can depend on the sales booked into it (the foreign VAT
#: rates of recent orders), which this package does not read (see ``register_check``).
EXTRA_CHECKS: list[Callable[..., list[Check]]] = []
ARTICLE_LABELS = {"shipping": gettext_lazy("shipping"), "placeholder": gettext_lazy("placeholder")}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""
    fix: str = ""
    warning: bool = False


def register_check(check: Callable[..., list[Check]]) -> Callable[..., list[Check]]:
    """Add a check to every readiness check (once)."""
    if check not in EXTRA_CHECKS:
        EXTRA_CHECKS.append(check)
    return check


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
        fix = _("Reconnect Fortnox from the setup page.")
        return [Check(_("Access token"), False, exc.message, fix)]
    connected = _("connected to %(company)s") % {"company": company.get("CompanyName", "")}
    checks = [Check(_("Access token"), True, connected)]
    needs = _needs(integrations)
    checks += _scope_checks(connection, needs["scopes"])
    checks += _licence_checks(client, needs["scopes"])
    checks += _currency_checks(client, needs["currencies"])
    checks += _article_checks(client, needs["articles"])
    checks.append(_vat_probe(client))
    for extra in EXTRA_CHECKS:
        checks += extra(connection=connection, client=client)
    return checks


def rate_probe(client: FortnoxClient, *, customer_number: str, rate) -> ConnectorError | None:
    """Whether Fortnox takes a row at ``rate`` on a draft order for this customer: None if
    it does (the order is cancelled at once), else its refusal."""
    order = {
        "CustomerNumber": customer_number,
        "OrderDate": timezone.localdate().isoformat(),
        "Remarks": "Readiness check by fortnox-bridge; cancelled automatically.",
        "OrderRows": [{"Description": f"VAT {rate} % check", "OrderedQuantity": 1,
                       "DeliveredQuantity": 1, "Price": 0, "VAT": float(rate)}],
    }  # fmt: skip
    try:
        created = client.create_order(order=order)
    except ConnectorError as exc:
        return exc
    client.request("PUT", f"/3/orders/{created['DocumentNumber']}/cancel")
    return None


def _scope_checks(connection: Connection, scopes: set[str]) -> list[Check]:
    granted = set(connection.scopes or [])
    missing = sorted(scopes - granted) if granted else []
    if not missing:
        return [Check(_("Permissions"), True, ", ".join(sorted(scopes)))]
    return [
        Check(
            _("Permissions"),
            False,
            _("not granted: %(scopes)s") % {"scopes": ", ".join(missing)},
            _("Add the scopes to FORTNOX_SCOPES and reconnect Fortnox so they are granted."),
        )
    ]


def _licence_checks(client: FortnoxClient, scopes: set[str]) -> list[Check]:
    checks = []
    for scope in sorted(scopes & set(RESOURCE_PROBES)):
        name = _("Licence for %(scope)s") % {"scope": scope}
        try:
            client.request("GET", RESOURCE_PROBES[scope], params={"limit": 1})
        except ConnectorError as exc:
            if exc.status == 404:
                checks.append(Check(name, True))
                continue
            checks.append(Check(name, False, f"code {exc.code}", exc.message))
        else:
            checks.append(Check(name, True))
    return checks


def _currency_checks(client: FortnoxClient, currencies: set[str]) -> list[Check]:
    try:
        known = {c.get("Code") for c in client.list_currencies()}
    except ConnectorError as exc:
        return [Check(_("Currencies"), False, exc.message, _("Grant the 'currency' permission."))]
    known.add("SEK")  # the home currency is never in the register
    missing = sorted(currencies - known)
    if missing:
        codes = ", ".join(missing)
        fix = _("Add %(codes)s under Inställningar > Bokföring > Valutor in Fortnox.") % {
            "codes": codes
        }
        return [Check(_("Currencies"), False, _("missing: %(codes)s") % {"codes": codes}, fix)]
    return [Check(_("Currencies"), True, ", ".join(sorted(currencies)))]


def _article_checks(client: FortnoxClient, articles: set[tuple[str, str]]) -> list[Check]:
    checks = []
    for label, number in sorted(articles):
        names = {"number": number, "label": ARTICLE_LABELS.get(label, label)}
        name = _("The %(label)s article %(number)s") % names
        try:
            client.get_article(article_number=number)
        except ConnectorError as exc:
            fix = _(
                "Create article %(number)s in Fortnox, or change the %(label)s article setting."
            )
            checks.append(Check(name, False, exc.message, fix % names))
        else:
            checks.append(Check(name, True))
    return checks


def _vat_probe(client: FortnoxClient) -> Check:
    name = _("VAT rates %(rates)s") % {"rates": "/".join(map(str, VAT_RATES))}
    customers = list(
        client.request("GET", "/3/customers", params={"limit": 1}).json().get("Customers", [])
    )
    if not customers:
        return Check(name, True, _("not probed: no customer to probe with yet"), warning=True)
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
        fix = _("Add the missing VAT rates under Inställningar > Bokföring > Momskoder in Fortnox.")
        return Check(name, False, exc.message, fix if "VAT" in exc.message else exc.message)
    client.request("PUT", f"/3/orders/{created['DocumentNumber']}/cancel")
    probed = _("probed with draft order %(number)s (cancelled)")
    return Check(name, True, probed % {"number": created["DocumentNumber"]})
