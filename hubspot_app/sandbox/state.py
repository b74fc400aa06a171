"""The sandbox's records: portals and what they hold, the clock, ids and the answer type.

Everything is plain JSON-able data so the process-wide sandbox can be saved to a file after
each change and loaded by the next process (see ``views.py``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl


def iso_ms(epoch: float) -> str:
    """HubSpot's timestamp format: UTC with milliseconds (``2026-01-15T10:30:00.123Z``)."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


@dataclass
class Portal:
    """One HubSpot account ("portal", "hub") with the CRM records this app can see.

    ``objects`` maps an object type (``deals``) to records keyed by id, each stored in the
    v3 shape without associations. ``associations`` holds one row per stored direction:
    ``[from_type, from_id, to_type, to_id, type_id]``.
    """

    portal_id: int
    currency: str = "SEK"
    additional_currencies: list[str] = field(default_factory=lambda: ["EUR", "NOK", "USD"])
    timezone: str = "Europe/Stockholm"
    user_id: int = 0
    objects: dict[str, dict[str, dict]] = field(default_factory=dict)
    associations: list[list] = field(default_factory=list)
    custom_properties: dict[str, dict[str, dict]] = field(default_factory=dict)
    pipelines: list[dict] = field(default_factory=list)
    files: dict[str, dict] = field(default_factory=dict)
    callbacks: dict[str, dict] = field(default_factory=dict)
    completions: list[dict] = field(default_factory=list)
    installed: bool = True

    @property
    def domain(self) -> str:
        return f"sandbox-{self.portal_id}.hubspot.test"

    @property
    def currencies(self) -> list[str]:
        return [self.currency, *self.additional_currencies]

    def store(self, object_type: str) -> dict[str, dict]:
        return self.objects.setdefault(object_type, {})

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Portal:
        return cls(**data)


class Ids:
    """HubSpot-like numeric ids, unique across every record of the sandbox."""

    def __init__(self, next_id: int = 40_000_000_001) -> None:
        self.next_id = next_id

    def take(self) -> str:
        value = self.next_id
        self.next_id += 1
        return str(value)


@dataclass
class Response:
    """What the sandbox answers: a status, headers and a body, as a web server would."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    fault: str = ""  # "timeout": the caller never gets this answer

    @classmethod
    def json(cls, status: int, data: object, headers: dict | None = None) -> Response:
        all_headers = {"Content-Type": "application/json;charset=utf-8", **(headers or {})}
        return cls(status, all_headers, json.dumps(data).encode())

    @classmethod
    def html(cls, status: int, text: str) -> Response:
        return cls(status, {"Content-Type": "text/html; charset=utf-8"}, text.encode())

    @classmethod
    def empty(cls, status: int = 204) -> Response:
        return cls(status, {}, b"")

    def data(self) -> object:
        return json.loads(self.body)


class ApiError(Exception):
    """Raised by a handler to answer with ``response`` (an error body)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


@dataclass
class Request:
    """One request as a handler sees it; ``portal`` and ``token`` are set once authenticated."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    portal: Portal | None = None
    token: dict | None = None
    match: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls, method: str, path: str, query: dict | list | str | None, headers: dict, body: bytes
    ) -> Request:
        if isinstance(query, str):
            pairs = parse_qsl(query, keep_blank_values=True)
        elif isinstance(query, dict):
            pairs = [
                (k, v) for k, vs in query.items() for v in (vs if isinstance(vs, list) else [vs])
            ]
        else:
            pairs = list(query or [])
        lowered = {key.lower(): value for key, value in (headers or {}).items()}
        return cls(method.upper(), path, pairs, lowered, body or b"")

    def param(self, name: str, default: str | None = None) -> str | None:
        values = [value for key, value in self.query if key == name]
        return values[-1] if values else default

    def param_list(self, name: str) -> list[str] | None:
        """A list parameter, repeated (``a=1&a=2``) or comma separated; None when absent."""
        values = [value for key, value in self.query if key == name]
        if not values:
            return None
        return [part.strip() for value in values for part in value.split(",") if part.strip()]

    def json(self) -> dict:
        from hubspot_app.sandbox import errors

        try:
            data = json.loads(self.body or b"null")
        except ValueError:
            raise ApiError(errors.invalid_json()) from None
        if not isinstance(data, dict):
            raise ApiError(errors.invalid_json())
        return data
