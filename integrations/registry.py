"""The explicit registry of source connectors (Shopify, HubSpot).

Shared code asks the registry for "the connector of this provider" instead of testing
provider names. A connector registers itself in its AppConfig.ready().
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from syncs.documents import SalesDocument
    from syncs.models import InboundEvent, Integration, SyncRun


class SyncSkipped(Exception):
    """The source object should not become a document (yet): not paid, cancelled, a test."""


class EventWork(Protocol):
    operation: str
    source_id: str
    label: str


class SourceConnector(Protocol):
    key: str  # the provider value: "shopify"
    label: str
    #: (value, label) pairs for Integration.trigger
    triggers: list[tuple[str, str]]
    #: names a field-mapping path may start with: ("order", "customer")
    context_roots: tuple[str, ...]

    def preview_document(self, *, payload: Any, integration: Integration | None) -> SalesDocument:
        """Map a payload as delivered by a webhook, without any API call."""

    def load_document(
        self, *, integration: Integration, operation: str, source_id: str
    ) -> SalesDocument:
        """Re-read the object from the source's API and map it; raise SyncSkipped when it
        should not become a document in its current state."""

    def interpret_event(
        self, *, event: InboundEvent, integration: Integration | None
    ) -> list[EventWork]:
        """What a recorded webhook asks for: zero or more runs to claim for the account's
        integration (None when the account has none; account-level topics such as
        uninstalls and privacy requests are handled here and claim nothing)."""

    def report(self, *, integration: Integration, run: SyncRun, replay_url: str) -> None:
        """Write the outcome back where the merchant works."""


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
