from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from integrations.models import Connection
from syncs.models import Integration, SyncRun
from syncs.pipeline import run_execute
from syncs.runs import run_get_or_create
from tests.syncs.conftest import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("admin", password="pw"))
    return client


def test_switching_fortnox_account_needs_a_disconnect_first(integration):
    other = Connection.objects.create(provider="fortnox", account_id="7654321")
    integration.fortnox = other

    with pytest.raises(ValidationError) as caught:
        integration.full_clean()

    assert "Disconnect it first" in caught.value.message_dict["fortnox"][0]


def test_a_source_has_exactly_one_integration(integration):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Integration.objects.create(source=integration.source)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"missing_article": "placeholder"}, "placeholder_article", "Set the placeholder"),
        ({"customer_numbering": "source"}, "customer_number_path", "Say which source field"),
        ({"vat_type_overrides": {"no": "EXPORT"}}, "vat_type_overrides", "2-letter country"),
        ({"vat_type_overrides": {"NO": "FOREIGN"}}, "vat_type_overrides", "must be one of"),
        ({"trigger": "refunded"}, "trigger", "Choose one of: paid"),
    ],
)
def test_integration_settings_are_validated(integration, changes, field, message):
    for name, value in changes.items():
        setattr(integration, name, value)

    with pytest.raises(ValidationError) as caught:
        integration.full_clean()

    assert message in caught.value.message_dict[field][0]


def test_runs_are_listed_read_only_with_their_step_log(admin_client, integration, fake_source):
    fake_source.documents["1001"] = make_document()
    run = run_get_or_create(integration=integration, operation="document", source_id="1001")
    run_execute(run_id=run.pk)

    listing = admin_client.get("/admin/syncs/syncrun/?status__exact=succeeded")
    detail = admin_client.get(f"/admin/syncs/syncrun/{run.pk}/change/")

    assert listing.status_code == 200
    assert b"#1001" in listing.content
    assert detail.status_code == 200
    assert b"Customer" in detail.content and b"created" in detail.content
    assert b'name="_save"' not in detail.content  # read-only
    log_text = " ".join(SyncRun.objects.get().log.values_list("excerpt", flat=True))
    assert "access_token" not in log_text and "Bearer" not in log_text


def test_integration_admin_shows_mapping_rows_inline(admin_client, integration):
    page = admin_client.get(f"/admin/syncs/integration/{integration.pk}/change/")

    assert page.status_code == 200
    assert b"mappings-TOTAL_FORMS" in page.content
    assert b"document.YourOrderNumber" in page.content


def test_usage_page_lists_months(admin_client, integration, fake_source):
    fake_source.documents["1001"] = make_document()
    run = run_get_or_create(integration=integration, operation="document", source_id="1001")
    run_execute(run_id=run.pk)

    page = admin_client.get("/admin/syncs/usagemonth/")

    assert page.status_code == 200
    assert b"shop-1" in page.content
