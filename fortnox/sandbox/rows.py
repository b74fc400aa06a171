"""Document rows of invoices and orders: validation, article defaults and row totals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fortnox.sandbox import chart, errors, fields, vat
from fortnox.sandbox.articles import _account, _unit
from fortnox.sandbox.context import Context
from fortnox.sandbox.totals import RowInput, round2


def _decimal(value: Any, name: str) -> Decimal:
    return fields.as_decimal(value, name)


def _row_id(value: Any, name: str) -> int:
    number = fields.as_decimal(value, name)
    if number != int(number):
        raise errors.invalid_value(name, value)
    return int(number)


_TEXT = fields.text()
INVOICE_ROW_SCHEMA: dict[str, fields.Cleaner] = {
    "ArticleNumber": fields.text(50),
    "Description": fields.text(255),
    "DeliveredQuantity": _decimal,
    "Price": _decimal,
    "VAT": _decimal,
    "Discount": _decimal,
    "DiscountType": fields.choice("AMOUNT", "PERCENT"),
    "AccountNumber": _account,
    "Unit": _unit,
    "CostCenter": _TEXT,
    "Project": _TEXT,
    "RowId": _row_id,
    "StockPointCode": _TEXT,
    "HouseWork": fields.boolean,
    "HouseWorkType": _TEXT,
    "HouseWorkHoursToReport": _decimal,
}
ORDER_ROW_SCHEMA: dict[str, fields.Cleaner] = {
    **INVOICE_ROW_SCHEMA,
    "OrderedQuantity": _decimal,
    "ReservedQuantity": _decimal,
    "StockPointId": _TEXT,
}


@dataclass(frozen=True)
class RowRules:
    """How rows of one document type differ."""

    schema: dict[str, fields.Cleaner]
    quantity_key: str
    is_order: bool


INVOICE_ROWS = RowRules(INVOICE_ROW_SCHEMA, "DeliveredQuantity", is_order=False)
ORDER_ROWS = RowRules(ORDER_ROW_SCHEMA, "OrderedQuantity", is_order=True)


def zero_vat(ctx: Context, doc: dict[str, Any]) -> bool:
    """Whether the document's customer is invoiced without VAT (reverse charge, export)."""
    return vat.no_vat(ctx, doc)


def build_rows(
    ctx: Context, rules: RowRules, doc: dict[str, Any], raw_rows: Any, existing: list
) -> list[dict[str, Any]]:
    """Rows from a request: with RowIds, listed rows are updated, new ones added, and omitted
    ones dropped; without RowIds the given rows replace all rows. RowIds are renumbered."""
    if not isinstance(raw_rows, list) or not all(isinstance(r, dict) for r in raw_rows):
        raise errors.invalid_value("Rows", raw_rows)
    by_id = {row["RowId"]: row for row in existing}
    rows = []
    for raw in raw_rows:
        data = fields.clean(raw, rules.schema)
        base = None
        if "RowId" in data:
            base = by_id.get(data.pop("RowId"))
            if base is None:
                raise errors.invalid_value("RowId", raw["RowId"])
        rows.append(_build_row(ctx, rules, doc, data, base))
    return rows


def _article_price(ctx: Context, doc: dict[str, Any], article: dict[str, Any]) -> Decimal:
    key = f"{doc.get('PriceList') or 'A'}/{article['ArticleNumber']}/0"
    price = ctx.tenant.prices.get(key)
    return Decimal(str(price["Price"])) if price else Decimal("0")


def _row_account(
    ctx: Context, doc: dict[str, Any], values: dict[str, Any], article: dict | None, rate: Any
) -> int:
    """A named account must exist (2000423); a predefined fallback too (2001304). See chart.py."""
    named = values.get("AccountNumber")
    if named:
        chart.check_named(ctx.tenant, named)
        return named
    account = vat.default_account(ctx, doc, article, rate)
    chart.check_predefined(ctx.tenant, account)
    return account


def _article(ctx: Context, number: str) -> dict[str, Any] | None:
    if not number:
        return None
    article = ctx.tenant.articles.get(number)
    if article is None:
        raise errors.bad_request(errors.ARTICLE_NOT_FOUND, "Kan inte hitta artikeln.")
    return article


def _vat_rate(ctx: Context, values: dict[str, Any], article: dict | None) -> int | float:
    raw = values.get("VAT")
    if raw is None:
        return article["VAT"] if article else 25
    rate = _decimal(raw, "VAT")
    rate_number: int | float = int(rate) if rate == int(rate) else float(rate)
    vat.check_row_rate(ctx, rate_number)
    return rate_number


def _discount(values: dict[str, Any]) -> tuple[Decimal, str]:
    discount = round2(_decimal(values.get("Discount"), "Discount"))
    discount_type = values.get("DiscountType") or "PERCENT"
    if discount_type == "PERCENT" and not Decimal(0) <= discount <= Decimal(100):
        raise errors.invalid_value("Discount", float(discount))
    return discount, discount_type


def _build_row(
    ctx: Context, rules: RowRules, doc: dict[str, Any], data: dict[str, Any], base: dict | None
) -> dict[str, Any]:
    if base is None and rules.is_order and "OrderedQuantity" not in data:
        raise errors.required("OrderedQuantity")
    values = {**{k: v for k, v in (base or {}).items() if k in rules.schema}, **data}
    article = _article(ctx, str(values.get("ArticleNumber") or ""))
    quantity = round2(_decimal(values.get(rules.quantity_key), rules.quantity_key))
    description = values.get("Description") or (article["Description"] if article else "")
    if quantity and not article and not description:
        raise errors.bad_request(
            errors.ROW_NEEDS_ARTICLE_OR_TEXT, "Rad med antal måste ha artikel eller benämning."
        )
    rate = _vat_rate(ctx, values, article)
    if "Price" in values and values["Price"] is not None:
        price = round2(_decimal(values["Price"], "Price"))
    else:
        price = _article_price(ctx, doc, article) if article else Decimal("0")
    discount, discount_type = _discount(values)
    row: dict[str, Any] = {
        "AccountNumber": _row_account(ctx, doc, values, article, rate),
        "ArticleNumber": article["ArticleNumber"] if article else "",
        "ContributionPercent": 0,
        "ContributionValue": 0,
        "Cost": 0,
        "CostCenter": values.get("CostCenter", ""),
        "DeliveredQuantity": fields.quantity_text(quantity),
        "Description": description,
        "Discount": float(discount),
        "DiscountType": discount_type,
        "HouseWork": values.get("HouseWork", False),
        "HouseWorkHoursToReport": None,
        "HouseWorkType": values.get("HouseWorkType") or None,
        "Price": fields.money(price),
        "Project": values.get("Project", ""),
        "RowId": ctx.tenant.next_row_id(),
        "StockPointCode": values.get("StockPointCode") or None,
        "Unit": values.get("Unit") or (article["Unit"] if article else ""),
        "VAT": rate,
    }
    if rules.is_order:
        delivered = values.get("DeliveredQuantity", quantity)
        row["OrderedQuantity"] = fields.quantity_text(quantity)
        row["DeliveredQuantity"] = fields.quantity_text(_decimal(delivered, "DeliveredQuantity"))
        row["ReservedQuantity"] = fields.quantity_text(_decimal(values.get("ReservedQuantity"), ""))
        row["StockPointId"] = values.get("StockPointId") or None
    return row


def row_input(rules: RowRules, row: dict[str, Any]) -> RowInput:
    """The arithmetic view of a stored row."""
    return RowInput(
        quantity=Decimal(row[rules.quantity_key]),
        price=Decimal(str(row["Price"])),
        vat=Decimal(str(row["VAT"])),
        discount=Decimal(str(row["Discount"])),
        discount_type=row["DiscountType"],
    )


def row_totals_for(
    rules: RowRules, row: dict[str, Any], vat_included: bool, no_vat: bool
) -> dict[str, float]:
    """The response-only amounts of one row."""
    from fortnox.sandbox.totals import row_totals

    result = row_totals(row_input(rules, row), vat_included=vat_included, zero_vat=no_vat)
    return {
        "Total": fields.money(result.total),
        "PriceExcludingVAT": fields.money(result.price_excluding_vat),
        "TotalExcludingVAT": fields.money(result.net),
    }
