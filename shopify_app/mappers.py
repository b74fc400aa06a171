"""Shopify order JSON -> the canonical ``SalesDocument``.

Pure functions: a parsed payload and options in, a document out; no database, no HTTP,
no settings. The input is the REST/webhook order shape (the unwrapped body of an
``orders/*`` webhook), which is also what the GraphQL client converts re-read orders into.

Amounts are copied from Shopify, never recomputed: unit prices, the discount allocations
of each line and Shopify's own per-line tax. Pitfalls handled here: taxes_included
(prices, discounts and tax lines then include VAT), the currency (by default the one the
buyer paid in, ``presentment_money``, with Shopify's own rate; the shop's currency is an
option, see ``OrderMappingOptions``), gift cards (no VAT), tips (a ``line_items`` entry
with ``tip_payment_gateway``, outside VAT), duties (``line_items[].duties``, collected for
the buyer's customs: an outlay without VAT), shipping taxed at several rates (one line per
rate with Shopify's amounts) and order edits (``current_quantity``). Order fields:
https://shopify.dev/docs/api/admin-rest/latest/resources/order
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from integrations.documents import (
    CENT,
    ZERO,
    Address,
    Customer,
    CustomerKind,
    Line,
    LineKind,
    SalesDocument,
    Totals,
    money,
    split_by_vat,
)

SOURCE = "shopify"
SEK = "SEK"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Fortnox stores CurrencyRate with more precision than money; six decimals keep the SEK
# value of even a 100 000 EUR order within an öre of Shopify's shop-money total.
RATE_PLACES = Decimal("0.000001")
# Conventions for B2B identifiers: a checkout app or the merchant stores them as note
# attributes (Shopify's REST order has no field for them). Names are matched ignoring
# case, spaces and hyphens.
VAT_NUMBER_ATTRIBUTES = ("vat_number",)
ORGANISATION_NUMBER_ATTRIBUTES = ("organisation_number", "organization_number")
# A tip is a line item with ``tip_payment_gateway``/``tip_payment_method`` ("present only
# on tips"). GraphQL's LineItem has neither, so a re-read order's tip is recognised as a
# custom line (no product, no variant, no tax) titled like these, on an order with a tip.
TIP_TITLES = ("tip", "dricks")
DUTY_DESCRIPTION = "Tull (utlägg)"

CurrencyBasis = Literal["shop", "presentment"]


@dataclass(frozen=True)
class OrderMappingOptions:
    """How to read an order.

    ``currency_basis`` picks the money bag every amount is read from. The default is
    ``"presentment"``: the invoice then shows what the buyer was actually charged, in the
    currency they paid (the payment transactions are in that currency too), and those are
    Shopify's original amounts; shop-money amounts are per-field conversions that need not
    add up to the cent. For a SEK shop the books still get SEK: the document carries the
    rate Shopify used (``currency_rate``). For the common single-currency order both bags
    are the same. ``"shop"`` invoices in the shop currency instead.

    ``use_current_quantities`` follows order edits and refunds: ``current_quantity`` per
    line (lines at 0 are left out) and the ``current_total_*`` totals.
    """

    currency_basis: CurrencyBasis = "presentment"
    use_current_quantities: bool = True

    def __post_init__(self) -> None:
        if self.currency_basis not in ("shop", "presentment"):
            raise ValueError(f"currency_basis must be shop or presentment: {self.currency_basis!r}")


@dataclass(frozen=True)
class _Money:
    """Reads a money field on one basis, preferring its ``*_set`` twin."""

    basis: CurrencyBasis
    # True when the plain fields (always shop money) are in another currency than the
    # document, so falling back to them would mix currencies.
    plain_is_foreign: bool

    def __call__(self, obj: dict[str, Any], field: str) -> Decimal:
        twin = obj.get(f"{field}_set") or {}
        bag = twin.get(f"{self.basis}_money") if isinstance(twin, dict) else None
        if bag:
            return money(bag.get("amount"))
        plain = obj.get(field)
        if plain not in (None, "") and self.plain_is_foreign:
            raise ValueError(
                f"Shopify order: {field} has no {self.basis}_money amount, and {field} "
                "itself is in the shop currency"
            )
        return money(plain)


def parse_order_payload(raw: bytes | str | dict[str, Any]) -> dict[str, Any]:
    """The order from a webhook body (bytes, text or parsed) or a ``{"order": {...}}``
    REST response. Raises ``ValueError`` when it is not an order."""
    if isinstance(raw, bytes | str):
        try:
            raw = json.loads(raw)
        except ValueError as error:
            raise ValueError(f"Shopify order payload is not JSON: {error}") from error
    order = _unwrap(raw)
    _check_is_order(order)
    return order


def webhook_order_id(payload: dict[str, Any]) -> str:
    """The order id of an ``orders/*`` body (or a wrapped order, or a ``refunds/create``
    body, through its ``order_id``) as a string."""
    body = _unwrap(payload)
    value = (body.get("order_id") or body.get("id")) if isinstance(body, dict) else None
    if value in (None, ""):
        raise ValueError("Shopify payload has no order id")
    # GraphQL ids ("gid://shopify/Order/123") end with the REST id.
    return str(value).rsplit("/", 1)[-1]


def order_to_document(
    order: dict[str, Any], *, options: OrderMappingOptions | None = None
) -> SalesDocument:
    """The canonical sales document for a Shopify order (see the module docstring)."""
    options = options or OrderMappingOptions()
    _check_is_order(order)
    currency, shop_currency = _currencies(order, options.currency_basis)
    read = _Money(options.currency_basis, plain_is_foreign=currency != shop_currency)
    exempt = bool(order.get("tax_exempt"))
    return SalesDocument(
        source=SOURCE,
        source_id=str(order["id"]),
        number=str(order.get("name") or order.get("order_number") or order["id"]),
        issued_on=_issued_on(order),
        currency=currency,
        prices_include_vat=bool(order.get("taxes_included")),
        customer=_customer(order),
        lines=(
            _product_lines(order, read, options, exempt)
            + _tip_lines(order, read, options)
            + _duty_lines(order, read, options)
            + _shipping_lines(order, read, exempt)
        ),
        totals=_totals(order, read, options),
        currency_rate=_currency_rate(order, currency, shop_currency),
        short_number=_short_number(order),
        warnings=_warnings(order, options),
        context={"order": order, "customer": order.get("customer") or {}},
    )


# --- the order as a whole ---------------------------------------------------------------


def _unwrap(payload: Any) -> Any:
    if isinstance(payload, dict) and isinstance(payload.get("order"), dict):
        return payload["order"]
    return payload


def _check_is_order(order: Any) -> None:
    if not isinstance(order, dict):
        raise ValueError(f"Shopify order payload must be an object, not {type(order).__name__}")
    if order.get("id") in (None, ""):
        raise ValueError("Shopify payload is not an order: it has no id")
    if not isinstance(order.get("line_items"), list):
        raise ValueError(f"Shopify payload {order['id']} is not an order: it has no line_items")


def _currencies(order: dict[str, Any], basis: CurrencyBasis) -> tuple[str, str]:
    """(document currency, shop currency)."""
    shop = str(order.get("currency") or "").upper()
    if not shop:
        raise ValueError(f"Shopify order {order['id']} has no currency")
    presentment = str(order.get("presentment_currency") or shop).upper()
    return (presentment if basis == "presentment" else shop), shop


def _currency_rate(order: dict[str, Any], currency: str, shop_currency: str) -> Decimal | None:
    """SEK per unit, from Shopify's own conversion of the order total; None (Fortnox's
    register) unless the shop keeps SEK and the document is in another currency."""
    if currency == SEK or shop_currency != SEK:
        return None
    twin = order.get("total_price_set") or {}
    shop = money((twin.get("shop_money") or {}).get("amount"))
    presentment = money((twin.get("presentment_money") or {}).get("amount"))
    if not presentment:
        return None
    return (shop / presentment).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def _short_number(order: dict[str, Any]) -> str:
    """The order's number without the shop's prefix ("1215" of "#NORDISKFORM-...-1215"):
    REST's ``order_number``, else the digits the name ends with."""
    if number := _text(order, "order_number"):
        return number
    match = re.search(r"(\d+)\D*$", _text(order, "name"))
    return match.group(1) if match else ""


def _issued_on(order: dict[str, Any]) -> date:
    stamp = order.get("processed_at") or order.get("created_at")
    if not stamp:
        raise ValueError(f"Shopify order {order['id']} has no processed_at or created_at")
    moment = datetime.fromisoformat(str(stamp))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(STOCKHOLM).date()


def _totals(order: dict[str, Any], read: _Money, options: OrderMappingOptions) -> Totals:
    current = options.use_current_quantities and (
        "current_total_price_set" in order or "current_total_price" in order
    )
    prefix = "current_" if current else ""
    return Totals(total=read(order, f"{prefix}total_price"), vat=read(order, f"{prefix}total_tax"))


def _warnings(order: dict[str, Any], options: OrderMappingOptions) -> tuple[str, ...]:
    warnings = []
    if options.use_current_quantities:
        for item in order["line_items"]:
            if 0 < _quantity(item, options) < int(item.get("quantity") or 0):
                warnings.append(
                    f"Line {item.get('name') or item.get('title')!r} was reduced by an edit "
                    "or refund; its discount and VAT were prorated from Shopify's amounts."
                )
    return tuple(warnings)


# --- lines ------------------------------------------------------------------------------


def _product_lines(
    order: dict[str, Any], read: _Money, options: OrderMappingOptions, exempt: bool
) -> tuple[Line, ...]:
    lines = (
        _product_line(item, read, options, exempt)
        for item in order["line_items"]
        if not _is_tip(item, order)
    )
    return tuple(line for line in lines if line is not None)


def _is_tip(item: dict[str, Any], order: dict[str, Any]) -> bool:
    if item.get("tip_payment_gateway") or item.get("tip_payment_method"):
        return True
    custom = not (item.get("product_id") or item.get("variant_id") or item.get("gift_card"))
    return (
        custom
        and not item.get("tax_lines")
        and _text(item, "title").lower() in TIP_TITLES
        and money(order.get("total_tip_received")) > 0
    )


def _tip_lines(order: dict[str, Any], read: _Money, options: OrderMappingOptions) -> tuple:
    """Tips, outside VAT. Tip line items as they are; a tip Shopify reports only in
    ``total_tip_received`` (no line for it) becomes a line of its own."""
    lines = []
    for item in order["line_items"]:
        quantity = _quantity(item, options)
        if _is_tip(item, order) and quantity > 0:
            lines.append(_tip(_description(item) or "Tip", Decimal(quantity), read(item, "price")))
    unlisted = _tip_total(order, read) - _sum(line.amount for line in lines)
    if unlisted > 0:
        lines.append(_tip("Tip", Decimal(1), unlisted))
    return tuple(lines)


def _tip(description: str, quantity: Decimal, price: Decimal) -> Line:
    return Line(LineKind.TIP, description, quantity, price, vat_rate=Decimal(0))


def _tip_total(order: dict[str, Any], read: _Money) -> Decimal:
    if "total_tip_received_set" in order or not read.plain_is_foreign:
        return read(order, "total_tip_received")
    return ZERO  # only the shop-money amount is known: the tip lines stand alone


def _duty_lines(order: dict[str, Any], read: _Money, options: OrderMappingOptions) -> tuple:
    """One line for the duties Shopify collected for the buyer's customs (and any tax on
    them): an outlay passed through, without VAT."""
    total = ZERO
    for item in order["line_items"]:
        quantity = _quantity(item, options)
        if quantity <= 0:
            continue
        duties = _sum(_duty_amount(duty, read) for duty in item.get("duties") or [])
        total += _prorate(duties, _share(quantity, item))
    if not total:
        return ()
    return (Line(LineKind.DUTY, DUTY_DESCRIPTION, Decimal(1), total, vat_rate=Decimal(0)),)


def _duty_amount(duty: dict[str, Any], read: _Money) -> Decimal:
    """A REST duty holds its amount as ``shop_money``/``presentment_money`` (or in a
    ``price_set``); the tax lines on it are part of what the buyer paid for customs."""
    bag = (duty.get("price_set") or duty).get(f"{read.basis}_money") or {}
    taxes = _sum(read(tax, "price") for tax in duty.get("tax_lines") or [])
    return money(bag.get("amount")) + taxes


def _product_line(
    item: dict[str, Any], read: _Money, options: OrderMappingOptions, exempt: bool
) -> Line | None:
    quantity = _quantity(item, options)
    if quantity <= 0:
        return None
    gift_card = bool(item.get("gift_card"))
    rate, vat = _vat(item, read, exempt=exempt or gift_card)
    # Allocations hold line and order-level discounts; ``total_discount`` would count the
    # line ones twice (and is 0.00 in current API versions anyway).
    discount = _sum(read(a, "amount") for a in item.get("discount_allocations") or [])
    share = _share(quantity, item)
    return Line(
        kind=LineKind.GIFT_CARD if gift_card else LineKind.PRODUCT,
        description=_description(item),
        quantity=Decimal(quantity),
        unit_price=read(item, "price"),
        vat_rate=rate,
        discount=_prorate(discount, share),
        vat_amount=_prorate(vat, share),
        sku=_text(item, "sku"),
        product_id=_text(item, "product_id"),
        variant_id=_text(item, "variant_id"),
        source_line_id=_text(item, "id"),
        requires_shipping=item.get("requires_shipping") is not False,
    )


def _shipping_lines(order: dict[str, Any], read: _Money, exempt: bool) -> tuple[Line, ...]:
    included = bool(order.get("taxes_included"))
    return tuple(
        line
        for shipping in order.get("shipping_lines") or []
        if not shipping.get("is_removed")
        for line in _shipping_line(shipping, read, exempt, included)
    )


def _shipping_line(
    shipping: dict[str, Any], read: _Money, exempt: bool, included: bool
) -> tuple[Line, ...]:
    rate, vat = _vat(shipping, read, exempt=exempt)
    line = Line(
        kind=LineKind.SHIPPING,
        description=_text(shipping, "title") or _text(shipping, "code") or "Shipping",
        quantity=Decimal(1),
        unit_price=read(shipping, "price"),
        vat_rate=rate,
        discount=_sum(read(a, "amount") for a in shipping.get("discount_allocations") or []),
        vat_amount=vat,
        source_line_id=_text(shipping, "id"),
    )
    return (line,) if exempt else _split_shipping(line, shipping, read, included)


def _split_shipping(
    line: Line, shipping: dict[str, Any], read: _Money, included: bool
) -> tuple[Line, ...]:
    """Shipping of a mixed basket taxed at several rates (the Swedish proportional rule):
    one line per rate, each with Shopify's tax for that rate, on the part of the shipping
    that tax was charged on. Tax lines that all apply to the whole amount (stacked taxes,
    such as Canada's GST and PST) stay one line at the rates' sum."""
    by_rate: dict[Decimal, Decimal] = {}
    for tax in shipping.get("tax_lines") or []:
        rate = _percent(Decimal(str(tax.get("rate") or 0)) * 100)
        by_rate[rate] = by_rate.get(rate, ZERO) + read(tax, "price")
    if len(by_rate) < 2:
        return (line,)
    parts = sorted(by_rate.items(), key=lambda part: part[0], reverse=True)
    pieces = split_by_vat(line.amount, parts, included=included)
    if pieces is None:
        return (line,)
    return tuple(
        Line(
            kind=LineKind.SHIPPING,
            description=f"{line.description} ({rate} %)",
            quantity=Decimal(1),
            unit_price=piece,
            vat_rate=rate,
            vat_amount=vat,
            source_line_id=line.source_line_id,
        )
        for piece, (rate, vat) in zip(pieces, parts, strict=True)
    )


def _quantity(item: dict[str, Any], options: OrderMappingOptions) -> int:
    current = item.get("current_quantity")
    if options.use_current_quantities and current is not None:
        return int(current)
    return int(item.get("quantity") or 0)


def _share(quantity: int, item: dict[str, Any]) -> Decimal:
    """The part of the ordered quantity still invoiced (1 unless an edit reduced it):
    Shopify's allocations and tax lines keep describing the original quantity."""
    ordered = int(item.get("quantity") or 0)
    return Decimal(quantity) / Decimal(ordered) if 0 < quantity < ordered else Decimal(1)


def _prorate(amount: Decimal, share: Decimal) -> Decimal:
    return (amount * share).quantize(CENT, rounding=ROUND_HALF_UP)


def _vat(line: dict[str, Any], read: _Money, *, exempt: bool) -> tuple[Decimal, Decimal]:
    """(rate in percent, amount): Shopify's own tax, summed over the line's tax lines."""
    tax_lines = line.get("tax_lines") or []
    if exempt or not tax_lines:
        return Decimal(0), ZERO
    rate = sum((Decimal(str(tax.get("rate") or 0)) for tax in tax_lines), Decimal(0)) * 100
    return _percent(rate), _sum(read(tax, "price") for tax in tax_lines)


def _percent(rate: Decimal) -> Decimal:
    """25.00 -> 25, 7.2500 -> 7.25."""
    if rate == rate.to_integral_value():
        return rate.quantize(Decimal(1))
    return rate.normalize()


def _description(item: dict[str, Any]) -> str:
    if item.get("name"):
        return _text(item, "name")
    return " - ".join(part for part in (_text(item, "title"), _text(item, "variant_title")) if part)


def _sum(amounts: Any) -> Decimal:
    return sum(amounts, ZERO)


def _text(obj: dict[str, Any] | None, key: str) -> str:
    value = (obj or {}).get(key)
    return "" if value is None else str(value).strip()


# --- customer ---------------------------------------------------------------------------


def _customer(order: dict[str, Any]) -> Customer:
    account = order.get("customer") or {}
    billing_raw = order.get("billing_address") or order.get("shipping_address") or {}
    billing = _address(billing_raw)
    delivery = _address(order["shipping_address"]) if order.get("shipping_address") else None
    company = _company_name(order, billing_raw)
    is_company = bool(company or order.get("company"))
    return Customer(
        source_id=_text(account, "id"),
        kind=CustomerKind.COMPANY if is_company else CustomerKind.PRIVATE,
        name=company or _person_name(order, account, billing_raw),
        email=_text(order, "email") or _text(order, "contact_email") or _text(account, "email"),
        phone=_text(order, "phone") or _text(account, "phone") or billing.phone,
        organisation_number=_attribute(order, ORGANISATION_NUMBER_ATTRIBUTES),
        vat_number=_vat_number(order),
        billing=billing,
        delivery=delivery if delivery != billing else None,
    )


def _address(raw: dict[str, Any]) -> Address:
    return Address(
        name=_full_name(raw),
        company=_text(raw, "company"),
        line1=_text(raw, "address1"),
        line2=_text(raw, "address2"),
        zip_code=_text(raw, "zip"),
        city=_text(raw, "city"),
        country_code=_text(raw, "country_code").upper(),
        phone=_text(raw, "phone"),
    )


def _full_name(raw: dict[str, Any]) -> str:
    joined = " ".join(part for part in (_text(raw, "first_name"), _text(raw, "last_name")) if part)
    return _text(raw, "name") or joined


def _person_name(order: dict[str, Any], account: dict[str, Any], billing: dict[str, Any]) -> str:
    return (
        _full_name(billing)
        or _full_name(account)
        or _full_name(order.get("shipping_address") or {})
        or _text(order, "email")
    )


def _company_name(order: dict[str, Any], billing: dict[str, Any]) -> str:
    """B2B orders carry a ``company`` object (REST: only ids; the GraphQL client may add
    ``name``); otherwise a company typed into the billing address counts."""
    return _text(order.get("company"), "name") or _text(billing, "company")


def _vat_number(order: dict[str, Any]) -> str:
    """The ``vat_number`` note attribute, else the B2B company's ``vat_number`` or
    ``tax_registration_id`` (GraphQL: the company location's tax registration id)."""
    company = order.get("company") or {}
    value = (
        _attribute(order, VAT_NUMBER_ATTRIBUTES)
        or _text(company, "vat_number")
        or _text(company, "tax_registration_id")
    )
    return "".join(value.split()).upper()


def _attribute(order: dict[str, Any], names: tuple[str, ...]) -> str:
    """The first note attribute whose name is one of ``names``."""
    for attribute in order.get("note_attributes") or []:
        name = _text(attribute, "name") or _text(attribute, "key")
        if name.lower().replace(" ", "_").replace("-", "_") in names and attribute.get("value"):
            return _text(attribute, "value")
    return ""
