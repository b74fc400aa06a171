from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from integrations.models import Connection
from tests.factories import ConnectionFactory

pytestmark = pytest.mark.django_db


def _raw_columns(pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_token, refresh_token FROM integrations_connection WHERE id = %s", [pk]
        )
        return cursor.fetchone()


def test_token_columns_never_hold_clear_text():
    conn = ConnectionFactory(access_token="shpat_secret-access", refresh_token="refresh-uuid-42")

    raw_access, raw_refresh = _raw_columns(conn.pk)

    assert "shpat_secret-access" not in raw_access
    assert "refresh-uuid-42" not in raw_refresh
    assert raw_access.startswith("fernet:")
    fresh = Connection.objects.get(pk=conn.pk)
    assert fresh.access_token == "shpat_secret-access"
    assert fresh.refresh_token == "refresh-uuid-42"


def test_value_written_with_old_key_reads_after_new_key_is_put_first(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    conn = ConnectionFactory(access_token="written-with-old-key")
    raw_before, _ = _raw_columns(conn.pk)

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]

    assert Connection.objects.get(pk=conn.pk).access_token == "written-with-old-key"
    # New writes use the newest key: the old key alone can no longer read them.
    conn.access_token = "written-with-new-key"
    conn.save()
    raw_after, _ = _raw_columns(conn.pk)
    assert raw_after != raw_before
    assert Fernet(new_key).decrypt(raw_after.removeprefix("fernet:").encode()) == (
        b"written-with-new-key"
    )


def test_empty_tokens_stay_empty():
    conn = ConnectionFactory(access_token="", refresh_token="")

    assert _raw_columns(conn.pk) == ("", "")
