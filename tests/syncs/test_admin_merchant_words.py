"""The operators' admin: a run list that fits, a Replay button on the run page, and the
merchant pages' words on the integration form."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User

from syncs.models import SyncRun
from tests.factories import IntegrationFactory, SyncRunFactory

pytestmark = pytest.mark.django_db
Status = SyncRun.Status


@pytest.fixture
def operator(client):
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


@pytest.fixture
def viewer(client):
    user = User.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_syncrun"))
    client.force_login(user)
    return client


def test_the_run_list_shows_status_document_error_and_write_back(operator):
    SyncRunFactory(
        source_label="#1001",
        status=Status.FAILED,
        error_message="No Fortnox article matches SKU X. " * 10,
        report_status=SyncRun.Report.DONE,
    )

    page = operator.get("/admin/syncs/syncrun/").content.decode()

    assert "#1001" in page
    assert "Failed" in page
    assert "Written back" in page
    assert "No Fortnox article matches SKU X. No Fortnox" in page
    assert "…" in page  # the long error is cut, its whole text is in the title


def test_the_run_page_replays_a_failed_run(operator, monkeypatch):
    run = SyncRunFactory(status=Status.FAILED)
    replayed = []
    monkeypatch.setattr("syncs.admin.run_replay", lambda run: replayed.append(run.pk) or True)

    page = operator.get(f"/admin/syncs/syncrun/{run.pk}/change/").content.decode()
    response = operator.post(f"/admin/syncs/syncrun/{run.pk}/replay/")

    assert f"/admin/syncs/syncrun/{run.pk}/replay/" in page
    assert response.status_code == 302
    assert replayed == [run.pk]


def test_a_viewer_sees_no_replay_button_and_cannot_replay(viewer, monkeypatch):
    run = SyncRunFactory(status=Status.FAILED)
    monkeypatch.setattr("syncs.admin.run_replay", lambda run: pytest.fail("replayed"))

    page = viewer.get(f"/admin/syncs/syncrun/{run.pk}/change/").content.decode()
    viewer.post(f"/admin/syncs/syncrun/{run.pk}/replay/")

    assert "/replay/" not in page


def test_read_only_lists_offer_no_delete(operator):
    SyncRunFactory()

    page = operator.get("/admin/syncs/syncrun/").content.decode()

    assert "delete_selected" not in page


def test_the_integration_form_uses_the_merchant_pages_words(operator):
    integration = IntegrationFactory()

    page = operator.get(f"/admin/syncs/integration/{integration.pk}/change/").content.decode()

    assert "When no article matches" in page
    assert "Create the article in Fortnox" in page
    assert '<select name="shopify_settings-0-trigger"' in page  # a choice, not free text


def test_every_problem_of_the_integration_is_reported_on_one_save(operator):
    integration = IntegrationFactory()
    page = operator.get(f"/admin/syncs/integration/{integration.pk}/change/")
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and not isinstance(value, dict | list)
    }
    data.update(
        name="x",
        source=integration.source_id,
        fortnox=integration.fortnox_id,
        missing_article="placeholder",
        placeholder_article="",
        guest_customers="named",
        vat_type_overrides='{"NO": "NOPE"}',
        **{
            "mappings-TOTAL_FORMS": "0",
            "mappings-INITIAL_FORMS": "0",
            "usage-TOTAL_FORMS": "0",
            "usage-INITIAL_FORMS": "0",
        },
    )

    response = operator.post(f"/admin/syncs/integration/{integration.pk}/change/", data)

    errors = response.context["adminform"].form.errors
    assert {"placeholder_article", "guest_customer_number", "vat_type_overrides"} <= set(errors)
