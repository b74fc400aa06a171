"""Finding or creating the Fortnox customer of a sale."""

from __future__ import annotations

from fortnox import limits
from fortnox.client import FortnoxClient
from fortnox.documents import build_customer
from integrations.documents import SalesDocument
from integrations.errors import ConnectorError
from syncs.building import fitted
from syncs.expressions import MissingValue, resolve_path
from syncs.links import link_get, link_lock, link_save
from syncs.mapping import mapping_context, mappings_apply
from syncs.models import ExternalLink, Integration
from syncs.runs import RunLog
from syncs.vat import reverse_charge_problem, vat_type_for

KIND = ExternalLink.Kind.CUSTOMER
Guests = Integration.GuestCustomers


class CustomerUnresolved(ConnectorError):
    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True, provider="syncs")


def customer_is_guest(integration: Integration, doc: SalesDocument) -> bool:
    """A buyer with neither a source customer id nor a value to match by: a guest, never
    matched to anyone else."""
    return not doc.customer.source_id and not customer_match_value(integration, doc)


def customer_link_key(integration: Integration, doc: SalesDocument) -> str:
    """The link-table key: the source's customer id, else the match value. A guest's own
    customer is keyed by the sale, so a retry (or a credit) of that sale finds it."""
    if doc.customer.source_id:
        return doc.customer.source_id
    if value := customer_match_value(integration, doc):
        return f"{integration.customer_match}:{value}".lower()
    sale = doc.credit_for if doc.is_credit and doc.credit_for else doc.source_id
    return f"guest:{doc.source}:sale:{sale}"


def guest_customer(integration: Integration, doc: SalesDocument) -> str:
    """The operator's guest customer when this sale goes to it (a guest buyer under the
    "named" policy), else "". Raises ``CustomerUnresolved`` if its number is not set."""
    if integration.guest_customers != Guests.NAMED or not customer_is_guest(integration, doc):
        return ""
    if not integration.guest_customer_number:
        raise CustomerUnresolved(
            f"The buyer has no {_match_label(integration)} to find a customer by, and guest"
            " customers go to one guest customer chosen by the operator, but the guest"
            " customer number is not set. Set the guest customer number in the"
            " integration's settings (or choose a new customer for each order), then replay."
        )
    return integration.guest_customer_number


def _match_label(integration: Integration) -> str:
    match = integration.customer_match
    if match == Integration.CustomerMatch.CUSTOMER_NUMBER:
        return "customer number"
    return Integration.CustomerMatch(match).label.lower()


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
    body = mappings_apply(
        integration=integration, target="customer", payload=body, doc=doc, warnings=warnings
    )
    return fitted(limits.fit_customer(body), warnings)


def customer_resolve(
    *, integration: Integration, doc: SalesDocument, client: FortnoxClient, log: RunLog
) -> str:
    """The Fortnox customer number: from the link table, else an exact Fortnox lookup,
    else a new customer made from the source data, the defaults and the mappings.

    The lookup and creation run under a lock per customer, so concurrent first orders of
    one buyer make one customer. A guest goes to the operator's guest customer or gets a
    customer of its own, never another buyer's."""
    if number := guest_customer(integration, doc):
        log.info("customer", f"Customer {number} (the guest customer)")
        return number
    key = customer_link_key(integration, doc)
    if number := link_get(integration, KIND, key):
        log.info("customer", f"Customer {number} (linked)")
        return number
    with link_lock(integration, KIND, _lock_name(integration, doc, key)):
        if number := link_get(integration, KIND, key):
            log.info("customer", f"Customer {number} (linked)")
            return number
        return link_save(integration, KIND, key, _find_or_create(integration, doc, client, log))


def _lock_name(integration: Integration, doc: SalesDocument, key: str) -> str:
    """What Fortnox dedupes on: two link keys with one e-mail address share a lock."""
    value = customer_match_value(integration, doc)
    return f"{integration.customer_match}:{value}".lower() if value else key


def _find_or_create(
    integration: Integration, doc: SalesDocument, client: FortnoxClient, log: RunLog
) -> str:
    if found := _lookup(integration, doc, client):
        number = found["CustomerNumber"]
        log.info("customer", f"Customer {number} found in Fortnox by {integration.customer_match}")
        return number
    notes: list[str] = []
    payload = customer_payload(integration, doc, notes)
    for note in notes:
        log.warning("customer", note)
    if not payload.get("Name"):
        raise CustomerUnresolved("The sale has no customer name to create a customer from.")
    if problem := reverse_charge_problem(doc.customer, payload.get("VATType", "")):
        raise CustomerUnresolved(problem)
    try:
        created = client.create_customer(customer=payload)
    except ConnectorError as error:
        found = _taken_by_this_buyer(integration, doc, payload, error, client)
        if not found:
            raise
        number = found["CustomerNumber"]
        log.info("customer", f"Customer {number} already existed in Fortnox; linked")
        return number
    number = created["CustomerNumber"]
    log.info("customer", f"Customer {number} created", {"Customer": payload})
    return number


def _taken_by_this_buyer(integration, doc, payload, error, client) -> dict | None:
    """After Fortnox refused a customer number we chose ("already in use", 2000637): the
    customer holding it, if it is this buyer by the integration's match rule. A number
    held by someone else, or reserved by a deleted customer, stays a failure."""
    number = payload.get("CustomerNumber")
    if not number or not error.permanent or error.status != 400:
        return None
    found = client.find_customer(customer_number=number)
    return found if found and _same_buyer(integration, doc, found) else None


def _same_buyer(integration: Integration, doc: SalesDocument, found: dict) -> bool:
    value = customer_match_value(integration, doc)
    match = integration.customer_match
    if not value:
        return False
    if match == Integration.CustomerMatch.CUSTOMER_NUMBER:
        return str(found.get("CustomerNumber")) == value
    if match == Integration.CustomerMatch.ORGANISATION_NUMBER:
        return _digits(found.get("OrganisationNumber")) == _digits(value)
    return str(found.get("Email") or "").strip().lower() == value.strip().lower()


def _digits(value) -> str:
    return "".join(ch for ch in str(value or "") if ch.isalnum()).upper()


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
