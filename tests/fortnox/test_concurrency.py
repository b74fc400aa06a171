"""Limits that must hold across workers: one token refresh, 25 requests per 5 seconds.

These need PostgreSQL: row locks across connections, and a database that several
processes share (the suite's SQLite database lives in memory)."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.db import connections
from django.utils import timezone

from fortnox.client import FortnoxClient
from fortnox.oauth import FortnoxOAuth
from integrations.models import Connection
from integrations.oauth import fresh_access_token

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.mark.django_db(transaction=True)
def test_sixteen_threads_with_an_expired_token_cause_exactly_one_refresh(
    fortnox_sandbox, fortnox_tokens
):
    conn = Connection.objects.create(
        provider="fortnox",
        account_id="1234567",
        access_token=fortnox_tokens["access_token"],
        refresh_token=fortnox_tokens["refresh_token"],
        token_expires_at=timezone.now() - timedelta(seconds=5),
    )
    fortnox_sandbox.advance_clock(3601)  # the sandbox agrees the access token expired
    barrier = threading.Barrier(16)
    results: list[object] = []

    def worker():
        try:
            barrier.wait()
            token = fresh_access_token(connection_id=conn.pk, provider=FortnoxOAuth())
            company = FortnoxClient(connection=Connection.objects.get(pk=conn.pk))
            results.append((token, company.get_company_information()["DatabaseNumber"]))
        except Exception as exc:  # collected and asserted below
            results.append(exc)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert fortnox_sandbox.refresh_requests == 1
    assert all(isinstance(r, tuple) for r in results), results
    assert len(results) == 16
    assert {token for token, _ in results} == {Connection.objects.get(pk=conn.pk).access_token}
    assert {str(tenant) for _, tenant in results} == {"1234567"}


def _send_requests(connection_id: int, api_url: str, count: int, errors) -> None:
    """One worker process: its own database connection, the shared limiter."""
    from django.conf import settings

    connections.close_all()
    settings.FORTNOX_API_URL = api_url
    client = FortnoxClient(connection=Connection.objects.get(pk=connection_id))
    try:
        for _ in range(count):
            client.get_company_information()
    except Exception as exc:
        errors.put(repr(exc))
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_four_processes_share_the_tenant_rate_limit(live_server, fortnox_http_sandbox):
    sandbox = fortnox_http_sandbox
    sandbox.add_tenant(database_number="1234567", company_name="Testbolaget AB")
    tokens = sandbox.issue_tokens(database_number="1234567")
    conn = Connection.objects.create(
        provider="fortnox",
        account_id="1234567",
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
        token_expires_at=timezone.now() + timedelta(hours=1),
    )
    api_url = f"{live_server.url}/sandbox/fortnox"
    errors = multiprocessing.get_context("fork").Queue()
    connections.close_all()  # children must not share the parent's database socket
    workers = [
        multiprocessing.get_context("fork").Process(
            target=_send_requests, args=(conn.pk, api_url, 50, errors)
        )
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=180)

    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    assert errors.empty(), errors.get()
    api = [e for e in sandbox.request_log if e.path.startswith("/3/")]
    assert len(api) == 200
    assert [e.status for e in api if e.status == 429] == []
    times = sorted(e.at for e in api)
    busiest = max(sum(1 for t in times if start <= t < start + 5.0) for start in times)
    assert busiest <= 25
