"""The served sandbox's control endpoints (/sandbox/fortnox/_control/): tenants, tokens,
faults and what was stored, for scripts in another process."""

from __future__ import annotations

CONTROL = "/sandbox/fortnox/_control"
JSON = "application/json"


def _tokens(client) -> dict:
    client.post(f"{CONTROL}/tenants", {"database_number": "4242"}, content_type=JSON)
    return client.post(f"{CONTROL}/tokens", {"database_number": "4242"}, content_type=JSON).json()


def _create_customer(client, tokens: dict, name: str):
    return client.post(
        "/sandbox/fortnox/3/customers",
        {"Customer": {"Name": name}},
        content_type=JSON,
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )


def test_tenant_and_tokens_reach_the_api(client, fortnox_http_sandbox):
    tokens = _tokens(client)

    assert _create_customer(client, tokens, "Kund AB").status_code == 201
    assert client.get(f"{CONTROL}/documents", {"tenant": "4242"}).json() == {
        "invoices": [],
        "orders": [],
        "customers": 1,
        "articles": 0,
    }


def test_faults_are_set_counted_and_reset(client, fortnox_http_sandbox):
    tokens = _tokens(client)
    settings = {"error_rate": 0.5, "seed": 7, "crash_after_create": 1}
    assert client.post(f"{CONTROL}/faults", settings, content_type=JSON).status_code == 200

    statuses = [_create_customer(client, tokens, f"Kund {n}").status_code for n in range(12)]

    faults = client.get(f"{CONTROL}/faults").json()
    assert faults["injected"] == {"error": statuses.count(500), "crash": 1}
    assert statuses.count(502) == 1 and statuses.count(201) == 12 - statuses.count(500) - 1
    assert faults["answered"]["500"] == statuses.count(500)
    reset = client.post(f"{CONTROL}/faults", {"reset": True}, content_type=JSON).json()
    assert reset["error_rate"] == 0 and reset["crash_after_create"] == 0


def test_bad_control_requests_get_400_or_404(client, fortnox_http_sandbox):
    assert client.post(f"{CONTROL}/tokens", {}, content_type=JSON).status_code == 400
    assert client.get(f"{CONTROL}/documents").status_code == 400
    assert client.get(f"{CONTROL}/nothing").status_code == 404
