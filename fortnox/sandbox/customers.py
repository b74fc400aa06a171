"""``/3/customers``: the customer register."""

from __future__ import annotations

import re
from typing import Any

from fortnox.sandbox import chart, errors, fields
from fortnox.sandbox.context import Context
from fortnox.sandbox.errors import Response, json_response
from fortnox.sandbox.listing import ListSpec, field_values, list_response
from fortnox.sandbox.state import COUNTRY_NAMES, PRICE_LISTS, words

# Fortnox also allows the en dash (U+2013) in customer numbers.
NUMBER = re.compile("^[A-Za-z0-9_+/\\-\u2013]+$")
DELIVERY_TYPES = ("PRINT", "EMAIL", "PRINTSERVICE", "ELECTRONICINVOICE")


def _nested(keys: tuple[str, ...], cleaner: fields.Cleaner) -> fields.Cleaner:
    def clean(value: Any, name: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise errors.invalid_value(name, value)
        fields.check_names(value, keys)
        return {key: cleaner(item, f"{name}.{key}") for key, item in value.items()}

    return clean


def _number(value: Any, name: str) -> str:
    number = fields.as_text(value, name)
    if not NUMBER.match(number):
        raise errors.bad_request(
            errors.CHARACTERS_NOT_ALLOWED, "Kundnumret innehåller otillåtna tecken."
        )
    return number


def _organisation_number(value: Any, name: str) -> str:
    number = fields.text(30)(value, name)
    if number and not re.fullmatch(r"[0-9A-Za-z -]+", number):
        raise errors.invalid_value(name, value)
    return number


_TEXT = fields.text()
SCHEMA: dict[str, fields.Cleaner] = {
    "CustomerNumber": _number,
    "Name": fields.text(1024),
    "Type": fields.choice("PRIVATE", "COMPANY"),
    "VATType": fields.choice("SEVAT", "SEREVERSEDVAT", "EUREVERSEDVAT", "EUVAT", "EXPORT"),
    "VATNumber": fields.text(30),
    "OrganisationNumber": _organisation_number,
    "ZipCode": fields.text(10),
    "DeliveryZipCode": fields.text(10),
    "VisitingZipCode": fields.text(10),
    "CountryCode": fields.country,
    "DeliveryCountryCode": fields.country,
    "VisitingCountryCode": fields.country,
    "WWW": fields.text(128),
    "Currency": fields.text(3),
    "PriceList": fields.choice(*PRICE_LISTS),
    "OurReference": fields.text(50),
    "YourReference": fields.text(50),
    "Active": fields.boolean,
    "ShowPriceVATIncluded": fields.boolean,
    "InvoiceDiscount": fields.amount,
    "InvoiceFreight": fields.amount,
    "InvoiceAdministrationFee": fields.amount,
    "DefaultDeliveryTypes": _nested(("Invoice", "Order", "Offer"), fields.choice(*DELIVERY_TYPES)),
    "DefaultTemplates": _nested(("Invoice", "Order", "Offer", "CashInvoice"), _TEXT),
}
for _name in words(
    "Email EmailInvoice EmailInvoiceCC EmailInvoiceBCC EmailOrder EmailOrderCC EmailOrderBCC "
    "EmailOffer EmailOfferCC EmailOfferBCC"
):
    SCHEMA[_name] = fields.email
for _name in words(
    "Address1 Address2 City Phone1 Phone2 Fax TermsOfPayment TermsOfDelivery WayOfDelivery "
    "SalesAccount InvoiceRemark DeliveryName DeliveryAddress1 DeliveryAddress2 DeliveryCity "
    "DeliveryPhone1 DeliveryPhone2 DeliveryFax VisitingAddress VisitingCity ExternalReference "
    "GLN GLNDelivery CostCenter Project Comments"
):
    SCHEMA[_name] = _TEXT

DEFAULTS: dict[str, Any] = {name: "" for name in SCHEMA}
DEFAULTS.update(
    {
        "Type": "COMPANY",
        "VATType": "SEVAT",
        "Currency": "SEK",
        "PriceList": "A",
        "Active": True,
        "ShowPriceVATIncluded": False,
        "InvoiceDiscount": None,
        "InvoiceFreight": None,
        "InvoiceAdministrationFee": None,
        "DefaultDeliveryTypes": {"Invoice": "PRINT", "Order": "PRINT", "Offer": "PRINT"},
        "DefaultTemplates": {
            "Invoice": "DEFAULTTEMPLATE",
            "Order": "DEFAULTTEMPLATE",
            "Offer": "DEFAULTTEMPLATE",
            "CashInvoice": "DEFAULTTEMPLATE",
        },
        "Country": "",
        "DeliveryCountry": "",
        "VisitingCountry": "",
    }
)

LIST = ListSpec(
    envelope="Customers",
    collection="customers",
    item_fields=(
        "@url",
        "Address1",
        "Address2",
        "City",
        "CustomerNumber",
        "Email",
        "Name",
        "OrganisationNumber",
        "Phone",
        "ZipCode",
    ),
    number_field="CustomerNumber",
    search={
        "customernumber": field_values("CustomerNumber"),
        "name": field_values("Name"),
        "zipcode": field_values("ZipCode"),
        "city": field_values("City"),
        "email": field_values("Email"),
        "phone": field_values("Phone1"),
        "organisationnumber": field_values("OrganisationNumber"),
        "gln": field_values("GLN"),
        "glndelivery": field_values("GLNDelivery"),
    },
    filters={"active": lambda c: c["Active"], "inactive": lambda c: not c["Active"]},
)


def _validate(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = fields.clean(data, SCHEMA)
    chart.check_register(ctx.tenant, cleaned, ("SalesAccount",))  # reference §9.6
    if "Currency" in cleaned:
        ctx.check_currency(cleaned["Currency"])
    for prefix in ("", "Delivery", "Visiting"):
        code = cleaned.get(f"{prefix}CountryCode")
        if code is not None:
            cleaned[f"{prefix}Country"] = COUNTRY_NAMES.get(code, code) if code else ""
    return cleaned


def _out(customer: dict[str, Any]) -> Response:
    return json_response(200, {"Customer": customer})


def list_customers(ctx: Context) -> Response:
    """GET /3/customers"""
    items = [{**c, "Phone": c.get("Phone1", "")} for c in ctx.tenant.customers.values()]
    modified = lambda c: ctx.tenant.modified_at("customers", c["CustomerNumber"])  # noqa: E731
    return list_response(LIST, items, ctx.query, modified)


def get_customer(ctx: Context, number: str) -> Response:
    """GET /3/customers/{number}"""
    return _out(ctx.customer(number))


def create_customer(ctx: Context) -> Response:
    """POST /3/customers: Name is required, the number is given or assigned."""
    data = _validate(ctx, fields.parse_body(ctx.body, "Customer"))
    if not data.get("Name"):
        raise errors.required("Name")
    tenant = ctx.tenant
    number = data.get("CustomerNumber") or tenant.next_number("customers")
    if number in tenant.customers or number in tenant.used_customer_numbers:
        raise errors.bad_request(errors.CUSTOMER_NUMBER_USED, f"Kundnummer {number} används redan.")
    customer = {**DEFAULTS, **data, "CustomerNumber": number}
    customer["@url"] = ctx.url("customers", number)
    tenant.customers[number] = customer
    tenant.used_customer_numbers.add(number)
    ctx.touch("customers", number)
    return json_response(201, {"Customer": customer})


def update_customer(ctx: Context, number: str) -> Response:
    """PUT /3/customers/{number}: a partial update; the number cannot change."""
    customer = ctx.customer(number)
    data = _validate(ctx, fields.parse_body(ctx.body, "Customer"))
    if data.get("CustomerNumber", number) != number:
        raise errors.invalid_value("CustomerNumber", data["CustomerNumber"])
    if "Name" in data and not data["Name"]:
        raise errors.required("Name")
    customer.update(data)
    ctx.touch("customers", number)
    return _out(customer)


def delete_customer(ctx: Context, number: str) -> Response:
    """DELETE /3/customers/{number}: the number stays reserved; documents block deletion."""
    ctx.customer(number)
    documents = [*ctx.tenant.invoices.values(), *ctx.tenant.orders.values()]
    if any(doc["CustomerNumber"] == number for doc in documents):
        raise errors.bad_request(
            errors.ACTION_NOT_ALLOWED, "Kunden har dokument och kan inte tas bort."
        )
    del ctx.tenant.customers[number]
    ctx.touch("customers", number)
    return Response(204)
