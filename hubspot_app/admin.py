from __future__ import annotations

from django.contrib import admin

from hubspot_app.forms import HubSpotSettingsForm
from hubspot_app.models import HubSpotSettings, WorkflowExecution
from syncs.admin import SourceSettingsFormSet


class HubSpotSettingsInline(admin.StackedInline):
    """Shown on a HubSpot integration's page, below the settings every source shares; the
    connector's ``validate_settings`` runs on save (``SourceSettingsFormSet``)."""

    model = HubSpotSettings
    form = HubSpotSettingsForm
    formset = SourceSettingsFormSet
    can_delete = False
    min_num = max_num = 1
    extra = 0


@admin.register(WorkflowExecution)
class WorkflowExecutionAdmin(admin.ModelAdmin):
    """Workflow-action executions, read-only: what was asked and what HubSpot was told."""

    list_display = ("callback_id", "action", "object_type", "object_id", "state", "created_at")
    list_filter = ("state", "action")
    search_fields = ("callback_id", "object_id")
    readonly_fields = [f.name for f in WorkflowExecution._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
