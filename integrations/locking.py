"""Locks that hold across workers on every database we support."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import DatabaseError, OperationalError, connection, models, transaction

from integrations.errors import ConnectorError

KEY_LOCK_TIMEOUT = 120.0  # seconds; longer than one holder's bounded Fortnox retries
POLL_SECONDS = 0.05


class LockTimeout(ConnectorError):
    """Another worker held the lock too long; trying again later can help."""

    def __init__(self, name: str) -> None:
        super().__init__(
            "Another sync was busy creating the same record for too long; this sync will be"
            " retried.",
            permanent=False,
            provider="syncs",
            detail=f"lock {name!r}",
        )


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


@contextmanager
def key_lock(
    name: str,
    *,
    timeout: float = KEY_LOCK_TIMEOUT,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[None]:
    """Hold a lock named ``name`` against every other worker for the ``with`` block.

    For a short check-then-create that calls an API in between (look up, create, record
    the link): the second worker waits, then finds what the first one made.

    PostgreSQL: a session-level advisory lock on a 64-bit hash of the name, released when
    the block ends (or the connection dies). It is deliberately not a transaction-scoped
    lock: a transaction held across API calls would also hold, until its end, the row
    locks that the shared rate limiter and the token refresh take inside it (stalling every
    other worker of the tenant), and a rollback would lose a refresh token already spent.
    Session locks need a direct connection or session pooling, not transaction pooling.

    SQLite has no named locks; a transaction there begins with BEGIN IMMEDIATE (settings),
    which takes the database's write lock at once, so the block runs in one. Whatever it
    wrote is committed even when it ends in an error (a refreshed token, counted requests,
    log lines, a link to what was created), unless the error came from the database.

    Raises ``LockTimeout`` (transient) after waiting ``timeout`` seconds.
    """
    if connection.vendor == "postgresql":
        with _advisory_lock(name, timeout=timeout, sleep=sleep):
            yield
    else:
        with _write_lock(name):
            yield


def lock_number(name: str) -> int:
    """A stable signed 64-bit number for a lock name (collisions only serialise more)."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def _advisory_lock(name: str, *, timeout: float, sleep: Callable[[float], None]):
    number = lock_number(name)
    deadline = time.monotonic() + timeout
    # Polled rather than blocking, so a stuck holder costs a retry, not a hung worker.
    while not _fetch("SELECT pg_try_advisory_lock(%s)", number):
        if time.monotonic() >= deadline:
            raise LockTimeout(name)
        sleep(POLL_SECONDS)
    try:
        yield
    finally:
        _fetch("SELECT pg_advisory_unlock(%s)", number)


def _fetch(sql: str, number: int):
    with connection.cursor() as cursor:
        cursor.execute(sql, [number])
        return cursor.fetchone()[0]


@contextmanager
def _write_lock(name: str):
    entered, failure = False, None
    try:
        with transaction.atomic():  # BEGIN IMMEDIATE waits for the write lock (busy timeout)
            entered = True
            try:
                yield
            except DatabaseError:
                raise
            except Exception as exc:  # re-raised once what was written is committed
                failure = exc
    except OperationalError as exc:
        if entered:
            raise
        raise LockTimeout(name) from exc  # "database is locked"
    if failure is not None:
        raise failure
