from __future__ import annotations

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        log.exception("health check: database unreachable")
        return False


def _queue_ok() -> bool:
    from django_q.brokers import get_broker
    from django_q.brokers.orm import ORM
    from django_q.models import OrmQ

    try:
        broker = get_broker()
        if isinstance(broker, ORM):
            # The ORM broker's ping() always says yes; read its table instead.
            OrmQ.objects.exists()
            return True
        return bool(broker.ping())
    except Exception:
        log.exception("health check: queue broker unreachable")
        return False


@require_GET
def healthz(request):
    checks = {"database": _database_ok(), "queue": _queue_ok()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
