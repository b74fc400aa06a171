"""OAuth codes and tokens: authorization codes, JWT-like access tokens, single-use refresh
tokens. Lifetimes follow Fortnox: code 10 min, access token 1 h, refresh token 45 days."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

CODE_LIFETIME = 600
ACCESS_LIFETIME = 3600
REFRESH_LIFETIME = 45 * 24 * 3600


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class TokenStore:
    """Every grant the sandbox has handed out, keyed by the secret string itself."""

    signing_key: str = field(default_factory=lambda: secrets.token_hex(32))
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    refresh_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)

    def _jwt(self, tenant: str, scopes: list[str], now: float) -> str:
        header = {"alg": "HS256", "typ": "JWT"}
        claims = {
            "iss": "fortnox-sandbox",
            "tenantId": int(tenant) if tenant.isdigit() else tenant,
            "scope": " ".join(scopes),
            "iat": int(now),
            "exp": int(now) + ACCESS_LIFETIME,
            "jti": uuid.uuid4().hex,
        }
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
        digest = hmac.new(bytes.fromhex(self.signing_key), signing_input.encode(), hashlib.sha256)
        return f"{signing_input}.{_b64(digest.digest())}"

    def issue(self, tenant: str, scopes: list[str], now: float, *, refresh: bool = True) -> dict:
        """A new access token (and refresh token): the body of a /token 200."""
        self.prune(now)
        access = self._jwt(tenant, scopes, now)
        self.access_tokens[access] = {
            "tenant": tenant,
            "scopes": scopes,
            "expires_at": now + ACCESS_LIFETIME,
        }
        body: dict[str, Any] = {"access_token": access}
        if refresh:
            token = str(uuid.uuid4())
            self.refresh_tokens[token] = {
                "tenant": tenant,
                "scopes": scopes,
                "expires_at": now + REFRESH_LIFETIME,
                "active": True,
            }
            body["refresh_token"] = token
        body.update({"scope": " ".join(scopes), "expires_in": ACCESS_LIFETIME})
        body["token_type"] = "bearer"
        return body

    def create_code(self, tenant: str, scopes: list[str], redirect_uri: str, now: float) -> str:
        """A single-use authorization code for a consent just given."""
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "tenant": tenant,
            "scopes": scopes,
            "redirect_uri": redirect_uri,
            "expires_at": now + CODE_LIFETIME,
            "used": False,
        }
        return code

    def redeem_code(self, code: str, redirect_uri: str | None, now: float) -> dict | None:
        """The code's grant, once; None when unknown, used, expired or for another URI."""
        record = self.codes.get(code)
        if record is None or record["used"] or record["expires_at"] <= now:
            return None
        if redirect_uri and redirect_uri != record["redirect_uri"]:
            return None
        record["used"] = True
        return record

    def use_refresh_token(self, token: str, now: float) -> dict | None:
        """The refresh token's grant, killing the token; None when not usable."""
        record = self.refresh_tokens.get(token)
        if record is None or not record["active"] or record["expires_at"] <= now:
            return None
        record["active"] = False
        return record

    def revoke(self, token: str) -> None:
        """Kill a refresh token (access tokens cannot be revoked)."""
        if token in self.refresh_tokens:
            self.refresh_tokens[token]["active"] = False

    def access(self, token: str, now: float) -> dict | None:
        """The grant behind a live access token."""
        record = self.access_tokens.get(token)
        if record is None or record["expires_at"] <= now:
            return None
        return record

    def prune(self, now: float) -> None:
        """Forget grants that can never be used again."""
        for store in (self.codes, self.access_tokens):
            for key in [k for k, v in store.items() if v["expires_at"] <= now - 86400]:
                del store[key]
        for key in [k for k, v in self.refresh_tokens.items() if v["expires_at"] <= now]:
            del self.refresh_tokens[key]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable copy."""
        return {
            "signing_key": self.signing_key,
            "codes": self.codes,
            "refresh_tokens": self.refresh_tokens,
            "access_tokens": self.access_tokens,
        }
