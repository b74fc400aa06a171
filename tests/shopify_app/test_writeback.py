"""The outcome written back to the order in Shopify: one note line per outcome (the
merchant's text kept), a tag, the document number in a metafield, and a signed replay link
that turns a failure into one success."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.test import TestCase
from django.utils import timezone

from fortnox.client import FortnoxClient
from shopify_app.sandbox.orders import load_scenario
from syncs.models import SyncRun
from syncs.replay import run_from_token
from syncs.reporting import report_execute, report_replay
from tests.plugins.shopify import SHOP
from tests.shopify_app.conftest import fortnox_invoices, shop_order

pytestmark = pytest.mark.django_db
MERCHANT_NOTE = "Ring innan leverans.\nPortkod 1234"
STAMP = r"\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}\]"
REPLAY_URL = r"http://testserver/syncs/replay/(?P<token>[^/\s]+)/"
HALTED = (
    "No Fortnox article matches SKU 'NF-MOS-GRA' (line 'Ullmössa - Grå'), SKU 'NF-HAL-MAR'"
    " (line 'Halsduk Merino - Marinblå'). Create or link the articles in Fortnox, then"
    " replay this sync."
)


@pytest.fixture
def order_with_note(place_paid_order) -> dict:
    return place_paid_order({**load_scenario("single_vat_25"), "note": MERCHANT_NOTE})


def _lines(shopify_sandbox, order) -> list[str]:
    return shop_order(shopify_sandbox, order["id"])["note"].split("\n")


def _tags(shopify_sandbox, order) -> list[str]:
    return [t.strip() for t in shop_order(shopify_sandbox, order["id"])["tags"].split(",")]


def _metafields(shopify_sandbox, order) -> list[tuple]:
    return [
        (m["namespace"], m["key"], m["type"], m["value"])
        for m in shop_order(shopify_sandbox, order["id"]).get("metafields", [])
    ]


def _halt_on_missing_articles(integration) -> None:
    integration.missing_article = integration.MissingArticle.HALT
    integration.save()


def test_success_appends_one_line_with_the_invoice_number_tags_and_sets_the_metafield(
    shop_integration, shopify_sandbox, fortnox_sandbox, order_with_note, post_webhooks
):
    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order_with_note["id"]))

    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.SUCCEEDED
    lines = _lines(shopify_sandbox, order_with_note)
    assert lines[:2] == MERCHANT_NOTE.split("\n")
    assert len(lines) == 3
    assert re.fullmatch(rf"{STAMP} Fortnox invoice {run.document_number} created\.", lines[2])
    assert _tags(shopify_sandbox, order_with_note) == ["webshop", "fortnox-synced"]
    assert _metafields(shopify_sandbox, order_with_note) == [
        ("fortnox", "document_number", "single_line_text_field", run.document_number)
    ]


def test_order_without_a_note_gets_just_the_outcome_line(
    shop_integration, shopify_sandbox, place_paid_order, post_webhooks
):
    order = place_paid_order("single_vat_25")
    assert order["note"] is None

    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order["id"]))

    [line] = _lines(shopify_sandbox, order)
    assert re.fullmatch(rf"{STAMP} Fortnox invoice \d+ created\.", line)


def test_failure_appends_the_error_and_a_signed_replay_link_and_tags_the_order(
    shop_integration, shopify_sandbox, fortnox_sandbox, order_with_note, post_webhooks
):
    _halt_on_missing_articles(shop_integration)

    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order_with_note["id"]))

    run = SyncRun.objects.get()
    assert (run.status, run.error_message) == (SyncRun.Status.FAILED, HALTED)
    assert fortnox_invoices(fortnox_sandbox) == {}
    lines = _lines(shopify_sandbox, order_with_note)
    assert lines[:2] == MERCHANT_NOTE.split("\n")
    assert len(lines) == 3
    failure = rf"{STAMP} Fortnox sync failed: (?P<error>.+) Replay: {REPLAY_URL}"
    match = re.fullmatch(failure, lines[2])
    assert match, lines[2]
    assert match["error"] == HALTED
    assert run_from_token(match["token"]) == run
    assert _tags(shopify_sandbox, order_with_note) == ["webshop", "fortnox-error"]
    assert _metafields(shopify_sandbox, order_with_note) == []


def test_replay_link_after_fixing_the_cause_makes_one_invoice_and_one_more_line(
    shop_integration,
    shopify_sandbox,
    fortnox_sandbox,
    fortnox_connection,
    order_with_note,
    post_webhooks,
    client,
    django_capture_on_commit_callbacks,
):
    _halt_on_missing_articles(shop_integration)
    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order_with_note["id"]))
    failure_line = _lines(shopify_sandbox, order_with_note)[2]
    replay_path = urlsplit(re.search(REPLAY_URL, failure_line)[0]).path
    fortnox = FortnoxClient(connection=fortnox_connection)
    for number, description in (("NF-MOS-GRA", "Ullmössa"), ("NF-HAL-MAR", "Halsduk")):
        fortnox.create_article(article={"ArticleNumber": number, "Description": description})

    assert client.get(replay_path).status_code == 200  # GET only shows the run
    assert SyncRun.objects.get().status == SyncRun.Status.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(replay_path)

    assert (response.status_code, response["Location"]) == (302, replay_path)
    run = SyncRun.objects.get()
    assert (run.status, run.error_message, run.attempts) == (SyncRun.Status.SUCCEEDED, "", 2)
    assert list(fortnox_invoices(fortnox_sandbox)) == [run.document_number]
    lines = _lines(shopify_sandbox, order_with_note)
    assert lines[:3] == [*MERCHANT_NOTE.split("\n"), failure_line]
    assert len(lines) == 4
    assert re.fullmatch(rf"{STAMP} Fortnox invoice {run.document_number} created\.", lines[3])
    assert _tags(shopify_sandbox, order_with_note) == ["webshop", "fortnox-synced"]
    assert _metafields(shopify_sandbox, order_with_note) == [
        ("fortnox", "document_number", "single_line_text_field", run.document_number)
    ]

    client.get(replay_path)  # shows the outcome of the first replay
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(replay_path, follow=True)

    assert b"nothing to replay" in again.content
    assert len(fortnox_invoices(fortnox_sandbox)) == 1
    assert len(_lines(shopify_sandbox, order_with_note)) == 4


def test_altered_replay_link_is_refused(
    shop_integration, shopify_sandbox, order_with_note, post_webhooks, client
):
    _halt_on_missing_articles(shop_integration)
    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order_with_note["id"]))
    token = re.search(REPLAY_URL, _lines(shopify_sandbox, order_with_note)[2])["token"]

    response = client.post(f"/syncs/replay/{token[:-1]}x/")

    assert response.status_code == 404
    assert SyncRun.objects.get().status == SyncRun.Status.FAILED


def test_success_with_a_warning_says_what_to_check_on_the_same_line(
    shop_integration,
    shopify_sandbox,
    fortnox_sandbox,
    fortnox_connection,
    order_with_note,
    post_webhooks,
):
    FortnoxClient(connection=fortnox_connection).create_article(
        article={"ArticleNumber": "OKAND", "Description": "Okänd vara"}
    )
    shop_integration.missing_article = shop_integration.MissingArticle.PLACEHOLDER
    shop_integration.placeholder_article = "OKAND"
    shop_integration.save()

    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order_with_note["id"]))

    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.SUCCEEDED_WITH_WARNING
    lines = _lines(shopify_sandbox, order_with_note)
    assert len(lines) == 3
    assert re.fullmatch(
        rf"{STAMP} Fortnox invoice {run.document_number} created\. Check: "
        r"No Fortnox article matches SKU 'NF-MOS-GRA'; placeholder article OKAND used"
        r" No Fortnox article matches SKU 'NF-HAL-MAR'; placeholder article OKAND used",
        lines[2],
    ), lines[2]
    assert _tags(shopify_sandbox, order_with_note) == ["webshop", "fortnox-synced"]


def test_a_repeated_write_back_writes_the_line_once_with_one_mutation(
    shop_integration, shopify_sandbox, fortnox_sandbox, order_with_note, post_webhooks
):
    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order_with_note["id"]))
    run = SyncRun.objects.get()
    mutations_before = _order_updates(shopify_sandbox)

    with TestCase.captureOnCommitCallbacks(execute=True):
        report_replay(run=run)

    run.refresh_from_db()
    assert run.report_status == SyncRun.Report.DONE
    assert len(_lines(shopify_sandbox, order_with_note)) == 3  # merchant's 2 + ours, once
    assert _tags(shopify_sandbox, order_with_note) == ["webshop", "fortnox-synced"]
    assert _order_updates(shopify_sandbox) == mutations_before + 1


def test_a_throttled_write_back_is_retried_later_and_written_once(
    shop_integration, shopify_sandbox, fortnox_sandbox, order_with_note, post_webhooks
):
    post_webhooks(shopify_sandbox.webhook_deliveries("orders/paid", order_with_note["id"]))
    run = SyncRun.objects.get()
    bucket = shopify_sandbox.shop(SHOP).bucket
    bucket.available, rate = 0, bucket.restore_rate
    bucket.restore_rate = 0  # Shopify answers THROTTLED until the bucket refills

    with TestCase.captureOnCommitCallbacks(execute=True):
        report_replay(run=run)

    run.refresh_from_db()
    assert (run.report_status, run.report_attempts) == (SyncRun.Report.PENDING, 1)
    assert "rate limit" in run.report_error
    bucket.restore_rate, bucket.available = rate, bucket.maximum
    SyncRun.objects.filter(pk=run.pk).update(report_next_at=timezone.now())

    report_execute(run_id=run.pk)

    run.refresh_from_db()
    assert (run.report_status, run.report_error) == (SyncRun.Report.DONE, "")
    assert len(_lines(shopify_sandbox, order_with_note)) == 3


def _order_updates(shopify_sandbox) -> int:
    return sum(b"orderUpdate" in (call.request.body or b"") for call in shopify_sandbox.rsps.calls)
