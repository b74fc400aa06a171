"""Credit invoices: the reference to the original, and refusing references Fortnox refuses.

Reference §6: ``CreditInvoiceReference`` is writable on an invoice; after a credit the
original's ``CreditInvoiceReference`` points at the credit invoice, and an unset reference
reads ``"0"``. What follows is inferred from that and from how the ``credit`` action behaves:
a reference to an invoice that does not exist is refused like any unknown object named on a
document (400 with the 404's code, 2000434 "Kan inte hitta fakturan."), and so is a
reference to a cancelled invoice, to a credit invoice, or to an invoice whose credits
already cancel its whole total (sandbox code 2099007).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fortnox.sandbox import errors
from fortnox.sandbox.context import Context

UNSET = ("", "0")


def _refuse(message: str) -> errors.ApiError:
    return errors.bad_request(errors.ACTION_NOT_ALLOWED, message)


def credits_of(ctx: Context, original: dict[str, Any], *, besides: str = "") -> list[dict]:
    """The live credit invoices that refer to ``original`` (except number ``besides``)."""
    number = original["DocumentNumber"]
    return [
        doc
        for doc in ctx.tenant.invoices.values()
        if doc["Credit"] == "true"
        and doc["CreditInvoiceReference"] == number
        and not doc["Cancelled"]
        and doc["DocumentNumber"] != besides
    ]


def fully_credited(ctx: Context, original: dict[str, Any], *, besides: str = "") -> bool:
    """Whether credits already cancel the original's whole total."""
    credits = credits_of(ctx, original, besides=besides)
    credited = sum((Decimal(str(doc["Total"])) for doc in credits), Decimal("0"))
    return bool(credits) and Decimal(str(original["Total"])) + credited <= 0


def original_of(ctx: Context, invoice: dict[str, Any], number: str) -> dict[str, Any] | None:
    """The invoice ``invoice`` (to be stored as ``number``) credits, or None; refuses a bad one."""
    reference = str(invoice.get("CreditInvoiceReference") or "0")
    if reference in UNSET:
        invoice["CreditInvoiceReference"] = "0"
        return None
    original = ctx.tenant.invoices.get(reference)
    if original is None or reference == number:
        raise errors.bad_request(errors.INVOICE_NOT_FOUND, "Kan inte hitta fakturan.")
    if original["Cancelled"]:
        raise _refuse("Fakturan är makulerad och kan inte krediteras.")
    if original["Credit"] == "true":
        raise _refuse("En kreditfaktura kan inte krediteras.")
    if fully_credited(ctx, original, besides=number):
        raise _refuse("Fakturan är redan krediterad.")
    return original


def link(ctx: Context, original: dict[str, Any] | None, credit: dict[str, Any]) -> None:
    """Mark ``credit`` as a credit invoice and point the original at it."""
    if original is None:
        return
    credit["Credit"] = "true"
    original["CreditInvoiceReference"] = credit["DocumentNumber"]
    ctx.touch("invoices", original["DocumentNumber"])
