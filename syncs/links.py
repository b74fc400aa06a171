"""The external-id link table: the cache that saves API calls and makes creation
idempotent."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction

from integrations.locking import key_lock
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


@contextmanager
def link_lock(integration: Integration, kind: str, name: str) -> Iterator[None]:
    """Let one worker at a time find or create the Fortnox record named ``name``.

    Inside: check the link table again, search Fortnox, create, save the link; a worker
    that waited then finds the link (or the record) the one before it made. Hold it for
    that one record only, never for a whole run."""
    with key_lock(f"link:{integration.pk}:{kind}:{name}"):
        yield
