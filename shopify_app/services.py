"""Shopify work the engine and the webhooks ask for: reading orders, writing outcomes back,
uninstalls and the mandatory privacy requests."""

from __future__ import annotations

import json
import logging

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from integrations.models import Connection
from integrations.oauth import fresh_access_token
from shopify_app.client import ShopifyClient
from shopify_app.oauth import PROVIDER, ShopifyOAuth
from syncs.connectors import Outcome
from syncs.models import ExternalLink, InboundEvent, Integration, SyncRun, SyncRunLog

log = logging.getLogger(__name__)
SYNCED_TAG, ERROR_TAG = "fortnox-synced", "fortnox-error"
METAFIELD_NAMESPACE, METAFIELD_KEY = "fortnox", "document_number"
CUSTOMER_KEY = "customer_number"
# How long a run's read of the order serves its write-back (which normally follows at once).
WRITE_BACK_KEEP_SECONDS = 600
# Top-level keys of order and customer bodies that hold personal data.
PERSONAL_KEYS = frozenset(
    {
        "email", "phone", "contact_email", "note", "customer", "billing_address",
        "shipping_address", "browser_ip", "client_details", "first_name", "last_name",
        "addresses", "default_address",
    }
)  # fmt: skip


def shopify_client_for(connection: Connection) -> ShopifyClient:
    token = fresh_access_token(connection_id=connection.pk, provider=ShopifyOAuth())
    return ShopifyClient(shop=connection.account_id, access_token=token)


def order_gid(order_id: str) -> str:
    return order_id if order_id.startswith("gid://") else f"gid://shopify/Order/{order_id}"


def customer_gid(customer_id) -> str:
    text = str(customer_id)
    return text if text.startswith("gid://") else f"gid://shopify/Customer/{text}"


# --- write-back ------------------------------------------------------------------------
def outcome_line(run: SyncRun, replay_url: str) -> str:
    """The note line for a run's outcome. Its stamp is the run's finish, so a retried
    write-back produces the same line and can see that it is already there."""
    stamp = timezone.localtime(run.finished_at or timezone.now()).strftime("%Y-%m-%d %H:%M")
    kind = run.document_type or "document"
    if run.status in SyncRun.DONE:
        line = f"[{stamp}] Fortnox {kind} {run.document_number} created."
        if run.status == SyncRun.Status.SUCCEEDED_WITH_WARNING:
            line += f" Check: {run.error_message}"
        return line
    return f"[{stamp}] Fortnox sync failed: {run.error_message} Replay: {replay_url}"


def order_report(*, integration: Integration, outcome: Outcome) -> None:
    """Write the outcome onto the order in one ``orderUpdate``: one line appended to the
    note (the merchant's text is kept), the synced or error tag, and the document number
    in a metafield. Safe to repeat: a line already in the note is not added twice. When
    the integration says so, the Fortnox customer number goes on the Shopify customer."""
    run = outcome.run
    if run.status not in (*SyncRun.DONE, SyncRun.Status.FAILED):
        return
    client = shopify_client_for(integration.source)
    order = write_back_state(
        client=client, shop=integration.source.account_id, order_id=run.source_id
    )
    succeeded = run.status in SyncRun.DONE
    gid = order_gid(run.source_id)
    ours = SYNCED_TAG if succeeded else ERROR_TAG
    tags = [tag for tag in _tags(order) if tag not in (SYNCED_TAG, ERROR_TAG)] + [ours]
    metafields = [_metafield(gid, METAFIELD_KEY, run.document_number)] if succeeded else []
    client.update_order(
        order_id=run.source_id,
        note=_with_line(order.get("note") or "", outcome_line(run, outcome.replay_url)),
        tags=tags,
        metafields=metafields,
    )
    customer_id = (order.get("customer") or {}).get("id")
    wanted = integration.write_back_customer_number and outcome.customer_number
    if succeeded and wanted and customer_id:
        owner = customer_gid(customer_id)
        client.set_metafields(metafields=[_metafield(owner, CUSTOMER_KEY, outcome.customer_number)])


def write_back_keep(*, shop: str, order: dict) -> None:
    """Keep what the write-back needs from the order the run has just read (its note, tags
    and customer), so writing the outcome back does not read the order again."""
    state = {key: order.get(key) for key in ("note", "tags")}
    state["customer"] = {"id": (order.get("customer") or {}).get("id")}
    cache.set(_write_back_key(shop, order["id"]), state, WRITE_BACK_KEEP_SECONDS)


def write_back_state(*, client: ShopifyClient, shop: str, order_id: str) -> dict:
    """The order's note, tags and customer: as the run read them, once (a retried
    write-back, or one whose run read nothing here, reads them from Shopify)."""
    key = _write_back_key(shop, order_id)
    kept = cache.get(key)
    if kept is not None:
        cache.delete(key)
        return kept
    return client.get_order_write_back(order_id=order_id)


def _write_back_key(shop: str, order_id) -> str:
    return f"shopify:write-back:{shop}:{order_id}"


def refund_line(run: SyncRun, outcome: Outcome) -> str:
    """The note line for a refund's run: what was done in Fortnox (a credit invoice, or a
    draft corrected or cancelled), or the error and a replay link."""
    stamp = timezone.localtime(run.finished_at or timezone.now()).strftime("%Y-%m-%d %H:%M")
    if run.status not in SyncRun.DONE:
        return f"[{stamp}] Fortnox sync of refund {run.source_id} failed: {run.error_message}" + (
            f" Replay: {outcome.replay_url}"
        )
    done = outcome.summary or f"Fortnox {run.document_type} {run.document_number}."
    line = f"[{stamp}] Refund {run.source_id}: {done}"
    if run.status == SyncRun.Status.SUCCEEDED_WITH_WARNING:
        line += f" Check: {run.error_message}"
    return line


def refund_report(*, integration: Integration, outcome: Outcome) -> None:
    """Write a refund's outcome onto its order: one note line per refund, and the synced or
    error tag; the order's metafield keeps the sale's document number. Safe to repeat."""
    run = outcome.run
    if run.status not in (*SyncRun.DONE, SyncRun.Status.FAILED):
        return
    client = shopify_client_for(integration.source)
    order_id = str(client.get_refund(refund_id=run.source_id)["order_id"])
    order = client.get_order(order_id=order_id)
    ours = SYNCED_TAG if run.status in SyncRun.DONE else ERROR_TAG
    tags = [tag for tag in _tags(order) if tag not in (SYNCED_TAG, ERROR_TAG)] + [ours]
    client.update_order(
        order_id=order_id,
        note=_with_line(order.get("note") or "", refund_line(run, outcome)),
        tags=tags,
        metafields=[],
    )


def customer_number_write_back(*, client: ShopifyClient, customer_id, number: str) -> None:
    """The Fortnox customer number on the Shopify customer (``fortnox.customer_number``)."""
    client.set_metafields(metafields=[_metafield(customer_gid(customer_id), CUSTOMER_KEY, number)])


def _with_line(note: str, line: str) -> str:
    note = note.rstrip()
    already = line.split(" Replay: ", 1)[0]  # a replay link is signed anew each time
    if already in note:
        return note
    return f"{note}\n{line}" if note else line


def _metafield(owner: str, key: str, value: str) -> dict:
    return {
        "ownerId": owner,
        "namespace": METAFIELD_NAMESPACE,
        "key": key,
        "type": "single_line_text_field",
        "value": value,
    }


def _tags(order: dict) -> list[str]:
    """The order's tags in the merchant's order."""
    return [tag.strip() for tag in (order.get("tags") or "").split(",") if tag.strip()]


# --- lifecycle and privacy -------------------------------------------------------------
def shop_redact(*, shop: str, keep_event_id: int | None = None) -> None:
    """Shopify's shop/redact (48 h after uninstall): delete everything kept for the shop.

    ``keep_event_id`` is the shop/redact delivery being processed: it holds only the shop's
    id and domain, and the engine marks it done after this returns (deleting it under the
    engine made that save fail and the task crash)."""
    with transaction.atomic():
        InboundEvent.objects.filter(provider=PROVIDER, account_id=shop).exclude(
            pk=keep_event_id
        ).delete()
        Connection.objects.filter(provider=PROVIDER, account_id=shop).delete()  # cascades


def customer_redact(*, shop: str, customer: dict, order_ids: list[str]) -> int:
    """Remove one customer's personal data from stored webhook bodies, run logs and the
    link table. Returns how many stored rows were changed or deleted."""
    customer = customer if isinstance(customer, dict) else {}
    customer_id = str(customer.get("id") or "")
    email = str(customer.get("email") or "").lower()
    orders = {str(o) for o in order_ids} if isinstance(order_ids, list) else set()
    changed, found = _scrub_events(
        shop, customer_id, email, orders, by=(customer_id, email, orders)
    )
    # Shopify may list none of the orders; the customer's own events name them, and events
    # that mention only the order (a refund, say) hold the same order's data.
    if more := found - orders:
        orders |= found
        changed += _scrub_events(shop, customer_id, email, orders, by=("", "", more))[0]
    runs = SyncRun.objects.filter(
        provider=PROVIDER, integration__source__account_id=shop, source_id__in=orders
    )
    changed += (
        SyncRunLog.objects.filter(run__in=runs)
        .exclude(excerpt="")
        .update(excerpt="[redacted at the customer's request]")
    )
    return changed + _unlink_customer(shop, customer_id, email, orders)


def _unlink_customer(shop: str, customer_id: str, email: str, orders: set[str]) -> int:
    """Delete the customer's rows in the link table. Their keys are those of
    ``syncs.customers.customer_link_key``: the Shopify customer id, ``email:<address>`` for
    a buyer matched by e-mail, ``guest:shopify:sale:<order>`` for a guest's own customer
    (the Fortnox customer itself stays: it is bookkeeping)."""
    keys = {customer_id, customer_gid(customer_id)} if customer_id else set()
    if email:
        keys.add(f"{Integration.CustomerMatch.EMAIL.value}:{email}")
    keys |= {f"guest:{PROVIDER}:sale:{order}" for order in orders if order}
    if not keys:
        return 0
    deleted, _ = ExternalLink.objects.filter(
        integration__source__provider=PROVIDER,
        integration__source__account_id=shop,
        kind=ExternalLink.Kind.CUSTOMER,
        source_id__in=keys,
    ).delete()
    return deleted


def _scrub_events(shop, customer_id, email, orders, *, by) -> tuple[int, set[str]]:
    """Scrub the shop's events that concern the customer. The indexed subjects of each
    event (``shopify_app.webhooks.subjects``) narrow them; ``_concerns`` decides exactly."""
    by_customer, by_email, by_orders = by
    mentions = Q()
    if by_customer:
        mentions |= Q(customer_ref=by_customer)
    if by_email:
        mentions |= Q(email=by_email)
    if by_orders := [order for order in by_orders if order]:
        mentions |= Q(order_ref__in=by_orders)
    if not mentions:
        return 0, set()
    changed, found = 0, set()
    events = InboundEvent.objects.filter(provider=PROVIDER, account_id=shop).filter(mentions)
    for event in events:
        body = _json(event.body)
        if body is None or not _concerns(body, customer_id, email, orders):
            continue
        if event.topic.startswith(("orders/", "refunds/")):
            found.add(str(body.get("order_id") or body.get("id")))
        event.body = json.dumps(_scrub(body))
        event.email, event.customer_ref = "", ""  # personal data too
        event.save(update_fields=["body", "email", "customer_ref"])
        changed += 1
    return changed, found


def _json(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None


def _concerns(body, customer_id: str, email: str, orders: set[str]) -> bool:
    if not isinstance(body, dict):
        return False
    if str(body.get("id")) in orders or str(body.get("order_id")) in orders:
        return True
    customer = body.get("customer") if isinstance(body.get("customer"), dict) else {}
    ids = {str(body.get("id")) if "orders_count" in body else "", str(customer.get("id", ""))}
    emails = {str(body.get("email") or "").lower(), str(customer.get("email") or "").lower()}
    return bool(customer_id and customer_id in ids) or bool(email and email in emails)


def _scrub(body: dict) -> dict:
    return {
        key: "[redacted]" if key in PERSONAL_KEYS and value not in (None, "") else value
        for key, value in body.items()
    }
