"""The Fortnox readiness check as an action on the connection list."""

from __future__ import annotations

from django.contrib import admin, messages

from fortnox.errors import PROVIDER
from fortnox.readiness import readiness_check
from integrations.admin import ConnectionAdmin


@admin.action(description="Check Fortnox readiness", permissions=["change"])
def check_readiness(modeladmin, request, queryset):
    for connection in queryset.filter(provider=PROVIDER):
        for check in readiness_check(connection=connection):
            level = messages.SUCCESS if check.ok else messages.ERROR
            detail = f": {check.detail}" if check.detail else ""
            fix = f" Fix: {check.fix}" if not check.ok else ""
            modeladmin.message_user(request, f"{connection}: {check.name}{detail}.{fix}", level)


ConnectionAdmin.actions = [*ConnectionAdmin.actions, check_readiness]
