"""`make run`: migrate, then run the web server and one task worker until Ctrl-C.

Written in Python rather than shell because a shell cannot trap a signal it was started
with ignored, and then Ctrl-C or a TERM would leave the worker running. Here either
signal stops both processes, and if one of them dies the other is stopped too.
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


def ensure_local_env() -> None:
    """Write a .env for local development on first run, so manage.py commands typed by
    hand work too. Its keys are generated here, never the embedded development defaults."""
    path = ROOT / ".env"
    if path.exists():
        return
    from cryptography.fernet import Fernet

    path.write_text(
        "# Written by `make run` for local development; never use it in production.\n"
        "DEBUG=true\n"
        f"SECRET_KEY={secrets.token_urlsafe(48)}\n"
        f"FIELD_ENCRYPTION_KEY={Fernet.generate_key().decode()}\n"
    )
    print(f"Wrote {path} for local development (DEBUG on, generated keys)")


def main() -> int:
    ensure_local_env()
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST", "127.0.0.1")
    env = {
        **os.environ,
        "DEBUG": os.environ.get("DEBUG", "true"),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", f"http://localhost:{port}"),
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    migrated = subprocess.run([*manage, "migrate", "--noinput"], env=env, cwd=ROOT, check=False)
    if migrated.returncode:
        return migrated.returncode
    print(f"Starting web on http://{host}:{port}/ and one task worker (Ctrl-C stops both)")
    children = [
        subprocess.Popen([*manage, "runserver", f"{host}:{port}", "--noreload"], env=env, cwd=ROOT),
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
