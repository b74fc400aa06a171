"""``/3/articles`` and ``/3/prices``: the article register and price lists."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from fortnox.sandbox import chart, errors, fields
from fortnox.sandbox.context import Context
from fortnox.sandbox.errors import Response, json_response
from fortnox.sandbox.listing import ListSpec, field_values, list_response
from fortnox.sandbox.state import PRICE_LISTS, UNITS

# Fortnox documents "." too, but integrators see 2000166 for it (reference, section 6).
NUMBER = re.compile(r"^[A-Za-z0-9_+/-]{1,50}$")
SALES_ACCOUNTS = chart.SALES_BY_RATE
ACCOUNT_FIELDS = ("SalesAccount", "PurchaseAccount", "EUAccount", "EUVATAccount", "ExportAccount")


def _number(value: Any, name: str) -> str:
    number = fields.as_text(value, name)
    if not NUMBER.match(number):
        raise errors.bad_request(
            errors.ARTICLE_NUMBER_CHARACTERS, "Otillåtna tecken i artikelnumret."
        )
    return number


def _unit(value: Any, name: str) -> str:
    unit = fields.as_text(value, name)
    if unit and unit not in UNITS:
        raise errors.not_found(errors.UNIT_NOT_FOUND, "Kan inte hitta enheten.")
    return unit


def _account(value: Any, name: str) -> int | None:
    if value in (None, ""):
        return None
    number = fields.as_decimal(value, name)
    if number != int(number) or not 1000 <= number <= 9999:
        raise errors.invalid_value(name, value)
    return int(number)


def _vat(value: Any, name: str) -> Any:
    number = fields.as_decimal(value, name)
    return int(number) if number == int(number) else float(number)


_TEXT = fields.text()
SCHEMA: dict[str, fields.Cleaner] = {
    "ArticleNumber": _number,
    "Description": fields.text(200),
    "EAN": fields.text(30),
    "Type": fields.choice("STOCK", "SERVICE"),
    "StockGoods": fields.boolean,
    "Unit": _unit,
    "VAT": _vat,
    "PurchasePrice": fields.amount,
    "Active": fields.boolean,
    "Expired": fields.boolean,
    "WebshopArticle": fields.boolean,
    "Housework": fields.boolean,
    "Bulky": fields.boolean,
    "Manufacturer": fields.text(50),
    "ManufacturerArticleNumber": fields.text(50),
    "Note": fields.text(10000),
    "StockPlace": fields.text(100),
    "HouseworkType": _TEXT,
    "SupplierNumber": _TEXT,
    "CostCenter": _TEXT,
    "Project": _TEXT,
}
for _name in ACCOUNT_FIELDS:
    SCHEMA[_name] = _account

READ_ONLY_DEFAULTS: dict[str, Any] = {
    "QuantityInStock": 0,
    "ReservedQuantity": 0,
    "DisposableQuantity": 0,
    "StockValue": 0,
    "SalesPrice": None,
    "SupplierName": None,
}

LIST = ListSpec(
    envelope="Articles",
    collection="articles",
    item_fields=(
        "@url",
        "ArticleNumber",
        "Description",
        "DisposableQuantity",
        "EAN",
        "Housework",
        "PurchasePrice",
        "SalesPrice",
        "QuantityInStock",
        "ReservedQuantity",
        "StockPlace",
        "StockValue",
        "Unit",
        "VAT",
        "WebshopArticle",
    ),
    number_field="ArticleNumber",
    search={
        "articlenumber": field_values("ArticleNumber"),
        "description": field_values("Description"),
        "ean": field_values("EAN"),
        "suppliernumber": field_values("SupplierNumber"),
        "manufacturer": field_values("Manufacturer"),
        "manufacturerarticlenumber": field_values("ManufacturerArticleNumber"),
        "webshop": field_values("WebshopArticle"),
    },
    filters={"active": lambda a: a["Active"], "inactive": lambda a: not a["Active"]},
)


def _defaults(vat: int) -> dict[str, Any]:
    base: dict[str, Any] = {name: "" for name in SCHEMA}
    base.update(READ_ONLY_DEFAULTS)
    base.update(
        {
            "Type": "STOCK",
            "StockGoods": False,
            "Active": True,
            "Expired": False,
            "WebshopArticle": False,
            "Housework": False,
            "Bulky": False,
            "PurchasePrice": 0,
            "VAT": vat,
            "SalesAccount": SALES_ACCOUNTS.get(vat, 3001),
            "PurchaseAccount": 4000,
            "EUAccount": 3108,
            "EUVATAccount": 3106,
            "ExportAccount": 3105,
        }
    )
    return base


def _validate(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = fields.clean(data, SCHEMA)
    if "VAT" in cleaned:
        ctx.check_vat(cleaned["VAT"])
    return cleaned


def list_articles(ctx: Context) -> Response:
    """GET /3/articles"""
    items = list(ctx.tenant.articles.values())
    modified = lambda a: ctx.tenant.modified_at("articles", a["ArticleNumber"])  # noqa: E731
    return list_response(LIST, items, ctx.query, modified)


def get_article(ctx: Context, number: str) -> Response:
    """GET /3/articles/{number}"""
    return json_response(200, {"Article": ctx.article(number)})


def create_article(ctx: Context) -> Response:
    """POST /3/articles: Description is required, the number is given or assigned."""
    data = _validate(ctx, fields.parse_body(ctx.body, "Article"))
    if not data.get("Description"):
        raise errors.required("Description")
    number = data.get("ArticleNumber") or ctx.tenant.next_number("articles")
    if number in ctx.tenant.articles:
        raise errors.bad_request(errors.NUMBER_USED, f"Artikelnummer {number} används redan.")
    # Only the accounts the request names are checked: the defaults come from the company's
    # settings and may be missing from its chart; Fortnox then refuses the next PUT instead
    # (reference §6 Articles and §9.6).
    chart.check_register(ctx.tenant, data, ACCOUNT_FIELDS)
    article = {**_defaults(data.get("VAT", 25)), **data, "ArticleNumber": number}
    article["@url"] = ctx.url("articles", number)
    ctx.tenant.articles[number] = article
    ctx.touch("articles", number)
    return json_response(201, {"Article": article})


def update_article(ctx: Context, number: str) -> Response:
    """PUT /3/articles/{number}: a partial update; the number cannot change."""
    article = ctx.article(number)
    data = _validate(ctx, fields.parse_body(ctx.body, "Article"))
    if data.get("ArticleNumber", number) != number:
        raise errors.invalid_value("ArticleNumber", data["ArticleNumber"])
    if "Description" in data and not data["Description"]:
        raise errors.required("Description")
    chart.check_register(ctx.tenant, {**article, **data}, ACCOUNT_FIELDS)
    article.update(data)
    ctx.touch("articles", number)
    return json_response(200, {"Article": article})


def delete_article(ctx: Context, number: str) -> Response:
    """DELETE /3/articles/{number}: articles used on documents cannot be removed."""
    ctx.article(number)
    for doc in [*ctx.tenant.invoices.values(), *ctx.tenant.orders.values()]:
        rows = doc.get("InvoiceRows") or doc.get("OrderRows") or []
        if any(row.get("ArticleNumber") == number for row in rows):
            raise errors.bad_request(errors.ACTION_NOT_ALLOWED, "Artikeln används på dokument.")
    del ctx.tenant.articles[number]
    for key in [k for k in ctx.tenant.prices if k.split("/")[1] == number]:
        del ctx.tenant.prices[key]
    ctx.touch("articles", number)
    return Response(204)


# --- Prices ----------------------------------------------------------------------------

PRICE_SCHEMA: dict[str, fields.Cleaner] = {
    "ArticleNumber": fields.text(50),
    "PriceList": fields.choice(*PRICE_LISTS),
    "FromQuantity": lambda v, n: fields.as_decimal(v, n),
    "Price": fields.amount,
    "Percent": fields.amount,
    "Date": fields.date,
}


def price_key(price_list: str, article: str, from_quantity: str = "0") -> str:
    """How a price is keyed in ``tenant.prices``: ``"A/ART-1/0"``."""
    return f"{price_list}/{article}/{from_quantity}"


def _price(ctx: Context, price_list: str, article: str, from_quantity: str) -> dict[str, Any]:
    found = ctx.tenant.prices.get(price_key(price_list, article, from_quantity))
    if found is None:
        raise errors.not_found(errors.PRICE_NOT_FOUND, "Kan inte hitta priset.")
    return found


def _sync_sales_price(ctx: Context, price: dict[str, Any]) -> None:
    """Default price list, from quantity 0: that is the article's read-only SalesPrice."""
    if price["PriceList"] == "A" and price["FromQuantity"] == 0:
        ctx.tenant.articles[price["ArticleNumber"]]["SalesPrice"] = price["Price"]


def create_price(ctx: Context) -> Response:
    """POST /3/prices: one price for an article in a price list from a quantity."""
    data = fields.clean(fields.parse_body(ctx.body, "Price"), PRICE_SCHEMA)
    for name in ("ArticleNumber", "PriceList", "Price"):
        if data.get(name) in (None, ""):
            raise errors.required(name)
    article = data["ArticleNumber"]
    ctx.article(article)
    quantity = fields.quantity_text(data.get("FromQuantity", Decimal("0")))
    key = price_key(data["PriceList"], article, quantity)
    if key in ctx.tenant.prices:
        raise errors.bad_request(errors.NUMBER_USED, "Priset finns redan; ändra det med PUT.")
    price = {
        "@url": ctx.url("prices", data["PriceList"], article, quantity),
        "ArticleNumber": article,
        "Date": data.get("Date") or ctx.today().isoformat(),
        "FromQuantity": float(quantity) if "." in quantity else int(quantity),
        "Percent": data.get("Percent", 0),
        "Price": data["Price"],
        "PriceList": data["PriceList"],
    }
    ctx.tenant.prices[key] = price
    _sync_sales_price(ctx, price)
    ctx.touch("prices", key)
    return json_response(201, {"Price": price})


def get_price(ctx: Context, price_list: str, article: str, from_quantity: str = "0") -> Response:
    """GET /3/prices/{pricelist}/{article}[/{fromquantity}]"""
    return json_response(200, {"Price": _price(ctx, price_list, article, from_quantity)})


def update_price(ctx: Context, price_list: str, article: str, from_quantity: str = "0") -> Response:
    """PUT /3/prices/{pricelist}/{article}[/{fromquantity}]: change Price or Percent."""
    price = _price(ctx, price_list, article, from_quantity)
    data = fields.clean(fields.parse_body(ctx.body, "Price"), PRICE_SCHEMA)
    for name in ("Price", "Percent", "Date"):
        if name in data:
            price[name] = data[name]
    _sync_sales_price(ctx, price)
    ctx.touch("prices", price_key(price_list, article, from_quantity))
    return json_response(200, {"Price": price})
