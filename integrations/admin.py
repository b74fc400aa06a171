from __future__ import annotations

from django.contrib import admin, messages

from integrations.models import Connection


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "provider", "account_id", "status", "token_expires_at", "updated_at"]
    list_filter = ["provider", "status"]
    search_fields = ["account_id", "display_name"]
    # Tokens are never shown or edited here; they only come from the OAuth flows.
    exclude = ["access_token", "refresh_token"]
    readonly_fields = [
        "provider",
        "account_id",
        "scopes",
        "token_expires_at",
        "refresh_token_expires_at",
        "created_at",
        "updated_at",
    ]

    actions = ["check_readiness"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Check Fortnox readiness")
    def check_readiness(self, request, queryset):
        from fortnox.readiness import readiness_check

        for connection in queryset.filter(provider="fortnox"):
            for check in readiness_check(connection=connection):
                level = messages.SUCCESS if check.ok else messages.ERROR
                detail = f": {check.detail}" if check.detail else ""
                fix = f" Fix: {check.fix}" if not check.ok else ""
                self.message_user(request, f"{connection}: {check.name}{detail}.{fix}", level)
