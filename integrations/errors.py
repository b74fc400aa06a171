"""The one error type every connector raises."""

from __future__ import annotations


class ConnectorError(Exception):
    """A failure talking to a provider.

    ``message`` is a sentence a merchant can act on. ``permanent`` says whether trying again
    can help: validation, missing licences and revoked tokens are permanent; rate limits,
    timeouts and 5xx answers are transient and may be retried.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        provider: str = "",
        code: str | int | None = None,
        status: int | None = None,
        detail: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.provider = provider
        self.code = code
        self.status = status
        self.detail = detail
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        kind = "permanent" if self.permanent else "transient"
        return f"<ConnectorError {self.provider} {kind} status={self.status} code={self.code}>"


class NeedsReauthorization(ConnectorError):
    """The stored grant no longer works; the merchant must connect the account again."""

    def __init__(self, message: str, **kwargs) -> None:
        kwargs.setdefault("permanent", True)
        super().__init__(message, **kwargs)
