"""Building Fortnox rows: a discounted row means one total under both readings of AMOUNT."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fortnox.documents import NO_VAT_TYPES, DocumentOptions, freight_problem, row_pricing
from integrations.documents import Customer, CustomerKind, Line, LineKind, SalesDocument, Totals

D = Decimal


def _readings(quantity, price, discount) -> tuple[Decimal, Decimal]:
    """(discount off the row, discount off each unit)."""
    return quantity * price - discount, quantity * (price - discount)


@pytest.mark.parametrize(
    ("quantity", "price", "discount", "expected"),
    [
        ("1", "599.00", "59.90", ("1", "599.00", "59.90", "Halsduk")),
        ("2", "249.00", "49.80", ("2", "224.10", "0", "Halsduk")),
        ("7", "0.33", "0.23", ("1", "2.31", "0.23", "7 x Halsduk")),
        ("1", "599.00", "599.00", ("1", "599.00", "599.00", "Halsduk")),
        ("3", "10.00", "0", ("3", "10.00", "0", "Halsduk")),
    ],
)
def test_a_discounted_row_totals_the_same_whichever_way_fortnox_reads_it(
    quantity, price, discount, expected
):
    line = Line(LineKind.PRODUCT, "Halsduk", D(quantity), D(price), D(25), discount=D(discount))

    shaped = row_pricing(line)

    assert shaped == (D(expected[0]), D(expected[1]), D(expected[2]), expected[3])
    per_row, per_unit = _readings(*shaped[:3])
    assert per_row == per_unit == line.amount


def test_swedish_reverse_charge_carries_no_vat_so_untaxed_shipping_may_go_in_freight():
    assert "SEREVERSEDVAT" in NO_VAT_TYPES
    doc = SalesDocument(
        source="s", source_id="1", number="#1", issued_on=date(2026, 1, 1), currency="SEK",
        prices_include_vat=False,
        customer=Customer(source_id="", kind=CustomerKind.COMPANY, name="Bygg AB"),
        lines=(Line(LineKind.SHIPPING, "Frakt", D(1), D(100), D(0)),),
        totals=Totals(D(100), D(0)),
    )  # fmt: skip

    assert freight_problem(doc, DocumentOptions(shipping="freight", vat_type="SEREVERSEDVAT")) == ""
    assert "taxed at 0 %" in freight_problem(doc, DocumentOptions(shipping="freight"))
