"""Sandbox URLs (served under /sandbox/ when SANDBOX_ENABLED)."""

urlpatterns: list = []
