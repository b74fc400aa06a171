from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import truncatechars
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from syncs.connectors import get_source
from syncs.events import event_process
from syncs.forms import IntegrationSettingsForm
from syncs.models import (
    ExternalLink,
    FieldMapping,
    InboundEvent,
    Integration,
    SyncRun,
    SyncRunLog,
    UsageMonth,
)
from syncs.replay import run_replay
from syncs.reporting import report_replay
from syncs.runs import stuck_runs
from syncs.validation import mapping_targets


class ReadOnlyAdmin(admin.ModelAdmin):
    """Runs and events are records of what happened; nobody edits them by hand."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_act_permission(self, request) -> bool:
        """Actions that start work (replay, process again) need the model's change
        permission, although nobody edits the rows: a view-only user can only look."""
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


def _target_choices() -> list[tuple[str, str]]:
    # Blank first, so the inline's untouched extra row is submitted as it was shown and
    # ignored; with a target preselected the browser sent it and the row failed as half filled.
    return [("", "---------"), *mapping_targets()]


class FieldMappingForm(forms.ModelForm):
    target = forms.ChoiceField(choices=_target_choices)

    class Meta:
        model = FieldMapping
        fields = ["target", "kind", "expression"]


class FieldMappingInline(admin.TabularInline):
    model = FieldMapping
    form = FieldMappingForm
    extra = 1


class UsageInline(admin.TabularInline):
    model = UsageMonth
    extra = 0
    can_delete = False
    fields = ["month", "documents"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class IntegrationAdminForm(forms.ModelForm):
    """The merchant pages' labels and help, so the admin and the README use one wording."""

    class Meta:
        model = Integration
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose the fields
        labels = IntegrationSettingsForm.Meta.labels
        help_texts = IntegrationSettingsForm.Meta.help_texts


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    form = IntegrationAdminForm
    list_display = ["__str__", "source", "fortnox", "document_type", "enabled"]
    list_filter = ["enabled", "document_type", "source__provider"]
    list_select_related = ["source", "fortnox"]
    inlines = [FieldMappingInline, UsageInline]
    fieldsets = [
        (None, {"fields": ["name", "source", "fortnox", "enabled"]}),
        ("Documents", {"fields": ["document_type", "after_create", "prices_include_vat"]}),
        ("Customers", {"fields": ["customer_match", "customer_numbering", "customer_number_path",
                                  "write_back_customer_number", "guest_customers",
                                  "guest_customer_number", "default_terms_of_payment",
                                  "default_currency", "default_price_list",
                                  "default_way_of_delivery", "default_terms_of_delivery",
                                  "default_language", "vat_type_overrides"]}),
        ("Articles", {"fields": ["article_match", "missing_article", "placeholder_article",
                                 "article_unit"]}),
        ("Accounts", {"fields": ["sales_account_25", "sales_account_12", "sales_account_6",
                                 "eu_goods_account", "eu_services_account", "export_account",
                                 "gift_card_account", "duty_account", "tip_account"]}),
        ("Shipping", {"fields": ["shipping", "shipping_article"]}),
    ]  # fmt: skip

    def get_inlines(self, request, obj):
        """The source's own settings (Shopify's trigger, HubSpot's stage rules) first."""
        inline = _source_connector(obj) and _source_connector(obj).settings_inline
        return [inline, *self.inlines] if inline else list(self.inlines)


def _source_connector(integration: Integration | None):
    if integration is None or not integration.source_id:
        return None
    try:
        return get_source(integration.source.provider)
    except LookupError:
        return None


class SourceSettingsFormSet(BaseInlineFormSet):
    """Lets the source connector check its own settings against the integration's."""

    def clean(self) -> None:
        super().clean()
        connector = _source_connector(self.instance)
        for form in self.forms:
            if connector is None or not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            problems = connector.validate_settings(
                integration=self.instance, settings=form.instance
            )
            for field, message in problems.items():
                form.add_error(field if field in form.fields else None, message)


@admin.register(ExternalLink)
class ExternalLinkAdmin(admin.ModelAdmin):
    list_display = ["integration", "kind", "source_id", "fortnox_number", "created_at"]
    list_filter = ["kind", "integration"]
    search_fields = ["source_id", "fortnox_number"]


@admin.register(InboundEvent)
class InboundEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "provider", "topic", "account_id", "state", "delivery_id"]
    # Filters with fixed choices only: a filter on topic, or a date hierarchy, reads every
    # stored event for its choices on each page (the list grew with the table). Search
    # finds a topic.
    list_filter = ["provider", "state"]
    search_fields = ["delivery_id", "account_id", "topic"]
    show_full_result_count = False
    actions = ["process_again"]

    @admin.action(description="Process the selected failed events again", permissions=["act"])
    def process_again(self, request, queryset):
        failed = queryset.filter(state=InboundEvent.State.FAILED)
        started = sum(len(event_process(event_id=event.pk)) for event in failed)
        self.message_user(
            request, f"{failed.count()} event(s) processed again; {started} run(s) started."
        )


class StuckFilter(admin.SimpleListFilter):
    """Runs whose worker died: still 'running' past their lease."""

    title = "stuck"
    parameter_name = "stuck"

    def lookups(self, request, model_admin):
        return [("yes", "Running past its lease (worker stopped)")]

    def queryset(self, request, queryset):
        return queryset.filter(stuck_runs()) if self.value() == "yes" else queryset


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
    # Fits 1280 px: the sale with its integration, one short error line (the whole on hover).
    list_display = ["when", "sale", "status", "document", "error", "report_status", "attempts"]
    # Fixed choices and the (few) integrations only: a filter on operation read every
    # run for its choices on each page.
    list_filter = [StuckFilter, "status", "report_status", "provider", "integration"]
    list_select_related = ["integration__source"]
    show_full_result_count = False
    search_fields = ["source_id", "source_label", "document_number", "error_message"]
    date_hierarchy = "created_at"
    inlines = [SyncRunLogInline]
    actions = ["replay", "write_back"]
    change_form_template = "admin/syncs/syncrun/change_form.html"

    @admin.display(description="created", ordering="created_at")
    def when(self, run: SyncRun) -> str:
        return f"{timezone.localtime(run.created_at):%Y-%m-%d %H:%M}"

    @admin.display(description="sale", ordering="source_label")
    def sale(self, run: SyncRun) -> str:
        label = run.source_label or run.source_id
        return format_html("{}<br><small>{}</small>", label, run.integration or run.provider)

    @admin.display(description="document", ordering="document_number")
    def document(self, run: SyncRun) -> str:
        return f"{run.document_type} {run.document_number}".strip() if run.document_number else ""

    @admin.display(description="error")
    def error(self, run: SyncRun) -> str:
        message = run.error_message
        return format_html('<span title="{}">{}</span>', message, truncatechars(message, 90))

    def get_urls(self):
        replay = self.admin_site.admin_view(require_POST(self.replay_one))
        own = path("<int:run_id>/replay/", replay, name="syncs_syncrun_replay")
        return [own, *super().get_urls()]

    def replay_one(self, request, run_id: int):
        """The run page's Replay button."""
        run = get_object_or_404(SyncRun, pk=run_id)
        if not self.has_act_permission(request):
            self.message_user(request, "You may look at runs, not replay them.", messages.ERROR)
        elif run_replay(run=run):
            self.message_user(request, f"Run {run.pk} was queued again.", messages.SUCCESS)
        else:
            self.message_user(
                request, f"Run {run.pk} is not failed, skipped or stuck.", messages.WARNING
            )
        return redirect(reverse("admin:syncs_syncrun_change", args=[run.pk]))

    def render_change_form(self, request, context, *args, **kwargs):
        obj = kwargs.get("obj") or context.get("original")
        context["can_replay"] = bool(obj) and self.has_act_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.action(description="Write the outcome back again", permissions=["act"])
    def write_back(self, request, queryset):
        written = sum(report_replay(run=run) for run in queryset)
        self.message_user(request, f"{written} write-back(s) queued.", messages.SUCCESS)

    @admin.action(description="Replay the selected failed runs", permissions=["act"])
    def replay(self, request, queryset):
        replayed = sum(run_replay(run=run) for run in queryset)
        skipped = queryset.count() - replayed
        self.message_user(request, f"{replayed} run(s) queued again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} run(s) were not failed, skipped or stuck, so they were left alone.",
                messages.WARNING,
            )


@admin.register(UsageMonth)
class UsageMonthAdmin(ReadOnlyAdmin):
    list_display = ["month", "integration", "documents"]
    list_filter = ["integration"]
