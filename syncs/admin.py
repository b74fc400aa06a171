from __future__ import annotations

from django.contrib import admin

from syncs.models import InboundEvent, SyncRun, SyncRunLog


class ReadOnlyAdmin(admin.ModelAdmin):
    """Runs and events are records of what happened; nobody edits them by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(InboundEvent)
class InboundEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "provider", "topic", "account_id", "state", "delivery_id"]
    list_filter = ["provider", "state", "topic"]
    search_fields = ["delivery_id", "account_id"]
    date_hierarchy = "received_at"


class SyncRunLogInline(admin.TabularInline):
    model = SyncRunLog
    extra = 0
    can_delete = False
    fields = ["at", "level", "step", "message", "excerpt"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "provider", "operation", "source_id", "status", "attempts"]
    list_filter = ["status", "provider", "operation"]
    search_fields = ["source_id", "error_message"]
    date_hierarchy = "created_at"
    inlines = [SyncRunLogInline]
