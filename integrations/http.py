"""The HTTP session factory and the one retry loop every connector client uses.

A client writes only how its provider's answers are classified (a ``ConnectorError`` with
``permanent`` set, raised by its ``send once`` function); when to try again lives here.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import requests
from django.conf import settings

from integrations.errors import ConnectorError

log = logging.getLogger(__name__)
T = TypeVar("T")
Sleep = Callable[[float], None]

# A request that failed while connecting never reached the provider, so even a create may
# be sent again; any other transport failure may have happened after the provider acted.
NOT_SENT = "not_sent"


class ConnectorSession(requests.Session):
    """A session with a default timeout, our User-Agent, and redirects off.

    Redirects are off because an API that redirects is misconfigured or hijacked, and
    following it would send our bearer token somewhere else.
    """

    def __init__(self, *, timeout: float | None = None) -> None:
        super().__init__()
        self.timeout = timeout if timeout is not None else settings.HTTP_TIMEOUT
        self.headers["User-Agent"] = settings.HTTP_USER_AGENT
        self.max_redirects = 0

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, url, **kwargs)


def build_session(*, timeout: float | None = None) -> ConnectorSession:
    return ConnectorSession(timeout=timeout)


def transport_error(exc: requests.RequestException, *, provider: str, label: str) -> ConnectorError:
    """A failure below HTTP, transient; marked ``NOT_SENT`` when it happened while
    connecting, the one case where the request cannot have reached the provider."""
    kind = "did not answer in time" if isinstance(exc, requests.Timeout) else "could not be reached"
    return ConnectorError(
        f"{label} {kind}; the request will be retried.",
        permanent=False,
        provider=provider,
        code=NOT_SENT if isinstance(exc, requests.ConnectTimeout) else None,
        detail=f"{type(exc).__name__}: {exc}",
    )


@dataclass(frozen=True)
class RetryPolicy:
    """How hard a client tries: at most ``attempts`` sends within ``max_seconds``, with
    jittered exponential backoff, or the provider's own ``Retry-After`` when it gives one."""

    attempts: int = 3
    max_seconds: float = 30.0
    backoff_base: float = 0.5
    backoff_cap: float = 8.0

    def backoff(self, attempt: int) -> float:
        base = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return base * random.uniform(0.5, 1.0)


def may_resend(error: ConnectorError, *, safe_to_repeat: bool) -> bool:
    """Whether sending the request again can help and cannot do the work twice.

    A permanent error is never retried. A request that is not safe to repeat (a create) is
    resent only when it cannot have been acted on: the provider said "slow down" (429) or
    the connection was never made."""
    if error.permanent:
        return False
    return safe_to_repeat or error.status == 429 or error.code == NOT_SENT


def call_with_retries(
    send: Callable[[], T],
    *,
    policy: RetryPolicy,
    safe_to_repeat: bool,
    sleep: Sleep = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Call ``send()`` until it returns, retrying transient ``ConnectorError``s as
    ``policy`` allows. Gives up at once when the next wait would pass the deadline."""
    deadline = clock() + policy.max_seconds
    attempt = 0
    while True:
        attempt += 1
        try:
            return send()
        except ConnectorError as error:
            if attempt >= policy.attempts or not may_resend(error, safe_to_repeat=safe_to_repeat):
                raise
            delay = policy.backoff(attempt)
            if error.retry_after:
                delay = error.retry_after + random.uniform(0, 0.5)
            if clock() + delay > deadline:
                raise
            log.info("%s request failed (%s); retrying in %.1fs", error.provider, error, delay)
            sleep(delay)
