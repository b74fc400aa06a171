"""Sliding-window rate limits shared by every worker process and host.

A limiter answers "may I send now?" for a key; when the window is full it says how long to
wait, and ``acquire`` sleeps that long. The state lives in the database (default) or in
Redis (when ``REDIS_URL`` is set), never in process memory, so the limit holds across any
number of workers.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction

from integrations.locking import lock_row
from integrations.models import RateLimitBucket, RateLimitHit


def _margin(margin: float | None) -> float:
    """Requests are counted when we send them but by the provider when they arrive: the
    window is widened by the most two requests' transit times may differ
    (``FORTNOX_RATE_MARGIN``). The share of the provider's ceiling a limiter can reach is
    ``window / (window + margin)``: 0.25 s capped it at 95.2 %, 0.15 s at 97.1 %."""
    return settings.FORTNOX_RATE_MARGIN if margin is None else margin


class DatabaseRateLimiter:
    def __init__(
        self,
        *,
        limit: int,
        window: float,
        sleep: Callable[[float], None] = time.sleep,
        margin: float | None = None,
    ):
        self.limit, self.window, self.sleep = limit, window + _margin(margin), sleep

    def acquire(self, key: str) -> float:
        """Block until a slot is free and take it; returns the seconds waited."""
        waited = 0.0
        bucket_id = RateLimitBucket.objects.get_or_create(key=key)[0].pk
        while (wait := self.try_acquire(bucket_id)) > 0:
            self.sleep(wait)
            waited += wait
        return waited

    def try_acquire(self, bucket_id: int) -> float:
        """Take a slot and return 0, or return the seconds until one frees up."""
        with transaction.atomic():
            lock_row(RateLimitBucket.objects, pk=bucket_id)
            now = _database_now()
            RateLimitHit.objects.filter(bucket_id=bucket_id, at__lte=now - self.window).delete()
            hits = RateLimitHit.objects.filter(bucket_id=bucket_id)
            if hits.count() < self.limit:
                RateLimitHit.objects.create(bucket_id=bucket_id, at=now)
                return 0.0
            oldest = hits.order_by("at").values_list("at", flat=True).first()
            return max(oldest + self.window - now, 0.01)


def _database_now() -> float:
    """The database's clock, so hosts with skewed clocks still agree."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXTRACT(EPOCH FROM clock_timestamp())")
            return float(cursor.fetchone()[0])
    return time.time()


# KEYS[1] bucket; ARGV: window, limit, member. Uses Redis' clock; returns the wait as text.
_REDIS_SCRIPT = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', t - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], t, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000) + 1000)
  return '0'
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tostring(tonumber(oldest[2]) + window - t)
"""


class RedisRateLimiter:
    def __init__(
        self,
        *,
        url: str,
        limit: int,
        window: float,
        sleep: Callable[[float], None] = time.sleep,
        margin: float | None = None,
    ):
        import redis

        self.limit, self.window, self.sleep = limit, window + _margin(margin), sleep
        self.redis = redis.Redis.from_url(url)
        self.script = self.redis.register_script(_REDIS_SCRIPT)

    def acquire(self, key: str) -> float:
        waited = 0.0
        while (wait := self.try_acquire(key)) > 0:
            self.sleep(wait)
            waited += wait
        return waited

    def try_acquire(self, key: str) -> float:
        answer = self.script(
            keys=[f"ratelimit:{key}"], args=[self.window, self.limit, uuid.uuid4().hex]
        )
        wait = float(answer)
        return 0.0 if wait <= 0 else max(wait, 0.01)


def build_limiter(*, limit: int, window: float, sleep: Callable[[float], None] = time.sleep):
    if settings.REDIS_URL:
        return RedisRateLimiter(url=settings.REDIS_URL, limit=limit, window=window, sleep=sleep)
    return DatabaseRateLimiter(limit=limit, window=window, sleep=sleep)
