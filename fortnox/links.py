"""Links to a document in Fortnox's web app (or in the sandbox's pages)."""

from __future__ import annotations

from django.conf import settings

from integrations.models import Connection

REGISTERS = {"invoice": "invoices", "credit": "invoices", "order": "orders"}


def document_url(*, connection: Connection | None, kind: str, number: str) -> str:
    """Where the merchant sees the document: ``FORTNOX_DOCUMENT_URL`` filled with the
    tenant, the register (``invoices``, ``orders``) and the number; empty without one."""
    if connection is None or not number:
        return ""
    return settings.FORTNOX_DOCUMENT_URL.format(
        tenant=connection.account_id, register=REGISTERS.get(kind, "invoices"), number=number
    )
