"""A Shopify refund -> a canonical credit ``SalesDocument`` (pure: no database, no HTTP).

One refund is one credit (its id is the credit's key), with the rows Shopify refunded,
on the order's currency basis and VAT basis (shopify.md section 8):

* each refund line item: its quantity, and its ``subtotal`` (after the line's discount
  allocations) with its ``total_tax``, at the original line's rate;
* shipping, counted once: from ``refund_shipping_lines`` when they carry amounts, else
  from the ``shipping_refund`` order adjustments (Shopify reports it in both);
* refunded duties, without VAT;
* what is left of the refunded amount (a ``refund_discrepancy`` adjustment, goodwill, an
  amount-only refund) spread over the order's VAT rates in proportion to its lines.

Restocking has no accounting effect and is ignored. The totals to verify are the refund's
successful ``refund`` transactions.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from integrations.documents import CENT, ZERO, Line, LineKind, SalesDocument, Totals, money
from shopify_app.mappers import (
    STOCKHOLM,
    OrderMappingOptions,
    order_to_document,
)

DUTY = getattr(LineKind, "DUTY", LineKind.ADJUSTMENT)
SHIPPING_ADJUSTMENT = "shipping_refund"


def parse_refund_payload(raw: bytes | str | dict[str, Any]) -> dict[str, Any]:
    """The refund of a ``refunds/create`` body (or ``{"refund": {...}}``)."""
    if isinstance(raw, bytes | str):
        try:
            raw = json.loads(raw)
        except ValueError as error:
            raise ValueError(f"Shopify refund payload is not JSON: {error}") from error
    if isinstance(raw, dict) and isinstance(raw.get("refund"), dict):
        raw = raw["refund"]
    if not isinstance(raw, dict) or raw.get("id") in (None, "") or not raw.get("order_id"):
        raise ValueError("Shopify payload is not a refund: it needs an id and an order_id")
    return raw


class _Read:
    """Money on one basis, from a field's ``*_set`` twin, else the plain field."""

    def __init__(self, basis: str) -> None:
        self.basis = basis

    def __call__(self, obj: dict, field: str) -> Decimal:
        twin = obj.get(f"{field}_set") or {}
        bag = twin.get(f"{self.basis}_money") if isinstance(twin, dict) else None
        return money((bag or {}).get("amount", obj.get(field)))


def refund_to_document(
    order: dict[str, Any], refund: dict[str, Any], *, options: OrderMappingOptions | None = None
) -> SalesDocument:
    """The credit for ``refund`` of ``order`` (both REST shaped)."""
    options = options or OrderMappingOptions()
    sale = order_to_document(order, options=OrderMappingOptions(options.currency_basis, False))
    read = _Read(options.currency_basis)
    included = sale.prices_include_vat
    items = {str(item.get("id")): item for item in order.get("line_items") or []}
    refunded_items = refund.get("refund_line_items") or []
    lines = [_line_item(rli, items, read) for rli in refunded_items]
    lines += _shipping(order, refund, read, included)
    lines += _duties(refund, read)
    refunded = _transactions(refund, read)
    explained = sum((_gross(line, included) for line in lines), ZERO)
    warnings = []
    rest = (refunded - explained) if refunded else _discrepancy(refund, read)
    if rest:
        lines += _spread(rest, sale, included)
        if refund.get("refund_line_items") and not _discrepancy(refund, read):
            warnings.append(
                f"Shopify refunded {refunded} {sale.currency}, {rest} more than its refunded"
                " rows; the difference is credited at the order's VAT rates."
            )
    vat = sum((line.vat_amount for line in lines), ZERO)
    total = refunded or explained + (rest if rest else ZERO)
    return SalesDocument(
        source=sale.source,
        source_id=str(refund["id"]),
        number=sale.number,
        issued_on=_issued_on(refund) or sale.issued_on,
        currency=sale.currency,
        prices_include_vat=included,
        customer=sale.customer,
        lines=tuple(lines),
        totals=Totals(total=total, vat=vat),
        currency_rate=sale.currency_rate,
        is_credit=True,
        credit_for=str(order["id"]),
        warnings=tuple(warnings),
        context={"order": order, "refund": refund, "customer": order.get("customer") or {}},
    )


def _gross(line: Line, included: bool) -> Decimal:
    return line.amount if included else line.amount + line.vat_amount


def _rate(tax_lines: list[dict] | None) -> Decimal:
    rate = sum((Decimal(str(t.get("rate") or 0)) for t in tax_lines or []), Decimal(0)) * 100
    return rate.quantize(Decimal(1)) if rate == rate.to_integral_value() else rate.normalize()


def _line_item(rli: dict, items: dict, read: _Read) -> Line:
    item = rli.get("line_item") or items.get(str(rli.get("line_item_id"))) or {}
    quantity = Decimal(int(rli.get("quantity") or 0))
    subtotal, tax = read(rli, "subtotal"), read(rli, "total_tax")
    price = read(item, "price")
    gift_card = bool(item.get("gift_card"))
    return Line(
        kind=LineKind.GIFT_CARD if gift_card else LineKind.PRODUCT,
        description=str(item.get("name") or item.get("title") or "Refunded item"),
        quantity=quantity,
        unit_price=price,
        vat_rate=Decimal(0) if gift_card else _rate(item.get("tax_lines")),
        discount=(quantity * price - subtotal).quantize(CENT),
        vat_amount=ZERO if gift_card else tax,
        sku=str(item.get("sku") or ""),
        product_id=str(item.get("product_id") or ""),
        variant_id=str(item.get("variant_id") or ""),
        source_line_id=str(item.get("id") or ""),
    )


def _shipping(order: dict, refund: dict, read: _Read, included: bool) -> list[Line]:
    """Shipping refunded, once: the shipping lines' own amounts, else the adjustments."""
    shipping = {str(s.get("id")): s for s in order.get("shipping_lines") or []}
    lines = []
    for refunded in refund.get("refund_shipping_lines") or []:
        if not refunded.get("subtotal_amount_set"):
            continue
        original = refunded.get("shipping_line") or shipping.get(
            str(refunded.get("shipping_line_id")), {}
        )
        amount, tax = read(refunded, "subtotal_amount"), read(refunded, "tax_amount")
        lines.append(_shipping_line(original, amount, tax, included))
    if lines:
        return lines
    for adjustment in refund.get("order_adjustments") or []:
        if adjustment.get("kind") != SHIPPING_ADJUSTMENT:
            continue
        amount, tax = abs(read(adjustment, "amount")), abs(read(adjustment, "tax_amount"))
        original = next(iter(shipping.values()), {})
        lines.append(_shipping_line(original, amount, tax, included))
    return lines


def _shipping_line(original: dict, amount: Decimal, tax: Decimal, included: bool) -> Line:
    rate = _rate(original.get("tax_lines")) if original.get("tax_lines") else _implied(amount, tax)
    price = amount + tax if included else amount  # Shopify's amount excludes the tax
    return Line(
        kind=LineKind.SHIPPING,
        description=str(original.get("title") or "Shipping"),
        quantity=Decimal(1),
        unit_price=price,
        vat_rate=rate,
        vat_amount=tax,
        source_line_id=str(original.get("id") or ""),
    )


def _implied(net: Decimal, tax: Decimal) -> Decimal:
    if not net or not tax:
        return Decimal(0)
    rate = tax * 100 / net
    return min((Decimal(25), Decimal(12), Decimal(6)), key=lambda r: abs(r - rate))


def _duties(refund: dict, read: _Read) -> list[Line]:
    lines = []
    for duty in refund.get("duties") or []:
        amount = read(duty, "amount")
        if amount:
            lines.append(
                Line(DUTY, "Duties refunded", Decimal(1), amount, Decimal(0), vat_amount=ZERO)
            )
    return lines


def _transactions(refund: dict, read: _Read) -> Decimal:
    """What the buyer got back: the successful refund transactions (presentment money)."""
    total = ZERO
    for transaction in refund.get("transactions") or []:
        if transaction.get("kind") == "refund" and transaction.get("status") == "success":
            total += read(transaction, "amount")
    return total


def _discrepancy(refund: dict, read: _Read) -> Decimal:
    return sum(
        (
            -read(a, "amount") - read(a, "tax_amount")
            for a in refund.get("order_adjustments") or []
            if a.get("kind") != SHIPPING_ADJUSTMENT
        ),
        ZERO,
    )


def _spread(amount: Decimal, sale: SalesDocument, included: bool) -> list[Line]:
    """``amount`` (VAT included) over the order's VAT rates, in proportion to each rate's
    share of the order's rows; the last rate takes the rounding."""
    weights: dict[Decimal, Decimal] = {}
    for line in sale.lines:
        if line.kind in (LineKind.PRODUCT, LineKind.SHIPPING):
            weights[line.vat_rate] = weights.get(line.vat_rate, ZERO) + _gross(line, included)
    base = sum(weights.values(), ZERO)
    if not base:
        weights, base = {Decimal(0): Decimal(1)}, Decimal(1)
    lines, left = [], amount
    rates = sorted(weights, reverse=True)
    for index, rate in enumerate(rates):
        last = index == len(rates) - 1
        piece = left if last else (amount * weights[rate] / base).quantize(CENT, ROUND_HALF_UP)
        left -= piece
        vat = (piece * rate / (100 + rate)).quantize(CENT, ROUND_HALF_UP)
        lines.append(
            Line(
                kind=LineKind.ADJUSTMENT,
                description=f"Refund adjustment, {rate} % VAT",
                quantity=Decimal(1),
                unit_price=piece if included else piece - vat,
                vat_rate=rate,
                vat_amount=vat,
            )
        )
    return lines


def _issued_on(refund: dict) -> date | None:
    stamp = refund.get("processed_at") or refund.get("created_at")
    if not stamp:
        return None
    moment = datetime.fromisoformat(str(stamp))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(STOCKHOLM).date()


# --- the order as sold ----------------------------------------------------------------
def as_sold(order: dict[str, Any]) -> dict[str, Any]:
    """The order with its refunds given back: each line's ``current_quantity`` plus the
    units its refunds took (Shopify counts them out), and without the ``current_total_*``
    amounts (they are net of refunds), so the sale is invoiced as sold and each refund is
    booked as its own correction. Edits still count: they are in ``current_quantity``."""
    refunds = order.get("refunds") or []
    if not refunds:
        return order
    taken: dict[str, int] = {}
    for refund in refunds:
        for item in refund.get("refund_line_items") or []:
            key = str(item.get("line_item_id"))
            taken[key] = taken.get(key, 0) + int(item.get("quantity") or 0)
    sold = {
        key: value
        for key, value in order.items()
        if not key.startswith(("current_total_price", "current_total_tax"))
    }
    sold["line_items"] = [
        {**item, "current_quantity": int(item["current_quantity"]) + taken[str(item.get("id"))]}
        if item.get("current_quantity") is not None and str(item.get("id")) in taken
        else item
        for item in order.get("line_items") or []
    ]
    return sold


def fully_refunded(order: dict[str, Any]) -> bool:
    """Whether Shopify says the whole order was refunded."""
    return order.get("financial_status") == "refunded"
