"""Render the sandbox's REST-shaped records as full GraphQL Admin API objects.

The sandbox stores what Shopify would put in a webhook (REST JSON). Here each record becomes
the GraphQL object Shopify would answer with, with every field the sandbox supports; the
request's selection set then picks from it (``gql.select``). Like the real API:

* ``Decimal`` amounts drop trailing zeros (``"199.0"``, ``"3.34"``);
* ``DateTime`` values are UTC with a ``Z``;
* ``legacyResourceId`` is a string (UnsignedInt64);
* enums are upper-case (``PAID``, ``UNFULFILLED``).

A REST record missing a ``*_set`` twin is rendered from its scalar in the shop currency.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from shopify_app.sandbox.gql import Connection

FULFILLMENT = {None: "UNFULFILLED", "partial": "PARTIALLY_FULFILLED"}
APPLICATION_TYPES = {
    "discount_code": "DiscountCodeApplication",
    "manual": "ManualDiscountApplication",
    "automatic": "AutomaticDiscountApplication",
    "script": "ScriptDiscountApplication",
}


def decimal(value: Any) -> str:
    """A GraphQL Decimal: ``"10.00"`` -> ``"10.0"``, ``"3.340"`` -> ``"3.34"``."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text if "." in text else f"{text}.0"


def utc(value: str | None) -> str | None:
    """An ISO 8601 timestamp with any offset as a GraphQL UTC DateTime."""
    if not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def gid(resource: str, value: Any) -> str | None:
    return None if value is None else f"gid://shopify/{resource}/{value}"


def bag(record: dict, key: str, currencies: tuple[str, str]) -> dict:
    """A MoneyBag from ``record[key + '_set']``, else from ``record[key]`` (else zero)."""
    twin = record.get(f"{key}_set")
    if twin:
        shop, presentment = twin["shop_money"], twin["presentment_money"]
        return {
            "shopMoney": {"amount": decimal(shop["amount"]), "currencyCode": shop["currency_code"]},
            "presentmentMoney": {
                "amount": decimal(presentment["amount"]),
                "currencyCode": presentment["currency_code"],
            },
        }
    value = decimal(record.get(key) or "0")
    return {
        "shopMoney": {"amount": value, "currencyCode": currencies[0]},
        "presentmentMoney": {"amount": value, "currencyCode": currencies[0]},
    }


def tags(value: str | list | None) -> list[str]:
    if isinstance(value, list):
        return value
    return [tag.strip() for tag in (value or "").split(",") if tag.strip()]


def address(record: dict | None) -> dict | None:
    if not record:
        return None
    first, last = record.get("first_name"), record.get("last_name")
    return {
        "__typename": "MailingAddress",
        "firstName": first,
        "lastName": last,
        "name": record.get("name", " ".join(part for part in (first, last) if part)),
        "company": record.get("company"),
        "address1": record.get("address1"),
        "address2": record.get("address2"),
        "city": record.get("city"),
        "zip": record.get("zip"),
        "province": record.get("province"),
        "provinceCode": record.get("province_code"),
        "country": record.get("country"),
        "countryCodeV2": record.get("country_code"),
        "phone": record.get("phone"),
        "latitude": record.get("latitude"),
        "longitude": record.get("longitude"),
    }


def customer(record: dict | None) -> dict | None:
    if not record:
        return None
    email, phone = record.get("email"), record.get("phone")
    return {
        "__typename": "Customer",
        "id": gid("Customer", record["id"]),
        "legacyResourceId": str(record["id"]),
        "firstName": record.get("first_name"),
        "lastName": record.get("last_name"),
        "displayName": " ".join(
            p for p in (record.get("first_name"), record.get("last_name")) if p
        ),
        "email": email,
        "phone": phone,
        "defaultEmailAddress": {"emailAddress": email} if email else None,
        "defaultPhoneNumber": {"phoneNumber": phone} if phone else None,
        "tags": tags(record.get("tags")),
        "note": record.get("note"),
        "taxExempt": record.get("tax_exempt", False),
        "defaultAddress": address(record.get("default_address")),
        "addresses": [address(item) for item in record.get("addresses", [])],
        "createdAt": utc(record.get("created_at")),
        "updatedAt": utc(record.get("updated_at")),
    }


def tax_lines(lines: list[dict] | None, currencies: tuple[str, str]) -> list[dict]:
    return [
        {
            "title": line.get("title"),
            "rate": line.get("rate"),
            "ratePercentage": None if line.get("rate") is None else line["rate"] * 100,
            "priceSet": bag(line, "price", currencies),
            "channelLiable": line.get("channel_liable"),
        }
        for line in lines or []
    ]


def allocations(items: list[dict] | None, currencies: tuple[str, str]) -> list[dict]:
    return [
        {
            "allocatedAmountSet": bag(item, "amount", currencies),
            "discountApplication": {
                "__typename": "DiscountApplication",
                "index": item["discount_application_index"],
            },
        }
        for item in items or []
    ]


def line_item(record: dict, currencies: tuple[str, str]) -> dict:
    product, variant = record.get("product_id"), record.get("variant_id")
    return {
        "__typename": "LineItem",
        "id": gid("LineItem", record["id"]),
        "sku": record.get("sku"),
        "name": record.get("name") or record.get("title"),
        "title": record.get("title"),
        "variantTitle": record.get("variant_title"),
        "vendor": record.get("vendor"),
        "quantity": record["quantity"],
        "currentQuantity": record.get("current_quantity", record["quantity"]),
        "taxable": record.get("taxable", True),
        "isGiftCard": record.get("gift_card", False),
        "requiresShipping": record.get("requires_shipping", True),
        "customAttributes": [
            {"key": item["name"], "value": item["value"]} for item in record.get("properties", [])
        ],
        "originalUnitPriceSet": bag(record, "price", currencies),
        "totalDiscountSet": bag(record, "total_discount", currencies),
        "taxLines": tax_lines(record.get("tax_lines"), currencies),
        "discountAllocations": allocations(record.get("discount_allocations"), currencies),
        "product": {"id": gid("Product", product)} if product else None,
        "variant": {"id": gid("ProductVariant", variant)} if variant else None,
        "duties": [duty(item, currencies) for item in record.get("duties") or []],
    }


def duty(record: dict, currencies: tuple[str, str]) -> dict:
    """A GraphQL Duty from a REST duty (its amount as ``shop_money``/``presentment_money``,
    or in a ``price_set``)."""
    twin = record.get("price_set") or {
        "shop_money": record["shop_money"],
        "presentment_money": record["presentment_money"],
    }
    return {
        "__typename": "Duty",
        "id": gid("Duty", record["id"]),
        "harmonizedSystemCode": record.get("harmonized_system_code"),
        "countryCodeOfOrigin": record.get("country_code_of_origin"),
        "price": bag({"price_set": twin}, "price", currencies),
        "taxLines": tax_lines(record.get("tax_lines"), currencies),
    }


def shipping_line(record: dict, currencies: tuple[str, str]) -> dict:
    discounted = "discounted_price" if "discounted_price" in record else "price"
    return {
        "__typename": "ShippingLine",
        "id": gid("ShippingLine", record.get("id")),
        "title": record.get("title"),
        "code": record.get("code"),
        "source": record.get("source"),
        "isRemoved": record.get("is_removed", False),
        "originalPriceSet": bag(record, "price", currencies),
        "discountedPriceSet": bag(record, discounted, currencies),
        "taxLines": tax_lines(record.get("tax_lines"), currencies),
        "discountAllocations": allocations(record.get("discount_allocations"), currencies),
    }


def _application_value(record: dict, currency: str) -> dict:
    if record.get("value_type") == "percentage":
        return {"__typename": "PricingPercentageValue", "percentage": float(record["value"])}
    return {"__typename": "MoneyV2", "amount": decimal(record["value"]), "currencyCode": currency}


def discount_applications(order: dict, currencies: tuple[str, str]) -> list[dict]:
    """From ``discount_applications``, or (when a record has none) one per discount code."""
    records = order.get("discount_applications")
    if records is None:
        records = [
            {
                "type": "discount_code",
                "code": code["code"],
                "value": code.get("amount") or "0",
                "value_type": "percentage" if code.get("type") == "percentage" else "fixed_amount",
                "target_type": "shipping_line" if code.get("type") == "shipping" else "line_item",
            }
            for code in order.get("discount_codes", [])
        ]
    result = []
    for index, record in enumerate(records):
        node = {
            "__typename": APPLICATION_TYPES.get(record.get("type"), "ManualDiscountApplication"),
            "index": index,
            "allocationMethod": (record.get("allocation_method") or "across").upper(),
            "targetSelection": (record.get("target_selection") or "all").upper(),
            "targetType": (record.get("target_type") or "line_item").upper(),
            "value": _application_value(record, currencies[1]),
        }
        for key in ("code", "title", "description"):
            if key in record:
                node[key] = record[key]
        result.append(node)
    return result


def purchasing_entity(order: dict) -> dict | None:
    """B2B orders: the company (REST ``company`` plus this sandbox's name/vat_number keys)."""
    company = order.get("company")
    if not company:
        return customer(order.get("customer"))
    location_id = company.get("location_id")
    return {
        "__typename": "PurchasingCompany",
        "company": {"id": gid("Company", company["id"]), "name": company.get("name")},
        "location": None
        if location_id is None
        else {
            "id": gid("CompanyLocation", location_id),
            "name": company.get("location_name") or company.get("name"),
            "taxSettings": {
                "taxRegistrationId": company.get("vat_number"),
                "taxExempt": bool(order.get("tax_exempt")),
            },
        },
    }


MONEY_FIELDS = {
    "subtotalPriceSet": "subtotal_price",
    "totalPriceSet": "total_price",
    "totalTaxSet": "total_tax",
    "totalDiscountsSet": "total_discounts",
    "totalShippingPriceSet": "total_shipping_price",
    "currentSubtotalPriceSet": "current_subtotal_price",
    "currentTotalPriceSet": "current_total_price",
    "currentTotalTaxSet": "current_total_tax",
    "currentTotalDiscountsSet": "current_total_discounts",
    "totalOutstandingSet": "total_outstanding",
    "totalTipReceivedSet": "total_tip_received",
    "totalRefundedSet": "total_refunded",
}


def _upper(value: str | None) -> str | None:
    return value.upper() if value else None


def order(record: dict) -> dict:
    """A full GraphQL Order for a stored REST order."""
    currencies = (record["currency"], record.get("presentment_currency") or record["currency"])
    node: dict[str, Any] = {
        "__typename": "Order",
        "id": gid("Order", record["id"]),
        "legacyResourceId": str(record["id"]),
        "name": record.get("name"),
        "email": record.get("email"),
        "phone": record.get("phone"),
        "note": record.get("note"),
        "tags": tags(record.get("tags")),
        "createdAt": utc(record.get("created_at")),
        "processedAt": utc(record.get("processed_at")),
        "updatedAt": utc(record.get("updated_at")),
        "cancelledAt": utc(record.get("cancelled_at")),
        "closedAt": utc(record.get("closed_at")),
        "cancelReason": _upper(record.get("cancel_reason")),
        "currencyCode": currencies[0],
        "presentmentCurrencyCode": currencies[1],
        "taxesIncluded": record.get("taxes_included", False),
        "taxExempt": record.get("tax_exempt", False),
        "test": record.get("test", False),
        "displayFinancialStatus": _upper(record.get("financial_status")) or "PENDING",
        "displayFulfillmentStatus": FULFILLMENT.get(
            record.get("fulfillment_status"), _upper(record.get("fulfillment_status"))
        ),
        "paymentGatewayNames": record.get("payment_gateway_names", []),
        "sourceName": record.get("source_name"),
        "customAttributes": [
            {"key": item["name"], "value": item["value"]}
            for item in record.get("note_attributes", [])
        ],
        "taxLines": tax_lines(record.get("tax_lines"), currencies),
        "discountCodes": [code["code"] for code in record.get("discount_codes", [])],
        "discountApplications": Connection(discount_applications(record, currencies)),
        "customer": customer(record.get("customer")),
        "billingAddress": address(record.get("billing_address")),
        "shippingAddress": address(record.get("shipping_address")),
        "purchasingEntity": purchasing_entity(record),
        "lineItems": Connection(
            [line_item(item, currencies) for item in record.get("line_items", [])]
        ),
        "shippingLines": Connection(
            [shipping_line(item, currencies) for item in record.get("shipping_lines", [])]
        ),
    }
    for name, key in MONEY_FIELDS.items():
        node[name] = bag(record, key, currencies)
    from shopify_app.sandbox.refunds import nodes_of

    node["refunds"] = nodes_of(record)
    return node


def variant(record: dict) -> dict:
    return {
        "__typename": "ProductVariant",
        "id": gid("ProductVariant", record["id"]),
        "legacyResourceId": str(record["id"]),
        "title": record.get("title"),
        "sku": record.get("sku"),
        "barcode": record.get("barcode"),
        "price": record.get("price"),
        "compareAtPrice": record.get("compare_at_price"),
        "taxable": record.get("taxable", True),
        "inventoryQuantity": record.get("inventory_quantity"),
    }


def product(record: dict) -> dict:
    """A full GraphQL Product for a stored REST product."""
    return {
        "__typename": "Product",
        "id": gid("Product", record["id"]),
        "legacyResourceId": str(record["id"]),
        "title": record.get("title"),
        "handle": record.get("handle"),
        "vendor": record.get("vendor"),
        "productType": record.get("product_type"),
        "tags": tags(record.get("tags")),
        "status": _upper(record.get("status")) or "ACTIVE",
        "variants": Connection([variant(item) for item in record.get("variants", [])]),
    }
