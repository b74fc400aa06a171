"""The canonical sales document: what a source sale means, independent of any provider.

Source connectors map their payloads into these (pure functions, in their ``mappers.py``);
the engine resolves customers and articles for them; the Fortnox connector builds its
documents from them. Money is ``Decimal`` with two decimals, in the document's currency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from itertools import product
from typing import Any

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def money(value: Any) -> Decimal:
    """A money amount from a source value (string, int, float or Decimal), to the cent."""
    if value is None or value == "":
        return ZERO
    return Decimal(str(value)).quantize(CENT)


def vat_of(amount: Decimal, rate: Decimal, *, included: bool) -> Decimal:
    """The VAT in ``amount`` (``included``) or on it, rounded half-up to the öre: how
    Shopify rounds a line's tax and how Fortnox rounds a row's."""
    share = rate / (100 + rate) if included else rate / 100
    return (amount * share).quantize(CENT, rounding=ROUND_HALF_UP)


def split_by_vat(
    amount: Decimal, parts: Sequence[tuple[Decimal, Decimal]], *, included: bool, reach: int = 6
) -> tuple[Decimal, ...] | None:
    """Split ``amount`` over (rate, VAT) parts so that the pieces add up to ``amount`` and
    each piece's VAT at its rate, rounded, is exactly its part's VAT; None when no such
    split lies within ``reach`` öre of the one each VAT implies.

    Shopify taxes shipping of a mixed basket proportionally (25 % and 12 % parts) and
    gives only each rate's tax; the pieces are what each rate was charged on."""
    if not parts or any(rate <= 0 for rate, _ in parts[:-1]):
        return None
    guesses = [_implied(rate, vat, included) for rate, vat in parts[:-1]]
    for offsets in product(range(-reach, reach + 1), repeat=len(guesses)):
        pieces = [guess + offset * CENT for guess, offset in zip(guesses, offsets, strict=True)]
        pieces.append(amount - sum(pieces, ZERO))
        if all(
            vat_of(piece, rate, included=included) == vat
            for piece, (rate, vat) in zip(pieces, parts, strict=True)
        ):
            return tuple(pieces)
    return None


def _implied(rate: Decimal, vat: Decimal, included: bool) -> Decimal:
    base = vat * (100 + rate) / rate if included else vat * 100 / rate
    return base.quantize(CENT, rounding=ROUND_HALF_UP)


class CustomerKind(StrEnum):
    PRIVATE = "private"
    COMPANY = "company"


class LineKind(StrEnum):
    PRODUCT = "product"
    SHIPPING = "shipping"
    GIFT_CARD = "gift_card"  # a sold gift card: a liability, no VAT
    DUTY = "duty"  # duties collected from the buyer: an outlay passed through, no VAT
    TIP = "tip"  # a tip: outside VAT, no article
    ADJUSTMENT = "adjustment"  # e.g. a refund discrepancy on a credit


@dataclass(frozen=True)
class Address:
    name: str = ""
    company: str = ""
    line1: str = ""
    line2: str = ""
    zip_code: str = ""
    city: str = ""
    country_code: str = ""  # ISO 3166-1 alpha-2, upper case
    phone: str = ""


@dataclass(frozen=True)
class Customer:
    source_id: str  # the source's customer id; "" for a guest checkout
    kind: CustomerKind
    name: str
    email: str = ""
    phone: str = ""
    organisation_number: str = ""
    vat_number: str = ""
    billing: Address = field(default_factory=Address)
    delivery: Address | None = None

    @property
    def country_code(self) -> str:
        return self.billing.country_code or (self.delivery.country_code if self.delivery else "")


@dataclass(frozen=True)
class Line:
    """One row. ``unit_price`` and ``discount`` are on the document's VAT basis (including
    VAT when ``SalesDocument.prices_include_vat``); ``discount`` is an amount for the whole
    line. ``vat_amount`` is the source's own tax for the line after discounts."""

    kind: LineKind
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal  # percent: Decimal("25")
    discount: Decimal = ZERO
    vat_amount: Decimal = ZERO
    sku: str = ""
    product_id: str = ""
    variant_id: str = ""
    source_line_id: str = ""
    # The source gave no rate: the Fortnox article's rate wins once the article is known
    # (``vat_rate`` and ``vat_amount`` are then the fallback's).
    vat_from_article: bool = False
    requires_shipping: bool = True  # False: a service or digital product

    @property
    def amount(self) -> Decimal:
        """quantity x unit price less the discount, on the document's VAT basis."""
        return (self.quantity * self.unit_price - self.discount).quantize(CENT)


@dataclass(frozen=True)
class Totals:
    """The source's own totals, for verification after Fortnox has computed its own."""

    total: Decimal  # what the buyer pays, VAT included
    vat: Decimal


@dataclass(frozen=True)
class SalesDocument:
    source: str  # the connector's registry key: "shopify", "hubspot"
    source_id: str  # the sale's id in the source (order id, deal id)
    number: str  # the human name, whole: "#1001", "#NORDISKFORM-WEBBUTIK-STHLM-1215"
    issued_on: date
    currency: str  # ISO 4217
    prices_include_vat: bool
    customer: Customer
    lines: tuple[Line, ...]
    totals: Totals
    # SEK per one unit of ``currency``; None lets Fortnox use its currency register.
    currency_rate: Decimal | None = None
    # The number alone ("1215"), for fields too short for the whole name; "" = the name.
    short_number: str = ""
    is_credit: bool = False
    credit_for: str = ""  # for a credit: the source id of the sale it credits
    warnings: tuple[str, ...] = ()
    # "invoice" or "order" when the source decides the register (a HubSpot stage rule);
    # "" follows the integration's document type.
    document_type: str = ""
    # The document's Remarks when the source has a better text than "<source> order <no>"
    # (a HubSpot deal's whole name, which does not fit YourOrderNumber).
    remarks: str = ""
    # The parsed source object(s) for field-mapping expressions: {"order": {...}, ...}.
    context: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def source_key(self) -> str:
        """Stable across retries; stored in ExternalInvoiceReference1 to find the document
        again after a crash."""
        kind = "credit" if self.is_credit else "sale"
        return f"{self.source}:{kind}:{self.source_id}"

    def lines_of(self, kind: LineKind) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.kind == kind)
