"""The status page's "Sync customers and products": the source's whole register of
customers and products into Fortnox, on the task queue, its outcome kept on the source
connection for the page to show. The source does the work (``sync_catalog``); sources
without one get no button."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from integrations.errors import ConnectorError
from syncs.connectors import SourceConnector, get_source
from syncs.models import Integration

log = logging.getLogger(__name__)
KEY = "catalog_sync"  # in the source connection's metadata


def can_sync_registers(connector: SourceConnector) -> bool:
    return callable(getattr(connector, "sync_catalog", None))


def registers_state(integration: Integration) -> dict:
    """``{"started_at": ..., "finished_at": ..., "summary": ..., "ok": ...}`` or {}."""
    return dict(integration.source.metadata.get(KEY) or {})


def _save(integration: Integration, state: dict) -> None:
    source = integration.source
    source.metadata = {**source.metadata, KEY: state}
    source.save(update_fields=["metadata", "updated_at"])


def registers_sync_start(*, integration: Integration) -> bool:
    """Queue the sync; False while one is already waiting or running."""
    if registers_state(integration).get("started_at") and not registers_state(integration).get(
        "finished_at"
    ):
        return False
    _save(integration, {"started_at": timezone.now().isoformat()})
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task("syncs.registers.registers_sync_task", integration.pk))
    return True


def registers_sync_task(integration_id: int) -> None:
    integration = Integration.objects.select_related("source", "fortnox").get(pk=integration_id)
    state = registers_state(integration)
    try:
        summary = get_source(integration.source.provider).sync_catalog(integration=integration)
        state.update(summary=summary, ok=True)
    except ConnectorError as error:
        state.update(summary=error.message, ok=False)
    except Exception:
        log.exception("register sync of integration %s crashed", integration_id)
        state.update(summary="An unexpected error stopped the sync; it is logged.", ok=False)
    state["finished_at"] = timezone.now().isoformat()
    _save(integration, state)
