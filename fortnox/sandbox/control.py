"""Control methods for a tenant's bookkeeping settings: its chart of accounts and OSS.

Mixed into ``FortnoxSandbox`` next to ``add_tenant`` and ``advance_clock``; each takes the
sandbox lock and marks state to be saved, so they are safe against a running HTTP sandbox.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from fortnox.sandbox.bas import DEFAULT_CHART
from fortnox.sandbox.state import Tenant


class TenantControls:
    """``sb.set_accounts``, ``sb.add_account``, ``sb.remove_account`` and ``sb.set_oss``.

    Relies on ``FortnoxSandbox``'s ``_lock``, ``tenant()`` and ``mark_dirty()``.
    """

    _lock: threading.RLock
    tenant: Callable[[str], Tenant]
    mark_dirty: Callable[[], None]

    def set_accounts(
        self, database_number: str, accounts: Mapping[Any, str] | Iterable[Any] | None = None
    ) -> dict[str, str]:
        """Replace the tenant's chart: {number: name}, a list of numbers, or None for BAS."""
        if accounts is None:
            chart = dict(DEFAULT_CHART)
        elif isinstance(accounts, Mapping):
            chart = {_number(n): str(name) for n, name in accounts.items()}
        else:
            chart = {_number(n): DEFAULT_CHART.get(_number(n), "") for n in accounts}
        with self._lock:
            self.tenant(database_number).accounts = chart
            self.mark_dirty()
        return chart

    def add_account(self, database_number: str, number: Any, name: str = "") -> None:
        """Add (or rename) one account in the tenant's chart."""
        key = _number(number)
        with self._lock:
            self.tenant(database_number).accounts[key] = name or DEFAULT_CHART.get(key, "")
            self.mark_dirty()

    def remove_account(self, database_number: str, number: Any) -> None:
        """Take one account out of the tenant's chart (nothing happens if it is not there)."""
        with self._lock:
            self.tenant(database_number).accounts.pop(_number(number), None)
            self.mark_dirty()

    def set_oss(self, database_number: str, enabled: bool = True) -> None:
        """Switch the tenant's one-stop-shop (OSS) VAT setting on or off."""
        with self._lock:
            self.tenant(database_number).oss = bool(enabled)
            self.mark_dirty()


def _number(value: Any) -> str:
    """An account number as the chart keys it: four digits, 1000-9999."""
    text = str(value).strip()
    if not (text.isdigit() and 1000 <= int(text) <= 9999):
        raise ValueError(f"not an account number: {value!r}")
    return str(int(text))
