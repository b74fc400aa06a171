"""A faithful, stateful fake of Fortnox's REST API v3 and OAuth ("the Fortnox sandbox").

Use it in-process through ``fortnox.sandbox.testing.install`` (a ``responses`` mock) or over
HTTP under ``/sandbox/fortnox/`` (``fortnox.sandbox.urls``). See docs/sandboxes.md.
"""

from __future__ import annotations

from fortnox.sandbox.core import FortnoxSandbox

__all__ = ["FortnoxSandbox"]
