from __future__ import annotations

import pytest
import requests

API = "https://api.fortnox.se/3"


class Api:
    """A tiny client for tests: JSON in, (status, parsed body) out."""

    def __init__(self, token: str) -> None:
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def call(self, method: str, path: str, payload=None, **params):
        response = requests.request(
            method, f"{API}/{path}", json=payload, params=params or None, headers=self.headers
        )
        content_type = response.headers.get("Content-Type", "")
        body = response.json() if "json" in content_type and response.content else response
        return response.status_code, body

    def get(self, path, **params):
        return self.call("GET", path, **params)

    def post(self, path, payload):
        return self.call("POST", path, payload)

    def put(self, path, payload=None):
        return self.call("PUT", path, payload)


@pytest.fixture
def api(fortnox_sandbox, fortnox_tokens) -> Api:
    return Api(fortnox_tokens["access_token"])


@pytest.fixture
def customer(api) -> dict:
    status, body = api.post("customers", {"Customer": {"Name": "Kund AB", "Email": "k@kund.se"}})
    assert status == 201
    return body["Customer"]


@pytest.fixture
def article(api) -> dict:
    status, body = api.post(
        "articles", {"Article": {"ArticleNumber": "MUG-1", "Description": "Mugg"}}
    )
    assert status == 201
    return body["Article"]
