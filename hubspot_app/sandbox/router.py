"""The sandbox's routes: which handler answers a path, and which scopes it needs.

Date-versioned paths (hubspot.md §0: ``/crm/objects/2026-03/deals``, ``/oauth/2026-03/token``,
``/files/2026-03/files`` ...) have the same shapes as v3/v4, so ``normalise`` rewrites them to
the v3/v4 path and both reach the same handler (the reference's advice for the fake).

Scopes (§1): ``crm.objects.<type>.read|write``; line items and products also accept the legacy
``e-commerce``; notes use the contacts scopes (the notes guide lists those); pipelines accept
``crm.schemas.deals.read`` or ``crm.objects.deals.read`` (the reference only remembers the
first); creating a property ``crm.schemas.<type>.write`` (as §1 names it for companies);
files need ``files``; callback completion ``automation``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from hubspot_app.sandbox import (
    actions,
    associations_v4,
    control,
    errors,
    files,
    oauth,
    objects,
    pipelines,
    properties,
    schema,
    tokens,
)
from hubspot_app.sandbox.search import search
from hubspot_app.sandbox.state import ApiError, Request, Response
from hubspot_app.sandbox.tokens import account_details

if TYPE_CHECKING:
    from hubspot_app.sandbox.sandbox import HubSpotSandbox

VERSIONS = ("2026-03",)
_V = "|".join(re.escape(v) for v in VERSIONS)
REWRITES = [
    (re.compile(rf"^/crm/objects/(?:{_V})/"), "/crm/v3/objects/"),
    (re.compile(rf"^/crm/pipelines/(?:{_V})/"), "/crm/v3/pipelines/"),
    (re.compile(rf"^/crm/properties/(?:{_V})/"), "/crm/v3/properties/"),
    (re.compile(rf"^/crm/associations/(?:{_V})/"), "/crm/v4/associations/"),
    (re.compile(rf"^/oauth/(?:{_V})/"), "/oauth/v3/"),
    (re.compile(rf"^/files/(?:{_V})/"), "/files/v3/"),
    (re.compile(rf"^/automation/actions/callbacks/(?:{_V})/"), "/automation/v4/actions/callbacks/"),
    (re.compile(rf"^/automation/actions/(?:{_V})/callbacks/"), "/automation/v4/actions/callbacks/"),
    (re.compile(rf"^/account-info/(?:{_V})/"), "/account-info/v3/"),
    (re.compile(rf"^/appinstalls/(?:{_V})/"), "/appinstalls/v3/"),
]
ECOMMERCE = {"line_items", "products"}


def normalise(path: str) -> str:
    for pattern, replacement in REWRITES:
        path = pattern.sub(replacement, path)
    return path


def object_scopes(object_type: str | None, write: bool) -> list[str]:
    """Any one of these grants the call."""
    if object_type is None:
        return []
    access = "write" if write else "read"
    owner = "contacts" if object_type == "notes" else object_type
    granted = [f"crm.objects.{owner}.{access}"]
    return granted + (["e-commerce"] if object_type in ECOMMERCE else [])


def _objects(write: bool, key: str = "object_type") -> Callable[[Request], list[str]]:
    return lambda req: object_scopes(schema.normalise_type(req.match[key]), write)


def _fixed(*scopes: str) -> Callable[[Request], list[str]]:
    return lambda req: list(scopes)


TYPE, ID = r"(?P<object_type>[A-Za-z0-9_-]+)", r"(?P<object_id>\d+)"
ASSOC = rf"^/crm/v4/objects/(?P<from_type>[\w-]+)/{ID}/associations"
PAIR = r"^/crm/v4/associations/(?P<from_type>[\w-]+)/(?P<to_type>[\w-]+)"
REFRESH = r"^/oauth/v1/refresh-tokens/(?P<token>[^/]+)"
NONE = None  # no bearer token (OAuth endpoints, sandbox downloads)
TOKEN = _fixed()  # any valid bearer token
# (method, pattern, handler, scopes, is_search); handlers take (sandbox, request).
ROUTES: list[tuple[str, re.Pattern, Callable, Callable | None, bool]] = [
    ("GET", r"^/oauth/authorize/?$", oauth.authorize, NONE, False),
    ("POST", r"^/oauth/(?P<version>v1|v3)/token/?$", oauth.token, NONE, False),
    ("POST", r"^/oauth/v3/token/introspect/?$", oauth.introspect, NONE, False),
    ("POST", r"^/oauth/v3/token/revoke/?$", oauth.revoke, NONE, False),
    ("GET", r"^/oauth/v1/access-tokens/(?P<token>[^/]+)$", oauth.legacy_access_token, NONE, False),
    ("GET", rf"{REFRESH}$", oauth.legacy_refresh_token, NONE, False),
    ("DELETE", rf"{REFRESH}$", oauth.legacy_refresh_token, NONE, False),
    ("GET", r"^/_sandbox/files/(?P<file_id>\d+)/[^/]*$", files.download, NONE, False),
    ("DELETE", r"^/appinstalls/v3/external-install$", oauth.uninstall, TOKEN, False),
    ("GET", r"^/account-info/v3/details$", account_details, TOKEN, False),
    ("GET", rf"^/crm/v3/pipelines/{TYPE}$", lambda sb, req: pipelines.list_pipelines(req),
     _fixed("crm.schemas.deals.read", "crm.objects.deals.read"), False),
    ("GET", rf"^/crm/v3/pipelines/{TYPE}/(?P<pipeline_id>[^/]+)$",
     lambda sb, req: pipelines.get_pipeline(req),
     _fixed("crm.schemas.deals.read", "crm.objects.deals.read"), False),
    ("GET", rf"^/crm/v3/pipelines/{TYPE}/(?P<pipeline_id>[^/]+)/stages$",
     lambda sb, req: pipelines.list_stages(req),
     _fixed("crm.schemas.deals.read", "crm.objects.deals.read"), False),
    ("POST", rf"^/crm/v3/objects/{TYPE}/search$", search, _objects(False), True),
    ("POST", rf"^/crm/v3/objects/{TYPE}/batch/read$", objects.batch_read, _objects(False), False),
    ("GET", rf"^/crm/v3/objects/{TYPE}$", objects.list_objects, _objects(False), False),
    ("POST", rf"^/crm/v3/objects/{TYPE}$", objects.create_object, _objects(True), False),
    ("GET", rf"^/crm/v3/objects/{TYPE}/(?P<object_id>[^/]+)$", objects.get_object,
     _objects(False), False),
    ("PATCH", rf"^/crm/v3/objects/{TYPE}/{ID}$", objects.update_object, _objects(True), False),
    ("DELETE", rf"^/crm/v3/objects/{TYPE}/{ID}$", objects.archive_object, _objects(True), False),
    ("GET", rf"{ASSOC}/(?P<to_type>[\w-]+)$", associations_v4.list_associations,
     _objects(False, "from_type"), False),
    ("PUT", rf"{ASSOC}/default/(?P<to_type>[\w-]+)/(?P<to_id>\d+)$",
     associations_v4.create_default, _objects(True, "from_type"), False),
    ("PUT", rf"{ASSOC}/(?P<to_type>[\w-]+)/(?P<to_id>\d+)$", associations_v4.create_labelled,
     _objects(True, "from_type"), False),
    ("POST", rf"{PAIR}/batch/read$", associations_v4.batch_read, _objects(False, "from_type"),
     False),
    ("GET", rf"{PAIR}/labels$", associations_v4.labels, _objects(False, "from_type"), False),
    ("POST", rf"^/crm/v3/properties/{TYPE}$", properties.create_property,
     lambda req: [f"crm.schemas.{req.match['object_type']}.write"], False),
    ("GET", rf"^/crm/v3/properties/{TYPE}/(?P<name>[^/]+)$", properties.get_property,
     lambda req: [f"crm.schemas.{req.match['object_type']}.read",
                  f"crm.schemas.{req.match['object_type']}.write"], False),
    ("POST", r"^/files/v3/files$", files.upload, _fixed("files"), False),
    ("GET", r"^/files/v3/files/(?P<file_id>\d+)$", files.get_file, _fixed("files"), False),
    ("GET", r"^/files/v3/files/(?P<file_id>\d+)/signed-url$", files.signed_url, _fixed("files"),
     False),
    ("POST", r"^/automation/v4/actions/callbacks/complete$", actions.complete_batch,
     _fixed("automation"), False),
    ("POST", r"^/automation/v4/actions/callbacks/(?P<callback_id>[^/]+)/complete$",
     actions.complete, _fixed("automation"), False),
]  # fmt: skip
COMPILED = [(m, re.compile(p), h, s, search_) for m, p, h, s, search_ in ROUTES]


def resolve(method: str, path: str) -> tuple[tuple | None, dict[str, str], bool]:
    """(route, path parameters, whether the path exists for another method)."""
    other_method = False
    for route in COMPILED:
        match = route[1].match(path)
        if match:
            if route[0] == method:
                return route, match.groupdict(), False
            other_method = True
    return None, {}, other_method


def dispatch(sb: HubSpotSandbox, req: Request) -> Response:
    """Route, then for API paths: queued fault, bearer token (401), rate limit (429), scopes
    (403), the handler; rate-limit headers go on the answer."""
    if req.path.startswith("/_control/"):
        return control.handle(sb, req)
    route, params, other = resolve(req.method, normalise(req.path))
    if route is None:
        return errors.error(405 if other else 404, "Resource not found", "OBJECT_NOT_FOUND")
    handler, scopes, is_search = route[2], route[3], route[4]
    req.match, extra = params, {}
    if scopes is not None:
        refused = sb.faults.take() or tokens.authenticate(sb, req)
        if refused:
            return refused
        extra = sb.limits.admit(req.portal.portal_id, sb.now(), search=is_search)
        if isinstance(extra, Response):
            return extra
        needed = scopes(req)
        if needed and not set(needed) & set(req.token["scopes"]):
            return errors.missing_scopes(needed)
    try:
        answer = handler(sb, req)
    except ApiError as exc:
        answer = exc.response
    answer.headers.update(extra)
    return answer
