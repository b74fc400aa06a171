"""What the provider sandboxes (stateful fakes of Fortnox, Shopify, HubSpot) share.

``SandboxStore`` keeps a sandbox's state in a JSON file for the sandboxes served over
HTTP: saved after every request and reloaded when another process (the worker, a
command) has written the file since, so a restart keeps what the sandbox holds.
``Clock`` lets tests move a sandbox's time.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from django.conf import settings

S = TypeVar("S")


class SandboxStore(Generic[S]):
    """One process-wide sandbox and its file under ``SANDBOX_STATE_DIR``."""

    def __init__(
        self,
        *,
        filename: str,
        create: Callable[[], S],
        load: Callable[[S, dict[str, Any]], None],
        dump: Callable[[S], dict[str, Any]],
    ) -> None:
        self.filename, self.create, self.load, self.dump = filename, create, load, dump
        self._lock = threading.Lock()
        self._sandbox: S | None = None
        self._mtime: float | None = None
        self._path: Path | None = None

    def state_file(self) -> Path:
        return self._path or Path(settings.SANDBOX_STATE_DIR) / self.filename

    def set_default(self, sandbox: S | None, *, path: Path | None = None) -> None:
        """Serve ``sandbox`` (saved to ``path``) instead of the one from var/; None resets."""
        with self._lock:
            self._sandbox, self._path, self._mtime = sandbox, path, None

    def get(self) -> S:
        """The process-wide sandbox, (re)loaded from its file when that changed on disk."""
        path = self.state_file()
        with self._lock:
            if self._sandbox is None:
                self._sandbox = self.create()
            mtime = _mtime(path)
            if mtime is not None and mtime != self._mtime:
                self.load(self._sandbox, json.loads(path.read_text()))
                self._mtime = mtime
            return self._sandbox

    def save(self, sandbox: S) -> None:
        """Write the state atomically (a reader never sees half a file).

        One save at a time, from dump to rename: the threaded web server saves after every
        request, and two saves sharing the temporary file made one fail, or wrote an older
        state into the live file after its time was noted, so the next request reloaded it
        and lost what had happened since."""
        if not settings.SANDBOX_PERSIST:
            return
        path = self.state_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with self._lock:
            with sandbox.lock:  # the dump reads dicts a request may be changing
                text = json.dumps(self.dump(sandbox))
            temporary.write_text(text)
            os.replace(temporary, path)
            self._mtime = _mtime(path)


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return None


class Clock:
    """Real time plus an offset, or a frozen time plus an offset (for tests)."""

    def __init__(self, frozen: float | None = None, offset: float = 0.0) -> None:
        self.frozen = frozen
        self.offset = offset

    def now(self) -> float:
        return (self.frozen if self.frozen is not None else time.time()) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds
