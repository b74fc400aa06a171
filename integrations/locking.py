"""Row locks that hold on every database we support."""

from __future__ import annotations

from django.db import connection, models


def lock_row(queryset: models.QuerySet, **lookup) -> models.Model:
    """Lock one row for the rest of the current transaction and return it, re-read.

    PostgreSQL takes a row lock with SELECT ... FOR UPDATE. SQLite ignores FOR UPDATE, so
    there we first write to the row, which takes the database's write lock and serialises
    the competing transactions in the same way. Call inside ``transaction.atomic()``.
    """
    if connection.vendor == "sqlite":
        pk_name = queryset.model._meta.pk.attname
        queryset.filter(**lookup).update(**{pk_name: models.F(pk_name)})
    return queryset.select_for_update().get(**lookup)
