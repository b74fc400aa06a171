"""Rate limits and fault injection (hubspot.md §7, §0a).

* Per app per portal: 100 requests per rolling 10 seconds (the documented figure; §0a calls
  the 110 figure unverified). Answers carry ``X-HubSpot-RateLimit-Max``, ``-Remaining`` and
  ``-Interval-Milliseconds: 10000``; no daily headers for OAuth apps.
* Search: its own 5 requests per second per portal, and no rate-limit headers on its answers.
* Over a limit: 429 with ``errorType: RATE_LIMIT`` and ``policyName`` TEN_SECONDLY_ROLLING or
  SECONDLY (``errors.rate_limited``). Refused requests do not count.

``Faults`` queues answers for the next API requests (OAuth is never faulted): any status
(429 as HubSpot's rate-limit body, 477 "migration in progress", 5xx) with an optional
``Retry-After``, or ``timeout`` (the request is never answered).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from hubspot_app.sandbox import errors
from hubspot_app.sandbox.state import Response

WINDOW_SECONDS = 10.0
MAX_REQUESTS = 100
SEARCH_PER_SECOND = 5


@dataclass
class Limits:
    """Rolling windows per portal, on the sandbox clock."""

    max_requests: int = MAX_REQUESTS
    search_per_second: int = SEARCH_PER_SECOND
    enabled: bool = True
    _calls: dict[int, deque] = field(default_factory=dict)
    _searches: dict[int, deque] = field(default_factory=dict)

    def admit(self, portal_id: int, now: float, *, search: bool) -> Response | dict[str, str]:
        """Headers to add to the answer, or the 429 to send instead."""
        if not self.enabled:
            return {}
        window, limit = (
            (1.0, self.search_per_second) if search else (WINDOW_SECONDS, self.max_requests)
        )
        calls = (self._searches if search else self._calls).setdefault(portal_id, deque())
        while calls and calls[0] <= now - window:
            calls.popleft()
        headers = {} if search else self._headers(limit - len(calls))
        if len(calls) >= limit:
            return errors.rate_limited(
                search=search, headers=self._headers(0) if not search else {}
            )
        calls.append(now)
        if not search:
            headers["X-HubSpot-RateLimit-Remaining"] = str(limit - len(calls))
        return headers

    def _headers(self, remaining: int) -> dict[str, str]:
        return {
            "X-HubSpot-RateLimit-Max": str(self.max_requests),
            "X-HubSpot-RateLimit-Remaining": str(max(remaining, 0)),
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(int(WINDOW_SECONDS * 1000)),
        }

    def reset(self) -> None:
        self._calls.clear()
        self._searches.clear()


@dataclass
class Faults:
    """Answers queued for the next API requests, first in first out."""

    queue: list[tuple[int | str, float | None]] = field(default_factory=list)

    def add(self, status: int | str, times: int, retry_after: float | None) -> None:
        self.queue.extend([(status, retry_after)] * times)

    def take(self) -> Response | None:
        if not self.queue:
            return None
        status, retry_after = self.queue.pop(0)
        headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
        if status == "timeout":
            return Response(504, {}, b"", fault="timeout")
        if status == 429:
            return errors.rate_limited(search=False, headers=headers)
        if status == 477:
            body = errors.body("Migration in progress; retry later.", "MIGRATION_IN_PROGRESS")
            return Response.json(477, body, headers)
        body = errors.body("internal error", "INTERNAL_ERROR")
        return Response.json(int(status), body, headers)
