"""Keeping Fortnox customers and articles in step with a source's catalog.

A source hands over one customer (``integrations.documents.Customer``) or one product
variant (a ``Line`` of quantity one at its list price) at a time; the engine finds its
Fortnox record through the link table (then an exact lookup, as for a sale), creates it
when there is none, and otherwise updates the fields the source owns when they differ.
Fields that only seed a new customer (terms of payment, price list...) are never
overwritten: the operator may have changed them in Fortnox since.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from fortnox.client import FortnoxClient
from fortnox.documents import price_excluding_vat
from integrations.documents import Customer, Line, SalesDocument, Totals
from integrations.errors import ConnectorError
from syncs import articles, customers
from syncs.connectors import get_source
from syncs.links import link_get, link_lock, link_save
from syncs.models import ExternalLink, Integration

# What ``customer_payload`` adds from the integration's defaults for new customers only.
NEW_CUSTOMER_ONLY = frozenset(
    {"TermsOfPayment", "Currency", "PriceList", "WayOfDelivery", "TermsOfDelivery", "Language"}
)
NOT_UPDATED = frozenset({"CustomerNumber", "ArticleNumber", "Type"})


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class CatalogResult:
    outcome: Outcome
    number: str  # "" when a dry run would create it
    changed: list[str] = field(default_factory=list)  # Fortnox fields sent on an update
    warnings: list[str] = field(default_factory=list)


class CatalogProblem(ConnectorError):
    """The source object cannot be kept in Fortnox (no SKU to match it by, say)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True, provider="syncs")


def catalog_document(
    *,
    source: str,
    source_id: str,
    customer: Customer,
    lines: tuple[Line, ...] = (),
    prices_include_vat: bool = False,
    context: dict[str, Any] | None = None,
) -> SalesDocument:
    """A document around one catalog object, so that the sale's customer and article
    rules (link keys, field mappings) apply to it unchanged."""
    return SalesDocument(
        source=source,
        source_id=source_id,
        number="",
        issued_on=date.today(),
        currency="",
        prices_include_vat=prices_include_vat,
        customer=customer,
        lines=lines,
        totals=Totals(Decimal(0), Decimal(0)),
        context=context or {},
    )


def _changes(wanted: dict, existing: dict, skip: frozenset[str]) -> dict:
    return {
        key: value
        for key, value in wanted.items()
        if key not in skip and str(existing.get(key) or "").strip() != str(value or "").strip()
    }


# --- customers -------------------------------------------------------------------------
def customer_upsert(
    *, integration: Integration, doc: SalesDocument, client: FortnoxClient, dry_run: bool = False
) -> CatalogResult:
    """Create the document's customer in Fortnox, or update the fields the source owns."""
    warnings: list[str] = []
    payload = customers.customer_payload(integration, doc, warnings)
    if not payload.get("Name"):
        raise CatalogProblem("The customer has no name (nor e-mail address) to create it with.")
    kind = ExternalLink.Kind.CUSTOMER
    key = customers.customer_link_key(integration, doc)
    number = link_get(integration, kind, key)
    if not number:
        with link_lock(integration, kind, key):
            number = link_get(integration, kind, key) or _found_customer(integration, doc, client)
            if not number:
                if dry_run:
                    return CatalogResult(Outcome.CREATED, "", warnings=warnings)
                created = client.create_customer(customer=payload)
                number = link_save(integration, kind, key, created["CustomerNumber"])
                return CatalogResult(Outcome.CREATED, number, warnings=warnings)
            if not dry_run:
                number = link_save(integration, kind, key, number)
    existing = client.get_customer(customer_number=number)
    changes = _changes(payload, existing, NOT_UPDATED | NEW_CUSTOMER_ONLY)
    if not changes:
        return CatalogResult(Outcome.UNCHANGED, number, warnings=warnings)
    if not dry_run:
        client.update_customer(customer_number=number, customer=changes)
    return CatalogResult(Outcome.UPDATED, number, sorted(changes), warnings)


def _found_customer(integration: Integration, doc: SalesDocument, client) -> str:
    found = customers._lookup(integration, doc, client)
    return found["CustomerNumber"] if found else ""


# --- articles --------------------------------------------------------------------------
def article_upsert(
    *, integration: Integration, doc: SalesDocument, client: FortnoxClient, dry_run: bool = False
) -> CatalogResult:
    """Create the document's one line as a Fortnox article with its price (excluding VAT,
    in the default price list) and VAT rate, or update its description and price."""
    (line,) = doc.lines
    key = articles.article_key(integration, line)
    if not key:
        raise CatalogProblem(
            f"{line.description!r} has no SKU to match a Fortnox article by; give it a"
            f" SKU in {get_source(doc.source).label}."
        )
    warnings: list[str] = []
    payload = articles.article_payload(integration, doc, line, warnings)
    price = price_excluding_vat(line, doc.prices_include_vat)
    kind = ExternalLink.Kind.ARTICLE
    number = link_get(integration, kind, key)
    if not number:
        with link_lock(integration, kind, key):
            number = link_get(integration, kind, key) or _found_article(integration, line, client)
            if not number:
                if dry_run:
                    return CatalogResult(Outcome.CREATED, "", warnings=warnings)
                created = client.create_article(article=payload)
                number = link_save(integration, kind, key, created["ArticleNumber"])
                client.set_price(article_number=number, price=price)
                return CatalogResult(Outcome.CREATED, number, warnings=warnings)
            if not dry_run:
                number = link_save(integration, kind, key, number)
    return _article_update(client, number, payload, price, dry_run, warnings)


def _found_article(integration: Integration, line: Line, client) -> str:
    found = articles._lookup(integration, line, client)
    return found["ArticleNumber"] if found else ""


def _article_update(client, number, payload, price, dry_run, warnings) -> CatalogResult:
    existing = client.get_article(article_number=number)
    # Only the description follows the source; accounts and VAT seed new articles.
    changes = _changes({"Description": payload.get("Description")}, existing, NOT_UPDATED)
    current_price = existing.get("SalesPrice")
    price_differs = current_price is None or Decimal(str(current_price)) != price
    changed = sorted(changes) + (["Price"] if price_differs else [])
    if not changed:
        return CatalogResult(Outcome.UNCHANGED, number, warnings=warnings)
    if not dry_run:
        if changes:
            client.update_article(article_number=number, article=changes)
        if price_differs:
            save = client.set_price if current_price is None else client.update_price
            save(article_number=number, price=price)
    return CatalogResult(Outcome.UPDATED, number, changed, warnings)


@dataclass
class CatalogSummary:
    """What a catalog sync did, by kind of record, for its one-line summary."""

    dry_run: bool = False
    counts: dict[str, Counter] = field(default_factory=dict)  # "customers" -> outcome -> n
    failures: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def line(self) -> str:
        prefix = "dry run, nothing written: " if self.dry_run else ""
        parts = [
            f"{kind}: created {c['created']}, updated {c['updated']},"
            f" unchanged {c['unchanged']}, failed {c['failed']}"
            for kind, c in self.counts.items()
        ]
        return prefix + ("; ".join(parts) or "nothing to sync")
