from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from shopify_app.data_requests import export_filename, export_json
from shopify_app.models import DataRequest, ShopifySettings
from syncs.admin import SourceSettingsFormSet


class ShopifySettingsInline(admin.StackedInline):
    """Shown on a Shopify integration's page, below the settings every source shares."""

    model = ShopifySettings
    formset = SourceSettingsFormSet
    can_delete = False
    min_num = max_num = 1
    extra = 0


class OpenFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("answered", "Answered")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(answered_at__isnull=True)
        if self.value() == "answered":
            return queryset.filter(answered_at__isnull=False)
        return queryset


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    """Shopify's customers/data_request: open ones first, by their 30-day deadline, each
    with its export to download (personal data: it needs the change permission)."""

    list_display = ("shop", "email", "received_at", "due_at", "deadline", "export_link")
    list_filter = (OpenFilter, "shop")
    search_fields = ("shop", "email", "customer_id", "request_id")
    readonly_fields = (
        "shop", "request_id", "customer_id", "email", "orders", "received_at", "due_at",
        "answered_at",
    )  # fmt: skip
    actions = ["mark_answered"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="deadline")
    def deadline(self, obj: DataRequest) -> str:
        if not obj.is_open:
            return f"answered {obj.answered_at:%Y-%m-%d}"
        days = (obj.due_at - timezone.now()).days
        return f"{days} days left" if days >= 0 else f"overdue by {-days} days"

    @admin.display(description="export")
    def export_link(self, obj: DataRequest) -> str:
        url = reverse("admin:shopify_app_datarequest_export", args=[obj.pk])
        return format_html('<a href="{}">Download</a>', url)

    @admin.action(description="Mark as answered", permissions=["change"])
    def mark_answered(self, request, queryset) -> None:
        count = queryset.filter(answered_at__isnull=True).update(answered_at=timezone.now())
        self.message_user(request, f"{count} data request(s) marked as answered.")

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [
            path("<int:pk>/export/", export, name="shopify_app_datarequest_export"),
            *super().get_urls(),
        ]

    def export_view(self, request, pk: int) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        data_request = get_object_or_404(DataRequest, pk=pk)
        response = HttpResponse(export_json(data_request), content_type="application/json")
        filename = export_filename(data_request)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
