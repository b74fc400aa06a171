"""Save and load a sandbox's state as JSON (the HTTP views keep it in var/sandbox/)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hubspot_app.sandbox.state import Portal

if TYPE_CHECKING:
    from hubspot_app.sandbox.sandbox import HubSpotSandbox

STORES = ("codes", "access_tokens", "refresh_tokens", "subscriptions", "outbox")


def dump(sb: HubSpotSandbox) -> dict:
    with sb.lock:
        data = {name: getattr(sb, name) for name in STORES}
        data.update(
            clock_offset=sb.clock.offset,
            next_id=sb.ids.next_id,
            next_event_id=sb.next_event_id,
            search_lag=sb.search_lag,
            portals={str(pid): portal.to_dict() for pid, portal in sb.portals.items()},
        )
        return data


def load(sb: HubSpotSandbox, data: dict) -> None:
    """Replace ``sb``'s state with ``data`` (from ``dump``)."""
    with sb.lock:
        for name in STORES:
            if name in data:
                setattr(sb, name, data[name])
        sb.clock.offset = data.get("clock_offset", 0.0)
        sb.ids.next_id = data.get("next_id", sb.ids.next_id)
        sb.next_event_id = data.get("next_event_id", sb.next_event_id)
        sb.search_lag = data.get("search_lag", 0.0)
        sb.portals = {int(pid): Portal.from_dict(p) for pid, p in data.get("portals", {}).items()}
