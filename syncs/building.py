"""From a canonical document and an integration's settings to the Fortnox payloads."""

from __future__ import annotations

from decimal import Decimal

from fortnox import limits
from fortnox.documents import Accounts, DocumentOptions, build_document, freight_problem
from fortnox.documents import document_kind as fortnox_kind
from integrations.documents import ZERO, SalesDocument
from syncs.connectors import get_source
from syncs.mapping import default_remarks, mappings_apply
from syncs.models import ExternalLink, Integration
from syncs.vat import vat_type_for

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


def integration_accounts(integration: Integration) -> Accounts:
    """The accounts the integration books gift cards, duties, tips and sales on."""
    return Accounts(
        gift_card=integration.gift_card_account,
        duty=integration.duty_account,
        tip=integration.tip_account,
        sales={
            Decimal(25): integration.sales_account_25,
            Decimal(12): integration.sales_account_12,
            Decimal(6): integration.sales_account_6,
        },
        eu_goods=integration.eu_goods_account,
        eu_services=integration.eu_services_account,
        export=integration.export_account,
    )


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
        vat_type=vat_type_for(doc.customer, overrides=integration.vat_type_overrides),
        accounts=integration_accounts(integration),
    )


def document_payload(
    integration: Integration, doc: SalesDocument, options: DocumentOptions, warnings: list[str]
) -> dict:
    """The document exactly as it is sent: built, field mappings applied, then fitted to
    Fortnox's field limits (each change a warning). The preview shows this same body."""
    body = build_document(doc, options)
    _warn_forced_vat_basis(doc, options, warnings)
    if problem := freight_problem(doc, options):
        warnings.append(problem)
    body = mappings_apply(
        integration=integration, target="document", payload=body, doc=doc, warnings=warnings
    )
    rows_key = fortnox_kind(options.document_type).rows_key
    return fitted(limits.fit_document(body, rows_key), warnings)


def fitted(result: tuple[dict, list[str]], warnings: list[str]) -> dict:
    """The payload of a ``limits.fit_*`` call; its notes become the run's warnings."""
    payload, notes = result
    warnings.extend(notes)
    return payload


def _warn_forced_vat_basis(doc: SalesDocument, options: DocumentOptions, warnings: list[str]):
    forced = options.prices_include_vat
    if forced is not None and forced != doc.prices_include_vat:
        warnings.append(
            "Prices are sent "
            + ("including" if forced else "excluding")
            + " VAT against the source's own basis; Fortnox's totals may differ by rounding."
        )


def totals_differences(doc: SalesDocument, created: dict, source_label: str) -> list[str]:
    """Compare what Fortnox will collect (its Total, rounding included) and its VAT with
    what the buyer paid, to the öre. When öresavrundning alone makes the totals differ,
    that is said in one line ("Fortnox rounded 913.50 to 914.00")."""
    # A credit's amounts are the source's, negated.
    sign = -1 if doc.is_credit else 1
    round_off = sign * Decimal(str(created.get("RoundOff") or 0))
    fortnox_total = sign * Decimal(str(created.get("Total") or 0))
    fortnox_vat = sign * Decimal(str(created.get("TotalVAT") or 0))
    differences = []
    if round_off != ZERO and fortnox_total - round_off == doc.totals.total:
        differences.append(
            f"Fortnox rounded {doc.totals.total:.2f} to {fortnox_total:.2f} {doc.currency}"
            " (öresavrundning): the invoice asks for"
            f" {abs(round_off):.2f} {'more' if round_off > 0 else 'less'} than the buyer paid."
        )
    elif fortnox_total != doc.totals.total:
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
