"""The external-id link table: the cache that saves API calls and makes creation
idempotent."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from syncs.models import ExternalLink, Integration


def link_get(integration: Integration, kind: str, source_id: str) -> str:
    link = ExternalLink.objects.filter(
        integration=integration, kind=kind, source_id=source_id
    ).first()
    return link.fortnox_number if link else ""


def link_save(integration: Integration, kind: str, source_id: str, number: str) -> str:
    """Record the link; if another worker recorded one first, theirs stands."""
    try:
        with transaction.atomic():
            ExternalLink.objects.create(
                integration=integration, kind=kind, source_id=source_id, fortnox_number=number
            )
    except IntegrityError:
        return link_get(integration, kind, source_id)
    return number
