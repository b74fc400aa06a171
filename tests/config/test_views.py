from __future__ import annotations


def test_home_leads_to_the_sandbox_walkthrough_when_sandboxes_are_on(client, settings):
    settings.SANDBOX_ENABLED = True

    response = client.get("/")

    assert (response.status_code, response["Location"]) == (302, "/sandbox/")


def test_home_says_what_the_service_is_and_links_the_admin(client, settings):
    settings.SANDBOX_ENABLED = False
    settings.DEBUG = False

    response = client.get("/")

    assert response.status_code == 200
    assert "books sales from Shopify into Fortnox" in response.text
    assert 'href="/admin/"' in response.text


def test_home_only_answers_reads(client):
    assert client.post("/").status_code == 405
