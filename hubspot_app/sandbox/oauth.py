"""OAuth: the authorize page, the token endpoints, token info, revoke and uninstall.

hubspot.md §1: the authorize URL carries ``client_id``, ``redirect_uri``, ``scope`` and
``optional_scope`` (both space separated; note the singular) and ``state``; ``scope`` must
match the app's required (+ conditionally required) scopes. The token endpoint
(``/oauth/2026-03/token``, ``/oauth/v3/token``, legacy ``/oauth/v1/token``) takes a form body
with the client credentials in it; access tokens last 30 minutes (``expires_in: 1800``);
refresh tokens do not rotate: a refresh returns the same refresh token, which lives until the
app is uninstalled, after which it is 400 ``invalid_grant`` / ``BAD_REFRESH_TOKEN``. v3 answers
add ``token_use, hub_id, user_id, scopes``; v1 answers only the first four fields.
The deny redirect (``error=access_denied``) and single-use 10-minute codes follow RFC 6749
(§4.1.2, §4.1.2.1); ``client_credentials`` is unverified (§0a), so it is refused.
"""

from __future__ import annotations

import html
import secrets
import uuid
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from hubspot_app.sandbox import errors, tokens
from hubspot_app.sandbox.state import Request, Response

if TYPE_CHECKING:
    from hubspot_app.sandbox.sandbox import HubSpotSandbox

FORM = "application/x-www-form-urlencoded"


def oauth_error(error: str, status: str, description: str, http: int = 400) -> Response:
    """§1: RFC 6749 fields plus HubSpot's legacy ``status``/``message``."""
    body = {
        "error": error,
        "error_description": description,
        "status": status,
        "message": description,
        "correlationId": str(uuid.uuid4()),
    }
    return Response.json(http, body)


BAD_REFRESH = ("invalid_grant", "BAD_REFRESH_TOKEN", "refresh token is invalid, expired or revoked")
BAD_CODE = ("invalid_grant", "BAD_AUTH_CODE", "auth code not found")
BAD_REDIRECT = ("invalid_grant", "BAD_REDIRECT_URI", "redirect_uri does not match")
BAD_CLIENT = ("invalid_client", "BAD_CLIENT_ID", "missing or unknown client id")
BAD_SECRET = ("invalid_client", "BAD_CLIENT_SECRET", "missing or invalid client secret")


def _page(status: int, title: str, text: str) -> Response:
    return Response.html(
        status, f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{html.escape(text)}</p>"
    )


def _scope_problem(sb: HubSpotSandbox, scope: set[str], optional: set[str]) -> str | None:
    required, conditional = set(sb.required_scopes), set(sb.conditional_scopes)
    if not required <= scope or not scope <= required | conditional:
        return (
            "Authorization failed because there is a mismatch between the scopes in the "
            f"install URL ({' '.join(sorted(scope))}) and the app's configured scopes."
        )
    if not optional <= set(sb.optional_scopes):
        return f"Optional scopes not configured for this app: {' '.join(sorted(optional))}"
    return None


def authorize(sb: HubSpotSandbox, req: Request) -> Response:
    """GET /oauth/authorize: the consent page, or the redirect back once a button is pressed."""
    query = {key: value for key, value in req.query}
    if query.get("client_id") != sb.client_id:
        return _page(400, "Authorization failed", "The client_id is unknown.")
    redirect_uri = query.get("redirect_uri", "")
    if redirect_uri not in sb.redirect_urls:
        return _page(400, "Authorization failed", "The redirect_uri does not match the app's.")
    scope = set(query.get("scope", "").split())
    optional = set(query.get("optional_scope", "").split())
    problem = _scope_problem(sb, scope, optional)
    if problem:
        return _page(400, "Authorization failed", problem)
    decision = query.get("decision")
    if decision not in ("approve", "deny"):
        return Response.html(200, _consent_html(sb, query))
    back = {"state": query["state"]} if "state" in query else {}
    if decision == "deny":
        denied = {"error": "access_denied", "error_description": "The user denied access"}
        return Response(302, {"Location": f"{redirect_uri}?{urlencode({**denied, **back})}"})
    portal = sb.portal(int(query.get("portal_id") or next(iter(sb.portals))))
    code = sb.create_code(portal.portal_id, sorted(scope | optional), redirect_uri)
    return Response(302, {"Location": f"{redirect_uri}?{urlencode({'code': code, **back})}"})


def _consent_html(sb: HubSpotSandbox, query: dict[str, str]) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in query.items()
        if k not in ("decision", "portal_id")
    )
    options = "".join(
        f'<option value="{pid}">Portal {pid} ({p.currency})</option>'
        for pid, p in sb.portals.items()
    )
    scopes = html.escape(" ".join([query.get("scope", ""), query.get("optional_scope", "")]))
    return (
        "<!doctype html><title>Connect app</title><h1>Connect the app to HubSpot</h1>"
        f'<p>The app asks for: {scopes}</p><form method="get">{hidden}'
        f'<label>Account <select name="portal_id">{options}</select></label> '
        '<button type="submit" name="decision" value="approve">Approve</button> '
        '<button type="submit" name="decision" value="deny">Deny</button></form>'
    )


def _form(req: Request) -> dict[str, str] | Response:
    if req.headers.get("content-type", "").split(";")[0].strip() != FORM:
        return oauth_error("invalid_request", "BAD_REQUEST", f"The body must be {FORM}")
    return dict(parse_qsl(req.body.decode(), keep_blank_values=True))


def _client(sb: HubSpotSandbox, form: dict[str, str]) -> Response | None:
    if form.get("client_id") != sb.client_id:
        return oauth_error(*BAD_CLIENT)
    if form.get("client_secret") != sb.client_secret:
        return oauth_error(*BAD_SECRET)
    return None


def token(sb: HubSpotSandbox, req: Request) -> Response:
    """POST /oauth/{v1,v3,2026-03}/token: authorization_code and refresh_token grants."""
    form = _form(req)
    if isinstance(form, Response):
        return form
    refused = _client(sb, form)
    if refused:
        return refused
    grant = form.get("grant_type")
    if grant == "authorization_code":
        code = sb.codes.get(form.get("code", ""))
        if not code or code["used"] or code["expires_at"] <= sb.now():
            return oauth_error(*BAD_CODE)
        if form.get("redirect_uri") != code["redirect_uri"]:
            return oauth_error(*BAD_REDIRECT)
        code["used"] = True
        answer = tokens.issue(sb, code["portal_id"], code["scopes"])
    elif grant == "refresh_token":
        record = sb.refresh_tokens.get(form.get("refresh_token", ""))
        if not record or record["revoked"]:
            return oauth_error(*BAD_REFRESH)
        answer = tokens.issue(sb, record["portal_id"], record["scopes"], form["refresh_token"])
    else:
        return oauth_error("unsupported_grant_type", "BAD_GRANT_TYPE", f"{grant} is not supported")
    if req.match.get("version") == "v1":
        answer = {
            k: answer[k] for k in ("access_token", "refresh_token", "expires_in", "token_type")
        }
    return Response.json(200, answer)


def _access_info(sb: HubSpotSandbox, value: str) -> dict | None:
    record = sb.access_tokens.get(value)
    if not record or record["revoked"] or record["expires_at"] <= sb.now():
        return None
    return record


def introspect(sb: HubSpotSandbox, req: Request) -> Response:
    """POST /oauth/{v3,2026-03}/token/introspect: the hub id and scopes behind a token."""
    form = _form(req)
    if isinstance(form, Response):
        return form
    refused = _client(sb, form)
    if refused:
        return refused
    value = form.get("token", "")
    access, refresh = _access_info(sb, value), sb.refresh_tokens.get(value)
    if access:
        return Response.json(200, sb.token_info(value, access, kind="access_token"))
    if refresh and not refresh["revoked"]:
        return Response.json(200, sb.token_info(value, refresh, kind="refresh_token"))
    return Response.json(200, {"active": False})


def legacy_access_token(sb: HubSpotSandbox, req: Request) -> Response:
    """GET /oauth/v1/access-tokens/{token} (legacy token info)."""
    record = _access_info(sb, req.match["token"])
    if not record:
        raise errors.not_found("The access token is expired or invalid")
    info = sb.token_info(req.match["token"], record, kind="access_token")
    keys = (
        "token",
        "user",
        "hub_domain",
        "scopes",
        "hub_id",
        "app_id",
        "expires_in",
        "user_id",
        "token_type",
    )
    return Response.json(200, {k: info[k] for k in keys})


def legacy_refresh_token(sb: HubSpotSandbox, req: Request) -> Response:
    """GET|DELETE /oauth/v1/refresh-tokens/{token}; DELETE revokes it (204)."""
    record = sb.refresh_tokens.get(req.match["token"])
    if not record or record["revoked"]:
        raise errors.not_found("The refresh token is invalid or revoked")
    if req.method == "DELETE":
        record["revoked"] = True
        return Response.empty(204)
    info = sb.token_info(req.match["token"], record, kind="refresh_token")
    keys = ("token", "user", "hub_domain", "scopes", "hub_id", "client_id", "user_id", "token_type")
    return Response.json(200, {k: info[k] for k in keys})


def revoke(sb: HubSpotSandbox, req: Request) -> Response:
    """POST /oauth/{v3,2026-03}/token/revoke: the refresh token stops working (RFC 7009: 200)."""
    form = _form(req)
    if isinstance(form, Response):
        return form
    refused = _client(sb, form)
    if refused:
        return refused
    record = sb.refresh_tokens.get(form.get("token", ""))
    if record:
        record["revoked"] = True
    return Response.empty(200)


def uninstall(sb: HubSpotSandbox, req: Request) -> Response:
    """DELETE /appinstalls/{v3,2026-03}/external-install: the app removes itself (204)."""
    sb.uninstall(portal_id=req.portal.portal_id)
    return Response.empty(204)


def new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(64)
