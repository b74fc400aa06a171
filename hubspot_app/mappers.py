"""A HubSpot deal bundle -> the canonical ``SalesDocument``.

Pure functions: a bundle and options in, a document out; no database, no HTTP. A bundle is
``{"deal", "line_items", "companies", "contacts"}``: the deal as ``GET
/crm/v3/objects/deals/{id}?associations=line_items,companies,contacts`` returns it and the
other three as lists of CRM v3 objects from batch read (hubspot.md §3).

HubSpot computes no VAT, so it is computed here the way Fortnox computes a row's: per row,
rounded half up to the öre, so Fortnox's totals equal the document's. The rules (hubspot.md
§0a unless said otherwise):

* every number is a string in mixed formats ("15.0", "1250", "5.00") or null; a null
  ``quantity`` reads as 1, a null ``hs_line_item_currency_code`` as the deal's currency;
* ``discount`` is an amount per unit; ``hs_discount_percentage`` applies to the whole line
  (price x quantity), the discount rounded to the cent half up;
* a row's VAT rate is the line item's ``hs_tax_rate`` ("12.0000") when set, else the
  Fortnox article's (the engine fills it in, ``Line.vat_from_article``), else the default;
* the associations map lists line items under "line items" (with a space, §3) and the
  primary company twice (``deal_to_company`` and ``deal_to_company_unlabeled``): one id;
* ``country`` is free text; organisation and VAT numbers are custom company properties
  whose names are settings; the VAT type follows the engine's rules (``syncs.vat``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from hubspot_app.countries import country_code
from integrations.documents import (
    CENT,
    ZERO,
    Address,
    Customer,
    CustomerKind,
    Line,
    LineKind,
    SalesDocument,
    Totals,
)
from syncs.vat import vat_type_for

SOURCE = "hubspot"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
NUMBER_LENGTH = 30  # Fortnox's YourOrderNumber
REMARKS_LENGTH = 1024  # Fortnox's Remarks: the deal's name goes here whole
NO_VAT_TYPES = frozenset({"EUREVERSEDVAT", "EXPORT", "SEREVERSEDVAT"})
PRIMARY_COMPANY = "deal_to_company"  # the labelled (primary) association type


class DealMappingError(ValueError):
    """The deal cannot become a document as it stands; the message says what to fix."""


@dataclass(frozen=True)
class DealMappingOptions:
    """How to read a deal: the HubSpot settings and what the engine's settings imply."""

    document_type: str = ""  # the stage rule's "invoice"/"order"; "" = the integration's
    prices_include_vat: bool = False
    default_vat_rate: Decimal = Decimal("25")
    contact_fallback: bool = True
    org_number_property: str = "org_number"
    vat_number_property: str = "vat_number"
    require_sku: bool = True  # articles are found by SKU
    deal_amount_row: bool = True
    default_product_sku: str = "HUBSPOT-DEAL"
    default_product_name: str = "Deal"
    default_currency: str = "SEK"
    vat_type_overrides: dict[str, str] = field(default_factory=dict)


# --- the bundle --------------------------------------------------------------------------


def parse_bundle(raw: Any) -> dict[str, Any]:
    """The bundle, checked: a deal object and three lists of CRM objects."""
    if not isinstance(raw, dict):
        raise DealMappingError(f"a deal bundle must be a JSON object, not {type(raw).__name__}")
    deal = raw.get("deal")
    if not _is_object(deal):
        raise DealMappingError('the bundle has no "deal" object with an id and properties')
    bundle = {"deal": deal}
    for key in ("line_items", "companies", "contacts"):
        items = raw.get(key) or []
        if not isinstance(items, list) or not all(_is_object(item) for item in items):
            raise DealMappingError(f'"{key}" must be a list of objects with an id and properties')
        bundle[key] = items
    return bundle


def _is_object(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and str(value.get("id") or "").strip() != ""
        and isinstance(value.get("properties"), dict)
    )


def associated_ids(deal: dict, key: str) -> list[str]:
    """Ids in the deal's v3 associations map under ``key`` ("companies", "contacts",
    "line items"), each once, primary companies first; [] when the key is absent."""
    results = ((deal.get("associations") or {}).get(key) or {}).get("results") or []
    ordered = sorted(results, key=lambda r: r.get("type") != PRIMARY_COMPANY)
    ids: list[str] = []
    for result in ordered:
        value = str(result.get("id") or "")
        if value and value not in ids:
            ids.append(value)
    return ids


def _ordered(deal: dict, key: str, objects: list[dict]) -> list[dict]:
    """The objects in the deal's association order (the list's own order without one)."""
    by_id = {str(obj["id"]): obj for obj in objects}
    ids = associated_ids(deal, key) or list(by_id)
    return [by_id[i] for i in ids if i in by_id]


# --- the document ------------------------------------------------------------------------


def deal_to_document(bundle: dict[str, Any], *, options: DealMappingOptions) -> SalesDocument:
    """The canonical document for a deal bundle (see the module docstring)."""
    bundle = parse_bundle(bundle)
    deal, props = bundle["deal"], bundle["deal"]["properties"]
    deal_id, name = str(deal["id"]), _text(props, "dealname")
    currency = (_text(props, "deal_currency_code") or options.default_currency).upper()
    company = next(iter(_ordered(deal, "companies", bundle["companies"])), None)
    contact = next(iter(_ordered(deal, "contacts", bundle["contacts"])), None)
    customer = _customer(deal_id, name, company, contact, options)
    vat_type = vat_type_for(customer, overrides=options.vat_type_overrides)
    charges_vat = vat_type not in NO_VAT_TYPES
    items = _ordered(deal, "line items", bundle["line_items"])
    reader = _LineReader(options, currency, charges_vat)
    if items:
        lines = tuple(reader.line(item) for item in items)
    else:
        lines = (reader.deal_amount_line(deal_id, name, props),)
    vat = sum((line.vat_amount for line in lines), ZERO)
    net = sum((line.amount for line in lines), ZERO)
    total = net if options.prices_include_vat else net + vat
    return SalesDocument(
        source=SOURCE,
        source_id=deal_id,
        number=_short(name) if name else f"Deal {deal_id}",
        issued_on=_issued_on(deal_id, props),
        currency=currency,
        prices_include_vat=options.prices_include_vat,
        customer=customer,
        lines=lines,
        totals=Totals(total=total, vat=vat),
        warnings=_warnings(props, items, net, currency),
        document_type=options.document_type,
        remarks=f"HubSpot deal {deal_id}: {name or '(no name)'}"[:REMARKS_LENGTH],
        context={
            "deal": _flat(deal),
            "company": _flat(company),
            "contact": _flat(contact),
            "line_item": _flat(items[0] if items else None),
        },
    )


def _short(name: str) -> str:
    return name if len(name) <= NUMBER_LENGTH else name[: NUMBER_LENGTH - 1] + "…"


def _flat(obj: dict | None) -> dict[str, Any]:
    """An object's properties with its id, for field-mapping paths (``deal.dealname``)."""
    return {**obj["properties"], "id": str(obj["id"])} if obj else {}


def _issued_on(deal_id: str, props: dict) -> date:
    """The close date, or the day of the last change while the close date is ahead."""
    closed = _moment(props.get("closedate"))
    changed = _moment(props.get("hs_lastmodifieddate"))
    moment = min(filter(None, (closed, changed)), default=None) or _moment(props.get("createdate"))
    if moment is None:
        raise DealMappingError(f"deal {deal_id} has no closedate or other date to date it by")
    return moment.astimezone(STOCKHOLM).date()


def _moment(value: Any) -> datetime | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        if text.isdigit():  # epoch milliseconds
            return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _warnings(props: dict, items: list, net: Decimal, currency: str) -> tuple[str, ...]:
    amount = props.get("amount")
    if not items or amount in (None, ""):
        return ()
    deal_amount = _cents(_decimal(amount, "amount", "the deal"))
    if deal_amount == net:
        return ()
    return (
        f"The deal's amount {deal_amount} {currency} differs from its line items' total"
        f" {net} {currency}; the document follows the line items.",
    )


# --- lines -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _LineReader:
    options: DealMappingOptions
    currency: str
    charges_vat: bool

    def line(self, item: dict) -> Line:
        props, item_id = item["properties"], str(item["id"])
        name = _text(props, "name") or _text(props, "description") or f"Line item {item_id}"
        where = f'line item {item_id} "{name}"'
        sku = _text(props, "hs_sku")
        self._check_sku(sku, where)
        line_currency = _text(props, "hs_line_item_currency_code").upper()
        if line_currency and line_currency != self.currency:
            raise DealMappingError(
                f"The {where} is in {line_currency} but the deal is in {self.currency}; put"
                " the deal and its line items in one currency in HubSpot, then replay."
            )
        quantity = _decimal(props.get("quantity"), "quantity", where, default="1")
        price = _cents(_decimal(props.get("price"), "price", where, default="0"))
        discount = self._discount(props, price, quantity, where)
        tax_rate = props.get("hs_tax_rate")
        rate = _percent(_decimal(tax_rate, "hs_tax_rate", where)) if tax_rate else None
        return self._line(
            description=name,
            quantity=quantity,
            unit_price=price,
            discount=discount,
            rate=rate,
            sku=sku,
            product_id=_text(props, "hs_product_id"),
            source_line_id=item_id,
        )

    def deal_amount_line(self, deal_id: str, name: str, props: dict) -> Line:
        """The one row of a deal without line items: the default product at its amount."""
        where = f'Deal {deal_id} "{name}"'
        if not self.options.deal_amount_row:
            raise DealMappingError(
                f"{where} has no line items, and a deal without line items is not invoiced"
                " at its amount (that setting is off). Add line items to the deal in"
                " HubSpot, or switch the setting on, then replay."
            )
        if props.get("amount") in (None, ""):
            raise DealMappingError(
                f"{where} has neither line items nor an amount; add line items in HubSpot,"
                " then replay."
            )
        sku = self.options.default_product_sku.strip()
        self._check_sku(sku, f"default product of {where} (no line items)")
        return self._line(
            description=self.options.default_product_name or "Deal",
            quantity=Decimal(1),
            unit_price=_cents(_decimal(props["amount"], "amount", where)),
            discount=ZERO,
            rate=None,
            sku=sku,
            product_id="",
            source_line_id="",
        )

    def _check_sku(self, sku: str, where: str) -> None:
        if self.options.require_sku and not sku:
            raise DealMappingError(
                f"SKU should not be empty: the {where} has no SKU, and articles are found"
                " by SKU. Add the SKU (hs_sku) in HubSpot, then replay this sync."
            )

    def _discount(self, props: dict, price: Decimal, quantity: Decimal, where: str) -> Decimal:
        """The whole line's discount: ``discount`` per unit, else the percentage of
        price x quantity rounded half up."""
        if props.get("discount") not in (None, ""):
            return _cents(_decimal(props["discount"], "discount", where) * quantity)
        percent = props.get("hs_discount_percentage")
        if percent in (None, ""):
            return ZERO
        return _cents(price * quantity * _decimal(percent, "hs_discount_percentage", where) / 100)

    def _line(self, *, rate: Decimal | None, **fields: Any) -> Line:
        from_article = rate is None and self.charges_vat
        rate = self.options.default_vat_rate if rate is None else rate
        line = Line(
            kind=LineKind.PRODUCT,
            vat_rate=_percent(Decimal(rate)),
            vat_from_article=from_article,
            **fields,
        )
        if not self.charges_vat:
            return line
        included = self.options.prices_include_vat
        share = line.vat_rate / (100 + line.vat_rate) if included else line.vat_rate / 100
        vat = (line.amount * share).quantize(CENT, rounding=ROUND_HALF_UP)
        return dataclasses.replace(line, vat_amount=vat)


# --- customer ----------------------------------------------------------------------------


def _customer(
    deal_id: str,
    deal_name: str,
    company: dict | None,
    contact: dict | None,
    options: DealMappingOptions,
) -> Customer:
    """The primary company; without one, the primary contact (B2C, when allowed)."""
    if company is not None:
        return _company(company, contact, options)
    where = f'Deal {deal_id} "{deal_name}"'
    if contact is None:
        raise DealMappingError(
            f"{where} has no company or contact to invoice; associate one with the deal in"
            " HubSpot, then replay."
        )
    if not options.contact_fallback:
        raise DealMappingError(
            f"{where} has no company, and invoicing the contact instead is switched off;"
            " associate a company with the deal in HubSpot (or switch the fallback on),"
            " then replay."
        )
    return _person(contact)


def record_to_customer(record: dict, *, object_type: str, options: DealMappingOptions) -> Customer:
    """A company or contact (``companies``/``contacts``) as the customer a deal of theirs
    would have: the same link key (``company:<id>``, ``contact:<id>``) and fields."""
    if not _is_object(record):
        raise DealMappingError("the record has no id and properties")
    if object_type == "companies":
        return _company(record, None, options)
    return _person(record)


def product_to_line(product: dict, *, default_vat_rate: Decimal) -> Line:
    """A product as one line of quantity one at its price, for its Fortnox article: the
    VAT rate is the product's ``hs_tax_rate`` when set, else the default."""
    if not _is_object(product):
        raise DealMappingError("the product has no id and properties")
    props, product_id = product["properties"], str(product["id"])
    name = _text(props, "name") or f"Product {product_id}"
    where = f'product {product_id} "{name}"'
    rate = props.get("hs_tax_rate")
    vat_rate = _decimal(rate, "hs_tax_rate", where) if rate not in (None, "") else default_vat_rate
    return Line(
        kind=LineKind.PRODUCT,
        description=name,
        quantity=Decimal(1),
        unit_price=_cents(_decimal(props.get("price"), "price", where, default="0")),
        vat_rate=_percent(Decimal(vat_rate)),
        sku=_text(props, "hs_sku"),
        product_id=product_id,
    )


def _company(company: dict, contact: dict | None, options: DealMappingOptions) -> Customer:
    props, company_id = company["properties"], str(company["id"])
    name = _text(props, "name") or _text(props, "domain") or f"HubSpot company {company_id}"
    contact_props = contact["properties"] if contact else {}
    billing = _address(props, f'company {company_id} "{name}"', name=name, company=name)
    vat_number = "".join(_text(props, options.vat_number_property).split()).upper()
    return Customer(
        source_id=f"company:{company_id}",
        kind=CustomerKind.COMPANY,
        name=name,
        email=_text(contact_props, "email"),
        phone=_text(props, "phone"),
        organisation_number=_text(props, options.org_number_property),
        vat_number=vat_number,
        billing=billing,
    )


def _person(contact: dict) -> Customer:
    props, contact_id = contact["properties"], str(contact["id"])
    full_name = " ".join(p for p in (_text(props, "firstname"), _text(props, "lastname")) if p)
    name = full_name or _text(props, "email") or f"HubSpot contact {contact_id}"
    phone = _text(props, "phone") or _text(props, "mobilephone")
    return Customer(
        source_id=f"contact:{contact_id}",
        kind=CustomerKind.PRIVATE,
        name=name,
        email=_text(props, "email"),
        phone=phone,
        billing=_address(props, f'contact {contact_id} "{name}"', name=name, phone=phone),
    )


def _address(props: dict, where: str, **extra: str) -> Address:
    typed = _text(props, "country")
    code = country_code(typed)
    if code is None:
        raise DealMappingError(
            f'The country "{typed}" of {where} is not one we recognise; write the'
            " country's name or its two-letter code (SE, NO, DE) in HubSpot, then replay."
        )
    return Address(
        line1=_text(props, "address"),
        line2=_text(props, "address2"),
        zip_code=_text(props, "zip"),
        city=_text(props, "city"),
        country_code=code,
        **extra,
    )


# --- values ------------------------------------------------------------------------------


def _text(props: dict, key: str) -> str:
    value = props.get(key) if key else None
    return "" if value is None else str(value).strip()


def _decimal(value: Any, name: str, where: str, *, default: str | None = None) -> Decimal:
    if value in (None, "") and default is not None:
        return Decimal(default)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise DealMappingError(f"{name} {value!r} of {where} is not a number")
    return number


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _percent(rate: Decimal) -> Decimal:
    """ "12.0000" -> 12, "7.50" -> 7.5."""
    if rate == rate.to_integral_value():
        return rate.quantize(Decimal(1))
    return rate.normalize()
