"""A Fortnox customer's invoices, summed per currency, for a source's record card.

Read from Fortnox's invoice list filtered by customer number (fortnox.md: Total, Balance,
DueDate, Booked, Cancelled, Currency) and kept in Django's cache for ``CACHE_SECONDS``, so
opening a card does not spend the tenant's Fortnox rate budget; ``refresh`` reads again,
but not more often than every ``REFRESH_SECONDS``. Cancelled invoices count nowhere;
"unpaid" is the balance of booked invoices, "overdue" the part of it past its due date.
"""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.utils import timezone

from syncs.models import Integration
from syncs.pipeline import fortnox_client_for

CACHE_SECONDS = 300
REFRESH_SECONDS = 2
LATEST = 5
FORTNOX_INVOICE_URL = "https://apps.fortnox.se/fs/fs/invoice/{number}"
ZERO = Decimal("0.00")


def cache_key(integration: Integration, customer_number: str) -> str:
    return f"financials:{integration.pk}:{customer_number}"


def customer_financials(
    *, integration: Integration, customer_number: str, refresh: bool = False
) -> dict:
    """``{"customer_number", "read_at", "currencies": {ccy: {invoiced, unpaid, overdue,
    count}}, "latest": [...]}`` (amounts as strings), from the cache unless ``refresh``."""
    key = cache_key(integration, customer_number)
    cached = cache.get(key)
    if cached and not (refresh and time.time() - cached["_read"] >= REFRESH_SECONDS):
        return {k: v for k, v in cached.items() if k != "_read"}
    client = fortnox_client_for(integration)
    invoices = list(client.list_invoices(customernumber=customer_number))
    invoices = [i for i in invoices if str(i.get("CustomerNumber")) == str(customer_number)]
    summary = financials_summary(invoices, today=timezone.localdate())
    summary["customer_number"] = customer_number
    summary["read_at"] = timezone.now().isoformat(timespec="seconds")
    cache.set(key, {**summary, "_read": time.time()}, CACHE_SECONDS)
    return summary


def financials_summary(invoices: list[dict], *, today: date) -> dict:
    """Totals per currency and the latest invoices with their status (pure)."""
    currencies: dict[str, dict[str, Decimal | int]] = {}
    for invoice in invoices:
        if invoice.get("Cancelled"):
            continue
        sums = currencies.setdefault(
            _currency(invoice), {"invoiced": ZERO, "unpaid": ZERO, "overdue": ZERO, "count": 0}
        )
        sums["count"] += 1
        sums["invoiced"] += _amount(invoice.get("Total"))
        if status_of(invoice, today=today) in ("unpaid", "overdue"):
            sums["unpaid"] += _amount(invoice.get("Balance"))
        if status_of(invoice, today=today) == "overdue":
            sums["overdue"] += _amount(invoice.get("Balance"))
    latest = sorted(invoices, key=_newest_first, reverse=True)[:LATEST]
    return {
        "currencies": {
            ccy: {k: (str(v) if isinstance(v, Decimal) else v) for k, v in sums.items()}
            for ccy, sums in sorted(currencies.items())
        },
        "latest": [_row(invoice, today) for invoice in latest],
    }


def status_of(invoice: dict, *, today: date) -> str:
    """cancelled, draft (not booked), paid, overdue or unpaid."""
    if invoice.get("Cancelled"):
        return "cancelled"
    if not invoice.get("Booked"):
        return "draft"
    if _amount(invoice.get("Balance")) <= 0:
        return "paid"
    due = str(invoice.get("DueDate") or "")
    return "overdue" if due and due < today.isoformat() else "unpaid"


def _row(invoice: dict, today: date) -> dict:
    number = str(invoice.get("DocumentNumber") or "")
    return {
        "number": number,
        "date": invoice.get("InvoiceDate") or "",
        "due_date": invoice.get("DueDate") or "",
        "total": str(_amount(invoice.get("Total"))),
        "balance": str(_amount(invoice.get("Balance"))),
        "currency": _currency(invoice),
        "status": status_of(invoice, today=today),
        "url": FORTNOX_INVOICE_URL.format(number=number),
    }


def _newest_first(invoice: dict) -> tuple[str, str]:
    return (
        str(invoice.get("InvoiceDate") or ""),
        str(invoice.get("DocumentNumber") or "").zfill(20),
    )


def _currency(invoice: dict) -> str:
    return str(invoice.get("Currency") or "SEK").upper()


def _amount(value) -> Decimal:
    try:
        return Decimal(str(value if value not in (None, "") else "0")).quantize(ZERO)
    except InvalidOperation:
        return ZERO
