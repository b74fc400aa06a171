"""The local fakes of the provider APIs, mounted only when SANDBOX_ENABLED is on."""

from __future__ import annotations

urlpatterns: list = []
