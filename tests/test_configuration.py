"""Start-up with bad configuration stops with one line naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "q0jMmV2tJ6m8mD1R9Kq2Hc5kq4W3ZlB7a9v0iN1u2xY="


def _manage(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    # A fresh process as production starts it: nothing of the test run's own environment
    # (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright's event loop).
    unset = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    for name in ("DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DATABASE_URL", "SANDBOX_ENABLED"):
        env.pop(name, None)
    for name in [name for name in env if name.startswith(("SECURE_", "SESSION_COOKIE_"))]:
        env.pop(name)
    env.update({"ENV_FILE": os.devnull, **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret",
    "FIELD_ENCRYPTION_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "bridge.example.com",
    "PUBLIC_BASE_URL": "https://bridge.example.com",
    "FORTNOX_CLIENT_ID": "id",
    "FORTNOX_CLIENT_SECRET": "secret",
    "DATABASE_URL": "sqlite:////tmp/fortnox-bridge-config-test.sqlite3",
}


def test_complete_production_configuration_starts():
    result = _manage(PRODUCTION)

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"FIELD_ENCRYPTION_KEY": ""}, "FIELD_ENCRYPTION_KEY"),
        ({"FIELD_ENCRYPTION_KEY": "not-a-key"}, "FIELD_ENCRYPTION_KEY"),
        ({"DATABASE_URL": "nonsense://"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://"}, "DATABASE_URL"),
        ({"FORTNOX_CLIENT_SECRET": ""}, "FORTNOX_CLIENT_SECRET"),
        ({"DEBUG": "perhaps"}, "DEBUG"),
        ({"SANDBOX_ENABLED": "true"}, "SANDBOX_ENABLED"),
        ({"SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"}, "SECURE_PROXY_SSL_HEADER"),
        ({"SECURE_HSTS_SECONDS": "a year"}, "SECURE_HSTS_SECONDS"),
    ],
)
def test_bad_configuration_stops_with_one_line_naming_the_variable(overrides, variable):
    result = _manage({**PRODUCTION, **overrides})

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error: ")
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


def test_development_default_key_is_refused_in_production():
    from django.conf import settings

    result = _manage({**PRODUCTION, "FIELD_ENCRYPTION_KEY": settings.DEV_FIELD_ENCRYPTION_KEY})

    assert result.returncode == 2
    assert "FIELD_ENCRYPTION_KEY" in result.stderr


# Django's own deploy check wants a key of 50+ characters (W009).
DEPLOY_SECRET_KEY = "k3Jd9-production-secret-0f8a7c6b5e4d3c2b1a09f8e7d6c5b4a3f2e1d0c9b8a7"


def test_production_settings_pass_djangos_deploy_check_without_warnings():
    result = _manage(
        {**PRODUCTION, "SECRET_KEY": DEPLOY_SECRET_KEY}, "--deploy", "--fail-level=WARNING"
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stderr + result.stdout


def test_a_tls_proxy_header_is_configurable():
    env = {
        **PRODUCTION,
        "SECRET_KEY": DEPLOY_SECRET_KEY,
        "SECURE_PROXY_SSL_HEADER": "X-Scheme=https",
    }
    script = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"

    result = _shell(env, script)

    assert result.stdout.strip() == "('HTTP_X_SCHEME', 'https')", result.stderr


def test_production_defaults_redirect_to_https_and_send_hsts():
    script = (
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER,"
        " s.SECURE_REDIRECT_EXEMPT)"
    )

    result = _shell(PRODUCTION, script)

    assert result.stdout.strip() == (
        "True 31536000 True True ('HTTP_X_FORWARDED_PROTO', 'https') ['^healthz$']"
    ), result.stderr


def _shell(env_overrides: dict[str, str], script: str) -> subprocess.CompletedProcess:
    # A fresh process as production starts it: nothing of the test run's own environment
    # (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright's event loop).
    unset = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    for name in ("DEBUG", "SANDBOX_ENABLED"):
        env.pop(name, None)
    env.update(
        {"ENV_FILE": os.devnull, "DJANGO_SETTINGS_MODULE": "config.settings", **env_overrides}
    )
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
