"""Finding or creating the Fortnox customer of a sale."""

from __future__ import annotations

from fortnox.client import FortnoxClient
from fortnox.documents import build_customer
from integrations.documents import SalesDocument
from integrations.errors import ConnectorError
from syncs.expressions import MissingValue, resolve_path
from syncs.links import link_get, link_save
from syncs.mapping import mapping_context, mappings_apply
from syncs.models import ExternalLink, Integration
from syncs.runs import RunLog
from syncs.vat import vat_type_for

KIND = ExternalLink.Kind.CUSTOMER


class CustomerUnresolved(ConnectorError):
    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True, provider="syncs")


def customer_link_key(integration: Integration, doc: SalesDocument) -> str:
    """The link-table key: the source's customer id, or the match value for guests."""
    if doc.customer.source_id:
        return doc.customer.source_id
    return f"{integration.customer_match}:{customer_match_value(integration, doc)}".lower()


def customer_match_value(integration: Integration, doc: SalesDocument) -> str:
    match = integration.customer_match
    if match == Integration.CustomerMatch.ORGANISATION_NUMBER:
        return doc.customer.organisation_number
    if match == Integration.CustomerMatch.CUSTOMER_NUMBER:
        return source_customer_number(integration, doc)
    return doc.customer.email


def source_customer_number(integration: Integration, doc: SalesDocument) -> str:
    if not integration.customer_number_path:
        return ""
    try:
        return str(resolve_path(mapping_context(doc), integration.customer_number_path))
    except MissingValue:
        return ""


def customer_payload(integration: Integration, doc: SalesDocument, warnings: list[str]) -> dict:
    """What would be sent to create this sale's customer."""
    defaults = {
        "TermsOfPayment": integration.default_terms_of_payment,
        "Currency": integration.default_currency,
        "PriceList": integration.default_price_list,
        "WayOfDelivery": integration.default_way_of_delivery,
        "TermsOfDelivery": integration.default_terms_of_delivery,
        "Language": integration.default_language,
    }
    vat_type = vat_type_for(doc.customer, overrides=integration.vat_type_overrides)
    body = build_customer(doc.customer, vat_type=vat_type, defaults=defaults)
    if integration.customer_numbering == Integration.CustomerNumbering.SOURCE:
        number = source_customer_number(integration, doc)
        if number:
            body["CustomerNumber"] = number
    return mappings_apply(
        integration=integration, target="customer", payload=body, doc=doc, warnings=warnings
    )


def customer_resolve(
    *, integration: Integration, doc: SalesDocument, client: FortnoxClient, log: RunLog
) -> str:
    """The Fortnox customer number: from the link table, else an exact Fortnox lookup,
    else a new customer made from the source data, the defaults and the mappings."""
    key = customer_link_key(integration, doc)
    if number := link_get(integration, KIND, key):
        log.info("customer", f"Customer {number} (linked)")
        return number
    found = _lookup(integration, doc, client)
    if found:
        number = found["CustomerNumber"]
        log.info("customer", f"Customer {number} found in Fortnox by {integration.customer_match}")
    else:
        payload = customer_payload(integration, doc, log.warnings)
        if not payload.get("Name"):
            raise CustomerUnresolved("The sale has no customer name to create a customer from.")
        created = client.create_customer(customer=payload)
        number = created["CustomerNumber"]
        log.info("customer", f"Customer {number} created", {"Customer": payload})
        for note in client.adjustments:
            log.warning("customer", note)
    link_save(integration, KIND, key, number)
    return number


def _lookup(integration: Integration, doc: SalesDocument, client: FortnoxClient) -> dict | None:
    value = customer_match_value(integration, doc)
    if not value:
        return None
    match = integration.customer_match
    if match == Integration.CustomerMatch.CUSTOMER_NUMBER:
        return client.find_customer(customer_number=value)
    if match == Integration.CustomerMatch.ORGANISATION_NUMBER:
        return client.find_customer(organisation_number=value)
    return client.find_customer(email=value)
