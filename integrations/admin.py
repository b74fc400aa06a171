from __future__ import annotations

from django.contrib import admin

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

    #: Providers add their own actions here (fortnox/admin.py adds the readiness check).
    actions: list = []

    def has_add_permission(self, request) -> bool:
        return False
