"""Control endpoints under ``/_control/`` for scripts driving the sandbox over HTTP.

The served sandbox lives in the web process, so a script in another process (the storm
driver in ``tests/storm``) sets it up, turns faults on and reads what was stored here:

* ``POST /_control/tenants`` ``{database_number, company_name?}`` -> the tenant
* ``POST /_control/tokens`` ``{database_number, scopes?}`` -> the token endpoint's answer
* ``GET  /_control/faults`` -> the fault settings, ``injected`` (faults dealt, by kind) and
  ``answered`` (``/3`` requests by status)
* ``POST /_control/faults`` ``{error_rate?, rate_limit_rate?, timeout_rate?, latency?,
  timeout_seconds?, crash_after_create?, seed?, reset?}`` -> the same as GET
* ``GET  /_control/documents?tenant=N`` -> the tenant's invoices and orders (number,
  ``ExternalInvoiceReference1``, customer, total) and how many customers and articles it has
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from fortnox.sandbox.errors import Response, json_response

if TYPE_CHECKING:
    from fortnox.sandbox.core import FortnoxSandbox

RATES = ("latency", "error_rate", "rate_limit_rate", "timeout_rate", "timeout_seconds")
DOCUMENT_FIELDS = ("DocumentNumber", "ExternalInvoiceReference1", "CustomerNumber", "Total")


def handle(sb: FortnoxSandbox, method: str, path: str, request: dict[str, Any]) -> Response:
    """Answer one control request; ``path`` starts with ``/_control``."""
    try:
        data = json.loads(request["body"] or b"{}")
    except ValueError:
        return json_response(400, {"error": "The body must be JSON"})
    if not isinstance(data, dict):
        return json_response(400, {"error": "The body must be a JSON object"})
    action = (method, path.removeprefix("/_control").strip("/"))
    try:
        with sb._lock:
            answer = _dispatch(sb, action, data, request["query"])
            sb._save_if_dirty()
            return answer
    except (KeyError, TypeError, ValueError) as exc:
        return json_response(400, {"error": f"{type(exc).__name__}: {exc}"})


def _dispatch(sb: FortnoxSandbox, action: tuple[str, str], data: dict, query: dict) -> Response:
    if action == ("POST", "tenants"):
        tenant = sb.add_tenant(
            str(data["database_number"]), data.get("company_name") or "Sandbox AB"
        )
        return json_response(201, {"database_number": tenant.database_number})
    if action == ("POST", "tokens"):
        return json_response(200, sb.issue_tokens(str(data["database_number"]), data.get("scopes")))
    if action == ("POST", "faults"):
        _set_faults(sb, data)
        return json_response(200, _faults(sb))
    if action == ("GET", "faults"):
        return json_response(200, _faults(sb))
    if action == ("GET", "documents"):
        return json_response(200, _documents(sb, query["tenant"]))
    return json_response(404, {"error": f"No control endpoint {action[0]} /_control/{action[1]}"})


def _set_faults(sb: FortnoxSandbox, data: dict) -> None:
    faults = sb.faults
    if data.get("reset"):
        faults.reset()
    for name in RATES:
        if name in data:
            setattr(faults, name, float(data[name]))
    if "crash_after_create" in data:
        faults.crash_after_create = int(data["crash_after_create"])
    if "seed" in data:
        faults.reseed(int(data["seed"]))


def _faults(sb: FortnoxSandbox) -> dict:
    faults = sb.faults
    answered = Counter(str(e.status) for e in sb.request_log if e.path.startswith("/3"))
    return {
        **{name: getattr(faults, name) for name in RATES},
        "crash_after_create": faults.crash_after_create,
        "seed": faults.seed,
        "injected": dict(faults.injected),
        "answered": dict(answered),
    }


def _documents(sb: FortnoxSandbox, database_number: str) -> dict:
    tenant = sb.tenant(database_number)

    def summary(register: dict[str, dict]) -> list[dict]:
        return [{k: doc.get(k) for k in DOCUMENT_FIELDS} for doc in register.values()]

    return {
        "invoices": summary(tenant.invoices),
        "orders": summary(tenant.orders),
        "customers": len(tenant.customers),
        "articles": len(tenant.articles),
    }
