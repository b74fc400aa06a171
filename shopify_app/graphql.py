"""GraphQL documents the client sends, and pure converters from their answers to REST shapes.

The rest of the service reads Shopify orders in the REST/webhook JSON shape (webhook bodies
arrive that way), so an order fetched over GraphQL is converted back to it here. What the
converter produces, field by field:

* money: every amount is a string with two decimals; ``total_price`` etc. are shop money and
  their ``*_set`` twins hold ``shop_money`` and ``presentment_money``;
* timestamps: GraphQL answers in UTC; given the shop's IANA time zone they are rendered in
  the shop's offset, as REST and webhooks do (``2026-05-04T00:30:00+02:00``);
* ``financial_status`` / ``fulfillment_status`` / ``cancel_reason``: lower-case REST values
  (``UNFULFILLED`` becomes null, ``PARTIALLY_FULFILLED`` becomes ``"partial"``);
* ``discount_codes[].amount``: the sum of the allocations of that code's discount application
  (GraphQL has no per-code amount);
* ``company`` (B2B orders only, else null): ``{id, location_id}`` as in REST, plus
  ``name``, ``location_name`` and ``vat_number`` (the company location's tax registration
  id) when Shopify has them; those three are this service's additions;
* ``discount_applications``: as REST, except that automatic and script discounts have no
  ``description`` (GraphQL does not expose one).

Nothing here does I/O.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

MONEY = "{ shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }"
ADDRESS = (
    "{ firstName lastName name company address1 address2 city zip province provinceCode"
    " country countryCodeV2 phone latitude longitude }"
)
TAX_LINES = f"taxLines {{ title rate channelLiable priceSet {MONEY} }}"
ALLOCATIONS = (
    f"discountAllocations {{ allocatedAmountSet {MONEY} discountApplication {{ index }} }}"
)
DISCOUNT_APPLICATIONS = (
    "discountApplications(first: 10) { nodes { __typename index allocationMethod"
    " targetSelection targetType value { __typename ... on MoneyV2 { amount currencyCode }"
    " ... on PricingPercentageValue { percentage } }"
    " ... on DiscountCodeApplication { code }"
    " ... on ManualDiscountApplication { title description }"
    " ... on AutomaticDiscountApplication { title }"
    " ... on ScriptDiscountApplication { title } } }"
)
CUSTOMER_FIELDS = (
    "id legacyResourceId firstName lastName defaultEmailAddress { emailAddress }"
    f" defaultPhoneNumber {{ phoneNumber }} tags note taxExempt defaultAddress {ADDRESS}"
)
# Line items per page: Shopify charges the requested cost up front (each line requests 26
# points: every object, MoneyBag and MoneyV2 included, costs 1) and refunds the unused part
# after, and a request waits until the bucket holds all of it. Ten covers most orders in
# one page (436 points requested, not 856); a larger order reads the rest page by page.
LINE_PAGE = 10
LINE_FIELDS = f"""
    id sku name title variantTitle vendor quantity currentQuantity taxable isGiftCard
    requiresShipping customAttributes {{ key value }}
    originalUnitPriceSet {MONEY} totalDiscountSet {MONEY}
    {TAX_LINES} {ALLOCATIONS} product {{ id }} variant {{ id }}
    duties {{ id harmonizedSystemCode countryCodeOfOrigin price {MONEY} {TAX_LINES} }}
"""
# What the order's own read needs of its refunds: which units of which lines they took back
# (``currentQuantity`` counts them out; the sale is invoiced as sold, each refund corrected).
ORDER_REFUND_FIELDS = (
    "id legacyResourceId createdAt"
    " refundLineItems(first: 20) { nodes { lineItem { id } quantity } }"
)
ORDER_FIELDS = f"""
    id legacyResourceId name email phone note tags
    createdAt processedAt updatedAt cancelledAt cancelReason closedAt
    currencyCode presentmentCurrencyCode taxesIncluded taxExempt test
    displayFinancialStatus displayFulfillmentStatus paymentGatewayNames sourceName
    customAttributes {{ key value }}
    subtotalPriceSet {MONEY} totalPriceSet {MONEY} totalTaxSet {MONEY}
    totalDiscountsSet {MONEY} totalShippingPriceSet {MONEY}
    currentSubtotalPriceSet {MONEY} currentTotalPriceSet {MONEY} currentTotalTaxSet {MONEY}
    currentTotalDiscountsSet {MONEY} totalOutstandingSet {MONEY} totalTipReceivedSet {MONEY}
    {TAX_LINES}
    {DISCOUNT_APPLICATIONS}
    customer {{ {CUSTOMER_FIELDS} }}
    billingAddress {ADDRESS}
    shippingAddress {ADDRESS}
    purchasingEntity {{ __typename ... on PurchasingCompany {{
        company {{ id name }} location {{ id name taxSettings {{ taxRegistrationId }} }} }} }}
    lineItems(first: {LINE_PAGE}) {{
        pageInfo {{ hasNextPage endCursor }} nodes {{ {LINE_FIELDS} }} }}
    shippingLines(first: 5, includeRemovals: true) {{ nodes {{
        id title code source isRemoved originalPriceSet {MONEY} discountedPriceSet {MONEY}
        {TAX_LINES} {ALLOCATIONS} }} }}
    refunds {{ {ORDER_REFUND_FIELDS} }}
"""

ORDER_QUERY = f"""query GetOrder($id: ID!) {{
  shop {{ ianaTimezone currencyCode }}
  order(id: $id) {{ {ORDER_FIELDS} }}
}}"""

# What the write-back needs when the run's own read is not at hand (a retried write-back).
ORDER_WRITE_BACK_QUERY = """query OrderWriteBack($id: ID!) {
  order(id: $id) { note tags customer { id } }
}"""

LINE_ITEMS_QUERY = f"""query GetOrderLines($id: ID!, $after: String) {{
  order(id: $id) {{
    lineItems(first: {LINE_PAGE}, after: $after) {{
      pageInfo {{ hasNextPage endCursor }} nodes {{ {LINE_FIELDS} }} }}
  }}
}}"""

# Reconciliation lists ids only; each order is then read with ORDER_QUERY.
ORDERS_QUERY = """query GetOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { id legacyResourceId name updatedAt displayFinancialStatus }
  }
}"""

# Backfill lists what deciding needs (the trigger, cancelled), oldest first; each order that
# meets the trigger is then read in full by the engine.
BACKFILL_ORDERS_QUERY = """query BackfillOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { id legacyResourceId name createdAt cancelledAt
            displayFinancialStatus displayFulfillmentStatus }
  }
}"""

ORDERS_COUNT_QUERY = """query CountOrders($query: String) {
  ordersCount(query: $query, limit: null) { count precision }
}"""

CUSTOMER_QUERY = f"""query GetCustomer($id: ID!) {{
  customer(id: $id) {{ {CUSTOMER_FIELDS} createdAt updatedAt }}
}}"""

PRODUCT_QUERY = """query GetProduct($id: ID!) {
  product(id: $id) {
    id legacyResourceId title handle vendor productType tags status
    variants(first: 250) { nodes {
      id legacyResourceId title sku barcode price compareAtPrice taxable inventoryQuantity } }
  }
}"""

SHOP_TAXES_QUERY = """query ShopTaxes { shop { taxesIncluded } }"""

ORDER_UPDATE_MUTATION = """mutation UpdateOrder($input: OrderInput!) {
  orderUpdate(input: $input) {
    order { id note tags }
    userErrors { field message }
  }
}"""

METAFIELDS_SET_MUTATION = """mutation SetMetafields($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { id namespace key value type }
    userErrors { field message code }
  }
}"""

BULK_RUN_MUTATION = """mutation RunBulkQuery($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message }
  }
}"""

CURRENT_BULK_QUERY = """query CurrentBulkOperation {
  currentBulkOperation {
    id status errorCode createdAt completedAt objectCount rootObjectCount url partialDataUrl
  }
}"""

FULFILLMENT_STATUS = {
    "FULFILLED": "fulfilled",
    "PARTIALLY_FULFILLED": "partial",
    "RESTOCKED": "restocked",
}
APPLICATION_TYPES = {
    "DiscountCodeApplication": "discount_code",
    "ManualDiscountApplication": "manual",
    "AutomaticDiscountApplication": "automatic",
    "ScriptDiscountApplication": "script",
}


def gid(resource: str, value: int | str) -> str:
    """``gid://shopify/{resource}/{id}``; a value that already is a gid is returned as is."""
    text = str(value)
    return text if text.startswith("gid://") else f"gid://shopify/{resource}/{text}"


def legacy_id(value: str | None) -> int | None:
    """The numeric REST id inside a gid (``gid://shopify/Order/1?x=y`` -> 1)."""
    if not value:
        return None
    return int(str(value).rsplit("/", 1)[-1].split("?", 1)[0])


def amount(value: Any) -> str | None:
    """A GraphQL Decimal (``"199.0"``) as a REST money string (``"199.00"``)."""
    if value is None:
        return None
    return str(Decimal(str(value)).quantize(Decimal("0.01")))


def money_set(bag: dict | None) -> dict | None:
    """A GraphQL MoneyBag as a REST ``*_set`` object."""
    if bag is None:
        return None
    return {
        key: {
            "amount": amount(bag[name]["amount"]),
            "currency_code": bag[name]["currencyCode"],
        }
        for key, name in (("shop_money", "shopMoney"), ("presentment_money", "presentmentMoney"))
    }


def shop_amount(bag: dict | None) -> str | None:
    return None if bag is None else amount(bag["shopMoney"]["amount"])


def timestamp(value: str | None, tz: str | None) -> str | None:
    """A GraphQL UTC DateTime in the shop's offset, as REST renders it."""
    if not value or not tz:
        return value
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.astimezone(ZoneInfo(tz)).isoformat(timespec="seconds")


def nodes(connection: dict | None) -> list[dict]:
    """The items of a connection, whether it selected ``nodes`` or ``edges { node }``."""
    if not connection:
        return []
    if "nodes" in connection:
        return connection["nodes"]
    return [edge["node"] for edge in connection.get("edges", [])]


def address_to_rest(node: dict | None) -> dict | None:
    """A GraphQL MailingAddress as a REST address."""
    if node is None:
        return None
    return {
        "first_name": node.get("firstName"),
        "last_name": node.get("lastName"),
        "name": node.get("name"),
        "company": node.get("company"),
        "address1": node.get("address1"),
        "address2": node.get("address2"),
        "city": node.get("city"),
        "zip": node.get("zip"),
        "province": node.get("province"),
        "province_code": node.get("provinceCode"),
        "country": node.get("country"),
        "country_code": node.get("countryCodeV2"),
        "phone": node.get("phone"),
        "latitude": node.get("latitude"),
        "longitude": node.get("longitude"),
    }


def customer_node_to_rest(node: dict | None, tz: str | None = None) -> dict | None:
    """A GraphQL Customer as the REST customer shape (the fields the order query selects)."""
    if node is None:
        return None
    email = node.get("defaultEmailAddress") or {}
    phone = node.get("defaultPhoneNumber") or {}
    rest = {
        "id": legacy_id(node["id"]),
        "admin_graphql_api_id": node["id"],
        "email": email.get("emailAddress"),
        "first_name": node.get("firstName"),
        "last_name": node.get("lastName"),
        "phone": phone.get("phoneNumber"),
        "tags": ", ".join(node.get("tags") or []),
        "note": node.get("note"),
        "tax_exempt": node.get("taxExempt"),
        "default_address": address_to_rest(node.get("defaultAddress")),
    }
    for key, name in (("created_at", "createdAt"), ("updated_at", "updatedAt")):
        if name in node:
            rest[key] = timestamp(node[name], tz)
    return rest


def tax_lines_to_rest(lines: list[dict] | None) -> list[dict]:
    return [
        {
            "title": line["title"],
            "rate": line["rate"],
            "price": shop_amount(line["priceSet"]),
            "price_set": money_set(line["priceSet"]),
            "channel_liable": line.get("channelLiable"),
        }
        for line in lines or []
    ]


def allocations_to_rest(allocations: list[dict] | None) -> list[dict]:
    return [
        {
            "amount": shop_amount(item["allocatedAmountSet"]),
            "amount_set": money_set(item["allocatedAmountSet"]),
            "discount_application_index": item["discountApplication"]["index"],
        }
        for item in allocations or []
    ]


def duty_to_rest(node: dict) -> dict:
    """A GraphQL Duty as a REST ``line_items[].duties[]`` entry (its amount as
    ``shop_money`` and ``presentment_money``, as REST has it)."""
    return {
        "id": str(legacy_id(node["id"])),
        "admin_graphql_api_id": node["id"],
        "harmonized_system_code": node.get("harmonizedSystemCode"),
        "country_code_of_origin": node.get("countryCodeOfOrigin"),
        **(money_set(node["price"]) or {}),
        "tax_lines": tax_lines_to_rest(node.get("taxLines")),
    }


def line_item_to_rest(node: dict) -> dict:
    """A GraphQL LineItem as a REST ``line_items[]`` entry."""
    return {
        "id": legacy_id(node["id"]),
        "admin_graphql_api_id": node["id"],
        "product_id": legacy_id((node.get("product") or {}).get("id")),
        "variant_id": legacy_id((node.get("variant") or {}).get("id")),
        "sku": node.get("sku"),
        "title": node["title"],
        "variant_title": node.get("variantTitle"),
        "name": node["name"],
        "vendor": node.get("vendor"),
        "quantity": node["quantity"],
        "current_quantity": node["currentQuantity"],
        "price": shop_amount(node["originalUnitPriceSet"]),
        "price_set": money_set(node["originalUnitPriceSet"]),
        "total_discount": shop_amount(node["totalDiscountSet"]),
        "total_discount_set": money_set(node["totalDiscountSet"]),
        "taxable": node["taxable"],
        "gift_card": node["isGiftCard"],
        "requires_shipping": node.get("requiresShipping"),
        "properties": [
            {"name": attr["key"], "value": attr["value"]}
            for attr in node.get("customAttributes") or []
        ],
        "tax_lines": tax_lines_to_rest(node.get("taxLines")),
        "discount_allocations": allocations_to_rest(node.get("discountAllocations")),
        "duties": [duty_to_rest(duty) for duty in node.get("duties") or []],
    }


def shipping_line_to_rest(node: dict) -> dict:
    """A GraphQL ShippingLine as a REST ``shipping_lines[]`` entry."""
    return {
        "id": legacy_id(node["id"]),
        "title": node["title"],
        "code": node.get("code"),
        "source": node.get("source"),
        "is_removed": node.get("isRemoved", False),
        "price": shop_amount(node["originalPriceSet"]),
        "price_set": money_set(node["originalPriceSet"]),
        "discounted_price": shop_amount(node["discountedPriceSet"]),
        "discounted_price_set": money_set(node["discountedPriceSet"]),
        "tax_lines": tax_lines_to_rest(node.get("taxLines")),
        "discount_allocations": allocations_to_rest(node.get("discountAllocations")),
    }


def _application_value(value: dict) -> tuple[str, str]:
    if value.get("__typename") == "PricingPercentageValue" or "percentage" in value:
        return str(float(value["percentage"])), "percentage"
    text = format(Decimal(str(value["amount"])).normalize(), "f")
    return (text if "." in text else f"{text}.0"), "fixed_amount"


def discount_applications_to_rest(applications: list[dict]) -> list[dict]:
    """GraphQL DiscountApplications as REST ``discount_applications`` (in index order)."""
    result = []
    for app in sorted(applications, key=lambda item: item["index"]):
        value, value_type = _application_value(app["value"])
        entry = {
            "target_type": app["targetType"].lower(),
            "type": APPLICATION_TYPES.get(app["__typename"], "manual"),
            "value": value,
            "value_type": value_type,
            "allocation_method": app["allocationMethod"].lower(),
            "target_selection": app["targetSelection"].lower(),
        }
        for key in ("code", "title", "description"):
            if key in app:
                entry[key] = app[key]
        result.append(entry)
    return result


def _allocated_by_index(lines: list[dict]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for line in lines:
        for item in line["discount_allocations"]:
            index = item["discount_application_index"]
            totals[index] = totals.get(index, Decimal(0)) + Decimal(item["amount"])
    return totals


def discount_codes_to_rest(applications: list[dict], lines: list[dict]) -> list[dict]:
    """REST ``discount_codes``: one per code application, its amount summed from allocations."""
    totals = _allocated_by_index(lines)
    codes = []
    for app in sorted(applications, key=lambda item: item["index"]):
        if "code" not in app:
            continue
        _, value_type = _application_value(app["value"])
        kind = "shipping" if app["targetType"] == "SHIPPING_LINE" else value_type
        total = totals.get(app["index"], Decimal(0))
        codes.append({"code": app["code"], "amount": amount(total), "type": kind})
    return codes


def company_to_rest(entity: dict | None) -> dict | None:
    """The B2B purchasing company, or None for a consumer order (see module docstring).

    ``id`` and ``location_id`` are always there (as in REST); ``name``, ``location_name``
    and ``vat_number`` only when Shopify has a value.
    """
    if not entity or entity.get("__typename") != "PurchasingCompany":
        return None
    location = entity.get("location") or {}
    extra = {
        "name": entity["company"].get("name"),
        "location_name": location.get("name"),
        "vat_number": (location.get("taxSettings") or {}).get("taxRegistrationId"),
    }
    return {
        "id": legacy_id(entity["company"]["id"]),
        "location_id": legacy_id(location.get("id")),
        **{key: value for key, value in extra.items() if value is not None},
    }


# REST money field -> GraphQL MoneyBag field; each becomes ``field`` plus ``field_set``.
ORDER_MONEY = {
    "subtotal_price": "subtotalPriceSet",
    "total_price": "totalPriceSet",
    "total_tax": "totalTaxSet",
    "total_discounts": "totalDiscountsSet",
    "current_subtotal_price": "currentSubtotalPriceSet",
    "current_total_price": "currentTotalPriceSet",
    "current_total_tax": "currentTotalTaxSet",
    "current_total_discounts": "currentTotalDiscountsSet",
}
ORDER_TIMES = {
    "created_at": "createdAt",
    "processed_at": "processedAt",
    "updated_at": "updatedAt",
    "cancelled_at": "cancelledAt",
    "closed_at": "closedAt",
}


def _lower(value: str | None) -> str | None:
    return value.lower() if value else None


def _order_scalars(node: dict, tz: str | None) -> dict:
    rest: dict[str, Any] = {
        "id": int(node["legacyResourceId"]),
        "admin_graphql_api_id": node["id"],
        "name": node["name"],
        "email": node.get("email"),
        "phone": node.get("phone"),
        "note": node.get("note"),
        "tags": ", ".join(node.get("tags") or []),
        "currency": node["currencyCode"],
        "presentment_currency": node["presentmentCurrencyCode"],
        "taxes_included": node["taxesIncluded"],
        "tax_exempt": node.get("taxExempt"),
        "test": node.get("test"),
        "financial_status": _lower(node.get("displayFinancialStatus")),
        "fulfillment_status": FULFILLMENT_STATUS.get(node.get("displayFulfillmentStatus") or ""),
        "cancel_reason": _lower(node.get("cancelReason")),
        "payment_gateway_names": node.get("paymentGatewayNames") or [],
        "source_name": node.get("sourceName"),
    }
    for key, name in ORDER_TIMES.items():
        rest[key] = timestamp(node.get(name), tz)
    return rest


def _order_money(node: dict) -> dict:
    rest: dict[str, Any] = {}
    for key, name in ORDER_MONEY.items():
        rest[key] = shop_amount(node.get(name))
        rest[f"{key}_set"] = money_set(node.get(name))
    rest["total_shipping_price_set"] = money_set(node.get("totalShippingPriceSet"))
    rest["total_outstanding"] = shop_amount(node.get("totalOutstandingSet"))
    rest["total_tip_received"] = shop_amount(node.get("totalTipReceivedSet"))
    rest["total_tip_received_set"] = money_set(node.get("totalTipReceivedSet"))
    rest["tax_lines"] = tax_lines_to_rest(node.get("taxLines"))
    return rest


def order_node_to_rest(node: dict, *, tz: str | None = None) -> dict:
    """A GraphQL Order (as ``ORDER_FIELDS`` selects it) in the REST/webhook order shape.

    ``tz`` is the shop's IANA time zone (``shop { ianaTimezone }``); without it timestamps
    stay in UTC as GraphQL sent them.
    """
    line_items = [line_item_to_rest(item) for item in nodes(node.get("lineItems"))]
    shipping_lines = [shipping_line_to_rest(item) for item in nodes(node.get("shippingLines"))]
    applications = nodes(node.get("discountApplications"))
    rest = _order_scalars(node, tz)
    rest.update(_order_money(node))
    rest.update(
        {
            "note_attributes": [
                {"name": attr["key"], "value": attr["value"]}
                for attr in node.get("customAttributes") or []
            ],
            "discount_applications": discount_applications_to_rest(applications),
            "discount_codes": discount_codes_to_rest(applications, line_items + shipping_lines),
            "customer": customer_node_to_rest(node.get("customer"), tz),
            "billing_address": address_to_rest(node.get("billingAddress")),
            "shipping_address": address_to_rest(node.get("shippingAddress")),
            "company": company_to_rest(node.get("purchasingEntity")),
            "line_items": line_items,
            "shipping_lines": shipping_lines,
            "refunds": [refund_node_to_rest(item, tz=tz) for item in node.get("refunds") or []],
        }
    )
    return rest


def order_summary_to_rest(node: dict) -> dict:
    """A node of ``BACKFILL_ORDERS_QUERY`` with the REST order's names and values."""
    return {
        "id": int(node["legacyResourceId"]),
        "name": node.get("name"),
        "created_at": node.get("createdAt"),
        "cancelled_at": node.get("cancelledAt"),
        "financial_status": _lower(node.get("displayFinancialStatus")),
        "fulfillment_status": FULFILLMENT_STATUS.get(node.get("displayFulfillmentStatus") or ""),
    }


def variant_to_rest(node: dict, product_id: int) -> dict:
    return {
        "id": int(node["legacyResourceId"]),
        "admin_graphql_api_id": node["id"],
        "product_id": product_id,
        "title": node.get("title"),
        "sku": node.get("sku"),
        "barcode": node.get("barcode"),
        "price": amount(node.get("price")),
        "compare_at_price": amount(node.get("compareAtPrice")),
        "taxable": node.get("taxable"),
        "inventory_quantity": node.get("inventoryQuantity"),
    }


def product_node_to_rest(node: dict | None) -> dict | None:
    """A GraphQL Product (as ``PRODUCT_QUERY`` selects it) in the REST product shape."""
    if node is None:
        return None
    product_id = int(node["legacyResourceId"])
    return {
        "id": product_id,
        "admin_graphql_api_id": node["id"],
        "title": node.get("title"),
        "handle": node.get("handle"),
        "vendor": node.get("vendor"),
        "product_type": node.get("productType"),
        "tags": ", ".join(node.get("tags") or []),
        "status": _lower(node.get("status")),
        "variants": [variant_to_rest(item, product_id) for item in nodes(node.get("variants"))],
    }


def bulk_operation_to_dict(node: dict | None) -> dict | None:
    """A BulkOperation with snake_case keys (``status`` stays upper-case, as GraphQL has it)."""
    if node is None:
        return None
    keys = {
        "id": "id",
        "status": "status",
        "error_code": "errorCode",
        "created_at": "createdAt",
        "completed_at": "completedAt",
        "object_count": "objectCount",
        "root_object_count": "rootObjectCount",
        "url": "url",
        "partial_data_url": "partialDataUrl",
    }
    return {key: node.get(name) for key, name in keys.items()}


# --- refunds ------------------------------------------------------------------------------
REFUND_FIELDS = f"""
    id legacyResourceId createdAt note order {{ id legacyResourceId name }}
    totalRefundedSet {MONEY}
    refundLineItems(first: 100) {{ nodes {{
        id quantity restockType lineItem {{ id }} subtotalSet {MONEY} totalTaxSet {MONEY} }} }}
    refundShippingLines(first: 5) {{ nodes {{
        id shippingLine {{ id title }} subtotalAmountSet {MONEY} taxAmountSet {MONEY} }} }}
    orderAdjustments(first: 10) {{ nodes {{ id reason amountSet {MONEY} taxAmountSet {MONEY} }} }}
    duties {{ originalDuty {{ id }} amountSet {MONEY} }}
    transactions(first: 10) {{ nodes {{ id kind status gateway processedAt amountSet {MONEY} }} }}
"""

REFUND_QUERY = f"""query GetRefund($id: ID!) {{
  shop {{ ianaTimezone }}
  refund(id: $id) {{ {REFUND_FIELDS} }}
}}"""


def _rest_money(field: str, bag: dict | None) -> dict:
    """``{field: shop amount, field_set: twin}`` of a MoneyBag."""
    return {field: shop_amount(bag), f"{field}_set": money_set(bag)}


def refund_node_to_rest(node: dict, *, tz: str | None = None) -> dict:
    """A GraphQL Refund in the REST shape of a ``refunds/create`` body (shopify.md section
    8): line items with ``subtotal``/``total_tax`` (numbers, and their ``*_set`` twins),
    shipping lines with their amounts, adjustments by ``kind`` (``shipping_refund``,
    ``refund_discrepancy``), duties, and the transactions. Only what the node selected is
    filled in (the order's own read selects the refunded quantities alone)."""
    order = node.get("order") or {}
    rest: dict[str, Any] = {
        "id": int(node["legacyResourceId"]),
        "admin_graphql_api_id": node["id"],
        "order_id": legacy_id(order.get("id")),
        "created_at": timestamp(node.get("createdAt"), tz),
        "processed_at": timestamp(node.get("createdAt"), tz),
        "note": node.get("note"),
        "refund_line_items": [
            _refund_line_to_rest(item) for item in nodes(node.get("refundLineItems"))
        ],
    }
    if "refundShippingLines" in node:
        rest["refund_shipping_lines"] = [
            {
                "id": legacy_id(item.get("id")),
                "shipping_line_id": legacy_id((item.get("shippingLine") or {}).get("id")),
                "shipping_line": {
                    "id": legacy_id((item.get("shippingLine") or {}).get("id")),
                    "title": (item.get("shippingLine") or {}).get("title"),
                },
                "subtotal_amount_set": money_set(item.get("subtotalAmountSet")),
                "tax_amount_set": money_set(item.get("taxAmountSet")),
            }
            for item in nodes(node.get("refundShippingLines"))
        ]
    if "orderAdjustments" in node:
        rest["order_adjustments"] = [
            {
                "id": legacy_id(item.get("id")),
                "kind": _lower(item.get("reason")),
                **_rest_money("amount", item.get("amountSet")),
                **_rest_money("tax_amount", item.get("taxAmountSet")),
            }
            for item in nodes(node.get("orderAdjustments"))
        ]
    if "duties" in node:
        rest["duties"] = [
            {
                "duty_id": legacy_id((item.get("originalDuty") or {}).get("id")),
                "amount_set": money_set(item.get("amountSet")),
            }
            for item in node.get("duties") or []
        ]
    if "transactions" in node:
        rest["transactions"] = [
            _transaction_to_rest(item, tz) for item in nodes(node["transactions"])
        ]
    return rest


def _refund_line_to_rest(item: dict) -> dict:
    line = {
        "id": legacy_id(item.get("id")),
        "line_item_id": legacy_id((item.get("lineItem") or {}).get("id")),
        "quantity": item.get("quantity"),
        "restock_type": _lower(item.get("restockType")),
    }
    for field, name in (("subtotal", "subtotalSet"), ("total_tax", "totalTaxSet")):
        if name in item:
            value = shop_amount(item[name])
            line[field] = None if value is None else float(value)
            line[f"{field}_set"] = money_set(item[name])
    return line


def _transaction_to_rest(item: dict, tz: str | None) -> dict:
    bag = item.get("amountSet")
    return {
        "id": legacy_id(item.get("id")),
        "kind": _lower(item.get("kind")),
        "status": _lower(item.get("status")),
        "gateway": item.get("gateway"),
        "processed_at": timestamp(item.get("processedAt"), tz),
        # REST gives a transaction's amount in the currency the buyer paid in.
        "amount": amount(bag["presentmentMoney"]["amount"]) if bag else None,
        "currency": bag["presentmentMoney"]["currencyCode"] if bag else None,
        "amount_set": money_set(bag),
    }
