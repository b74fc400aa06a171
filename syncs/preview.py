"""What a sync would send to Fortnox, computed without writing anything or calling an API."""

from __future__ import annotations

from typing import Any

from integrations.documents import LineKind, SalesDocument
from syncs.articles import article_key, article_payload
from syncs.building import document_options, document_payload
from syncs.connectors import get_source
from syncs.customers import (
    CustomerUnresolved,
    customer_link_key,
    customer_payload,
    guest_customer,
)
from syncs.links import link_get
from syncs.models import ExternalLink, Integration
from syncs.vat import reverse_charge_problem

NEW_CUSTOMER = "(new customer)"
NO_CUSTOMER = "(no guest customer set)"
ORIGINAL_CUSTOMER = "(the invoice's customer)"


def default_integration(source_key: str) -> Integration:
    """An unsaved integration with the default settings, for previews."""
    return Integration()


def document_preview(
    *, source_key: str, payload: Any, integration: Integration | None = None
) -> dict[str, Any]:
    """The customer, articles and document that syncing ``payload`` would send."""
    connector = get_source(source_key)
    integration = integration or default_integration(source_key)
    doc = connector.preview_document(payload=payload, integration=integration)
    warnings = list(doc.warnings)
    customer, customer_number = _customer(integration, doc, warnings)
    articles, numbers = _articles(integration, doc, warnings)
    options = document_options(
        integration, doc, customer_number=customer_number or NEW_CUSTOMER, article_numbers=numbers
    )
    envelope = "Order" if options.document_type == "order" else "Invoice"
    return {
        "document_type": options.document_type,
        "customer": {"Customer": customer} if customer is not None else {},
        "articles": [{"Article": article} for article in articles],
        "document": {envelope: document_payload(integration, doc, options, warnings)},
        "warnings": warnings,
    }


def credit_preview(
    *, source_key: str, payload: Any, refund: Any, integration: Integration | None = None
) -> dict[str, Any]:
    """The credit invoice a refund of ``payload`` makes when the sale's invoice is booked
    (a draft is corrected instead; ``syncs.credits``), in the order preview's shape: it
    references the sale's invoice and its rows are negative. Writes nothing, calls no API."""
    connector = get_source(source_key)
    integration = integration or default_integration(source_key)
    if not hasattr(connector, "preview_credit"):
        raise ValueError(f"{connector.label} has no refunds to preview")
    doc = connector.preview_credit(payload=payload, refund=refund, integration=integration)
    warnings = list(doc.warnings)
    sale_key = f"{doc.source}:sale:{doc.credit_for}"
    original = _linked(integration, ExternalLink.Kind.INVOICE, sale_key)
    _, customer_number = _customer(integration, doc, [])
    articles, numbers = _articles(integration, doc, warnings)
    options = document_options(
        integration,
        doc,
        customer_number=customer_number or ORIGINAL_CUSTOMER,
        article_numbers=numbers,
        credit_invoice_reference=original or f"(the invoice of {doc.number})",
    )
    return {
        "document_type": "invoice",
        "customer": {},  # the credit goes to the invoice's customer
        "articles": [{"Article": article} for article in articles],
        "document": {"Invoice": document_payload(integration, doc, options, warnings)},
        "warnings": warnings,
    }


def _customer(integration: Integration, doc: SalesDocument, warnings: list[str]):
    """The customer that would be created (None when an existing one is used) and the
    number the document would carry, decided as ``customer_resolve`` decides."""
    try:
        if number := guest_customer(integration, doc):
            return None, number  # the operator's guest customer
    except CustomerUnresolved as error:
        warnings.append(error.message)
        return None, NO_CUSTOMER
    linked = _linked(integration, ExternalLink.Kind.CUSTOMER, customer_link_key(integration, doc))
    payload = customer_payload(integration, doc, warnings)
    if not linked and (problem := reverse_charge_problem(doc.customer, payload["VATType"])):
        warnings.append(problem)
    return payload, linked


def _linked(integration: Integration, kind: str, key: str) -> str:
    return link_get(integration, kind, key) if integration.pk and key else ""


def _articles(integration: Integration, doc: SalesDocument, warnings: list[str]):
    """Each product line's article as it would be created, and the number each row uses
    (a linked number when known, else the number a new article would get)."""
    articles, numbers = [], {}
    for index, line in enumerate(doc.lines):
        if line.kind == LineKind.SHIPPING:
            numbers[index] = integration.shipping_article
            continue
        if line.kind != LineKind.PRODUCT:
            numbers[index] = ""
            continue
        article = article_payload(integration, doc, line, warnings)
        linked = _linked(integration, ExternalLink.Kind.ARTICLE, article_key(integration, line))
        numbers[index] = linked or article.get("ArticleNumber", "")
        articles.append(article)
    return articles, numbers
