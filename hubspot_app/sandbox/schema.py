"""Object types and their properties: what exists, what may be written, and how values read.

Sources (hubspot.md): object type ids §2; property names §3 and §0a; values are strings or
null (§0a "every number is a string"); ``hs_tax_rate`` is read-only and filled from
``hs_tax_rate_group_id`` (§0a); line-item arithmetic (§0a); currency must be one the portal
has enabled, else 400 INVALID_OPTION (§9.5). The default property sets returned when a read
names none are remembered from HubSpot's answers, not from the reference.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from hubspot_app.sandbox import errors
from hubspot_app.sandbox.state import Portal

# plural name -> (objectTypeId, singular, key in a v3 ``associations`` map)
TYPES: dict[str, tuple[str, str, str]] = {
    "contacts": ("0-1", "contact", "contacts"),
    "companies": ("0-2", "company", "companies"),
    "deals": ("0-3", "deal", "deals"),
    "products": ("0-7", "product", "products"),
    "line_items": ("0-8", "line_item", "line items"),  # §0a: the key has a space
    "notes": ("0-46", "note", "notes"),
}
BASE = ["hs_object_id", "createdate", "hs_lastmodifieddate"]
PROPERTIES: dict[str, list[str]] = {
    "deals": [*BASE, "dealname", "amount", "dealstage", "pipeline", "closedate",
              "deal_currency_code", "hubspot_owner_id", "hs_is_closed", "hs_is_closed_won",
              "amount_in_home_currency", "description"],
    "line_items": [*BASE, "name", "quantity", "price", "amount", "discount",
                   "hs_discount_percentage", "hs_total_discount", "hs_sku", "hs_product_id",
                   "description", "hs_line_item_currency_code", "recurringbillingfrequency",
                   "hs_recurring_billing_period", "hs_term_in_months", "hs_tax_rate_group_id",
                   "hs_tax_rate", "hs_position_on_quote"],
    "products": [*BASE, "name", "price", "hs_sku", "description", "hs_cost_of_goods_sold",
                 "hs_tax_rate_group_id", "hs_tax_rate"],
    "contacts": ["hs_object_id", "createdate", "lastmodifieddate", "email", "firstname",
                 "lastname", "phone", "mobilephone", "address", "city", "zip", "state",
                 "country", "company", "jobtitle"],
    "companies": [*BASE, "name", "domain", "phone", "address", "address2", "city", "zip",
                  "state", "country", "website", "description"],
    "notes": ["hs_object_id", "hs_createdate", "hs_lastmodifieddate", "hs_timestamp",
              "hs_note_body", "hubspot_owner_id", "hs_attachment_ids"],
}  # fmt: skip
DEFAULTS: dict[str, list[str]] = {
    "deals": ["amount", "closedate", "createdate", "dealname", "dealstage",
              "hs_lastmodifieddate", "hs_object_id", "pipeline"],
    "line_items": ["amount", "createdate", "hs_lastmodifieddate", "hs_object_id",
                   "hs_product_id", "name", "price", "quantity"],
    "products": ["createdate", "description", "hs_lastmodifieddate", "hs_object_id", "name",
                 "price"],
    "contacts": ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate",
                 "lastname"],
    "companies": ["createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"],
    "notes": ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
}  # fmt: skip
READ_ONLY = {
    "hs_object_id", "hs_lastmodifieddate", "lastmodifieddate", "hs_createdate",
    "hs_is_closed", "hs_is_closed_won", "amount_in_home_currency", "hs_total_discount",
    "hs_tax_rate",
}  # fmt: skip
READ_ONLY_BY_TYPE = {"line_items": {"amount"}}  # computed from price, quantity, discount
NUMBERS = {
    "amount", "price", "quantity", "discount", "hs_discount_percentage",
    "hs_cost_of_goods_sold", "hs_term_in_months", "amount_in_home_currency",
}  # fmt: skip
DATES = {"closedate", "hs_timestamp", "createdate"}
CURRENCIES = {"deal_currency_code", "hs_line_item_currency_code"}
# Sandbox portal data: tax rate groups (id -> hs_tax_rate) and rates to the home currency.
TAX_RATE_GROUPS = {"1001": "25.0000", "1002": "12.0000", "1003": "6.0000", "1004": "0.0000"}
HOME_RATES = {"SEK": Decimal("1"), "EUR": Decimal("11.20"), "NOK": Decimal("0.98"),
              "USD": Decimal("10.40"), "DKK": Decimal("1.50")}  # fmt: skip
CENT = Decimal("0.01")


def normalise_type(name: str) -> str | None:
    """``deals``, ``deal`` or ``0-3`` -> ``deals``; None for a type the sandbox lacks."""
    lowered = name.lower()
    for plural, (type_id, singular, _key) in TYPES.items():
        if lowered in (plural, singular, type_id):
            return plural
    return None


def modified_property(object_type: str) -> str:
    return "lastmodifieddate" if object_type == "contacts" else "hs_lastmodifieddate"


def created_property(object_type: str) -> str:
    return "hs_createdate" if object_type == "notes" else "createdate"


def known_properties(portal: Portal, object_type: str) -> list[str]:
    names = list(PROPERTIES[object_type])
    if object_type == "products":  # §3: per-currency prices, lowercase code
        names += [f"hs_price_{code.lower()}" for code in portal.currencies]
    return names + list(portal.custom_properties.get(object_type, {}))


def as_string(value: object) -> str | None:
    """A JSON input value as HubSpot stores it: a string, or None for null/empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise ValueError("not a scalar")


def decimal(value: str | None, default: str = "0") -> Decimal:
    try:
        return Decimal(value if value not in (None, "") else default)
    except InvalidOperation:
        return Decimal(default)


def money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def check_properties(
    portal: Portal, object_type: str, values: dict, *, stages: dict[str, list[str]]
) -> dict[str, str | None]:
    """Validate a ``properties`` input; the values as strings, or a 400 listing every problem.

    ``stages`` maps pipeline id -> its stage ids (for ``dealstage``/``pipeline``).
    """
    if not isinstance(values, dict):
        raise errors.validation("Invalid input JSON: properties must be an object")
    known = set(known_properties(portal, object_type))
    read_only = READ_ONLY | READ_ONLY_BY_TYPE.get(object_type, set())
    problems, clean = [], {}
    for name, raw in values.items():
        try:
            value = as_string(raw)
        except ValueError:
            problems.append(errors.property_problem(name, "INVALID_VALUE", f"{raw!r} is not valid"))
            continue
        problem = _problem(portal, object_type, name, value, known, read_only, stages)
        if problem:
            problems.append(errors.property_problem(name, *problem))
        else:
            clean[name] = value
    if problems:
        raise errors.property_errors(problems)
    return clean


def _problem(portal, object_type, name, value, known, read_only, stages) -> tuple | None:
    if name not in known:
        return "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist'
    if name in read_only:
        return "READ_ONLY_VALUE", f"{name} is a read only property; its value cannot be set."
    if value is None:
        return None
    if (name in NUMBERS or name.startswith("hs_price_")) and not _is_number(value):
        return "INVALID_DECIMAL", f"{value} was not a valid number."
    if name in CURRENCIES and value not in portal.currencies:
        return "INVALID_OPTION", f"{value} was not one of the allowed options: {portal.currencies}"
    if name == "hs_tax_rate_group_id" and value not in TAX_RATE_GROUPS:
        return "INVALID_OPTION", f"{value} was not one of the allowed options"
    if name == "pipeline" and value not in stages:
        return "INVALID_OPTION", f"{value} was not one of the allowed options: {list(stages)}"
    if name == "dealstage" and not any(value in ids for ids in stages.values()):
        return "INVALID_OPTION", f"{value} was not one of the allowed options"
    if name == "email" and "@" not in value:
        return "INVALID_EMAIL", f"Email address {value} is invalid"
    return None


def _is_number(value: str) -> bool:
    try:
        return Decimal(value).is_finite()
    except InvalidOperation:
        return False


def line_item_derived(props: dict[str, str | None]) -> dict[str, str | None]:
    """§0a arithmetic: ``discount`` is per unit; ``hs_discount_percentage`` is on the whole
    line, rounded to the cent half up; a null quantity reads as 1."""
    quantity = decimal(props.get("quantity"), "1")
    gross = decimal(props.get("price")) * quantity
    if props.get("discount") is not None:
        discount = decimal(props.get("discount")) * quantity
    else:
        percent = decimal(props.get("hs_discount_percentage"))
        discount = (gross * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    group = props.get("hs_tax_rate_group_id")
    return {
        "amount": money(gross - discount),
        "hs_total_discount": money(discount),
        "hs_tax_rate": TAX_RATE_GROUPS.get(group) if group else None,
    }


def product_derived(props: dict[str, str | None]) -> dict[str, str | None]:
    """A product's ``hs_tax_rate`` from its tax rate group, as on line items (§0a); the
    reference does not say products carry one: the sandbox chose to mirror line items."""
    group = props.get("hs_tax_rate_group_id")
    return {"hs_tax_rate": TAX_RATE_GROUPS.get(group) if group else None}


def deal_derived(
    props: dict[str, str | None], portal: Portal, stage_meta: dict | None
) -> dict[str, str | None]:
    """Closed flags from the stage's metadata; the amount in the portal's currency."""
    meta = stage_meta or {}
    closed = meta.get("isClosed") == "true"
    won = closed and decimal(meta.get("probability")) == 1
    derived = {"hs_is_closed": str(closed).lower(), "hs_is_closed_won": str(won).lower()}
    if props.get("amount") is not None:
        currency = props.get("deal_currency_code") or portal.currency
        rate = HOME_RATES.get(currency, Decimal("1")) / HOME_RATES.get(portal.currency, 1)
        derived["amount_in_home_currency"] = money(decimal(props["amount"]) * rate)
    return derived
