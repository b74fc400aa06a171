from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from integrations.models import Connection
from syncs.models import FieldMapping, Integration, SyncRun
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


class _BrowserForm(HTMLParser):
    """What a browser submits from the page's fields: inputs, checked boxes, each select's
    selected option (else its first) and textareas; no buttons (the test adds the one pressed)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._first: tuple[str, str] | None = None
        self._chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in {"submit", "button", "file", "image"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.data.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select, self._first, self._chosen = a["name"], None, False
        elif tag == "option" and self._select:
            pick = (self._select, a.get("value", ""))
            self._first = self._first or pick
            if "selected" in a and not self._chosen:
                self.data.append(pick)
                self._chosen = True
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.data.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea:
            name, _ = self.data.pop()
            self.data.append((name, data.removeprefix("\n")))

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._chosen and self._first:
                self.data.append(self._first)
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def submitted(page: str) -> dict[str, list[str]]:
    parser = _BrowserForm()
    parser.feed(page)
    found: dict[str, list[str]] = {}
    for name, value in parser.data:
        found.setdefault(name, []).append(value)
    return found


def test_saving_an_integration_ignores_the_blank_mapping_row(admin_client, integration):
    url = f"/admin/syncs/integration/{integration.pk}/change/"
    form = submitted(admin_client.get(url).content.decode())
    assert form["mappings-TOTAL_FORMS"] == ["1"]  # the one blank extra row, untouched

    saved = admin_client.post(url, {**form, "_save": ["Save"]})

    assert saved.status_code == 302, saved.context["errors"] if saved.context else saved
    assert saved["Location"] == "/admin/syncs/integration/"
    assert not FieldMapping.objects.exists()


def test_a_filled_in_mapping_row_is_saved_and_a_half_filled_one_refused(admin_client, integration):
    url = f"/admin/syncs/integration/{integration.pk}/change/"
    form = submitted(admin_client.get(url).content.decode())
    filled = {
        "mappings-0-target": ["document.YourReference"],
        "mappings-0-expression": ["order.name"],
    }

    half = admin_client.post(url, {**form, "mappings-0-expression": ["order.name"]})
    saved = admin_client.post(url, {**form, **filled})

    assert half.status_code == 200
    assert "This field is required." in half.content.decode()
    assert saved.status_code == 302
    mapping = FieldMapping.objects.get()
    assert (mapping.target, mapping.kind, mapping.expression) == (
        "document.YourReference",
        "path",
        "order.name",
    )
