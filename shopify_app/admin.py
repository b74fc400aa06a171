from __future__ import annotations

from django.contrib import admin

from shopify_app.models import ShopifySettings
from syncs.admin import SourceSettingsFormSet


class ShopifySettingsInline(admin.StackedInline):
    """Shown on a Shopify integration's page, below the settings every source shares."""

    model = ShopifySettings
    formset = SourceSettingsFormSet
    can_delete = False
    min_num = max_num = 1
    extra = 0
