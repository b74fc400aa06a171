"""The source-connector protocol and its explicit registry.

A source connector (Shopify, HubSpot) is everything the engine needs to know about one
provider of sales. The engine asks the registry for "the connector of this provider"
instead of testing provider names; a connector registers itself in its AppConfig.ready().
The protocol lives in the engine because the engine is what calls it: a source imports
the engine, never the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from django import forms
    from django.contrib.admin.options import InlineModelAdmin
    from django.db import models

    from integrations.documents import SalesDocument
    from syncs.models import InboundEvent, Integration, SyncRun


class SyncSkipped(Exception):
    """The source object should not become a document (yet): not paid, cancelled, a test."""


class SourceUnavailable(Exception):
    """The source account cannot be read until the merchant connects it again (access
    revoked, app uninstalled). The run is not failed or skipped: it waits, pending, and is
    taken up again when the account is connected (``syncs.waiting``)."""


@dataclass(frozen=True)
class Work:
    """One run a recorded event asks for: an operation on one source object."""

    operation: str
    source_id: str
    label: str = ""


@dataclass
class Outcome:
    """What the engine hands a source connector to write a run's outcome back.

    ``document_pdf`` loads the Fortnox document's PDF only when called, so a source that
    attaches it (a HubSpot deal note) pays for the download and one that does not never
    does; sources never talk to Fortnox themselves.
    """

    run: SyncRun
    replay_url: str
    customer_number: str = ""
    document_pdf: Callable[[], bytes] = field(default=lambda: b"", repr=False)
    #: the Fortnox document as Fortnox has it (Total, TotalVAT, Currency...), loaded only
    #: when called, for a source that shows the totals
    document: Callable[[], dict] = field(default=lambda: {}, repr=False)
    #: what the run did when it did more than create a document, in one sentence (a
    #: refund: "Fortnox credit invoice 12 created against invoice 5: 89.90 SEK credited.")
    summary: str = ""


class SourceConnector(Protocol):
    key: str  # the provider value: "shopify"
    label: str
    #: names a field-mapping path may start with: ("order", "customer")
    context_roots: tuple[str, ...]
    #: the connector's own settings (one-to-one with Integration), or None
    settings_model: type[models.Model] | None
    #: the admin inline that edits ``settings_model`` beside the integration
    settings_inline: type[InlineModelAdmin] | None
    #: the ModelForm for ``settings_model`` on the merchant's settings page (its fields'
    #: labels and help texts are what the merchant reads), or None
    settings_form: type[forms.ModelForm] | None

    def settings_for(self, integration: Integration) -> Any:
        """The connector's settings for this integration (defaults when unsaved)."""

    def validate_settings(self, *, integration: Integration, settings: Any) -> dict[str, str]:
        """Problems with the connector's own settings, keyed by field name."""

    def setup_url(self, *, integration: Integration) -> str:
        """Where the merchant continues onboarding after connecting Fortnox."""

    def describe_trigger(self, *, integration: Integration) -> str:
        """One sentence: when a sale of this source becomes a document."""

    def describe_report(self, *, integration: Integration) -> str:
        """One sentence: where the outcome of a sale is written back for the merchant
        ("The invoice number is added to the order's note in Shopify.")."""

    def reconnect_url(self, *, integration: Integration) -> str:
        """Where the merchant goes to connect the source account again (reinstall)."""

    def preview_document(self, *, payload: Any, integration: Integration) -> SalesDocument:
        """Map a payload as delivered by a webhook, without any API call."""

    def preview_credit(
        self, *, payload: Any, refund: Any, integration: Integration
    ) -> SalesDocument:
        """Map a refund of the sale in ``payload``, both as delivered by webhooks, to its
        credit document (``is_credit``), without any API call."""

    def load_document(
        self, *, integration: Integration, operation: str, source_id: str
    ) -> SalesDocument:
        """Re-read the object from the source's API and map it; raise SyncSkipped when it
        should not become a document in its current state."""

    def interpret_event(
        self, *, event: InboundEvent, integration: Integration | None
    ) -> list[Work]:
        """What a recorded webhook asks for: zero or more runs to claim for the account's
        integration (None when the account has none; account-level topics such as
        uninstalls and privacy requests are handled here and claim nothing)."""

    def report(self, *, integration: Integration, outcome: Outcome) -> None:
        """Write the outcome back where the merchant works."""

    # Optional: ``requeue_lost(*, now, lease) -> int`` queues again the connector's own
    # pending work whose hand-off to the queue was lost (called by the outbox dispatcher).


_SOURCES: dict[str, SourceConnector] = {}


def register_source(connector: SourceConnector) -> None:
    _SOURCES[connector.key] = connector


def get_source(key: str) -> SourceConnector:
    try:
        return _SOURCES[key]
    except KeyError:
        known = ", ".join(sorted(_SOURCES)) or "none"
        raise LookupError(f"no source connector {key!r} (registered: {known})") from None


def sources() -> dict[str, SourceConnector]:
    return dict(_SOURCES)
