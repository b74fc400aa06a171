"""Control endpoints under ``/_control/`` for tests, scripts and the demo (HTTP mode).

* ``GET  /_control/scenarios`` -> ``{"scenarios": [...]}``
* ``GET  /_control/state`` -> portals with record counts, queued events, the clock
* ``POST /_control/portals`` ``{portal_id?, currency?, additional_currencies?}`` -> 201
* ``POST /_control/tokens`` ``{portal_id?, scopes?}`` -> a token endpoint answer
* ``POST /_control/deals`` ``{portal_id?, scenario | bundle, stage?}`` -> 201 the bundle
* ``POST /_control/deals/{id}/stage`` ``{stage, portal_id?}`` -> the deal (queues the event)
* ``GET  /_control/events`` -> ``{"events": [...]}`` queued, not yet delivered
* ``POST /_control/deliveries`` ``{url, duplicate?, reorder?, batch_size?, send?}`` ->
  ``{"deliveries": [{"method","url","headers","body_base64"}], "statuses"?: [...]}``
* ``POST /_control/actions`` ``{url, object_id, input_fields?, portal_id?, send?}`` -> the
  signed execution request (and the app's status when sent)
* ``POST /_control/cards`` ``{url, method?, body?, portal_id?}`` -> a signed card fetch
* ``GET  /_control/notes?deal_id=`` and ``GET /_control/completions``
* ``POST /_control/clock`` ``{seconds}``; ``POST /_control/faults`` ``{status, times?,
  retry_after?}``; ``POST /_control/uninstall`` ``{portal_id}``
"""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING

from hubspot_app.sandbox import bundles
from hubspot_app.sandbox.state import ApiError, Request, Response
from hubspot_app.sandbox.webhooks import Delivery, WebhookSender

if TYPE_CHECKING:
    from hubspot_app.sandbox.sandbox import HubSpotSandbox

STAGE = re.compile(r"^deals/(?P<deal_id>\d+)/stage$")


def encode(delivery: Delivery) -> dict:
    return {
        "method": delivery.method,
        "url": delivery.url,
        "headers": delivery.headers,
        "body_base64": base64.b64encode(delivery.body).decode(),
    }


def _portal_id(sb: HubSpotSandbox, data: dict) -> int:
    if not sb.portals:
        sb.add_portal()
    return int(data.get("portal_id") or sb.portal().portal_id)


def _deals(sb: HubSpotSandbox, data: dict) -> Response:
    portal_id = _portal_id(sb, data)
    try:
        made = sb.create_deal(data.get("bundle") or data.get("scenario") or "", portal_id=portal_id)
    except KeyError as exc:
        return Response.json(
            400, {"error": exc.args[0], "scenarios": bundles.available_scenarios()}
        )
    if data.get("stage"):
        made["deal"] = sb.move_deal(made["deal"]["id"], data["stage"], portal_id=portal_id)
    return Response.json(201, made)


def _deliveries(sb: HubSpotSandbox, data: dict) -> Response:
    options = {k: data[k] for k in ("duplicate", "reorder", "batch_size") if k in data}
    made = sb.webhook_deliveries(data["url"], **options)
    answer: dict = {"deliveries": [encode(d) for d in made]}
    if data.get("send"):
        answer["statuses"] = WebhookSender().send(made)
    return Response.json(200, answer)


def _actions(sb: HubSpotSandbox, data: dict) -> Response:
    options = {
        "object_id": str(data["object_id"]),
        "input_fields": data.get("input_fields") or {},
        "portal_id": _portal_id(sb, data),
    }
    if data.get("send"):
        delivery, status = sb.execute_action(data["url"], **options)
        return Response.json(200, {"request": encode(delivery), "status": status})
    return Response.json(
        200, {"request": encode(sb.workflow_action_request(data["url"], **options))}
    )


def _state(sb: HubSpotSandbox) -> dict:
    return {
        "now": sb.now(),
        "portals": {
            str(pid): {
                "currency": p.currency,
                "installed": p.installed,
                "objects": {t: len(store) for t, store in p.objects.items()},
            }
            for pid, p in sb.portals.items()
        },
        "queued_events": len(sb.outbox),
    }


def handle(sb: HubSpotSandbox, req: Request) -> Response:
    try:
        data = req.json() if req.body else {}
        return _dispatch(sb, req, data)
    except ApiError as exc:
        return exc.response
    except KeyError as exc:
        return Response.json(400, {"error": f"Missing or unknown {exc.args[0]}"})


def _dispatch(sb: HubSpotSandbox, req: Request, data: dict) -> Response:
    action = (req.method, req.path.removeprefix("/_control/").strip("/"))
    portal_id = int(req.param("portal_id") or 0) or None
    stage = STAGE.match(action[1])
    if action[0] == "POST" and stage:
        deal = sb.move_deal(stage["deal_id"], data["stage"], portal_id=data.get("portal_id"))
        return Response.json(200, deal)
    simple = {
        ("GET", "scenarios"): lambda: {"scenarios": bundles.available_scenarios()},
        ("GET", "state"): lambda: _state(sb),
        ("GET", "events"): lambda: {"events": sb.outbox},
        ("GET", "notes"): lambda: {"notes": sb.notes(req.param("deal_id"), portal_id=portal_id)},
        ("GET", "completions"): lambda: {"completions": sb.completions(portal_id=portal_id)},
        ("POST", "tokens"): lambda: sb.issue_tokens(
            portal_id=_portal_id(sb, data), scopes=data.get("scopes")
        ),
        ("POST", "clock"): lambda: (
            sb.advance_clock(float(data.get("seconds", 0))),
            {"now": sb.now()},
        )[1],
        ("POST", "faults"): lambda: (
            sb.fail_next(
                status=data.get("status", 503),
                times=int(data.get("times", 1)),
                retry_after=data.get("retry_after"),
            ),
            {"queued": True},
        )[1],
        ("POST", "uninstall"): lambda: (sb.uninstall(portal_id=int(data["portal_id"])), {})[1],
        ("POST", "cards"): lambda: encode(
            sb.card_fetch_request(
                data["url"],
                method=data.get("method", "GET"),
                body=data.get("body"),
                portal_id=_portal_id(sb, data),
            )
        ),
    }
    if action in simple:
        return Response.json(200, simple[action]())
    if action == ("POST", "portals"):
        fields = {
            k: data[k] for k in ("portal_id", "currency", "additional_currencies") if k in data
        }
        portal = sb.add_portal(**fields)
        return Response.json(201, {"portal_id": portal.portal_id, "currency": portal.currency})
    handlers = {
        ("POST", "deals"): _deals,
        ("POST", "deliveries"): _deliveries,
        ("POST", "actions"): _actions,
    }
    if action in handlers:
        return handlers[action](sb, data)
    return Response.json(404, {"error": f"No control endpoint {req.method} {req.path}"})
