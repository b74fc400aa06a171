"""``/oauth-v1/*``: the consent page, the token endpoint and revocation."""

from __future__ import annotations

import base64
import binascii
import html
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from fortnox.sandbox.errors import Response, json_response
from fortnox.sandbox.state import ALL_SCOPES, Tenant

if TYPE_CHECKING:
    from fortnox.sandbox.core import FortnoxSandbox

BAD_CODE = "Authorization code doesn't exist or is invalid for the client"


def _page(status: int, title: str, body: str) -> Response:
    document = (
        "<!doctype html><html lang='sv'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body>{body}</body></html>"
    )
    return Response(status, {"Content-Type": "text/html; charset=utf-8"}, document.encode())


def error_page(message: str) -> Response:
    """A 400 page for requests that cannot be redirected back to the client."""
    return _page(400, "Fortnox sandbox", f"<h1>Fel</h1><p>{html.escape(message)}</p>")


def _redirect(uri: str, params: dict[str, str]) -> Response:
    glue = "&" if "?" in uri else "?"
    return Response(302, {"Location": uri + glue + urlencode(params)})


def _consent_page(query: dict[str, str], tenants: list[Tenant], scopes: list[str]) -> Response:
    hidden = "".join(
        f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(v)}'>"
        for k, v in query.items()
        if k not in ("approve", "deny", "database_number")
    )
    if tenants:
        options = "".join(
            f"<option value='{html.escape(t.database_number)}'>"
            f"{html.escape(t.company_name)} ({html.escape(t.database_number)})</option>"
            for t in tenants
        )
        company = f"<p>Företag: <select name='database_number'>{options}</select></p>"
    else:
        company = "<p>Företag: Sandbox AB (skapas vid godkännande)</p>"
    items = "".join(f"<li>{html.escape(s)}</li>" for s in scopes)
    deny = "?" + urlencode({**query, "deny": "1"})
    body = (
        "<h1>Fortnox sandbox</h1><p>Appen <b>sandbox</b> begär åtkomst till:</p>"
        f"<ul>{items}</ul><form method='get' action=''>{hidden}{company}"
        "<button type='submit' name='approve' value='1'>Approve</button></form>"
        f"<p><a href='{html.escape(deny)}'>Deny</a></p>"
    )
    return _page(200, "Godkänn åtkomst - Fortnox sandbox", body)


def authorize_endpoint(sb: FortnoxSandbox, query: dict[str, str], now: float) -> Response:
    """GET /oauth-v1/auth: validate, then show consent, or redirect with a code or an error."""
    if query.get("client_id") != sb.client_id:
        return error_page("Okänd client_id (invalid_client).")
    missing = [p for p in ("response_type", "state", "scope") if not query.get(p)]
    redirect_uri = query.get("redirect_uri") or sb.default_redirect_uri
    if missing or not redirect_uri:
        return error_page("Parametrar saknas: " + ", ".join(missing or ["redirect_uri"]))
    state = query["state"]
    if query["response_type"] != "code":
        return _redirect(redirect_uri, {"error": "unsupported_response_type", "state": state})
    scopes = query["scope"].split()
    wanted = query.get("database_number")
    if wanted and wanted not in sb.tenants:
        return error_page(f"Okänt företag {wanted}.")
    candidates = [sb.tenants[wanted]] if wanted else list(sb.tenants.values())
    if any(s not in ALL_SCOPES or not all(t.allows_scope(s) for t in candidates) for s in scopes):
        return _redirect(redirect_uri, {"error": "invalid_scope", "state": state})
    if query.get("deny"):
        return _redirect(redirect_uri, {"error": "access_denied", "state": state})
    if not query.get("approve"):
        if not candidates and not sb.auto_tenant:
            return error_page("Sandboxen har inget företag.")
        return _consent_page(query, candidates, scopes)
    tenant = candidates[0] if candidates else sb.create_default_tenant()
    if tenant is None:
        return error_page("Sandboxen har inget företag.")
    code = sb.tokens.create_code(tenant.database_number, scopes, redirect_uri, now)
    sb.mark_dirty()
    return _redirect(redirect_uri, {"code": code, "state": state})


def _client_ok(sb: FortnoxSandbox, headers: dict[str, str]) -> bool:
    scheme, _, encoded = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(encoded, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return False
    return decoded == f"{sb.client_id}:{sb.client_secret}"


def _invalid_client() -> Response:
    body = {"error": "invalid_client", "error_description": "The client credentials are invalid"}
    return Response(401, {"Content-Type": "text/plain"}, json.dumps(body).encode())


def _oauth_error(error: str, description: str) -> Response:
    return json_response(400, {"error": error, "error_description": description})


def _form(body: bytes) -> dict[str, str]:
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def token_endpoint(
    sb: FortnoxSandbox, headers: dict[str, str], body: bytes, now: float
) -> tuple[Response, str | None, str | None]:
    """POST /oauth-v1/token; returns (response, tenant, grant_type) for the request log."""
    form = _form(body)
    grant = form.get("grant_type")
    if not _client_ok(sb, headers):
        return _invalid_client(), None, grant
    if grant == "authorization_code":
        record = sb.tokens.redeem_code(form.get("code", ""), form.get("redirect_uri"), now)
        if record is None or record["tenant"] not in sb.tenants:
            return _oauth_error("invalid_grant", BAD_CODE), None, grant
    elif grant == "refresh_token":
        record = sb.tokens.use_refresh_token(form.get("refresh_token", ""), now)
        if record is None:
            return _oauth_error("invalid_grant", "Invalid refresh token"), None, grant
    elif grant == "client_credentials":
        tenant = headers.get("tenantid", "")
        if tenant not in sb.tenants:
            return _oauth_error("invalid_request", "Unknown TenantId"), None, grant
        tokens = sb.tokens.issue(tenant, sb.tenants[tenant].granted_scopes(), now, refresh=False)
        sb.mark_dirty()
        return json_response(200, tokens), tenant, grant
    else:
        return _oauth_error("unsupported_grant_type", "Unsupported grant type"), None, grant
    tokens = sb.tokens.issue(record["tenant"], record["scopes"], now)
    sb.mark_dirty()
    return json_response(200, tokens), record["tenant"], grant


def revoke_endpoint(sb: FortnoxSandbox, headers: dict[str, str], body: bytes) -> Response:
    """POST /oauth-v1/revoke: the refresh token stops working."""
    if not _client_ok(sb, headers):
        return _invalid_client()
    sb.tokens.revoke(_form(body).get("token", ""))
    sb.mark_dirty()
    return json_response(200, {"revoked": True})


def handle_oauth(
    sb: FortnoxSandbox, method: str, path: str, request: dict[str, Any], now: float
) -> tuple[Response, str | None, str | None]:
    """Route one ``/oauth-v1/...`` request; returns (response, tenant, grant_type)."""
    endpoint = path.removeprefix("/oauth-v1").strip("/")
    routes = {"auth": "GET", "token": "POST", "revoke": "POST"}
    if endpoint not in routes:
        return json_response(404, {"error": "not_found"}), None, None
    if method != routes[endpoint]:
        return json_response(405, {"error": "method_not_allowed"}), None, None
    if endpoint == "auth":
        return authorize_endpoint(sb, request["query"], now), None, None
    if endpoint == "token":
        return token_endpoint(sb, request["headers"], request["body"], now)
    return revoke_endpoint(sb, request["headers"], request["body"]), None, None
