"""Start-up with bad configuration stops with one line naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "q0jMmV2tJ6m8mD1R9Kq2Hc5kq4W3ZlB7a9v0iN1u2xY="


def _manage(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    for name in ("DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DATABASE_URL", "SANDBOX_ENABLED"):
        env.pop(name, None)
    env.update({"ENV_FILE": os.devnull, **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
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
