"""The HTTP session factory every connector client uses."""

from __future__ import annotations

import requests
from django.conf import settings


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
