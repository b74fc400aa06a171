"""The processes ``make bench`` measures, on loopback, as in production.

- the app under test: ``gunicorn config.wsgi`` (2 sync workers), ``DEBUG`` off;
- its task workers: ``manage.py qcluster`` (``Q_WORKERS`` processes), with the ORM broker
  on PostgreSQL, or Redis when the stack is started with a Redis URL, and the relay
  (``manage.py outbox_relay``) that hands them stored webhooks;
- the sandboxes in their own process (``benchmarks.sandboxes``), which the app reaches
  through its ``FORTNOX_API_URL`` / ``SHOPIFY_SHOP_URL`` like the real APIs;
- the floor app for ingest (``benchmarks.floor``), with the same gunicorn settings.

Every process is started in its own process group and stopped by its id.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET = "sandbox-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    def __init__(self, *, database_url: str, workdir: Path, fernet_key: str) -> None:
        self.database_url = database_url
        self.workdir = workdir
        self.fernet_key = fernet_key
        self.app_port, self.sandbox_port, self.floor_port = free_port(), free_port(), free_port()
        self.app = f"http://127.0.0.1:{self.app_port}"
        self.sandbox = f"http://127.0.0.1:{self.sandbox_port}"
        self.floor = f"http://127.0.0.1:{self.floor_port}"
        self.redis_url = ""
        self.processes: dict[str, subprocess.Popen] = {}
        self.started_with: dict[str, tuple] = {}
        self.http = requests.Session()

    def env(self, **extra: str) -> dict[str, str]:
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV")
        env = {name: os.environ[name] for name in keep if name in os.environ}
        sandbox = self.sandbox
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            ENV_FILE=os.devnull,
            DEBUG="false",
            SECRET_KEY="bench-secret-key-" + "x" * 40,
            FIELD_ENCRYPTION_KEY=self.fernet_key,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            PUBLIC_BASE_URL=self.app,
            SANDBOX_ENABLED="false",
            SECURE_PROXY_SSL_HEADER="none",
            DATABASE_URL=self.database_url,
            FORTNOX_API_URL=f"{sandbox}/fortnox",
            FORTNOX_AUTH_URL=f"{sandbox}/fortnox/oauth-v1",
            SHOPIFY_SHOP_URL=f"{sandbox}/shopify/{{shop}}",
            HUBSPOT_API_URL=f"{sandbox}/hubspot",
            HUBSPOT_AUTH_URL=f"{sandbox}/hubspot/oauth/authorize",
            BENCH_SANDBOX_URL=sandbox,
            BENCH_FLOOR_DSN=self.database_url,
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        for provider in ("FORTNOX", "SHOPIFY", "HUBSPOT"):
            env[f"{provider}_CLIENT_ID"] = "sandbox"
            env[f"{provider}_CLIENT_SECRET"] = SECRET
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        env.update(extra)
        return env

    # --- processes -------------------------------------------------------------------
    def start(self, name: str, args: list[str], **env: str) -> subprocess.Popen:
        self.stop(name)
        self.started_with[name] = (self.redis_url,)
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed below
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and scripts
            args,
            cwd=ROOT,
            env=self.env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes[name] = process
        return process

    def alive(self, name: str) -> bool:
        process = self.processes.get(name)
        return process is not None and process.poll() is None

    def stop_all_but(self, *keep: str) -> None:
        for name in list(self.processes):
            if name not in keep:
                self.stop(name)

    def gunicorn(self, name: str, app: str, port: int, *, workers: int = 2, threads: int = 1):
        args = [str(BIN / "gunicorn"), app, "--bind", f"127.0.0.1:{port}"]
        args += ["--workers", str(workers), "--backlog", "2048", "--log-level", "warning"]
        if threads > 1:
            args += ["--worker-class", "gthread", "--threads", str(threads)]
        return self.start(name, args)

    def start_sandboxes(self) -> None:
        """Started once and kept: each section's shops and tenants are new ones."""
        if self.alive("sandboxes"):
            return
        self.gunicorn("sandboxes", "benchmarks.sandboxes:application", self.sandbox_port,
                      workers=1, threads=16)  # fmt: skip
        self.wait_http(f"{self.sandbox}/bench/stats", "sandboxes")

    def start_app(self) -> None:
        """Kept across sections while the broker is the same (the app enqueues on it)."""
        if self.alive("app") and self.started_with["app"] == (self.redis_url,):
            return
        self.gunicorn("app", "config.wsgi:application", self.app_port)
        self.wait_http(f"{self.app}/healthz", "app")

    def start_floor(self) -> None:
        if self.alive("floor"):
            return
        self.gunicorn("floor", "benchmarks.floor:application", self.floor_port)
        time.sleep(1.0)

    def start_cluster(self, **env: str) -> None:
        """The task workers and the relay that hands them stored webhooks; stopped together."""
        self.start("cluster", [sys.executable, "manage.py", "qcluster"], **env)  # stops the relay
        self.start("relay", [sys.executable, "manage.py", "outbox_relay"], **env)

    def wait_http(self, url: str, name: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited:\n{self.log_tail(name)}")
            try:
                if self.http.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{name} did not answer {url}:\n{self.log_tail(name)}")

    def log_tail(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def pids(self, name: str) -> list[int]:
        """The process group's members (gunicorn's or qcluster's workers included)."""
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return []
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.getpgid(int(entry.name)) == process.pid:
                        found.append(int(entry.name))
                except (ProcessLookupError, PermissionError):
                    continue
        return found

    def stop(self, name: str) -> None:
        """SIGTERM to the group, SIGKILL after a grace: 1 s for the cluster, which never
        exited on SIGTERM within 15 s here (each section's database is dropped after it)."""
        if name == "cluster":
            self.stop("relay")
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=1 if name == "cluster" else 15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    # --- the sandboxes' bench routes -------------------------------------------------
    def bench(self, method: str, path: str, **data) -> dict:
        response = self.http.request(method, f"{self.sandbox}/bench/{path}", json=data, timeout=60)
        response.raise_for_status()
        return response.json()
