"""``FortnoxSandbox``: a stateful, thread-safe fake of Fortnox's REST API v3 and OAuth."""

from __future__ import annotations

import json
import os
import threading
import time
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from fortnox.sandbox import errors, remote, router
from fortnox.sandbox.context import Context
from fortnox.sandbox.control import TenantControls
from fortnox.sandbox.errors import Response, json_response
from fortnox.sandbox.faults import Faults
from fortnox.sandbox.oauth import handle_oauth
from fortnox.sandbox.state import ALL_SCOPES, LogEntry, Tenant
from fortnox.sandbox.tokens import TokenStore

DEFAULT_TENANT = ("9999999", "Sandbox AB")


class FortnoxSandbox(TenantControls):
    """Fortnox as seen by a client: tenants, OAuth, ``/3/*`` resources, limits and faults.

    Paths given to :meth:`handle` are relative to the sandbox root: ``/3/...`` for the API
    and ``/oauth-v1/...`` for OAuth. One lock guards all state. Charts of accounts and the
    OSS setting are changed through :class:`~fortnox.sandbox.control.TenantControls`.
    """

    rate_limit = 25
    rate_window = 5.0
    rsps: Any = None  # the responses.RequestsMock the pytest fixture installed it on

    def __init__(
        self,
        *,
        api_url: str = "https://api.fortnox.se",
        client_id: str = "sandbox",
        client_secret: str = "sandbox-secret",  # noqa: S107 - the documented sandbox secret
        persist_path: str | Path | None = None,
        auto_tenant: bool = False,
        default_redirect_uri: str | None = None,
        seed: int = 0,
    ) -> None:
        self._lock = threading.RLock()
        self.api_url = api_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.persist_path = Path(persist_path) if persist_path else None
        self.auto_tenant = auto_tenant
        self.default_redirect_uri = default_redirect_uri
        self.tenants: dict[str, Tenant] = {}
        self.tokens = TokenStore()
        self.faults = Faults(seed=seed)
        self.request_log: list[LogEntry] = []
        self._clock_offset = 0.0
        self._windows: dict[str, deque[float]] = {}
        self._dirty = False

    # --- clock, tenants, tokens ----------------------------------------------------------

    def now(self) -> float:
        """Sandbox time: wall-clock seconds plus everything :meth:`advance_clock` added."""
        return time.time() + self._clock_offset

    def advance_clock(self, seconds: float) -> None:
        """Move sandbox time forward (expire tokens or empty rate windows without sleeping)."""
        with self._lock:
            self._clock_offset += seconds
            self._dirty = True

    def add_tenant(
        self,
        database_number: str = "1234567",
        company_name: str = "Testbolaget AB",
        *,
        scopes: Iterable[str] | None = None,
        licences: Iterable[str] | None = None,
        currencies: Iterable[str] = ("SEK", "EUR", "USD", "GBP", "NOK", "DKK"),
        vat_rates: Iterable[int] = (25, 12, 6, 0),
        round_off: bool = False,
    ) -> Tenant:
        """Register a company; ``scopes``/``licences`` of None mean all of them."""
        tenant = Tenant(
            database_number=str(database_number),
            company_name=company_name,
            scopes=frozenset(scopes) if scopes is not None else None,
            licences=frozenset(licences) if licences is not None else None,
            currencies=tuple(currencies),
            vat_rates=tuple(vat_rates),
            round_off=round_off,
        )
        with self._lock:
            self.tenants[tenant.database_number] = tenant
            self._dirty = True
            self._save_if_dirty()
        return tenant

    def tenant(self, database_number: str) -> Tenant:
        """A tenant by its database number (KeyError when unknown)."""
        return self.tenants[str(database_number)]

    def create_default_tenant(self) -> Tenant | None:
        """The "Sandbox AB" tenant a fresh HTTP sandbox creates on first consent."""
        if not self.auto_tenant:
            return None
        number, name = DEFAULT_TENANT
        return self.tenants.get(number) or self.add_tenant(number, name)

    def issue_tokens(
        self, database_number: str = "1234567", scopes: Iterable[str] | None = None
    ) -> dict[str, Any]:
        """Tokens as if consent had been given: exactly the body of a /token 200."""
        with self._lock:
            tenant = self.tenant(database_number)
            granted = list(scopes) if scopes is not None else tenant.granted_scopes()
            unknown = [s for s in granted if s not in ALL_SCOPES]
            if unknown:
                raise ValueError(f"unknown scopes: {unknown}")
            self._dirty = True
            return self.tokens.issue(tenant.database_number, granted, self.now())

    def authorize(
        self,
        client_id: str = "sandbox",
        redirect_uri: str = "http://localhost/callback",
        scope: str = " ".join(ALL_SCOPES),
        state: str = "state",
        database_number: str | None = None,
    ) -> str:
        """Approve consent without a browser and return the authorization code."""
        query = {
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": scope,
            "state": state,
            "response_type": "code",
            "access_type": "offline",
            "approve": "1",
        }
        if database_number:
            query["database_number"] = database_number
        response = self.handle("GET", "/oauth-v1/auth", query=query)
        params = dict(parse_qsl(urlsplit(response.headers.get("Location", "")).query))
        if "code" not in params:
            raise ValueError(params.get("error") or response.body.decode(errors="replace"))
        return params["code"]

    # --- request log ---------------------------------------------------------------------

    @property
    def token_requests(self) -> int:
        """How many requests reached /oauth-v1/token (any grant, any outcome)."""
        return sum(1 for e in self.request_log if e.path.startswith("/oauth-v1/token"))

    @property
    def refresh_requests(self) -> int:
        """How many /oauth-v1/token requests used grant_type=refresh_token."""
        return sum(1 for e in self.request_log if e.grant_type == "refresh_token")

    def mark_dirty(self) -> None:
        """Note that state changed and must be persisted."""
        self._dirty = True

    # --- handling ------------------------------------------------------------------------

    def handle(
        self,
        method: str,
        path: str,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        body: bytes | str = b"",
    ) -> Response:
        """Answer one request; ``path`` is percent-encoded and relative to the sandbox root."""
        method = method.upper()
        path = "/" + urlsplit(path).path.strip("/")
        request = {
            "query": dict(query or {}),
            "headers": {k.lower(): v for k, v in (headers or {}).items()},
            "body": body.encode() if isinstance(body, str) else (body or b""),
        }
        if path == "/_control" or path.startswith("/_control/"):
            return remote.handle(self, method, path, request)
        with self._lock:
            now = self.now()
            tenant, grant = None, None
            if path == "/oauth-v1" or path.startswith("/oauth-v1/"):
                response, tenant, grant = handle_oauth(self, method, path, request, now)
            elif path == "/3" or path.startswith("/3/"):
                response, tenant = self._api(method, path, request, now)
            else:
                response = json_response(404, {"message": "not found"})
            self.request_log.append(
                LogEntry(now, tenant, method, path, response.status, grant, response.fault)
            )
            self._save_if_dirty()
        if self.faults.latency and path.startswith("/3"):
            time.sleep(self.faults.latency)
        return response

    def _admit(self, tenant: str, now: float) -> bool:
        """Sliding-window rate limit: at most 25 admitted requests per 5 s per tenant."""
        window = self._windows.setdefault(tenant, deque())
        while window and window[0] <= now - self.rate_window:
            window.popleft()
        if len(window) >= self.rate_limit:
            return False
        window.append(now)
        return True

    def _api(
        self, method: str, path: str, request: dict[str, Any], now: float
    ) -> tuple[Response, str | None]:
        scheme, _, token = request["headers"].get("authorization", "").partition(" ")
        grant = self.tokens.access(token, now) if scheme.lower() == "bearer" else None
        if grant is None or grant["tenant"] not in self.tenants:
            return errors.unauthorized(), None
        tenant = self.tenants[grant["tenant"]]
        if not self._admit(tenant.database_number, now):
            return _too_many(), tenant.database_number
        fault = self.faults.roll()
        if fault:
            return _fault_response(fault), tenant.database_number
        segments = [unquote(s) for s in path.split("/")[2:]]
        ctx = Context(tenant, method, request["query"], request["body"], now, self.api_url)
        try:
            self._check_access(tenant, grant, segments, request)
            response = router.dispatch(ctx, segments)
        except errors.ApiError as error:
            return error.response(), tenant.database_number
        if method != "GET" or segments[-1:] in (["print"], ["email"]):
            self._dirty = True
        if method == "POST" and response.status == 201 and self.faults.take_crash():
            response.fault = "crash"
        return response, tenant.database_number

    @staticmethod
    def _check_access(
        tenant: Tenant, grant: dict[str, Any], segments: list[str], request: dict[str, Any]
    ) -> None:
        scope = router.RESOURCE_SCOPES.get(segments[0].lower() if segments else "")
        if scope is None:
            raise router.unknown_resource()
        if scope not in grant["scopes"]:
            raise errors.ApiError(
                403, errors.NOT_AUTHORISED_FOR_SCOPE, f"not authorised for scope {scope}"
            )
        if not tenant.has_licence(scope):
            raise errors.bad_request(
                errors.NO_LICENCE, "Det finns ingen aktiv licens för önskat scope"
            )
        content_type = request["headers"].get("content-type", "")
        if request["body"].strip() and "json" not in content_type.lower():
            raise errors.bad_request(errors.BAD_CONTENT_TYPE, "Ogiltig Content-Type.")

    # --- persistence ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Everything worth keeping across restarts (not the request log)."""
        with self._lock:
            return {
                "clock_offset": self._clock_offset,
                "tenants": [t.to_dict() for t in self.tenants.values()],
                "tokens": self.tokens.to_dict(),
            }

    def load_dict(self, data: dict[str, Any]) -> None:
        """Replace state with a :meth:`to_dict` snapshot."""
        with self._lock:
            self._clock_offset = data.get("clock_offset", 0.0)
            self.tenants = {t["database_number"]: Tenant.from_dict(t) for t in data["tenants"]}
            self.tokens = TokenStore(**data["tokens"])

    def load(self) -> None:
        """Load state from ``persist_path`` when the file exists."""
        if self.persist_path and self.persist_path.exists():
            self.load_dict(json.loads(self.persist_path.read_text()))

    def _save_if_dirty(self) -> None:
        if not (self._dirty and self.persist_path):
            return
        self._dirty = False
        self.persist_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.persist_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.to_dict(), ensure_ascii=False))
        os.replace(temporary, self.persist_path)


def _too_many() -> Response:
    return json_response(429, {"message": "Too Many Requests"})


def _fault_response(fault: str) -> Response:
    if fault == "timeout":
        return Response(504, {}, b"", fault="timeout")
    if fault == "rate_limit":
        return _too_many()
    error = errors.ApiError(500, errors.SYSTEM_ERROR, "Ett systemfel har uppstått.")
    return error.response()


__all__ = ["FortnoxSandbox"]
