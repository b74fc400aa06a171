"""The merchant's onboarding and status pages: who may open them, and what they show."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from integrations.models import ConnectionStatus
from shopify_app.models import ShopifySettings
from syncs.accounts import MERCHANT_SESSION_KEY
from syncs.models import Integration, SyncRun, UsageMonth
from syncs.status import chart, documents_per_day
from tests.factories import (
    ConnectionFactory,
    IntegrationFactory,
    ShopConnectionFactory,
    SyncRunFactory,
)

pytestmark = pytest.mark.django_db
Status = SyncRun.Status


def grant(client, *integrations: Integration) -> None:
    """What a signed install or OAuth leaves in the session."""
    session = client.session
    session[MERCHANT_SESSION_KEY] = [i.pk for i in integrations]
    session.save()


@pytest.fixture
def shop_a():
    return IntegrationFactory(
        source=ShopConnectionFactory(account_id="shop-a.myshopify.com"),
        fortnox=ConnectionFactory(display_name="A-bolaget AB"),
    )


@pytest.fixture
def shop_b():
    return IntegrationFactory(source=ShopConnectionFactory(account_id="shop-b.myshopify.com"))


PAGES = ["", "setup/fortnox/", "setup/settings/", "setup/done/"]


@pytest.mark.parametrize("page", PAGES)
def test_a_merchant_opens_their_own_pages(client, shop_a, page):
    grant(client, shop_a)

    response = client.get(f"/app/{shop_a.pk}/{page}")

    assert response.status_code == 200
    assert "shop-a.myshopify.com" in response.content.decode()


@pytest.mark.parametrize("page", [*PAGES, "setup/check/", "setup/"])
def test_shop_a_cannot_open_shop_bs_pages(client, shop_a, shop_b, page):
    grant(client, shop_a)

    response = client.get(f"/app/{shop_b.pk}/{page}")

    assert response.status_code == 403
    assert "shop-b" not in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_without_a_session_every_page_is_refused(client, shop_a, page):
    assert client.get(f"/app/{shop_a.pk}/{page}").status_code == 403


def test_an_unknown_integration_looks_like_someone_elses(client, shop_a):
    grant(client, shop_a)

    assert client.get(f"/app/{shop_a.pk + 100}/").status_code == 403


def test_shop_a_cannot_replay_shop_bs_run(client, shop_a, shop_b):
    run = SyncRunFactory(integration=shop_b, status=Status.FAILED, error_message="Boom")
    grant(client, shop_a)

    by_own_url = client.post(f"/app/{shop_a.pk}/runs/{run.pk}/replay/")
    by_their_url = client.post(f"/app/{shop_b.pk}/runs/{run.pk}/replay/")

    assert by_own_url.status_code == 404
    assert by_their_url.status_code == 403
    run.refresh_from_db()
    assert (run.status, run.attempts) == (Status.FAILED, 0)


def test_shop_a_cannot_disconnect_shop_bs_fortnox(client, shop_a, shop_b):
    grant(client, shop_a)

    response = client.post(f"/app/{shop_b.pk}/setup/fortnox/disconnect/")

    assert response.status_code == 403
    shop_b.refresh_from_db()
    assert shop_b.fortnox is not None


def test_a_hubspot_portals_pages_are_refused_to_a_shop(client, shop_a):
    portal = IntegrationFactory(source=ConnectionFactory(provider="hubspot", account_id="24680001"))
    grant(client, shop_a)

    assert client.get(f"/app/{portal.pk}/").status_code == 403


def test_forms_need_the_csrf_token(shop_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    grant(client, shop_a)

    assert client.post(f"/app/{shop_a.pk}/setup/settings/", {}).status_code == 403


def test_an_operator_may_open_any_integration(client, shop_b):
    operator = User.objects.create_user("op", password="x", is_staff=True)
    operator.user_permissions.add(Permission.objects.get(codename="change_integration"))
    client.force_login(operator)

    response = client.get(f"/app/{shop_b.pk}/")

    assert response.status_code == 200
    assert f"/admin/syncs/integration/{shop_b.pk}/change/" in response.content.decode()


def test_staff_without_the_change_permission_is_refused(client, shop_b):
    client.force_login(User.objects.create_user("viewer", password="x", is_staff=True))

    assert client.get(f"/app/{shop_b.pk}/").status_code == 403


# --- settings --------------------------------------------------------------------------
def _settings(**changes) -> dict:
    data = {
        "document_type": "invoice",
        "after_create": "nothing",
        "customer_match": "email",
        "customer_numbering": "fortnox",
        "guest_customers": "per_order",
        "article_match": "sku",
        "missing_article": "halt",
        "shipping": "row",
        "prices_include_vat": "source",
        "source-trigger": "paid",
    }
    return {**data, **changes}


def test_settings_are_saved_with_the_sources_own(client, shop_a):
    grant(client, shop_a)

    response = client.post(
        f"/app/{shop_a.pk}/setup/settings/",
        _settings(missing_article="create", **{"source-trigger": "fulfilled"}),
    )

    assert response.status_code == 302
    assert response["Location"] == f"/app/{shop_a.pk}/setup/check/"
    shop_a.refresh_from_db()
    assert shop_a.missing_article == "create"
    assert ShopifySettings.objects.get(integration=shop_a).trigger == "fulfilled"


def test_every_problem_is_shown_next_to_its_field_at_once(client, shop_a):
    grant(client, shop_a)

    response = client.post(
        f"/app/{shop_a.pk}/setup/settings/",
        _settings(
            missing_article="placeholder",
            guest_customers="named",
            document_type="order",
            after_create="bookkeep",
            **{"source-trigger": "whenever"},
        ),
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"placeholder_article", "guest_customer_number", "after_create"}
    assert "trigger" in response.context["source_form"].errors
    page = response.content.decode()
    assert 'href="#field-placeholder_article"' in page
    shop_a.refresh_from_db()
    assert shop_a.missing_article == "halt"


# --- the done sentence -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "stops the sync until you add the article"),
        ({"missing_article": "create"}, "is created as a new article"),
        (
            {"missing_article": "placeholder", "placeholder_article": "MISC"},
            "is booked on article MISC",
        ),
        ({"after_create": "bookkeep"}, "the invoice is bookkept at once"),
        ({"document_type": "order"}, "it becomes a draft order"),
    ],
)
def test_the_done_page_says_what_happens_to_the_next_order(client, shop_a, changes, expected):
    Integration.objects.filter(pk=shop_a.pk).update(**changes)
    grant(client, shop_a)

    page = client.get(f"/app/{shop_a.pk}/setup/done/").content.decode()

    assert "When the order is paid, it becomes a" in page
    assert expected in page
    assert "A-bolaget AB" in page


def test_without_fortnox_nothing_is_promised(client, shop_b):
    Integration.objects.filter(pk=shop_b.pk).update(fortnox=None)
    grant(client, shop_b)

    page = client.get(f"/app/{shop_b.pk}/setup/done/").content.decode()

    assert "Nothing is booked until Fortnox is connected." in page


# --- the status page -------------------------------------------------------------------
def test_status_lists_runs_with_number_link_total_error_and_replay(client, shop_a):
    SyncRunFactory(
        integration=shop_a,
        source_label="#1001",
        status=Status.SUCCEEDED,
        document_type="invoice",
        document_number="17",
        total=Decimal("1234.50"),
        currency="SEK",
        report_status=SyncRun.Report.DONE,
    )
    failed = SyncRunFactory(
        integration=shop_a,
        source_label="#1002",
        status=Status.FAILED,
        error_message="No Fortnox article matches SKU TS-1.",
    )
    grant(client, shop_a)

    page = client.get(f"/app/{shop_a.pk}/").content.decode()

    tenant = shop_a.fortnox.account_id
    assert f"/sandbox/fortnox/ui/{tenant}/invoices/17/" in page
    assert "1,234.50 SEK" in page
    assert "No Fortnox article matches SKU TS-1." in page
    assert "Written back" in page
    assert f"/app/{shop_a.pk}/runs/{failed.pk}/replay/" in page
    assert page.count("/replay/") == 1


def test_status_filters_by_outcome_and_pages_newest_first(client, shop_a):
    for n in range(30):
        SyncRunFactory(integration=shop_a, source_label=f"#{n}", status=Status.SUCCEEDED)
    SyncRunFactory(integration=shop_a, source_label="#failed", status=Status.FAILED)
    grant(client, shop_a)

    failed = client.get(f"/app/{shop_a.pk}/?outcome=failed")
    first = client.get(f"/app/{shop_a.pk}/")
    second = client.get(f"/app/{shop_a.pk}/?page=2")

    assert [r.source_label for r in failed.context["page"]] == ["#failed"]
    assert first.context["page"][0].source_label == "#failed"
    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 6
    assert "Page 2 of 2" in second.content.decode()


def test_replaying_a_failed_run_from_the_status_page(client, shop_a, monkeypatch):
    run = SyncRunFactory(integration=shop_a, status=Status.FAILED, error_message="Boom")
    replayed = []
    monkeypatch.setattr("syncs.merchant.run_replay", lambda run: replayed.append(run.pk) or True)
    grant(client, shop_a)

    response = client.post(
        f"/app/{shop_a.pk}/runs/{run.pk}/replay/", {"next": "https://evil.example/"}
    )

    assert replayed == [run.pk]
    assert response["Location"] == f"/app/{shop_a.pk}/"


def test_status_shows_usage_and_the_reconnect_link(client, shop_a):
    UsageMonth.objects.create(
        integration=shop_a, month=timezone.localdate().replace(day=1), documents=42
    )
    shop_a.fortnox.status = ConnectionStatus.NEEDS_REAUTH
    shop_a.fortnox.last_error = "Fortnox no longer accepts the token."
    shop_a.fortnox.save()
    grant(client, shop_a)

    response = client.get(f"/app/{shop_a.pk}/")

    assert response.context["usage"] == 42
    page = response.content.decode()
    assert "Fortnox no longer accepts the token." in page
    assert f"/fortnox/connect/?integration={shop_a.pk}" in page


def test_documents_per_day_counts_succeeded_and_failed_for_30_days(shop_a):
    today = timezone.localdate()
    for status, days_ago in [("succeeded", 0), ("succeeded", 0), ("failed", 0), ("failed", 3)]:
        run = SyncRunFactory(integration=shop_a, status=status)
        SyncRun.objects.filter(pk=run.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
    SyncRun.objects.filter(pk=SyncRunFactory(integration=shop_a).pk).update(
        created_at=timezone.now() - timedelta(days=40)
    )

    days = documents_per_day(shop_a, today=today)

    assert len(days) == 30
    assert (days[-1].succeeded, days[-1].failed) == (2, 1)
    assert (days[-4].succeeded, days[-4].failed) == (0, 1)
    drawn = chart(days)
    assert (drawn["top"], drawn["total_succeeded"], drawn["total_failed"]) == (3, 2, 2)
    assert {bar.kind for bar in drawn["bars"]} == {"succeeded", "failed"}


def test_pages_speak_swedish_to_a_swedish_browser(client, shop_a):
    grant(client, shop_a)

    page = client.get(f"/app/{shop_a.pk}/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()

    assert '<html lang="sv">' in page
    assert "Synkningar" in page


def test_the_language_switch_changes_the_language(client, shop_a):
    grant(client, shop_a)

    client.post("/i18n/setlang/", {"language": "sv", "next": f"/app/{shop_a.pk}/"})
    page = client.get(f"/app/{shop_a.pk}/").content.decode()

    assert '<html lang="sv">' in page


# --- customers and products ------------------------------------------------------------
def test_syncing_customers_and_products_from_the_status_page(
    client, shop_a, monkeypatch, django_capture_on_commit_callbacks
):
    from shopify_app.connector import ShopifyConnector

    synced = []

    def sync_catalog(self, *, integration):
        synced.append(integration.pk)
        return "customers: created 2, updated 0, unchanged 0, failed 0"

    monkeypatch.setattr(ShopifyConnector, "sync_catalog", sync_catalog, raising=False)
    grant(client, shop_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/app/{shop_a.pk}/registers/")

    assert response.status_code == 302
    assert synced == [shop_a.pk]
    page = client.get(f"/app/{shop_a.pk}/").content.decode()
    assert "customers: created 2" in page
    assert "Sync customers and products" in page


def test_shop_a_cannot_sync_shop_bs_registers(client, shop_a, shop_b):
    grant(client, shop_a)

    assert client.post(f"/app/{shop_b.pk}/registers/").status_code == 403
    shop_b.source.refresh_from_db()
    assert "catalog_sync" not in shop_b.source.metadata
