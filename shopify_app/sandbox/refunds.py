"""Refunding sandbox orders, as the admin's Refund button does, and rendering refunds.

A refund is stored on its order (``order["refunds"]``) in the REST shape of a
``refunds/create`` body (shopify.md section 8): ``refund_line_items`` with ``subtotal``
(the line's price less its discount share) and ``total_tax``; shipping twice, as a
``refund_shipping_lines`` entry with its amounts and as a ``shipping_refund`` order
adjustment; any amount beyond the rows as a ``refund_discrepancy`` adjustment; and the
successful ``refund`` transaction of the total. Every amount has its ``*_set`` twin
(shop and presentment money). Refunding the last units of a line refunds what is left of
its amounts, so several partial refunds add up to the line exactly, as Shopify's do.

The order follows: ``current_quantity``, ``total_refunded``, the ``current_total_*``
amounts and ``financial_status`` (``partially_refunded``, then ``refunded``).
"""

from __future__ import annotations

import copy
from decimal import ROUND_HALF_UP, Decimal

from shopify_app.sandbox import graphql as render
from shopify_app.sandbox.gql import Connection
from shopify_app.sandbox.state import Ids

CENT = Decimal("0.01")
BASES = ("shop", "presentment")


def _amount(obj: dict, field: str, basis: str) -> Decimal:
    twin = obj.get(f"{field}_set") or {}
    bag = twin.get(f"{basis}_money") if isinstance(twin, dict) else None
    return Decimal(str((bag or {}).get("amount", obj.get(field)) or 0)).quantize(CENT)


def _currencies(order: dict) -> dict[str, str]:
    return {
        "shop": order["currency"],
        "presentment": order.get("presentment_currency") or order["currency"],
    }


def _twin(values: dict[str, Decimal], currencies: dict[str, str]) -> dict:
    return {
        f"{basis}_money": {"amount": f"{values[basis]:.2f}", "currency_code": currencies[basis]}
        for basis in BASES
    }


def _money(field: str, values: dict[str, Decimal], currencies: dict[str, str]) -> dict:
    """``{field: shop amount, field_set: twin}``."""
    return {field: f"{values['shop']:.2f}", f"{field}_set": _twin(values, currencies)}


def _share(total: Decimal, part: int, whole: int) -> Decimal:
    return (total * part / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def _refunded_before(order: dict, line_id: int, field: str, basis: str) -> Decimal:
    return sum(
        (
            _amount(rli, field, basis)
            for refund in order.get("refunds") or []
            for rli in refund.get("refund_line_items") or []
            if rli.get("line_item_id") == line_id
        ),
        Decimal(0),
    )


def _line_amounts(order: dict, item: dict, quantity: int, basis: str) -> tuple[Decimal, Decimal]:
    """(subtotal, tax) of ``quantity`` units of ``item``; the last units take the rest."""
    ordered = int(item["quantity"])
    discount = sum(
        (_amount(a, "amount", basis) for a in item.get("discount_allocations") or []), Decimal(0)
    )
    tax = sum((_amount(t, "price", basis) for t in item.get("tax_lines") or []), Decimal(0))
    full = _amount(item, "price", basis) * ordered - discount
    if quantity == int(item.get("current_quantity", ordered)):
        return (
            full - _refunded_before(order, item["id"], "subtotal", basis),
            tax - _refunded_before(order, item["id"], "total_tax", basis),
        )
    return _share(full, quantity, ordered), _share(tax, quantity, ordered)


def _refund_line(order: dict, item: dict, quantity: int, ids: Ids) -> dict:
    currencies = _currencies(order)
    amounts = {basis: _line_amounts(order, item, quantity, basis) for basis in BASES}
    subtotal = {basis: amounts[basis][0] for basis in BASES}
    tax = {basis: amounts[basis][1] for basis in BASES}
    return {
        "id": ids.take(),
        "line_item_id": item["id"],
        "line_item": copy.deepcopy(item),  # Shopify sends the whole line item
        "quantity": quantity,
        "restock_type": "return",
        "subtotal": float(subtotal["shop"]),
        "subtotal_set": _twin(subtotal, currencies),
        "total_tax": float(tax["shop"]),
        "total_tax_set": _twin(tax, currencies),
    }


def _gross(order: dict, subtotal: Decimal, tax: Decimal) -> Decimal:
    return subtotal if order.get("taxes_included") else subtotal + tax


def _shipping(order: dict, ids: Ids) -> tuple[list[dict], list[dict]]:
    """The refund's shipping lines and their ``shipping_refund`` adjustments: all of each
    shipping line not refunded yet. Shopify's shipping subtotal excludes the tax."""
    currencies = _currencies(order)
    done = {
        rsl.get("shipping_line_id")
        for refund in order.get("refunds") or []
        for rsl in refund.get("refund_shipping_lines") or []
    }
    lines, adjustments = [], []
    for shipping in order.get("shipping_lines") or []:
        if shipping.get("is_removed") or shipping.get("id") in done:
            continue
        subtotal, tax = {}, {}
        for basis in BASES:
            discount = sum(
                (_amount(a, "amount", basis) for a in shipping.get("discount_allocations") or []),
                Decimal(0),
            )
            tax[basis] = sum(
                (_amount(t, "price", basis) for t in shipping.get("tax_lines") or []), Decimal(0)
            )
            price = _amount(shipping, "price", basis) - discount
            subtotal[basis] = price - tax[basis] if order.get("taxes_included") else price
        lines.append(
            {
                "id": ids.take(),
                "shipping_line_id": shipping["id"],
                "shipping_line": {key: shipping.get(key) for key in ("id", "title", "code")},
                "subtotal_amount_set": _twin(subtotal, currencies),
                "tax_amount_set": _twin(tax, currencies),
            }
        )
        negative = {basis: -subtotal[basis] for basis in BASES}
        negative_tax = {basis: -tax[basis] for basis in BASES}
        adjustments.append(
            {
                "id": ids.take(),
                "kind": "shipping_refund",
                "reason": "Shipping refund",
                **_money("amount", negative, currencies),
                **_money("tax_amount", negative_tax, currencies),
            }
        )
    return lines, adjustments


def refund(
    order: dict,
    *,
    ids: Ids,
    stamp: str,
    line_items: dict[int, int] | None = None,
    shipping: bool = False,
    extra: Decimal | str | None = None,
    note: str = "",
) -> dict:
    """Refund ``line_items`` ({line item id: quantity}), all shipping not yet refunded when
    ``shipping``, and ``extra`` (an amount beyond the rows, VAT included, in presentment
    money; shop money at the order's rate) from ``order``; returns the stored refund."""
    items = {item["id"]: item for item in order.get("line_items") or []}
    rows = []
    for line_id, quantity in (line_items or {}).items():
        item = items.get(int(line_id))
        if item is None:
            raise ValueError(f"Order {order['id']} has no line item {line_id}")
        left = int(item.get("current_quantity", item["quantity"]))
        if not 0 < int(quantity) <= left:
            raise ValueError(f"Line item {line_id} has {left} left to refund, not {quantity}")
        rows.append(_refund_line(order, item, int(quantity), ids))
    shipping_lines, adjustments = _shipping(order, ids) if shipping else ([], [])
    currencies = _currencies(order)
    total = {basis: Decimal(0) for basis in BASES}
    for basis in BASES:
        for row in rows:
            total[basis] += _gross(
                order, _amount(row, "subtotal", basis), _amount(row, "total_tax", basis)
            )
        for line in shipping_lines:
            total[basis] += _amount(line, "subtotal_amount", basis) + _amount(
                line, "tax_amount", basis
            )
    if extra:
        goodwill = _extra(order, Decimal(str(extra)))
        adjustments.append(
            {
                "id": ids.take(),
                "kind": "refund_discrepancy",
                "reason": "Refund discrepancy",
                **_money("amount", {b: -goodwill[b] for b in BASES}, currencies),
                **_money("tax_amount", {b: Decimal(0) for b in BASES}, currencies),
            }
        )
        total = {basis: total[basis] + goodwill[basis] for basis in BASES}
    if not any(total.values()):
        raise ValueError("Nothing to refund")
    made = {
        "id": ids.take(),
        "order_id": order["id"],
        "admin_graphql_api_id": None,
        "created_at": stamp,
        "processed_at": stamp,
        "note": note or None,
        "restock": bool(rows),
        "refund_line_items": rows,
        "refund_shipping_lines": shipping_lines,
        "order_adjustments": adjustments,
        "duties": [],
        "transactions": [
            {
                "id": ids.take(),
                "kind": "refund",
                "status": "success",
                "gateway": (order.get("payment_gateway_names") or ["manual"])[0],
                "amount": f"{total['presentment']:.2f}",
                "currency": currencies["presentment"],
                "amount_set": _twin(total, currencies),
                "processed_at": stamp,
            }
        ],
    }
    made["admin_graphql_api_id"] = f"gid://shopify/Refund/{made['id']}"
    _follow(order, made, total, stamp)
    return made


def _extra(order: dict, amount: Decimal) -> dict[str, Decimal]:
    shop, presentment = (_amount(order, "total_price", basis) for basis in BASES)
    rate = shop / presentment if presentment else Decimal(1)
    return {"presentment": amount.quantize(CENT), "shop": (amount * rate).quantize(CENT)}


def _follow(order: dict, made: dict, total: dict[str, Decimal], stamp: str) -> None:
    """The order after the refund: quantities, refunded and current totals, status."""
    currencies = _currencies(order)
    for row in made["refund_line_items"]:
        item = next(i for i in order["line_items"] if i["id"] == row["line_item_id"])
        item["current_quantity"] = int(item.get("current_quantity", item["quantity"])) - int(
            row["quantity"]
        )
    tax = {
        basis: sum((_amount(r, "total_tax", basis) for r in made["refund_line_items"]), Decimal(0))
        + sum((_amount(s, "tax_amount", basis) for s in made["refund_shipping_lines"]), Decimal(0))
        for basis in BASES
    }
    refunded = {b: _amount(order, "total_refunded", b) + total[b] for b in BASES}
    order.update(_money("total_refunded", refunded, currencies))
    current_total = {b: _amount(order, "total_price", b) - refunded[b] for b in BASES}
    current_tax = {
        b: _amount(order, "current_total_tax", b)
        if order.get("current_total_tax") is not None
        else _amount(order, "total_tax", b)
        for b in BASES
    }
    order.update(_money("current_total_price", current_total, currencies))
    order.update(
        _money("current_total_tax", {b: current_tax[b] - tax[b] for b in BASES}, currencies)
    )
    order["financial_status"] = "refunded" if current_total["shop"] <= 0 else "partially_refunded"
    order.setdefault("refunds", []).append(made)
    order["updated_at"] = stamp


def find(orders: dict[int, dict], refund_id: int) -> tuple[dict, dict] | tuple[None, None]:
    """(order, refund) for a refund id among ``orders``."""
    for order in orders.values():
        for made in order.get("refunds") or []:
            if int(made.get("id") or 0) == refund_id:
                return order, made
    return None, None


# --- GraphQL ----------------------------------------------------------------------------
def node(made: dict, order: dict) -> dict:
    """A full GraphQL Refund for a stored REST refund of ``order``."""
    currencies = (order["currency"], order.get("presentment_currency") or order["currency"])
    items = {item["id"]: item for item in order.get("line_items") or []}

    def line(row: dict) -> dict:
        item = items.get(row["line_item_id"]) or row.get("line_item") or {}
        return {
            "__typename": "RefundLineItem",
            "id": render.gid("RefundLineItem", row.get("id")),
            "lineItem": {
                "__typename": "LineItem",
                "id": render.gid("LineItem", row["line_item_id"]),
                "sku": item.get("sku"),
                "name": item.get("name") or item.get("title"),
            },
            "quantity": row["quantity"],
            "restockType": (row.get("restock_type") or "no_restock").upper(),
            "restocked": row.get("restock_type") in ("return", "cancel"),
            "priceSet": render.bag(item, "price", currencies),
            "subtotalSet": render.bag(row, "subtotal", currencies),
            "totalTaxSet": render.bag(row, "total_tax", currencies),
        }

    return {
        "__typename": "Refund",
        "id": render.gid("Refund", made["id"]),
        "legacyResourceId": str(made["id"]),
        "createdAt": render.utc(made.get("created_at")),
        "updatedAt": render.utc(made.get("processed_at") or made.get("created_at")),
        "note": made.get("note"),
        "order": {
            "__typename": "Order",
            "id": render.gid("Order", order["id"]),
            "legacyResourceId": str(order["id"]),
            "name": order.get("name"),
        },
        "totalRefundedSet": _total_bag(made, currencies),
        "refundLineItems": Connection([line(row) for row in made.get("refund_line_items") or []]),
        "refundShippingLines": Connection(
            [_shipping_node(row, currencies) for row in made.get("refund_shipping_lines") or []]
        ),
        "orderAdjustments": Connection(
            [
                {
                    "__typename": "OrderAdjustment",
                    "id": render.gid("OrderAdjustment", row.get("id")),
                    "reason": (row.get("kind") or "refund_discrepancy").upper(),
                    "amountSet": render.bag(row, "amount", currencies),
                    "taxAmountSet": render.bag(row, "tax_amount", currencies),
                }
                for row in made.get("order_adjustments") or []
            ]
        ),
        "duties": [
            {
                "__typename": "RefundDuty",
                "originalDuty": {
                    "__typename": "Duty",
                    "id": render.gid("Duty", row.get("duty_id")),
                },
                "amountSet": render.bag(row, "amount", currencies),
            }
            for row in made.get("duties") or []
        ],
        "transactions": Connection(
            [
                {
                    "__typename": "OrderTransaction",
                    "id": render.gid("OrderTransaction", row.get("id")),
                    "kind": (row.get("kind") or "").upper(),
                    "status": (row.get("status") or "").upper(),
                    "gateway": row.get("gateway"),
                    "processedAt": render.utc(row.get("processed_at")),
                    "amountSet": render.bag(row, "amount", currencies),
                }
                for row in made.get("transactions") or []
            ]
        ),
    }


def _shipping_node(row: dict, currencies: tuple[str, str]) -> dict:
    original = row.get("shipping_line") or {}
    return {
        "__typename": "RefundShippingLine",
        "id": render.gid("RefundShippingLine", row.get("id")),
        "shippingLine": {
            "__typename": "ShippingLine",
            "id": render.gid("ShippingLine", row.get("shipping_line_id")),
            "title": original.get("title"),
        },
        "subtotalAmountSet": render.bag(row, "subtotal_amount", currencies),
        "taxAmountSet": render.bag(row, "tax_amount", currencies),
    }


def _total_bag(made: dict, currencies: tuple[str, str]) -> dict:
    paid = [
        row
        for row in made.get("transactions") or []
        if row.get("kind") == "refund" and row.get("status") == "success"
    ]
    values = {
        basis: sum((_amount(row, "amount", basis) for row in paid), Decimal(0)) for basis in BASES
    }
    twin = {
        "total_set": {
            "shop_money": {"amount": f"{values['shop']:.2f}", "currency_code": currencies[0]},
            "presentment_money": {
                "amount": f"{values['presentment']:.2f}",
                "currency_code": currencies[1],
            },
        }
    }
    return render.bag(twin, "total", currencies)


def nodes_of(order: dict) -> list[dict]:
    """The order's refunds as GraphQL Refunds (``Order.refunds`` is a list)."""
    return [node(made, order) for made in order.get("refunds") or []]
