"""Actions on one invoice: ``/3/invoices/{n}/{action}``."""

from __future__ import annotations

from typing import Any

from fortnox.sandbox import chart, documents, errors, invoices, vat
from fortnox.sandbox.context import Context
from fortnox.sandbox.errors import Response


def _not_allowed(message: str) -> errors.ApiError:
    return errors.bad_request(errors.ACTION_NOT_ALLOWED, message)


def _invoice(ctx: Context, number: str) -> dict[str, Any]:
    return documents.find(ctx, invoices.KIND, number)


def _done(ctx: Context, invoice: dict[str, Any]) -> Response:
    ctx.touch("invoices", invoice["DocumentNumber"])
    return invoices._out(invoice)


def bookkeep(ctx: Context, number: str) -> Response:
    """PUT bookkeep: sets Booked and gives the invoice a voucher in series B."""
    invoice = _invoice(ctx, number)
    if invoice["Cancelled"]:
        raise _not_allowed("Fakturan är makulerad och kan inte bokföras.")
    if invoice["Booked"]:
        raise _not_allowed("Fakturan är redan bokförd.")
    # The voucher books receivable, sales, VAT, freight, fee and öresavrundning: every one
    # of those accounts must still be in the chart (reference §9.6, 2001304; see chart.py).
    chart.check_voucher(ctx.tenant, invoice, "InvoiceRows", vat.no_vat(ctx, invoice))
    ctx.tenant.vouchers += 1
    invoice.update(
        {
            "Booked": True,
            "VoucherNumber": ctx.tenant.vouchers,
            "VoucherSeries": "B",
            "VoucherYear": ctx.today().year,
        }
    )
    return _done(ctx, invoice)


def cancel(ctx: Context, number: str) -> Response:
    """PUT cancel: only unbooked invoices can be cancelled."""
    invoice = _invoice(ctx, number)
    documents.reject_if_locked(invoice, "Fakturan")
    invoice["Cancelled"] = True
    return _done(ctx, invoice)


def credit(ctx: Context, number: str) -> Response:
    """PUT credit: a booked invoice gets a credit invoice; the original is returned with its
    CreditInvoiceReference pointing at the credit invoice, which points back."""
    invoice = _invoice(ctx, number)
    if not invoice["Booked"] or invoice["Cancelled"]:
        raise _not_allowed("Endast bokförda fakturor kan krediteras.")
    if invoice["Credit"] == "true":
        raise _not_allowed("En kreditfaktura kan inte krediteras.")
    if invoice["CreditInvoiceReference"] != "0":
        raise _not_allowed("Fakturan är redan krediterad.")
    credit_number = ctx.tenant.next_number("invoices")
    credit_invoice = invoices.credit_copy(ctx, invoice, credit_number)
    invoices.refresh(ctx, credit_invoice)
    ctx.tenant.invoices[credit_number] = credit_invoice
    ctx.touch("invoices", credit_number)
    invoice["CreditInvoiceReference"] = credit_number
    return _done(ctx, invoice)


def externalprint(ctx: Context, number: str) -> Response:
    """PUT externalprint: marks the invoice as sent without producing a document."""
    invoice = _invoice(ctx, number)
    invoice["Sent"] = True
    return _done(ctx, invoice)


def email(ctx: Context, number: str) -> Response:
    """GET email: "sends" the invoice to EmailInformation.EmailAddressTo and sets Sent."""
    invoice = _invoice(ctx, number)
    if not (invoice.get("EmailInformation") or {}).get("EmailAddressTo"):
        raise _not_allowed("Mottagarens e-postadress saknas.")
    invoice["Sent"] = True
    return _done(ctx, invoice)


def print_(ctx: Context, number: str) -> Response:
    """GET print: the invoice as PDF; sets Sent."""
    invoice = _invoice(ctx, number)
    invoice["Sent"] = True
    ctx.touch("invoices", number)
    return invoices.render_document_pdf("Faktura", invoice)


def preview(ctx: Context, number: str) -> Response:
    """GET preview: the invoice as PDF; Sent is left alone."""
    return invoices.render_document_pdf("Faktura", _invoice(ctx, number))


ACTIONS = {
    ("PUT", "bookkeep"): bookkeep,
    ("PUT", "cancel"): cancel,
    ("PUT", "credit"): credit,
    ("PUT", "externalprint"): externalprint,
    ("GET", "email"): email,
    ("GET", "print"): print_,
    ("GET", "preview"): preview,
}
