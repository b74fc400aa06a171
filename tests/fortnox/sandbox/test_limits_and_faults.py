"""Rate limit, licences, fault injection and the request log."""

from __future__ import annotations

import pytest
import requests

from fortnox.sandbox import FortnoxSandbox


def test_26th_request_within_5_seconds_is_429_then_ok_after_the_window(fortnox_sandbox, api):
    statuses = [api.get("companyinformation")[0] for _ in range(26)]

    assert statuses[:25] == [200] * 25
    assert statuses[25] == 429
    assert fortnox_sandbox.request_log[-1].status == 429
    assert fortnox_sandbox.request_log[-1].tenant == "1234567"

    fortnox_sandbox.advance_clock(5)
    assert api.get("companyinformation")[0] == 200


def test_rate_limit_is_per_tenant():
    sandbox = FortnoxSandbox()
    sandbox.add_tenant(database_number="1", company_name="A")
    sandbox.add_tenant(database_number="2", company_name="B")
    first = {"Authorization": "Bearer " + sandbox.issue_tokens("1")["access_token"]}
    second = {"Authorization": "Bearer " + sandbox.issue_tokens("2")["access_token"]}
    for _ in range(25):
        sandbox.handle("GET", "/3/companyinformation", headers=first)
    assert sandbox.handle("GET", "/3/companyinformation", headers=first).status == 429
    assert sandbox.handle("GET", "/3/companyinformation/", headers=second).status == 200


def test_tenant_without_invoice_licence_gets_2001101():
    sandbox = FortnoxSandbox()
    sandbox.add_tenant(database_number="42", company_name="Liten AB", licences=["customer"])
    headers = {"Authorization": "Bearer " + sandbox.issue_tokens("42")["access_token"]}

    response = sandbox.handle("GET", "/3/invoices", headers=headers)

    assert response.status == 400
    assert response.json() == {
        "ErrorInformation": {
            "error": 1,
            "message": "Det finns ingen aktiv licens för önskat scope",
            "code": 2001101,
        }
    }
    assert sandbox.handle("GET", "/3/customers", headers=headers).status == 200


def test_crash_after_create_commits_but_raises_connection_error(fortnox_sandbox, api, customer):
    fortnox_sandbox.faults.crash_after_create = 1

    with pytest.raises(requests.exceptions.ConnectionError):
        api.post("invoices", {"Invoice": {"CustomerNumber": "1"}})

    assert "1" in fortnox_sandbox.tenant("1234567").invoices
    assert api.post("invoices", {"Invoice": {"CustomerNumber": "1"}})[0] == 201


def test_timeout_fault_raises_read_timeout(fortnox_sandbox, api):
    fortnox_sandbox.faults.timeout_rate = 1.0
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.get("customers")


def test_error_rate_answers_500_system_error(fortnox_sandbox, api):
    fortnox_sandbox.faults.error_rate = 1.0
    status, body = api.get("customers")
    assert status == 500
    assert body["ErrorInformation"]["code"] == 1000003


def test_fault_rates_are_deterministic_per_seed():
    def run() -> list[int]:
        sandbox = FortnoxSandbox(seed=7)
        sandbox.add_tenant()
        sandbox.faults.error_rate = 0.3
        headers = {"Authorization": "Bearer " + sandbox.issue_tokens()["access_token"]}
        return [sandbox.handle("GET", "/3/customers", headers=headers).status for _ in range(20)]

    first = run()
    assert first == run()
    assert 500 in first and 200 in first


def test_faults_do_not_touch_oauth(fortnox_sandbox, fortnox_tokens):
    fortnox_sandbox.faults.error_rate = 1.0
    response = requests.post(
        "https://apps.fortnox.se/oauth-v1/token",
        data={"grant_type": "refresh_token", "refresh_token": fortnox_tokens["refresh_token"]},
        auth=("sandbox", "sandbox-secret"),
    )
    assert response.status_code == 200


def test_request_log_records_every_request(fortnox_sandbox, api):
    api.get("customers")
    api.get("customers/1")
    entries = [(e.method, e.path, e.status) for e in fortnox_sandbox.request_log]
    assert entries == [("GET", "/3/customers", 200), ("GET", "/3/customers/1", 404)]


def test_other_stubs_share_the_mock(fortnox_sandbox):
    fortnox_sandbox.rsps.get("https://example.com/ping", json={"ok": True})
    assert requests.get("https://example.com/ping").json() == {"ok": True}


def test_state_survives_a_restart(tmp_path):
    path = tmp_path / "fortnox.json"
    sandbox = FortnoxSandbox(persist_path=path)
    sandbox.add_tenant()
    tokens = sandbox.issue_tokens()
    headers = {
        "Authorization": f"Bearer {tokens['access_token']}",
        "Content-Type": "application/json",
    }
    sandbox.handle("POST", "/3/customers", headers=headers, body=b'{"Customer":{"Name":"Kvar"}}')

    restarted = FortnoxSandbox(persist_path=path)
    restarted.load()

    assert restarted.tenant("1234567").customers["1"]["Name"] == "Kvar"
    assert restarted.handle("GET", "/3/customers/1", headers=headers).status == 200
