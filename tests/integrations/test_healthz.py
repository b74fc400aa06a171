from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok_when_database_and_queue_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True, "queue": True}}


def test_healthz_answers_503_when_the_database_is_unreachable(client):
    with mock.patch.object(connection, "cursor", side_effect=RuntimeError("db down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] is False


def test_healthz_answers_503_when_the_queue_broker_is_unreachable(client):
    with mock.patch("django_q.brokers.get_broker", side_effect=ConnectionError("no broker")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "queue": False}
