from __future__ import annotations

from django.contrib import admin

from hubspot_app.forms import HubSpotSettingsForm
from hubspot_app.models import HubSpotSettings
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
