"""Shopify customers and products kept in Fortnox: all at once through a bulk operation
(``shopify_sync_catalog``), or one at a time from customers/* and products/* webhooks when
the shop's settings say so. The engine (``syncs.catalog``) does the Fortnox side.

A product becomes one article per variant, matched as order lines are (by SKU by default),
at the variant's price excluding VAT and the shop's catalog VAT rate (Shopify products
carry no rate; it is a setting). Bulk results are JSONL: each variant follows its product
with ``__parentId`` (shopify.md section 7).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal

from integrations.documents import Address, Customer, CustomerKind, Line, LineKind, money
from integrations.errors import ConnectorError
from shopify_app import graphql as gql
from shopify_app import services
from shopify_app.client import ShopifyClient
from shopify_app.connector import settings_for
from shopify_app.mappers import SOURCE
from syncs import catalog
from syncs.catalog import CatalogSummary
from syncs.models import Integration
from syncs.pipeline import fortnox_client_for

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
DEFAULT_TITLE = "Default Title"
POLL_SECONDS = 2.0
BULK_TIMEOUT = 3600.0

CUSTOMERS_BULK = (
    "{ customers { edges { node { id legacyResourceId firstName lastName"
    " defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } taxExempt"
    f" defaultAddress {gql.ADDRESS} }} }} }} }}"
)
PRODUCTS_BULK = (
    "{ products { edges { node { id legacyResourceId title status"
    " variants { edges { node { id legacyResourceId title sku price taxable } } } } } } }"
)


# --- pure mapping ------------------------------------------------------------------------
def _text(obj: dict | None, key: str) -> str:
    value = (obj or {}).get(key)
    return "" if value is None else str(value).strip()


def _name(obj: dict) -> str:
    joined = " ".join(p for p in (_text(obj, "first_name"), _text(obj, "last_name")) if p)
    return joined or _text(obj, "name")


def customer_to_canonical(customer: dict) -> Customer:
    """A REST customer (webhook body, or converted from GraphQL) as a canonical customer;
    a company in the default address makes it a company."""
    address = customer.get("default_address") or {}
    company = _text(address, "company")
    billing = Address(
        name=_name(address),
        company=company,
        line1=_text(address, "address1"),
        line2=_text(address, "address2"),
        zip_code=_text(address, "zip"),
        city=_text(address, "city"),
        country_code=_text(address, "country_code").upper(),
        phone=_text(address, "phone"),
    )
    email = _text(customer, "email")
    return Customer(
        source_id=_text(customer, "id"),
        kind=CustomerKind.COMPANY if company else CustomerKind.PRIVATE,
        name=company or _name(customer) or billing.name or email,
        email=email,
        phone=_text(customer, "phone") or billing.phone,
        billing=billing,
    )


def variant_lines(product: dict, *, vat_rate: Decimal) -> list[Line]:
    """One line per variant of a REST product, named as Shopify names its order lines."""
    lines = []
    for variant in product.get("variants") or []:
        title = _text(variant, "title")
        name = _text(product, "title")
        if title and title != DEFAULT_TITLE:
            name = f"{name} - {title}"
        lines.append(
            Line(
                kind=LineKind.PRODUCT,
                description=name,
                quantity=Decimal(1),
                unit_price=money(variant.get("price")),
                vat_rate=vat_rate if variant.get("taxable", True) else Decimal(0),
                sku=_text(variant, "sku"),
                product_id=_text(product, "id"),
                variant_id=_text(variant, "id"),
            )
        )
    return lines


def products_from_bulk(rows: list[dict]) -> Iterator[dict]:
    """REST products (with their variants) from the JSONL rows of ``PRODUCTS_BULK``."""
    products: dict[str, dict] = {}
    for row in rows:
        parent = row.get("__parentId")
        if parent is None:
            products[row["id"]] = {**row, "variants": []}
        elif parent in products:
            products[parent]["variants"].append(row)
    for node in products.values():
        node = {**node, "variants": {"nodes": node["variants"]}}
        yield gql.product_node_to_rest(node)


# --- the work ----------------------------------------------------------------------------
def bulk_rows(client: ShopifyClient, query: str, *, sleep=time.sleep) -> list[dict]:
    """Run a bulk query and wait for its JSONL result."""
    started = client.run_bulk_query(query=query)
    waited = 0.0
    while True:
        current = client.current_bulk_operation() or {}
        if current.get("id") == started["id"] and current.get("status") == "COMPLETED":
            break
        if current.get("status") in ("FAILED", "CANCELED", "CANCELING", "EXPIRED"):
            raise ConnectorError(
                f"Shopify's bulk operation ended {current['status'].lower()}"
                f" ({current.get('error_code') or 'no error code'}).",
                permanent=True,
                provider="shopify",
            )
        if waited >= BULK_TIMEOUT:
            raise ConnectorError(
                "Shopify's bulk operation did not finish within an hour; try again later.",
                permanent=False,
                provider="shopify",
            )
        sleep(POLL_SECONDS)
        waited += POLL_SECONDS
    return client.fetch_bulk_result(url=current["url"]) if current.get("url") else []


def shopify_sync_catalog(
    *,
    integration: Integration,
    customers: bool,
    products: bool,
    dry_run: bool = False,
    progress: Progress | None = None,
    sleep=time.sleep,
) -> CatalogSummary:
    """Every customer and/or product of the shop into Fortnox, through the link table."""
    shopify = services.shopify_client_for(integration.source)
    fortnox = fortnox_client_for(integration)
    summary = CatalogSummary(dry_run=dry_run)
    work: list[tuple[str, Callable[[], catalog.CatalogResult], str]] = []
    if customers:
        for node in bulk_rows(shopify, CUSTOMERS_BULK, sleep=sleep):
            rest = gql.customer_node_to_rest(node)
            job = _customer_job(integration, rest, shopify, fortnox, dry_run)
            work.append(("customers", job, _who(rest)))
    if products:
        taxes_included, rate = shop_prices_include_vat(shopify), catalog_rate(integration)
        for product in products_from_bulk(bulk_rows(shopify, PRODUCTS_BULK, sleep=sleep)):
            for line in variant_lines(product, vat_rate=rate):
                job = _article_job(integration, product, line, taxes_included, fortnox, dry_run)
                work.append(("articles", job, line.sku or line.description))
    for kind in ("customers", "articles"):
        if any(item[0] == kind for item in work):
            summary.counts[kind] = Counter()
    for index, (kind, job, label) in enumerate(work, start=1):
        _run(summary, kind, job, label)
        if progress:
            progress(index, len(work))
    return summary


def _run(summary: CatalogSummary, kind: str, job, label: str) -> None:
    try:
        result = job()
    except ConnectorError as error:
        summary.count(kind, "failed")
        summary.failures.append(f"{kind[:-1]} {label}: {error.message}")
        return
    summary.count(kind, result.outcome.value)


def _who(customer: dict) -> str:
    return _text(customer, "email") or _text(customer, "id")


def catalog_rate(integration: Integration) -> Decimal:
    return Decimal(settings_for(integration).catalog_vat_rate)


def shop_prices_include_vat(client: ShopifyClient) -> bool:
    data = client.graphql(gql.SHOP_TAXES_QUERY)
    return bool((data.get("shop") or {}).get("taxesIncluded"))


def _customer_job(integration, rest: dict, shopify, fortnox, dry_run: bool):
    def job() -> catalog.CatalogResult:
        doc = catalog.catalog_document(
            source=SOURCE,
            source_id=str(rest["id"]),
            customer=customer_to_canonical(rest),
            context={"customer": rest},
        )
        result = catalog.customer_upsert(
            integration=integration, doc=doc, client=fortnox, dry_run=dry_run
        )
        if integration.write_back_customer_number and result.number and not dry_run:
            services.customer_number_write_back(
                client=shopify, customer_id=rest["id"], number=result.number
            )
        return result

    return job


def _article_job(integration, product: dict, line: Line, taxes_included, fortnox, dry_run):
    def job() -> catalog.CatalogResult:
        doc = catalog.catalog_document(
            source=SOURCE,
            source_id=line.variant_id,
            customer=Customer(source_id="", kind=CustomerKind.PRIVATE, name=""),
            lines=(line,),
            prices_include_vat=taxes_included,
            context={"product": product},
        )
        return catalog.article_upsert(
            integration=integration, doc=doc, client=fortnox, dry_run=dry_run
        )

    return job


# --- one object, from a webhook ------------------------------------------------------------
def customer_changed(*, integration: Integration, customer_id: str) -> catalog.CatalogResult:
    """customers/create|update: re-read the customer (deliveries arrive out of order) and
    keep its Fortnox customer in step; write the number back when the setting is on."""
    shopify = services.shopify_client_for(integration.source)
    rest = shopify.get_customer(customer_id=customer_id)
    return _customer_job(integration, rest, shopify, fortnox_client_for(integration), False)()


def product_changed(*, integration: Integration, product_id: str) -> list[catalog.CatalogResult]:
    """products/create|update: re-read the product and keep each variant's article."""
    shopify = services.shopify_client_for(integration.source)
    product = shopify.get_product(product_id=product_id)
    fortnox = fortnox_client_for(integration)
    taxes_included, rate = shop_prices_include_vat(shopify), catalog_rate(integration)
    return [
        _article_job(integration, product, line, taxes_included, fortnox, False)()
        for line in variant_lines(product, vat_rate=rate)
    ]
