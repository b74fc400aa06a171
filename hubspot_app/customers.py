""" "Update customer in Fortnox" for a contact or a company (from the app card and the
workflow action): the record is read again, mapped as a deal's customer would be (same link
key, so a later deal finds the customer), kept in Fortnox by the engine (created once
through the link table, updated on later calls), and the Fortnox customer number is written
to a record property (created the first time the portal lacks it).
"""

from __future__ import annotations

from hubspot_app import services
from hubspot_app.client import HubSpotClient
from hubspot_app.connector import mapping_options, settings_for
from hubspot_app.mappers import SOURCE, DealMappingError, record_to_customer
from integrations.errors import ConnectorError
from syncs.catalog import catalog_document
from syncs.customersync import customer_sync
from syncs.links import link_get
from syncs.models import ExternalLink, Integration, SyncRun
from syncs.runs import RunLog

# HubSpot's names of the two record types: workflow object types, card type ids (§6).
OBJECT_TYPES = {
    "CONTACT": "contacts", "CONTACTS": "contacts", "0-1": "contacts", "contacts": "contacts",
    "COMPANY": "companies", "COMPANIES": "companies", "0-2": "companies",
    "companies": "companies",
}  # fmt: skip
SINGULAR = {"contacts": "contact", "companies": "company"}
GROUPS = {"contacts": "contactinformation", "companies": "companyinformation"}


def record_type(name: str) -> str | None:
    """``contacts`` or ``companies`` for any of HubSpot's names of them, else None."""
    return OBJECT_TYPES.get(str(name).strip()) or OBJECT_TYPES.get(str(name).strip().upper())


def record_key(object_type: str, object_id: str) -> str:
    """The link-table key of the record's customer: a deal's customer has the same."""
    return f"{SINGULAR[object_type]}:{object_id}"


def record_customer_number(*, integration: Integration, object_type: str, object_id: str) -> str:
    """The record's Fortnox customer number from the link table ("" when none): no API
    call, so a card answers at once."""
    return link_get(integration, ExternalLink.Kind.CUSTOMER, record_key(object_type, object_id))


def customer_update(*, integration: Integration, object_type: str, object_id: str) -> SyncRun:
    """Create or update the record's Fortnox customer; the finished run says how it went
    (``customer_number``, or ``error_message`` as the sentence to show)."""
    hubspot = settings_for(integration)
    key = record_key(object_type, object_id)
    client: list[HubSpotClient] = []

    def load():
        client.append(services.hubspot_client_for(integration.source))
        properties = services.wanted_properties(integration, hubspot)[object_type]
        record = client[0].get_object(
            object_type=object_type, object_id=object_id, properties=properties
        )
        try:
            customer = record_to_customer(
                record, object_type=object_type, options=mapping_options(integration, None)
            )
        except DealMappingError as error:
            raise ConnectorError(str(error), permanent=True, provider=SOURCE) from error
        context = {SINGULAR[object_type]: {**record["properties"], "id": str(record["id"])}}
        return catalog_document(source=SOURCE, source_id=key, customer=customer, context=context)

    run = customer_sync(
        integration=integration, source_id=key, label=f"{SINGULAR[object_type]} {object_id}",
        load=load,
    )  # fmt: skip
    if run.status in SyncRun.DONE and client and run.customer_number:
        try:
            record_number_set(
                client=client[0],
                object_type=object_type,
                object_id=object_id,
                name=hubspot.customer_number_property,
                number=run.customer_number,
            )
        except ConnectorError as error:  # the customer is in Fortnox; say what is missing
            RunLog(run).warning("write-back", f"The number was not written to HubSpot: {error}")
    return run


def record_number_set(
    *, client: HubSpotClient, object_type: str, object_id: str, name: str, number: str
) -> None:
    """Put the Fortnox customer number in the record property ``name``, creating the
    property the first time the portal lacks it."""

    def update() -> None:
        client.update_object(
            object_type=object_type, object_id=object_id, properties={name: number}
        )

    try:
        update()
    except ConnectorError as error:
        if error.status != 400 or "PROPERTY_DOESNT_EXIST" not in (error.detail or ""):
            raise
        try:
            client.create_property(
                object_type=object_type,
                name=name,
                label="Fortnox customer number",
                group=GROUPS[object_type],
            )
        except ConnectorError as created:
            if created.status != 409:  # made meanwhile by another worker
                raise
        update()
