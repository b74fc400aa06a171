"""`make run`: migrate, then run the web server, the relay and one task worker until Ctrl-C.

Written in Python rather than shell because a shell cannot trap a signal it was started
with ignored, and then Ctrl-C or a TERM would leave the worker running. Here either
signal stops every process, and if one of them dies the others are stopped too.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 10


# Marks the PUBLIC_BASE_URL line below it as the runner's, to be kept in step with PORT.
MANAGED = (
    "# PUBLIC_BASE_URL follows PORT (`make run` rewrites it); delete this comment to keep yours."
)


def ensure_local_env(path: Path, *, port: str) -> None:
    """Write a .env for local development on first run, so manage.py commands typed by
    hand work too. Its keys are generated here, never the embedded development defaults.
    Its PUBLIC_BASE_URL follows PORT while the runner owns the line (see MANAGED)."""
    url = f"http://localhost:{port}"
    if not path.exists():
        from cryptography.fernet import Fernet

        path.write_text(
            "# Written by `make run` for local development; never use it in production.\n"
            "DEBUG=true\n"
            f"SECRET_KEY={secrets.token_urlsafe(48)}\n"
            f"FIELD_ENCRYPTION_KEY={Fernet.generate_key().decode()}\n"
            f"{MANAGED}\nPUBLIC_BASE_URL={url}\n"
        )
        print(f"Wrote {path} for local development (DEBUG on, generated keys, {url})")
        return
    lines = path.read_text().splitlines()
    updated = with_public_url(lines, url)
    if updated != lines:
        path.write_text("\n".join(updated) + "\n")
        print(f"Set PUBLIC_BASE_URL={url} in {path} to match PORT")
    elif (own := dotenv_value(lines, "PUBLIC_BASE_URL")) and own != url:
        print(f"Note: {path} sets PUBLIC_BASE_URL={own} (yours, left as it is); web is on {url}")


def with_public_url(lines: list[str], url: str) -> list[str]:
    """``lines`` of a .env with the runner's PUBLIC_BASE_URL set to ``url``: added when the
    file has none, replaced when the line follows MANAGED, else (the user's own) unchanged."""
    index = _key_index(lines, "PUBLIC_BASE_URL")
    if index is None:
        return [*lines, MANAGED, f"PUBLIC_BASE_URL={url}"]
    if index and lines[index - 1].strip() == MANAGED:
        return [*lines[:index], f"PUBLIC_BASE_URL={url}", *lines[index + 1 :]]
    return lines


def dotenv_value(lines: list[str], key: str) -> str:
    index = _key_index(lines, key)
    if index is None:
        return ""
    value = lines[index].split("=", 1)[1].split(" #", 1)[0]
    return value.strip().strip("\"'")


def _key_index(lines: list[str], key: str) -> int | None:
    found = [
        n
        for n, line in enumerate(lines)
        if line.strip().removeprefix("export ").startswith(f"{key}=")
    ]
    return found[-1] if found else None


def main() -> int:
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST", "127.0.0.1")
    dotenv = ROOT / ".env"
    ensure_local_env(dotenv, port=port)
    # The same address hand-typed manage.py commands will read from .env.
    public_url = dotenv_value(dotenv.read_text().splitlines(), "PUBLIC_BASE_URL")
    env = {
        **os.environ,
        "DEBUG": os.environ.get("DEBUG", "true"),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL") or public_url,
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    migrated = subprocess.run([*manage, "migrate", "--noinput"], env=env, cwd=ROOT, check=False)
    if migrated.returncode:
        return migrated.returncode
    # Connect the sandboxes (or, with real credentials, only print the URLs) before the web
    # process loads the sandbox state.
    demo = subprocess.run([*manage, "sandbox_demo"], env=env, cwd=ROOT, check=False)
    if demo.returncode:
        return demo.returncode
    print(
        f"Starting web on http://{host}:{port}/, the relay and one task worker"
        " (Ctrl-C stops them all)"
    )
    children = [
        subprocess.Popen([*manage, "runserver", f"{host}:{port}", "--noreload"], env=env, cwd=ROOT),
        subprocess.Popen([*manage, "outbox_relay"], env=env, cwd=ROOT),
        subprocess.Popen([*manage, "qcluster"], env=env, cwd=ROOT),
    ]
    stopping = []

    def stop(signum, frame):
        stopping.append(signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.2)
    return _stop_all(children)


def _stop_all(children: list[subprocess.Popen]) -> int:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
