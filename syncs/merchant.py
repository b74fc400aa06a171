"""The merchant's pages, for every source: onboarding in four steps and the status page.

A merchant reaches only an integration their browser was granted by a signed install or
OAuth flow (``syncs.accounts.merchant_grant``); an operator with the right to change
integrations may open any. Everything else, another shop's pages and replays included, is
a 403 that does not say whether the integration exists. Source-specific settings come from
the connector (``settings_form``, ``describe_trigger``, ``describe_report``).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fortnox.links import document_url
from fortnox.readiness import readiness_check
from syncs import registers, status
from syncs.accounts import integration_unlink_fortnox, merchant_integration
from syncs.connectors import SourceConnector, get_source
from syncs.forms import IntegrationSettingsForm
from syncs.models import Integration
from syncs.onboarding import NOTICE_KEY
from syncs.replay import run_replay
from syncs.sentences import next_sale_sentence

STEPS = (
    ("fortnox", "merchant:fortnox"),
    ("settings", "merchant:settings"),
    ("check", "merchant:check"),
    ("done", "merchant:done"),
)
RUNS_PER_PAGE = 25


def is_operator(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and user.has_perm("syncs.change_integration")


def refused(request, message: str = "") -> HttpResponse:
    message = message or _(
        "These pages belong to another account, or your session has ended. Open the app"
        " from your shop's or portal's admin to sign in again."
    )
    return render(request, "merchant/refused.html", {"message": message}, status=403)


def merchant_page(view):
    """Resolve ``integration_id`` to an integration this browser may act for, or refuse."""

    @wraps(view)
    def wrapper(request, integration_id: int, *args, **kwargs):
        integration = merchant_integration(request, integration_id=integration_id)
        if integration is None and is_operator(request):
            integration = (
                Integration.objects.select_related("source", "fortnox")
                .filter(pk=integration_id)
                .first()
            )
        if integration is None:
            return refused(request)
        if notice := request.session.pop(NOTICE_KEY, ""):
            messages.info(request, notice)
        try:
            connector = get_source(integration.source.provider)
        except LookupError:
            return refused(request, _("This kind of account is not supported here."))
        return view(request, integration, connector, *args, **kwargs)

    return wrapper


def _context(request, integration: Integration, connector: SourceConnector, **extra) -> dict:
    return {
        "integration": integration,
        "connector": connector,
        "steps": [(name, reverse(url, args=[integration.pk])) for name, url in STEPS],
        "operator": is_operator(request),
        **extra,
    }


@require_GET
def home(request):
    """``/app/``: the most recently granted integration's status page."""
    integration = merchant_integration(request)
    if integration is None:
        return refused(request)
    return redirect("merchant:status", integration.pk)


@require_GET
@merchant_page
def onboarding(request, integration, connector):
    """Continue onboarding where it stands: Fortnox first, then the settings."""
    step = "settings" if integration.fortnox_id else "fortnox"
    return redirect(f"merchant:{step}", integration.pk)


# --- step 1: Fortnox -------------------------------------------------------------------
@require_GET
@merchant_page
def fortnox(request, integration, connector):
    return render(
        request,
        "merchant/step_fortnox.html",
        _context(
            request,
            integration,
            connector,
            step="fortnox",
            source=status.connection_health(integration.source, name=connector.label),
            fortnox=status.connection_health(integration.fortnox, name="Fortnox"),
        ),
    )


@require_POST
@merchant_page
def fortnox_disconnect(request, integration, connector):
    if integration.fortnox_id:
        integration_unlink_fortnox(integration=integration)
        messages.success(
            request,
            _("Fortnox was disconnected. Nothing is booked until you connect it again."),
        )
    return redirect("merchant:fortnox", integration.pk)


# --- step 2: settings ------------------------------------------------------------------
def _source_form(connector: SourceConnector, integration: Integration, data=None):
    form_class = getattr(connector, "settings_form", None)
    if form_class is None:
        return None
    settings = connector.settings_for(integration)
    return form_class(data, instance=settings, prefix="source", integration=integration)


@require_http_methods(["GET", "POST"])
@merchant_page
def settings(request, integration, connector):
    data = request.POST if request.method == "POST" else None
    form = IntegrationSettingsForm(data, instance=integration)
    source_form = _source_form(connector, integration, data)
    if data is not None:
        valid = form.is_valid()
        if source_form is not None and source_form.is_valid():
            problems = connector.validate_settings(
                integration=form.instance, settings=source_form.instance
            )
            for field, message in problems.items():
                source_form.add_error(field if field in source_form.fields else None, message)
        if valid and (source_form is None or source_form.is_valid()):
            with transaction.atomic():
                form.save()
                if source_form is not None:
                    source_form.instance.integration = integration
                    source_form.save()
            messages.success(request, _("Your settings are saved."))
            return redirect("merchant:check", integration.pk)
    return render(
        request,
        "merchant/step_settings.html",
        _context(
            request, integration, connector, step="settings", form=form, source_form=source_form
        ),
        status=400 if data is not None else 200,
    )


# --- step 3: readiness -----------------------------------------------------------------
@require_GET
@merchant_page
def check(request, integration, connector):
    checks = None
    if integration.fortnox_id and integration.fortnox.is_active:
        checks = readiness_check(connection=integration.fortnox)
    return render(
        request,
        "merchant/step_check.html",
        _context(
            request,
            integration,
            connector,
            step="check",
            checks=checks,
            ready=checks is not None and all(c.ok for c in checks),
        ),
    )


# --- step 4: done ----------------------------------------------------------------------
@require_GET
@merchant_page
def done(request, integration, connector):
    return render(
        request,
        "merchant/step_done.html",
        _context(
            request,
            integration,
            connector,
            step="done",
            sentence=next_sale_sentence(integration, connector),
            report=_describe_report(connector, integration),
        ),
    )


def _describe_report(connector: SourceConnector, integration: Integration) -> str:
    describe = getattr(connector, "describe_report", None)
    return describe(integration=integration) if describe else ""


def _reconnect_url(connector: SourceConnector, integration: Integration) -> str:
    reconnect = getattr(connector, "reconnect_url", None)
    return reconnect(integration=integration) if reconnect else ""


# --- the status page -------------------------------------------------------------------
@require_GET
@merchant_page
def status_page(request, integration, connector):
    outcome = request.GET.get("outcome", "")
    outcome = outcome if outcome in status.OUTCOMES else ""
    page = Paginator(status.runs_for(integration, outcome), RUNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for run in page:
        run.fortnox_url = document_url(
            connection=integration.fortnox, kind=run.document_type, number=run.document_number
        )
        run.replayable = run.status in status.REPLAYABLE
        run.document_label = status.document_label(run.document_type)
    context = _context(
        request,
        integration,
        connector,
        source=status.connection_health(integration.source, name=connector.label),
        fortnox=status.connection_health(integration.fortnox, name="Fortnox"),
        source_reconnect=_reconnect_url(connector, integration),
        sentence=next_sale_sentence(integration, connector),
        page=page,
        outcome=outcome,
        outcomes=[(key, label) for key, (label, _statuses) in status.OUTCOMES.items()],
        usage=status.usage_this_month(integration),
        can_sync_registers=registers.can_sync_registers(connector),
        registers=registers.registers_state(integration),
        chart=status.chart(status.documents_per_day(integration)),
    )
    return render(request, "merchant/status.html", context)


@require_POST
@merchant_page
def run_replay_view(request, integration, connector, run_id: int):
    run = get_object_or_404(integration.runs, pk=run_id)
    label = run.source_label or run.source_id
    if run_replay(run=run):
        messages.success(request, _("%(sale)s is being synced again.") % {"sale": label})
    else:
        message = _("%(sale)s has not failed, so there is nothing to replay.")
        messages.info(request, message % {"sale": label})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("merchant:status", args=[integration.pk])
    return redirect(back)


@require_POST
@merchant_page
def registers_sync(request, integration, connector):
    if not registers.can_sync_registers(connector):
        return refused(request, _("This kind of account has no customers or products to sync."))
    if registers.registers_sync_start(integration=integration):
        messages.success(request, _("Customers and products are being synced to Fortnox."))
    else:
        messages.info(request, _("A sync of customers and products is already running."))
    return redirect("merchant:status", integration.pk)
