"""HubSpot products as Fortnox articles (one way), and companies and contacts as Fortnox
customers, all at once (``hubspot_sync_catalog``) or a product at a time from its creation
and change webhooks when the portal's ``sync_products`` setting is on. The engine
(``syncs.catalog``) does the Fortnox side, through the link table.

A product is one line of quantity one at its price, keyed as deal line items are (SKU or
name, by the integration's article match), at the product's ``hs_tax_rate`` or the portal's
default VAT rate; the article's sales account follows that rate (``syncs.articles``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from hubspot_app import services
from hubspot_app.connector import mapping_options, settings_for
from hubspot_app.customers import SINGULAR, customer_update
from hubspot_app.mappers import SOURCE, DealMappingError, product_to_line, record_to_customer
from integrations.documents import Customer, CustomerKind
from integrations.errors import ConnectorError
from syncs import catalog
from syncs.catalog import CatalogSummary
from syncs.models import Integration, SyncRun
from syncs.pipeline import fortnox_client_for

Progress = Callable[[int, int], None]
PRODUCT_PROPERTIES = ("name", "price", "hs_sku", "description", "hs_tax_rate")


def product_article(
    *, integration: Integration, product: dict, fortnox, dry_run: bool = False
) -> catalog.CatalogResult:
    """Create or update the product's Fortnox article."""
    hubspot = settings_for(integration)
    try:
        line = product_to_line(product, default_vat_rate=hubspot.default_vat_rate)
    except DealMappingError as error:
        raise catalog.CatalogProblem(str(error)) from error
    doc = catalog.catalog_document(
        source=SOURCE,
        source_id=str(product["id"]),
        customer=Customer(source_id="", kind=CustomerKind.PRIVATE, name=""),
        lines=(line,),
        prices_include_vat=mapping_options(integration, None).prices_include_vat,
        context={"product": {**product["properties"], "id": str(product["id"])}},
    )
    return catalog.article_upsert(integration=integration, doc=doc, client=fortnox, dry_run=dry_run)


def product_changed(*, integration: Integration, product_id: str) -> catalog.CatalogResult:
    """product.creation/propertyChange: re-read the product (deliveries arrive out of
    order) and keep its article in step."""
    client = services.hubspot_client_for(integration.source)
    product = client.get_object(
        object_type="products", object_id=product_id, properties=PRODUCT_PROPERTIES
    )
    return product_article(
        integration=integration, product=product, fortnox=fortnox_client_for(integration)
    )


def hubspot_sync_catalog(
    *,
    integration: Integration,
    companies: bool = False,
    contacts: bool = False,
    products: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> CatalogSummary:
    """Every chosen record of the portal into Fortnox, one at a time (the Fortnox client
    waits for its rate limit)."""
    client = services.hubspot_client_for(integration.source)
    fortnox = fortnox_client_for(integration)
    summary = CatalogSummary(dry_run=dry_run)
    work: list[tuple[str, Callable[[], str], str]] = []
    hubspot = settings_for(integration)
    for object_type, wanted in (("companies", companies), ("contacts", contacts)):
        if not wanted:
            continue
        properties = services.wanted_properties(integration, hubspot)[object_type]
        for record in client.list_objects(object_type=object_type, properties=properties):
            job = _customer_job(integration, object_type, record, fortnox, dry_run)
            work.append(("customers", job, f"{SINGULAR[object_type]} {record['id']}"))
    if products:
        for product in client.list_objects(object_type="products", properties=PRODUCT_PROPERTIES):
            job = _article_job(integration, product, fortnox, dry_run)
            work.append(("articles", job, f"product {product['id']}"))
    for kind in ("customers", "articles"):
        if any(item[0] == kind for item in work):
            summary.counts[kind] = Counter()
    for index, (kind, job, label) in enumerate(work, start=1):
        try:
            summary.count(kind, job())
        except ConnectorError as error:
            summary.count(kind, "failed")
            summary.failures.append(f"{label}: {error.message}")
        if progress:
            progress(index, len(work))
    return summary


def _article_job(integration, product, fortnox, dry_run) -> Callable[[], str]:
    def job() -> str:
        result = product_article(
            integration=integration, product=product, fortnox=fortnox, dry_run=dry_run
        )
        return result.outcome.value

    return job


def _customer_job(integration, object_type, record, fortnox, dry_run) -> Callable[[], str]:
    """A dry run compares only; otherwise the record goes through the customer run that
    "Update customer in Fortnox" makes (the number is written back to the record)."""

    def job() -> str:
        if not dry_run:
            run = customer_update(
                integration=integration, object_type=object_type, object_id=str(record["id"])
            )
            if run.status not in SyncRun.DONE:
                raise ConnectorError(run.error_message, permanent=True, provider=SOURCE)
            return _outcome(run)
        try:
            options = mapping_options(integration, None)
            customer = record_to_customer(record, object_type=object_type, options=options)
        except DealMappingError as error:
            raise catalog.CatalogProblem(str(error)) from error
        key = f"{SINGULAR[object_type]}:{record['id']}"
        doc = catalog.catalog_document(source=SOURCE, source_id=key, customer=customer)
        result = catalog.customer_upsert(
            integration=integration, doc=doc, client=fortnox, dry_run=True
        )
        return result.outcome.value

    return job


def _outcome(run: SyncRun) -> str:
    """created/updated/unchanged from the run's last log line ("Fortnox customer N ...")."""
    last = run.log.order_by("-pk").filter(step="customer").first()
    words = (last.message if last else "").split()
    outcome = words[3] if len(words) > 3 else ""
    return outcome if outcome in {o.value for o in catalog.Outcome} else "updated"
