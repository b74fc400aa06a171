"""From a canonical document and an integration's settings to the Fortnox payloads."""

from __future__ import annotations

from decimal import Decimal

from fortnox.documents import DocumentOptions, build_document
from integrations.documents import SalesDocument
from syncs.connectors import get_source
from syncs.mapping import default_remarks, mappings_apply
from syncs.models import ExternalLink, Integration

PricesIncludeVat = Integration.PricesIncludeVat


def prices_include_vat(integration: Integration, doc: SalesDocument) -> bool | None:
    if integration.prices_include_vat == PricesIncludeVat.INCLUDE:
        return True
    if integration.prices_include_vat == PricesIncludeVat.EXCLUDE:
        return False
    return None


def document_kind(integration: Integration, doc: SalesDocument) -> str:
    if doc.is_credit:
        return ExternalLink.Kind.CREDIT
    return doc.document_type or integration.document_type


def document_register(integration: Integration, doc: SalesDocument) -> str:
    """The Fortnox register the document goes to: a credit is an invoice; otherwise what
    the source asked for, else the integration's document type."""
    return "invoice" if doc.is_credit else doc.document_type or integration.document_type


def document_options(
    integration: Integration,
    doc: SalesDocument,
    *,
    customer_number: str,
    article_numbers: dict[int, str],
    credit_invoice_reference: str = "",
) -> DocumentOptions:
    label = get_source(doc.source).label
    return DocumentOptions(
        document_type=document_register(integration, doc),
        customer_number=customer_number,
        article_numbers=article_numbers,
        shipping=integration.shipping,
        prices_include_vat=prices_include_vat(integration, doc),
        gift_card_account=integration.gift_card_account,
        remarks=default_remarks(doc, label),
        credit_invoice_reference=credit_invoice_reference,
    )


def document_payload(
    integration: Integration, doc: SalesDocument, options: DocumentOptions, warnings: list[str]
) -> dict:
    body = build_document(doc, options)
    _warn_forced_vat_basis(doc, options, warnings)
    return mappings_apply(
        integration=integration, target="document", payload=body, doc=doc, warnings=warnings
    )


def _warn_forced_vat_basis(doc: SalesDocument, options: DocumentOptions, warnings: list[str]):
    forced = options.prices_include_vat
    if forced is not None and forced != doc.prices_include_vat:
        warnings.append(
            "Prices are sent "
            + ("including" if forced else "excluding")
            + " VAT against the source's own basis; Fortnox's totals may differ by rounding."
        )


def totals_differences(doc: SalesDocument, created: dict, source_label: str) -> list[str]:
    """Compare Fortnox's computed totals with the source's own, to the öre."""
    round_off = Decimal(str(created.get("RoundOff") or 0))
    fortnox_total = Decimal(str(created.get("Total") or 0)) - round_off
    fortnox_vat = Decimal(str(created.get("TotalVAT") or 0))
    differences = []
    if fortnox_total != doc.totals.total:
        differences.append(
            f"Fortnox's total {fortnox_total:.2f} {doc.currency} differs from"
            f" {source_label}'s {doc.totals.total:.2f} {doc.currency}."
        )
    if fortnox_vat != doc.totals.vat:
        differences.append(
            f"Fortnox's VAT {fortnox_vat:.2f} {doc.currency} differs from"
            f" {source_label}'s {doc.totals.vat:.2f} {doc.currency}."
        )
    return differences
