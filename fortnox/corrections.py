"""Correcting a draft invoice or an open order by a refund's rows (pure: no HTTP).

A booked invoice is credited; a draft cannot be (Fortnox credits only what is booked), so
the refund is taken off the draft itself. Each refunded line is matched to the draft's row
built from the same sale line (same article, or same text without one; same VAT rate and
price): refunding all of it removes the row, refunding some units of an undiscounted row
lowers its quantity, and anything else (a discounted row partly refunded, an amount-only
refund) is added as a negative row, so the draft's total drops by exactly what was
refunded. Rows are sent with their ``RowId`` (reference §6: listed rows are kept or
updated, rows without an id are added, omitted rows are deleted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fortnox.documents import (
    DocumentOptions,
    build_row,
    document_kind,
    freight_excluding_vat,
    freight_problem,
)
from integrations.documents import ZERO, LineKind, SalesDocument, money

DESCRIPTION_LIMIT = 255


@dataclass
class Correction:
    """The rows to PUT, and what changed."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    removed: int = 0
    reduced: int = 0
    added: int = 0
    freight: Decimal | None = None  # the new Freight, when shipping is in Freight
    remaining: int = 0  # rows left with an amount

    def describe(self) -> str:
        parts = [
            f"{count} row{'s' if count != 1 else ''} {verb}"
            for count, verb in (
                (self.removed, "removed"),
                (self.reduced, "reduced"),
                (self.added, "added with the refunded amount negated"),
            )
            if count
        ]
        if self.freight is not None:
            parts.append("freight reduced")
        return ", ".join(parts) or "nothing changed"


def _number(value: Any) -> Decimal:
    return Decimal(str(value if value not in (None, "") else 0))


def _same_row(row: dict, want: dict) -> bool:
    if (row.get("ArticleNumber") or "") != (want.get("ArticleNumber") or ""):
        return False
    if not want.get("ArticleNumber") and row.get("Description") != want.get("Description"):
        return False
    return _number(row.get("VAT")) == _number(want.get("VAT")) and _number(
        row.get("Price")
    ) == _number(want.get("Price"))


def correction(
    doc: SalesDocument, options: DocumentOptions, rows: list[dict], current: dict
) -> Correction:
    """How the draft (``current``, with ``rows``) changes to take off refund ``doc``."""
    kind = document_kind(options.document_type)
    quantity_key = "OrderedQuantity" if kind.ordered_quantity else "DeliveredQuantity"
    state = [
        {"row": row, "quantity": _number(row.get(quantity_key)), "changed": False, "gone": False}
        for row in rows
    ]
    result = Correction()
    freight = options.shipping == "freight" and not freight_problem(doc, options)
    for index, line in enumerate(doc.lines):
        if line.kind == LineKind.SHIPPING and freight:
            continue
        article = options.article_numbers.get(index, "")
        want = build_row(
            line, article_number=article, document_type=kind.name, sign=1, options=options
        )
        wanted = _number(want[quantity_key])
        if not _take_off(state, want, wanted, result):
            negative = build_row(
                line, article_number=article, document_type=kind.name, sign=-1, options=options
            )
            negative["Description"] = f"Refunded: {negative['Description']}"[:DESCRIPTION_LIMIT]
            result.rows.append(negative)
            result.added += 1
    kept = []
    for item in state:
        if item["gone"]:
            continue
        row = {"RowId": item["row"]["RowId"]}
        if item["changed"]:
            row[quantity_key] = float(item["quantity"])
            if kind.ordered_quantity:
                row["DeliveredQuantity"] = float(item["quantity"])
        kept.append(row)
        if item["quantity"] and _number(item["row"].get("Price")):
            result.remaining += 1
    result.rows = kept + result.rows
    if freight and doc.lines_of(LineKind.SHIPPING):
        include_vat = bool(current.get("VATIncluded"))
        left = money(_number(current.get("Freight"))) - freight_excluding_vat(doc, include_vat)
        result.freight = max(left, ZERO)
    if result.freight:
        result.remaining += 1
    return result


def _take_off(state: list[dict], want: dict, wanted: Decimal, result: Correction) -> bool:
    for item in state:
        row = item["row"]
        if item["gone"] or not _same_row(row, want):
            continue
        same_discount = _number(row.get("Discount")) == _number(want.get("Discount"))
        if item["quantity"] == wanted and same_discount:
            item["gone"] = True
            result.removed += 1
            return True
        if (
            item["quantity"] > wanted
            and not _number(row.get("Discount"))
            and "Discount" not in want
        ):
            item["quantity"] -= wanted
            item["changed"] = True
            result.reduced += 1
            return True
    return False
