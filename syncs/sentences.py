"""The one sentence that says what will happen to the next sale, true for the settings."""

from __future__ import annotations

from django.utils.translation import gettext as _

from syncs.connectors import SourceConnector
from syncs.models import Integration

Missing = Integration.MissingArticle
After = Integration.AfterCreate


def _articles(integration: Integration) -> str:
    if integration.missing_article == Missing.CREATE:
        return _("a product with no matching article is created as a new article")
    if integration.missing_article == Missing.PLACEHOLDER:
        return _("a product with no matching article is booked on article %(article)s") % {
            "article": integration.placeholder_article
        }
    return _(
        "a product with no matching article stops the sync until you add the article in"
        " Fortnox and replay it"
    )


def _after(integration: Integration) -> str:
    if integration.document_type == Integration.DocumentType.ORDER:
        return _("the order is left for you in Fortnox")
    if integration.after_create == After.BOOKKEEP:
        return _("the invoice is bookkept at once")
    if integration.after_create == After.EMAIL:
        return _("the invoice is e-mailed to the customer at once")
    return _("the invoice stays a draft until you send it")


def _document(integration: Integration, connector: SourceConnector) -> str:
    """What the sale becomes: the connector says so when its own rules decide (HubSpot's
    stage rules each name a document type), else the integration's document type."""
    describe = getattr(connector, "describe_document", None)
    if describe is not None:
        return describe(integration=integration)
    return integration.get_document_type_display().lower()


def next_sale_sentence(integration: Integration, connector: SourceConnector) -> str:
    """``When the order is paid, it becomes a draft invoice in Fortnox (Sandbox AB); a
    product with no matching article ...; the invoice stays a draft ...``"""
    if not integration.enabled:
        return _("Nothing happens to new sales: the integration is switched off.")
    if integration.fortnox_id is None or not integration.fortnox.is_active:
        return _("Nothing is booked until Fortnox is connected.")
    return _("%(trigger)s, it becomes a %(document)s in %(company)s's Fortnox; %(articles)s;"
             " %(after)s.") % {
        "trigger": connector.describe_trigger(integration=integration),
        "document": _document(integration, connector),
        "company": integration.fortnox.display_name or integration.fortnox.account_id,
        "articles": _articles(integration),
        "after": _after(integration),
    }  # fmt: skip
