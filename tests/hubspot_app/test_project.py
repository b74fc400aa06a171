"""The shipped HubSpot project names every scope, URL and component the service uses, and
every URL in it is built from the one placeholder."""

from __future__ import annotations

import json
import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import resolve, reverse

from hubspot_app import endpoints, webhooks
from hubspot_app.models import WorkflowExecution
from hubspot_app.project import PLACEHOLDER, project_files
from hubspot_app.workflow import ERROR_FIELD, NUMBER_FIELD

BASE = "https://bridge.example.se"
URL = re.compile(r"https?://[^\s\"'`<>]+")


@pytest.fixture
def files() -> dict[str, str]:
    return project_files(BASE)


def meta(files, name: str) -> dict:
    return json.loads(files[name])


def test_the_project_is_platform_2026_03_with_its_components(files):
    assert meta(files, "hsproject.json")["platformVersion"] == "2026.03"
    types = {json.loads(t)["type"] for n, t in files.items() if n.endswith("-hsmeta.json")}
    assert types == {"app", "webhooks", "workflow-action", "card"}
    card = meta(files, "src/app/cards/fortnox-card-hsmeta.json")["config"]
    assert f"src{card['entrypoint']}" in files
    assert set(card["objectTypes"]) == {"contacts", "companies"}


def test_the_app_names_every_scope_the_service_uses_and_its_redirect_url(files):
    auth = meta(files, "src/app/app-hsmeta.json")["config"]["auth"]
    assert sorted(auth["requiredScopes"]) == sorted(settings.HUBSPOT_SCOPES)
    assert auth["redirectUrls"] == [f"{BASE}{reverse('hubspot:callback')}"]
    fetch = meta(files, "src/app/app-hsmeta.json")["config"]["permittedUrls"]["fetch"]
    assert fetch == [BASE]


def test_every_url_is_built_from_the_placeholder_and_exists_in_the_service(files):
    raw = project_files()
    for name, text in raw.items():
        for url in URL.findall(text):
            assert url.startswith(PLACEHOLDER) or "${" not in url, (name, url)
    for name, text in files.items():
        for url in URL.findall(text):
            assert url.startswith(BASE), (name, url)
            path = urlsplit(url).path or "/"
            assert resolve(path), (name, url)


def test_each_component_points_at_its_endpoint(files):
    hooks = meta(files, "src/app/webhooks/webhooks-hsmeta.json")["config"]
    action = meta(files, "src/app/workflow-actions/fortnox-action-hsmeta.json")["config"]
    assert resolve(urlsplit(hooks["settings"]["targetUrl"]).path).func is webhooks.receive
    assert resolve(urlsplit(action["actionUrl"]).path).func is endpoints.action
    card = files["src/app/cards/FortnoxCard.tsx"]
    assert f'const BASE_URL = "{BASE}";' in card
    for endpoint in ("hubspot:card-financials", "hubspot:card-customer"):
        assert "${BASE_URL}" + reverse(endpoint) in card


def test_the_webhooks_subscribe_to_what_the_connector_reads(files):
    subscriptions = meta(files, "src/app/webhooks/webhooks-hsmeta.json")["config"]
    wanted = {(s["objectType"], s["subscriptionType"], s.get("propertyName")) for s in
              subscriptions["subscriptions"]["crmObjects"]}  # fmt: skip
    assert ("deal", "object.propertyChange", "dealstage") in wanted
    assert ("deal", "object.creation", None) in wanted
    assert {
        ("product", "object.creation", None),
        ("product", "object.propertyChange", "price"),
    } <= (wanted)


def test_the_action_definition_matches_the_service(files):
    action = meta(files, "src/app/workflow-actions/fortnox-action-hsmeta.json")["config"]
    [field] = action["inputFields"]
    options = [o["value"] for o in field["typeDefinition"]["options"]]
    assert options == list(WorkflowExecution.Action.values)
    outputs = [o["typeDefinition"]["name"] for o in action["outputFields"]]
    assert outputs == [NUMBER_FIELD, ERROR_FIELD]
    assert set(action["objectTypes"]) == {"DEAL", "CONTACT", "COMPANY"}
    for language in ("en", "sv"):
        labels = action["labels"][language]
        assert labels["actionName"] and set(labels["outputFieldLabels"]) == set(outputs)


def test_the_command_prints_the_project_for_a_base_url():
    out = StringIO()
    call_command("hubspot_project", "--base-url", f"{BASE}/", stdout=out)
    text = out.getvalue()
    assert PLACEHOLDER not in text and f"{BASE}/hubspot/actions/" in text
    assert "===== hsproject.json =====" in text


def test_the_command_refuses_a_url_hubspot_cannot_call():
    with pytest.raises(CommandError, match="https"):
        call_command("hubspot_project", "--base-url", "http://localhost:8000")
