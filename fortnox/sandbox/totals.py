"""Document arithmetic: how this project models Fortnox's row and document totals.

All amounts are ``Decimal`` and rounded half-up to two decimals. See docs/sandboxes.md for
the rules in prose.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")
FREIGHT_VAT_RATE = Decimal("25")


def round2(value: Decimal) -> Decimal:
    """Round half-up to two decimals (1.125 -> 1.13)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RowInput:
    """What a document row contributes: quantity, unit price, discount and VAT rate."""

    quantity: Decimal
    price: Decimal
    vat: Decimal
    discount: Decimal = ZERO
    discount_type: str = "PERCENT"


@dataclass(frozen=True)
class RowTotals:
    """A row's amounts: ``total`` is in the document's price mode, the rest excl. VAT."""

    total: Decimal
    net: Decimal
    vat: Decimal
    price_excluding_vat: Decimal


@dataclass(frozen=True)
class DocumentTotals:
    """The read-only totals of an invoice or order."""

    net: Decimal
    gross: Decimal
    freight_vat: Decimal
    administration_fee_vat: Decimal
    total_vat: Decimal
    round_off: Decimal
    total: Decimal


def row_amount(row: RowInput) -> Decimal:
    """Quantity times price, less the discount (a percentage or an amount for the row)."""
    amount = round2(row.quantity * row.price)
    if row.discount_type == "AMOUNT":
        return round2(amount - row.discount)
    return round2(amount * (1 - row.discount / HUNDRED))


def vat_part(amount: Decimal, rate: Decimal, *, included: bool) -> Decimal:
    """The VAT in ``amount`` (``included``) or on top of it (not included)."""
    if included:
        return round2(amount * rate / (HUNDRED + rate))
    return round2(amount * rate / HUNDRED)


def row_totals(row: RowInput, *, vat_included: bool, zero_vat: bool) -> RowTotals:
    """Amounts of one row; ``zero_vat`` is set for reverse-charge and export customers."""
    amount = row_amount(row)
    rate = ZERO if zero_vat else row.vat
    vat = vat_part(amount, rate, included=vat_included)
    net = amount - vat if vat_included else amount
    price = row.price
    if vat_included and rate:
        price = round2(price * HUNDRED / (HUNDRED + rate))
    return RowTotals(total=amount, net=net, vat=vat, price_excluding_vat=round2(price))


def document_totals(
    rows: list[RowInput],
    *,
    vat_included: bool,
    zero_vat: bool,
    freight: Decimal = ZERO,
    administration_fee: Decimal = ZERO,
    round_off: bool = False,
) -> DocumentTotals:
    """Net, Gross, VAT and Total of a document.

    Freight and the administration fee are always excl. VAT and taxed at 25 % unless the
    customer's VAT type carries no VAT. ``round_off`` rounds the total to whole kronor.
    """
    computed = [row_totals(r, vat_included=vat_included, zero_vat=zero_vat) for r in rows]
    net = sum((r.net for r in computed), ZERO)
    fee_rate = ZERO if zero_vat else FREIGHT_VAT_RATE
    freight_vat = vat_part(freight, fee_rate, included=False)
    fee_vat = vat_part(administration_fee, fee_rate, included=False)
    gross = net + freight + administration_fee
    total_vat = sum((r.vat for r in computed), ZERO) + freight_vat + fee_vat
    before = gross + total_vat
    rounding = ZERO
    if round_off:
        rounding = before.quantize(Decimal("1"), rounding=ROUND_HALF_UP) - before
    return DocumentTotals(
        net=round2(net),
        gross=round2(gross),
        freight_vat=freight_vat,
        administration_fee_vat=fee_vat,
        total_vat=round2(total_vat),
        round_off=round2(rounding),
        total=round2(before + rounding),
    )
