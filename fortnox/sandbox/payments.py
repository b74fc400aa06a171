"""``/3/invoicepayments``: payments registered against customer invoices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fortnox.sandbox import chart, errors, fields, invoices
from fortnox.sandbox.context import Context
from fortnox.sandbox.errors import Response, json_response
from fortnox.sandbox.listing import ListSpec, field_values, list_response
from fortnox.sandbox.state import words


def _invoice_number(value: Any, name: str) -> int:
    number = fields.as_decimal(value, name)
    if number != int(number) or number <= 0:
        raise errors.bad_request(errors.NOT_NUMERIC, f"{name} måste vara ett heltal.")
    return int(number)


def _write_offs(value: Any, name: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise errors.invalid_value(name, value)
    keys = words(
        "Amount AccountNumber CostCenter Currency Description TransactionInformation Project"
    )
    for write_off in value:
        fields.check_names(write_off, keys)
    return value


SCHEMA: dict[str, fields.Cleaner] = {
    "InvoiceNumber": _invoice_number,
    "Amount": lambda v, n: fields.as_decimal(v, n),
    "AmountCurrency": lambda v, n: fields.as_decimal(v, n),
    "PaymentDate": fields.date,
    "ModeOfPayment": fields.text(10),
    "ModeOfPaymentAccount": lambda v, n: int(fields.as_decimal(v, n)),
    "CurrencyRate": lambda v, n: fields.as_decimal(v, n),
    "CurrencyUnit": lambda v, n: fields.as_decimal(v, n),
    "ExternalInvoiceReference1": fields.text(80),
    "ExternalInvoiceReference2": fields.text(80),
    "WriteOffs": _write_offs,
}

LIST = ListSpec(
    envelope="InvoicePayments",
    collection="payments",
    item_fields=tuple(
        words(
            "@url Amount Booked Currency CurrencyRate CurrencyUnit InvoiceNumber Number "
            "PaymentDate Source WriteOffExist"
        )
    ),
    number_field="Number",
    search={"invoicenumber": field_values("InvoiceNumber")},
)


def _payment(ctx: Context, number: str) -> dict[str, Any]:
    return ctx.get("payments", number, errors.PAYMENT_NOT_FOUND, "Kan inte hitta betalningen.")


def _target_invoice(ctx: Context, number: int) -> dict[str, Any]:
    invoice = ctx.tenant.invoices.get(str(number))
    if invoice is None:
        raise errors.bad_request(errors.INVOICE_NOT_FOUND, "Kan inte hitta fakturan.")
    if invoice["Cancelled"]:
        raise errors.bad_request(errors.ACTION_NOT_ALLOWED, "Fakturan är makulerad.")
    return invoice


def _amounts(data: dict[str, Any], invoice: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """(Amount in SEK, AmountCurrency in the invoice's currency)."""
    rate = data.get("CurrencyRate") or Decimal(str(invoice["CurrencyRate"]))
    unit = data.get("CurrencyUnit") or Decimal(str(invoice["CurrencyUnit"]))
    amount, in_currency = data.get("Amount"), data.get("AmountCurrency")
    if amount is None and in_currency is None:
        raise errors.required("Amount")
    if invoice["Currency"] == "SEK":
        if amount is not None and in_currency is not None and amount != in_currency:
            raise errors.bad_request(
                errors.INVALID_VALUE, "Valutan på betalningen stämmer inte med fakturan."
            )
        value = amount if amount is not None else in_currency
        return value, value
    if in_currency is None:
        in_currency = amount * unit / rate
    if amount is None:
        amount = in_currency * rate / unit
    return amount, in_currency


def _check_accounts(ctx: Context, data: dict[str, Any]) -> None:
    """Accounts a payment names outright must be in the chart (2000423; see chart.py)."""
    chart.check_named(ctx.tenant, data.get("ModeOfPaymentAccount"))
    for write_off in data.get("WriteOffs", []):
        chart.check_named(ctx.tenant, write_off.get("AccountNumber"))


def _build(ctx: Context, data: dict[str, Any], number: str) -> dict[str, Any]:
    invoice = _target_invoice(ctx, data["InvoiceNumber"])
    _check_accounts(ctx, data)
    paid_on = data.get("PaymentDate") or ctx.today().isoformat()
    if paid_on < invoice["InvoiceDate"]:
        raise errors.bad_request(
            errors.INVALID_VALUE, "Betaldatum kan inte vara före fakturadatum."
        )
    amount, in_currency = _amounts(data, invoice)
    return {
        "@url": ctx.url("invoicepayments", number),
        "Amount": fields.money(amount),
        "AmountCurrency": fields.money(in_currency),
        "Booked": False,
        "Currency": invoice["Currency"],
        "CurrencyRate": float(data.get("CurrencyRate") or invoice["CurrencyRate"]),
        "CurrencyUnit": float(data.get("CurrencyUnit") or invoice["CurrencyUnit"]),
        "ExternalInvoiceReference1": data.get("ExternalInvoiceReference1", ""),
        "ExternalInvoiceReference2": data.get("ExternalInvoiceReference2", ""),
        "InvoiceCustomerName": invoice["CustomerName"],
        "InvoiceCustomerNumber": invoice["CustomerNumber"],
        "InvoiceDueDate": invoice["DueDate"],
        "InvoiceNumber": data["InvoiceNumber"],
        "InvoiceOCR": invoice["OCR"],
        "InvoiceTotal": invoice["Total"],
        "ModeOfPayment": data.get("ModeOfPayment", ""),
        "ModeOfPaymentAccount": data.get("ModeOfPaymentAccount", 1930),
        "Number": number,
        "PaymentDate": paid_on,
        "Source": "manual",
        "VoucherNumber": None,
        "VoucherSeries": None,
        "VoucherYear": None,
        "WriteOffExist": bool(data.get("WriteOffs")),
        "WriteOffs": data.get("WriteOffs", []),
    }


def _refresh_invoice(ctx: Context, payment: dict[str, Any]) -> None:
    invoice = ctx.tenant.invoices[str(payment["InvoiceNumber"])]
    invoices.refresh(ctx, invoice)
    ctx.touch("invoices", invoice["DocumentNumber"])


def list_payments(ctx: Context) -> Response:
    """GET /3/invoicepayments[?invoicenumber=]"""
    items = list(ctx.tenant.payments.values())
    modified = lambda p: ctx.tenant.modified_at("payments", p["Number"])  # noqa: E731
    return list_response(LIST, items, ctx.query, modified)


def get_payment(ctx: Context, number: str) -> Response:
    """GET /3/invoicepayments/{number}"""
    return json_response(200, {"InvoicePayment": _payment(ctx, number)})


def create_payment(ctx: Context) -> Response:
    """POST /3/invoicepayments: InvoiceNumber is required; updates the invoice's Balance."""
    data = fields.clean(fields.parse_body(ctx.body, "InvoicePayment"), SCHEMA)
    if "InvoiceNumber" not in data:
        raise errors.required("InvoiceNumber")
    number = ctx.tenant.next_number("payments")
    payment = _build(ctx, data, number)
    ctx.tenant.payments[number] = payment
    ctx.touch("payments", number)
    _refresh_invoice(ctx, payment)
    return json_response(201, {"InvoicePayment": payment})


def _unbooked(ctx: Context, number: str) -> dict[str, Any]:
    payment = _payment(ctx, number)
    if payment["Booked"]:
        raise errors.bad_request(errors.DOCUMENT_LOCKED, "Betalningen är bokförd.")
    return payment


def update_payment(ctx: Context, number: str) -> Response:
    """PUT /3/invoicepayments/{number}: unbooked payments only."""
    payment = _unbooked(ctx, number)
    data = fields.clean(fields.parse_body(ctx.body, "InvoicePayment"), SCHEMA)
    data.setdefault("InvoiceNumber", payment["InvoiceNumber"])
    if data["InvoiceNumber"] != payment["InvoiceNumber"]:
        raise errors.invalid_value("InvoiceNumber", data["InvoiceNumber"])
    keep = {k: Decimal(str(payment[k])) for k in ("Amount",) if k not in data}
    if "AmountCurrency" not in data:
        data = {**keep, **data}
    data.setdefault("PaymentDate", payment["PaymentDate"])
    payment.update(_build(ctx, data, number))
    ctx.touch("payments", number)
    _refresh_invoice(ctx, payment)
    return json_response(200, {"InvoicePayment": payment})


def delete_payment(ctx: Context, number: str) -> Response:
    """DELETE /3/invoicepayments/{number}: unbooked payments only."""
    payment = _unbooked(ctx, number)
    del ctx.tenant.payments[number]
    ctx.touch("payments", number)
    _refresh_invoice(ctx, payment)
    return Response(204)


def bookkeep_payment(ctx: Context, number: str) -> Response:
    """PUT /3/invoicepayments/{number}/bookkeep"""
    payment = _unbooked(ctx, number)
    ctx.tenant.vouchers += 1
    payment.update(
        {
            "Booked": True,
            "VoucherNumber": ctx.tenant.vouchers,
            "VoucherSeries": "C",
            "VoucherYear": ctx.today().year,
        }
    )
    ctx.touch("payments", number)
    return json_response(200, {"InvoicePayment": payment})
