"""The floor for webhook ingest: the least a receiver can do, as a bare WSGI app.

It does what the service's receiver must (verify the HMAC on the raw body, store the
delivery once per webhook id in PostgreSQL, answer) and nothing else: no framework, one
persistent connection per process, one INSERT in autocommit. ``make bench`` serves it with
the same gunicorn settings as the service and divides the service's rate by this one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

import psycopg

SECRET = os.environ.get("SHOPIFY_CLIENT_SECRET", "sandbox-secret").encode()
TABLE = """CREATE TABLE IF NOT EXISTS bench_floor (
    id bigserial PRIMARY KEY, delivery_id varchar(255) UNIQUE NOT NULL,
    topic varchar(100) NOT NULL, shop varchar(255) NOT NULL, body text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now())"""
INSERT = (
    "INSERT INTO bench_floor (delivery_id, topic, shop, body) VALUES (%s, %s, %s, %s)"
    " ON CONFLICT (delivery_id) DO NOTHING"
)
_connection: psycopg.Connection | None = None


def _db() -> psycopg.Connection:
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["BENCH_FLOOR_DSN"], autocommit=True)
    return _connection


def application(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    digest = base64.b64encode(hmac.new(SECRET, body, hashlib.sha256).digest()).decode()
    given = environ.get("HTTP_X_SHOPIFY_HMAC_SHA256", "")
    if not hmac.compare_digest(digest, given):
        start_response("401 Unauthorized", [("Content-Length", "0")])
        return [b""]
    _db().execute(
        INSERT,
        (
            environ["HTTP_X_SHOPIFY_WEBHOOK_ID"],
            environ["HTTP_X_SHOPIFY_TOPIC"],
            environ["HTTP_X_SHOPIFY_SHOP_DOMAIN"],
            body.decode("utf-8", "replace"),
        ),
    )
    start_response("200 OK", [("Content-Length", "0")])
    return [b""]
