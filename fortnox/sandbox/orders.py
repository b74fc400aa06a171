"""``/3/orders``: sales orders, and turning them into invoices."""

from __future__ import annotations

import copy
from typing import Any

from fortnox.sandbox import documents, errors, fields, invoices
from fortnox.sandbox.context import Context
from fortnox.sandbox.documents import Kind
from fortnox.sandbox.errors import Response, json_response
from fortnox.sandbox.listing import ListSpec, field_values, list_response
from fortnox.sandbox.rows import ORDER_ROWS
from fortnox.sandbox.state import words

KIND = Kind(
    collection="orders",
    envelope="Order",
    rows_key="OrderRows",
    date_key="OrderDate",
    schema=documents.with_rows(
        {
            "OrderDate": fields.date,
            "DeliveryState": fields.choice("delivery", "registration", "reservation"),
            "CopyRemarks": fields.boolean,
        },
        "OrderRows",
    ),
    rows=ORDER_ROWS,
    not_found_code=errors.ORDER_NOT_FOUND,
    not_found_message="Kan inte hitta ordern.",
    subject="Order {no} bifogas",
)


def _expired(order: dict[str, Any]) -> bool:
    open_order = not order["Cancelled"] and order["InvoiceReference"] == "0"
    return open_order and bool(order["DeliveryDate"]) and order["DeliveryDate"] < order["_today"]


LIST = ListSpec(
    envelope="Orders",
    collection="orders",
    item_fields=tuple(
        words(
            "@url Cancelled Currency CustomerName CustomerNumber DeliveryDate DocumentNumber "
            "ExternalInvoiceReference1 ExternalInvoiceReference2 OrderDate OrderType Project "
            "Sent Total"
        )
    ),
    number_field="DocumentNumber",
    search={
        name.lower(): field_values(name)
        for name in words(
            "CustomerNumber CustomerName DocumentNumber ExternalInvoiceReference1 "
            "ExternalInvoiceReference2 YourReference OurReference Sent NotCompleted OrderType"
        )
    },
    filters={
        "cancelled": lambda o: o["Cancelled"],
        "expired": _expired,
        "invoicecreated": lambda o: o["InvoiceReference"] != "0",
        "invoicenotcreated": lambda o: o["InvoiceReference"] == "0" and not o["Cancelled"],
    },
    date_field="OrderDate",
)


def _defaults(ctx: Context, number: str) -> dict[str, Any]:
    return {
        "@url": ctx.url("orders", number),
        "AdministrationFee": 0,
        "Cancelled": False,
        "Comments": "",
        "ContributionPercent": 0,
        "ContributionValue": 0,
        "CopyRemarks": False,
        "CurrencyRate": 1,
        "CurrencyUnit": 1,
        "DeliveryDate": None,
        "DeliveryState": "registration",
        "DocumentNumber": number,
        "ExternalInvoiceReference1": "",
        "ExternalInvoiceReference2": "",
        "Freight": 0,
        "HouseWork": False,
        "InvoiceReference": "0",
        "Labels": [],
        "NotCompleted": False,
        "OfferReference": "0",
        "OrderDate": ctx.today().isoformat(),
        "OrderRows": [],
        "OrderType": "Order",
        "PrintTemplate": "",
        "Sent": False,
        "TaxReduction": None,
        "TaxReductionType": "none",
        "VATIncluded": False,
        "WarehouseReady": True,
        "YourOrderNumber": "",
    }


def _out(order: dict[str, Any], status: int = 200) -> Response:
    return json_response(status, {"Order": order})


def _order(ctx: Context, number: str) -> dict[str, Any]:
    return documents.find(ctx, KIND, number)


def list_orders(ctx: Context) -> Response:
    """GET /3/orders"""
    today = ctx.today().isoformat()
    items = [{**o, "_today": today} for o in ctx.tenant.orders.values()]
    modified = lambda o: ctx.tenant.modified_at("orders", o["DocumentNumber"])  # noqa: E731
    return list_response(LIST, items, ctx.query, modified)


def get_order(ctx: Context, number: str) -> Response:
    """GET /3/orders/{number}"""
    return _out(_order(ctx, number))


def create_order(ctx: Context) -> Response:
    """POST /3/orders: CustomerNumber is required and every row needs OrderedQuantity."""
    data = fields.clean(fields.parse_body(ctx.body, "Order"), KIND.schema)
    customer = documents.document_customer(ctx, data.get("CustomerNumber", ""))
    number = documents.claim_number(ctx, KIND, data)
    order = {**_defaults(ctx, number), **documents.customer_defaults(KIND, customer)}
    order["CustomerNumber"] = customer["CustomerNumber"]
    order["EmailInformation"]["EmailSubject"] = f"Order {number} bifogas"
    documents.apply_header(ctx, KIND, order, data, creating=True)
    documents.apply_rows(ctx, KIND, order, data)
    documents.validate(ctx, KIND, order)
    documents.refresh_totals(ctx, KIND, order)
    ctx.tenant.orders[number] = order
    ctx.touch("orders", number)
    return _out(order, 201)


def update_order(ctx: Context, number: str) -> Response:
    """PUT /3/orders/{number}: invoiced or cancelled orders cannot change."""
    order = copy.deepcopy(_order(ctx, number))  # committed only if the whole update is valid
    _reject_closed(order)
    data = fields.clean(fields.parse_body(ctx.body, "Order"), KIND.schema)
    if data.get("DocumentNumber", number) != number:
        raise errors.invalid_value("DocumentNumber", data["DocumentNumber"])
    if "CustomerNumber" in data:
        order["CustomerName"] = documents.document_customer(ctx, data["CustomerNumber"])["Name"]
    documents.apply_header(ctx, KIND, order, data, creating=False)
    documents.apply_rows(ctx, KIND, order, data)
    documents.validate(ctx, KIND, order)
    documents.refresh_totals(ctx, KIND, order)
    ctx.tenant.orders[number] = order
    ctx.touch("orders", number)
    return _out(order)


def _reject_closed(order: dict[str, Any]) -> None:
    if order["Cancelled"]:
        raise errors.bad_request(errors.DOCUMENT_LOCKED, "Ordern är makulerad.")
    if order["InvoiceReference"] != "0":
        raise errors.bad_request(errors.DOCUMENT_LOCKED, "Ordern är redan fakturerad.")


_COPIED_TO_INVOICE = words(
    "CustomerNumber Currency CurrencyRate CurrencyUnit VATIncluded Freight AdministrationFee "
    "YourOrderNumber YourReference OurReference ExternalInvoiceReference1 "
    "ExternalInvoiceReference2 Comments PriceList TermsOfPayment TermsOfDelivery WayOfDelivery "
    "Project CostCenter Language Address1 Address2 ZipCode City Country DeliveryName "
    "DeliveryAddress1 DeliveryAddress2 DeliveryZipCode DeliveryCity DeliveryCountry Phone1 "
    "Phone2 DeliveryDate"
)
_ROW_FIELDS = words(
    "ArticleNumber Description Price VAT Discount DiscountType AccountNumber Unit CostCenter "
    "Project"
)


def createinvoice(ctx: Context, number: str) -> Response:
    """PUT createinvoice: an invoice of the delivered quantities; returns the Invoice."""
    order = _order(ctx, number)
    _reject_closed(order)
    data = {name: order[name] for name in _COPIED_TO_INVOICE if order.get(name) is not None}
    if order["CopyRemarks"]:
        data["Remarks"] = order.get("Remarks", "")
    rows = []
    for row in order["OrderRows"]:
        copied = {name: row[name] for name in _ROW_FIELDS if row.get(name) not in (None, "")}
        rows.append({**copied, "DeliveredQuantity": row["DeliveredQuantity"]})
    data["InvoiceRows"] = rows
    invoice = invoices.new_invoice(ctx, fields.clean(data, invoices.KIND.schema))
    invoice["OrderReference"] = number
    order["InvoiceReference"] = invoice["DocumentNumber"]
    ctx.touch("orders", number)
    return json_response(200, {"Invoice": invoice})


def cancel(ctx: Context, number: str) -> Response:
    """PUT cancel"""
    order = _order(ctx, number)
    _reject_closed(order)
    order["Cancelled"] = True
    ctx.touch("orders", number)
    return _out(order)


def mark_sent(ctx: Context, number: str) -> Response:
    """PUT externalprint"""
    order = _order(ctx, number)
    order["Sent"] = True
    ctx.touch("orders", number)
    return _out(order)


def email(ctx: Context, number: str) -> Response:
    """GET email: needs a recipient; sets Sent."""
    order = _order(ctx, number)
    if not (order.get("EmailInformation") or {}).get("EmailAddressTo"):
        raise errors.bad_request(errors.ACTION_NOT_ALLOWED, "Mottagarens e-postadress saknas.")
    return mark_sent(ctx, number)


def print_(ctx: Context, number: str) -> Response:
    """GET print: PDF, sets Sent."""
    mark_sent(ctx, number)
    return invoices.render_document_pdf("Order", _order(ctx, number))


def preview(ctx: Context, number: str) -> Response:
    """GET preview: PDF."""
    return invoices.render_document_pdf("Order", _order(ctx, number))


ACTIONS = {
    ("PUT", "createinvoice"): createinvoice,
    ("PUT", "cancel"): cancel,
    ("PUT", "externalprint"): mark_sent,
    ("GET", "email"): email,
    ("GET", "print"): print_,
    ("GET", "preview"): preview,
}
