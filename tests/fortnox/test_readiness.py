from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from integrations.models import Connection
from syncs.models import Integration

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection(fortnox_sandbox, fortnox_tokens):
    return Connection.objects.create(
        provider="fortnox",
        account_id="1234567",
        display_name="Testbolaget AB",
        access_token=fortnox_tokens["access_token"],
        refresh_token=fortnox_tokens["refresh_token"],
        token_expires_at=timezone.now() + timedelta(hours=1),
        scopes=fortnox_tokens["scope"].split(),
    )


def _check(capsys, *args) -> tuple[int, str]:
    try:
        call_command("fortnox_check", *args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().out


def test_ready_tenant_passes_every_check(connection, capsys, fortnox_sandbox):
    from fortnox.client import FortnoxClient

    FortnoxClient(connection=connection).create_customer(customer={"Name": "Probe AB"})
    source = Connection.objects.create(provider="shopify", account_id="demo.myshopify.com")
    Integration.objects.create(
        source=source, fortnox=connection, document_type="order", missing_article="create"
    )

    code, out = _check(capsys, "--connection", str(connection.pk))

    assert code == 0, out
    assert "[FAIL]" not in out
    assert "VAT rates 25/12/6/0: probed with draft order" in out
    assert "[ok]   Licence for order" in out
    assert "[ok]   Licence for price" in out
    order = next(iter(fortnox_sandbox.tenant("1234567").orders.values()))
    assert order["Cancelled"] is True
    assert out.strip().endswith("all checks passed")


def test_tenant_without_invoice_licence_exits_1_and_names_the_fix(
    connection, capsys, fortnox_sandbox
):
    source = Connection.objects.create(provider="shopify", account_id="demo.myshopify.com")
    Integration.objects.create(source=source, fortnox=connection, document_type="invoice")
    everything_but_invoicing = {"customer", "article", "order", "currency", "price", "payment"}
    fortnox_sandbox.tenant("1234567").licences = frozenset(everything_but_invoicing)

    code, out = _check(capsys, "--connection", str(connection.pk))

    assert code == 1
    assert "[FAIL] Licence for invoice: code 2001101" in out
    assert "Fix: Your Fortnox account is missing invoicing (the invoice licence" in out
    assert out.strip().endswith("1 check(s) failed")


def test_missing_shipping_article_and_currency_are_reported(connection, capsys, fortnox_sandbox):
    source = Connection.objects.create(
        provider="shopify", account_id="demo.myshopify.com", metadata={"currencies": ["CHF"]}
    )
    Integration.objects.create(source=source, fortnox=connection, shipping_article="FRAKT")
    fortnox_sandbox.tenant("1234567").currencies = ("SEK", "EUR")

    code, out = _check(capsys)

    assert code == 1
    assert "[FAIL] Currencies: missing: CHF" in out
    assert "[FAIL] The shipping article FRAKT" in out
    assert "Fix: Create article FRAKT in Fortnox, or change the shipping article setting." in out


def test_unknown_connection_is_a_command_error(connection):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No Fortnox connection with id 999"):
        call_command("fortnox_check", "--connection", "999")
