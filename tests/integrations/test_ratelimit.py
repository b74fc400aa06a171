from __future__ import annotations

import os
import time

import pytest
from django.conf import settings

from integrations.models import RateLimitBucket
from integrations.ratelimit import DatabaseRateLimiter, RedisRateLimiter

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@pytest.mark.django_db
def test_database_limiter_refuses_the_slot_after_the_limit_and_says_how_long_to_wait():
    limiter = DatabaseRateLimiter(limit=3, window=5.0)
    bucket = RateLimitBucket.objects.create(key="fortnox:1")

    waits = [limiter.try_acquire(bucket.pk) for _ in range(4)]

    assert waits[:3] == [0.0, 0.0, 0.0]
    assert 4.5 < waits[3] <= 5.0 + settings.FORTNOX_RATE_MARGIN
    assert bucket.hits.count() == 3


@pytest.mark.django_db
def test_database_limiter_keeps_tenants_apart():
    limiter = DatabaseRateLimiter(limit=1, window=5.0)
    first, second = (RateLimitBucket.objects.create(key=f"fortnox:{n}") for n in (1, 2))

    assert limiter.try_acquire(first.pk) == 0.0
    assert limiter.try_acquire(second.pk) == 0.0
    assert limiter.try_acquire(first.pk) > 0


@pytest.mark.django_db
def test_acquire_sleeps_until_a_slot_frees():
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    limiter = DatabaseRateLimiter(limit=1, window=0.05, sleep=sleep)
    assert limiter.acquire("fortnox:9") == 0.0

    waited = limiter.acquire("fortnox:9")

    assert slept and waited == sum(slept)
    assert 0 < slept[0] <= 0.05 + settings.FORTNOX_RATE_MARGIN


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")


def test_redis_limiter_shares_the_window_between_instances():
    _redis_or_skip()
    import uuid

    key = f"test:{uuid.uuid4().hex}"
    one = RedisRateLimiter(url=REDIS_URL, limit=2, window=5.0)
    two = RedisRateLimiter(url=REDIS_URL, limit=2, window=5.0)

    assert one.try_acquire(key) == 0.0
    assert two.try_acquire(key) == 0.0
    wait = one.try_acquire(key)
    assert 4.5 < wait <= 5.0 + settings.FORTNOX_RATE_MARGIN
