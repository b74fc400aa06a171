"""``/shopify/replay/``: the order page's "Replay invoice sync" admin link.

Shopify appends ``shop``, ``id`` (the order), ``timestamp`` and ``hmac`` (plus ``host``,
``locale``...) to an admin link (shopify.md section 6). The page is shown only when the
signature is Shopify's, the timestamp fresh, and the order one of that shop's: known to
this service under the shop's integration, or found by reading it from that shop. GET
only shows the order's sync status; the Replay button POSTs (with CSRF) to the same
signed URL, which is checked again.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from integrations.errors import ConnectorError
from shopify_app import services
from shopify_app.connector import DOCUMENT, order_id
from shopify_app.oauth import PROVIDER, client_secrets
from shopify_app.signatures import normalise_shop, verify_query
from syncs.models import Integration, SyncRun
from syncs.queue import enqueue_run
from syncs.replay import run_replay
from syncs.runs import run_get_or_create

TEMPLATE = "shopify_app/replay_order.html"
MAX_ID_LENGTH = 30


class Refused(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message, self.status = message, status


@require_http_methods(["GET", "POST"])
def replay_order(request):
    try:
        integration, order, run = _verified(request)
    except Refused as refusal:
        return _page(request, {"message": refusal.message}, refusal.status)
    if request.method == "POST":
        messages.info(request, _replay(integration, order, run))
        return redirect(request.get_full_path())
    context = {"order": order, "run": run, "replayable": run is None or _replayable(run)}
    return _page(request, context, 200)


def _verified(request) -> tuple[Integration, dict, SyncRun | None]:
    params = request.GET
    if any(len(values) > 1 for _, values in params.lists()):
        raise Refused("This link was altered. Open it again from the order in Shopify.", 400)
    shop = normalise_shop(params.get("shop", ""))
    ident = order_id(params.get("id", ""))
    if not shop or not ident.isdigit() or len(ident) > MAX_ID_LENGTH:
        raise Refused("Open this page from an order in your Shopify admin.", 400)
    if not verify_query(params, client_secrets()):
        raise Refused(
            "This link is not signed by Shopify or is too old. Open it again from the order"
            " in your Shopify admin.",
            401,
        )
    integration = (
        Integration.objects.select_related("source")
        .filter(source__provider=PROVIDER, source__account_id=shop)
        .first()
    )
    if integration is None:
        raise Refused(f"{shop} has not installed the app.", 404)
    run = SyncRun.objects.filter(
        integration=integration, operation=DOCUMENT, source_id=ident
    ).first()
    return integration, _order(integration, ident, run), run


def _order(integration: Integration, ident: str, run: SyncRun | None) -> dict:
    """The order's id and name; read from the shop when this service has no run for it,
    which also proves the order is the shop's."""
    if run is not None:
        return {"id": ident, "name": run.source_label or ident}
    try:
        order = services.shopify_client_for(integration.source).get_order(order_id=ident)
    except ConnectorError as error:
        if error.code == "not_found":
            raise Refused("This shop has no such order.", 404) from None
        raise Refused(f"Shopify could not be asked about the order: {error.message}", 502) from None
    return {"id": ident, "name": order.get("name") or ident}


def _replayable(run: SyncRun) -> bool:
    return run.status in (SyncRun.Status.FAILED, SyncRun.Status.SKIPPED)


def _replay(integration: Integration, order: dict, run: SyncRun | None) -> str:
    if run is None:
        run = run_get_or_create(
            integration=integration, operation=DOCUMENT, source_id=order["id"], label=order["name"]
        )
        enqueue_run(run.pk)
        return "The order was queued for its first sync."
    if run_replay(run=run):
        return "The sync was started again."
    if run.status in SyncRun.DONE:
        return f"Already synced: Fortnox {run.document_type} {run.document_number}."
    return "The sync is running now; reload this page in a moment."


def _page(request, context: dict, status: int):
    return render(request, TEMPLATE, context, status=status)
