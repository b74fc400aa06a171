"""`make run`'s .env: its PUBLIC_BASE_URL follows PORT while the runner owns the line."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import environ
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "run.py"
_spec = importlib.util.spec_from_file_location("run_script", SCRIPT)
run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run)


def read(path: Path) -> dict[str, str]:
    """The variables Django's settings would take from the file."""
    found: dict[str, str] = {}
    environ.Env.read_env(str(path), overwrite=True)  # fills os.environ
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key = line.split("=", 1)[0]
            found[key] = os.environ[key]
    return found


@pytest.fixture(autouse=True)
def _restore_environ(monkeypatch):
    for key in ("DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEY", "PUBLIC_BASE_URL", "X_OWN"):
        monkeypatch.setenv(key, "")  # recorded, so read_env's changes are undone


def test_first_run_writes_keys_and_the_url_of_its_port(tmp_path):
    path = tmp_path / ".env"

    run.ensure_local_env(path, port="8001")

    values = read(path)
    assert values["PUBLIC_BASE_URL"] == "http://localhost:8001"
    assert values["DEBUG"] == "true"
    assert len(values["SECRET_KEY"]) > 40 and values["FIELD_ENCRYPTION_KEY"]


def test_another_port_rewrites_the_runners_url_and_keeps_the_keys(tmp_path):
    path = tmp_path / ".env"
    run.ensure_local_env(path, port="8000")
    before = read(path)

    run.ensure_local_env(path, port="8001")

    after = read(path)
    assert after == {**before, "PUBLIC_BASE_URL": "http://localhost:8001"}
    assert path.read_text().count("PUBLIC_BASE_URL=") == 1


def test_an_env_from_before_gets_the_url_added(tmp_path):
    path = tmp_path / ".env"
    path.write_text("DEBUG=true\nSECRET_KEY=abc\n")

    run.ensure_local_env(path, port="8002")

    assert path.read_text() == f"DEBUG=true\nSECRET_KEY=abc\n{run.MANAGED}\n" + (
        "PUBLIC_BASE_URL=http://localhost:8002\n"
    )


def test_a_users_own_url_is_left_alone_and_used(tmp_path, capsys):
    path = tmp_path / ".env"
    own = "DEBUG=true\nPUBLIC_BASE_URL=https://my-tunnel.example.net\nX_OWN=1\n"
    path.write_text(own)

    run.ensure_local_env(path, port="8001")

    assert path.read_text() == own
    assert "PUBLIC_BASE_URL=https://my-tunnel.example.net (yours" in capsys.readouterr().out
    assert run.dotenv_value(own.splitlines(), "PUBLIC_BASE_URL") == "https://my-tunnel.example.net"


def test_a_url_the_user_took_over_by_deleting_the_comment_stays(tmp_path):
    path = tmp_path / ".env"
    run.ensure_local_env(path, port="8000")
    path.write_text(path.read_text().replace(f"{run.MANAGED}\n", ""))

    run.ensure_local_env(path, port="8001")

    assert read(path)["PUBLIC_BASE_URL"] == "http://localhost:8000"
