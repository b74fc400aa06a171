"""The HubSpot source connector, as the engine sees it through the registry.

A deal becomes a document when it reaches a stage named by one of the integration's stage
rules (pipeline, stage -> draft invoice or order). One run per deal and rule (its source
id is ``<deal>:<pipeline>:<stage>``), so a deal moved out of the stage and back makes no
second document; before acting the deal is read again and its current stage checked.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings as django_settings
from django.urls import reverse

from hubspot_app import services
from hubspot_app.client import PROVIDER
from hubspot_app.mappers import DealMappingError, DealMappingOptions, deal_to_document
from hubspot_app.models import DOCUMENT_TYPES, HubSpotSettings
from hubspot_app.oauth import HubSpotOAuth
from integrations.errors import ConnectorError, NeedsReauthorization
from integrations.models import ConnectionStatus
from syncs.connectors import SourceUnavailable, SyncSkipped, Work
from syncs.models import InboundEvent, Integration

log = logging.getLogger(__name__)
DOCUMENT = "document"
ACTION_PIPELINE = "action"  # hubspot_app.workflow's runs: ``<deal>:action:<type>``
DEAL_TYPE_ID = "0-3"  # generic ``object.*`` subscriptions name the type by id (§2)
TYPE_IDS = {DEAL_TYPE_ID: "deal", "0-7": "product"}
PRODUCT_KINDS = {"product.creation", "product.propertyChange"}


def settings_for(integration: Integration | None) -> HubSpotSettings:
    """The portal's settings; the defaults while none are saved (a preview, a new portal)."""
    if integration is not None and integration.pk:
        try:
            return integration.hubspot_settings
        except HubSpotSettings.DoesNotExist:
            pass
    return HubSpotSettings()


def mapping_options(integration: Integration | None, rule: dict | None) -> DealMappingOptions:
    """The mapper's options from the HubSpot settings and the integration's: a forced VAT
    basis on the integration wins over the HubSpot setting, and a line item needs a SKU
    when articles are matched by SKU."""
    integration = integration or Integration()
    hubspot = settings_for(integration)
    forced = integration.prices_include_vat
    include = hubspot.prices_include_vat
    if forced != Integration.PricesIncludeVat.SOURCE:
        include = forced == Integration.PricesIncludeVat.INCLUDE
    return DealMappingOptions(
        document_type=(rule or {}).get("document_type", ""),
        prices_include_vat=include,
        default_vat_rate=hubspot.default_vat_rate,
        contact_fallback=hubspot.contact_fallback,
        org_number_property=hubspot.org_number_property,
        vat_number_property=hubspot.vat_number_property,
        require_sku=integration.article_match == Integration.ArticleMatch.SKU,
        deal_amount_row=hubspot.deal_amount_row,
        default_product_sku=hubspot.default_product_sku,
        default_product_name=hubspot.default_product_name,
        default_currency=integration.default_currency or "SEK",
        vat_type_overrides=integration.vat_type_overrides or {},
    )


def run_source_id(deal_id: str, rule: dict) -> str:
    return f"{deal_id}:{rule['pipeline']}:{rule['stage']}"


def is_echo(body: dict) -> bool:
    """A change this app made (our write-back), which HubSpot reports back to us."""
    app_id = str(django_settings.HUBSPOT_APP_ID or "")
    source_id = str(body.get("sourceId") or "")
    return bool(app_id) and source_id in {app_id, f"app:{app_id}", f"appId:{app_id}"}


def event_kind(topic: str, body: dict) -> str:
    """``deal.propertyChange``, also for the generic ``object.propertyChange`` of a deal
    (and ``product.*`` for a product's)."""
    if topic.startswith("object."):
        kind = TYPE_IDS.get(str(body.get("objectTypeId")))
        if kind:
            return f"{kind}." + topic.removeprefix("object.")
    return topic


def on_product_change(kind: str, body: dict, integration: Integration) -> None:
    """A product made or changed: keep its Fortnox article, when the portal asks for it.
    Done here, as Shopify's catalog topics are: the event's task is the worker."""
    product_id = str(body.get("objectId") or "")
    if kind not in PRODUCT_KINDS or not product_id.isdigit():
        return
    if not settings_for(integration).sync_products or not integration.enabled:
        return
    from hubspot_app.catalog import product_changed

    product_changed(integration=integration, product_id=product_id)


class HubSpotConnector:
    key = PROVIDER
    label = "HubSpot"
    context_roots = ("deal", "company", "contact", "line_item")
    settings_model = HubSpotSettings

    @property
    def settings_inline(self):
        from hubspot_app.admin import HubSpotSettingsInline

        return HubSpotSettingsInline

    @property
    def settings_form(self):
        from hubspot_app.forms import HubSpotSettingsForm

        return HubSpotSettingsForm

    def settings_for(self, integration: Integration) -> HubSpotSettings:
        return settings_for(integration)

    def validate_settings(self, *, integration: Integration, settings) -> dict[str, str]:
        from hubspot_app.forms import stage_rule_problems

        problems = {}
        if rules := stage_rule_problems(integration=integration, rules=settings.stage_rules):
            problems["stage_rules"] = rules
        if settings.default_vat_rate is not None and not 0 <= settings.default_vat_rate <= 100:
            problems["default_vat_rate"] = "A VAT rate is a percentage from 0 to 100."
        for field in (
            "org_number_property",
            "vat_number_property",
            "document_number_property",
            "customer_number_property",
        ):
            value = getattr(settings, field) or ""
            if value and not value.replace("_", "").isalnum():
                problems[field] = "A HubSpot property name: letters, digits and underscores."
        return problems

    def setup_url(self, *, integration: Integration) -> str:
        return reverse("merchant:onboarding", args=[integration.pk])

    def describe_trigger(self, *, integration: Integration) -> str:
        """The opening clause of the next-sale sentence: when a deal becomes a document."""
        rules = settings_for(integration).rules()
        if not rules:
            return "When a deal reaches a stage you choose (none is chosen yet)"
        stages = " or ".join(f"{r['stage']} (pipeline {r['pipeline']})" for r in rules)
        return f"When a deal reaches stage {stages}"

    def describe_document(self, *, integration: Integration) -> str:
        """Each stage rule names its own document type."""
        kinds = sorted({r["document_type"] for r in settings_for(integration).rules()})
        return " or ".join(f"draft {kind}" for kind in kinds) or "draft invoice"

    def describe_report(self, *, integration: Integration) -> str:
        return (
            "The deal gets a note with the Fortnox number, the totals and the PDF (or the"
            " error and a replay link), and the number in a deal property."
        )

    def reconnect_url(self, *, integration: Integration) -> str:
        return reverse("hubspot:connect")

    def preview_document(self, *, payload, integration):
        if isinstance(payload, str):
            raise ValueError("the deal bundle must be an object, not str")
        deal = (payload or {}).get("deal") if isinstance(payload, dict) else None
        props = (deal or {}).get("properties") or {}
        rule = settings_for(integration).rule_for(
            pipeline=str(props.get("pipeline") or ""), stage=str(props.get("dealstage") or "")
        )
        return deal_to_document(payload, options=mapping_options(integration, rule))

    def load_document(self, *, integration: Integration, operation: str, source_id: str):
        """Re-read the deal (events arrive late, out of order and repeated) and map it if
        it is still in the rule's stage."""
        if operation != DOCUMENT:
            raise SyncSkipped(f"A {operation} run is made on request (card, workflow action).")
        deal_id, _, rest = source_id.partition(":")
        pipeline, _, stage = rest.partition(":")
        hubspot = settings_for(integration)
        # A workflow action's run (``<deal>:action:<type>``) is asked for whatever the stage.
        by_action = pipeline == ACTION_PIPELINE and stage in DOCUMENT_TYPES
        rule = (
            {"document_type": stage}
            if by_action
            else hubspot.rule_for(pipeline=pipeline, stage=stage)
        )
        if rule is None:
            raise SyncSkipped(f"No stage rule for stage {stage} of pipeline {pipeline} any more.")
        source = integration.source
        if source.status != ConnectionStatus.ACTIVE:
            raise SourceUnavailable(source.last_error or HubSpotOAuth.reconnect_message)
        try:
            client = services.hubspot_client_for(source)
            properties = services.wanted_properties(integration, hubspot)
            bundle = services.deal_bundle_read(
                client=client, deal_id=deal_id, properties=properties
            )
        except NeedsReauthorization as error:
            raise SourceUnavailable(error.message) from error
        except ConnectorError as error:
            if error.status == 404:
                raise SyncSkipped(f"Deal {deal_id} no longer exists in HubSpot.") from error
            raise
        props = bundle["deal"]["properties"]
        now = (props.get("pipeline"), props.get("dealstage"))
        if not by_action and now != (pipeline, stage):
            raise SyncSkipped(f"The deal is in stage {now[1]} of pipeline {now[0]}, not {stage}.")
        try:
            return deal_to_document(bundle, options=mapping_options(integration, rule))
        except DealMappingError as error:
            raise ConnectorError(str(error), permanent=True, provider=PROVIDER) from error

    def interpret_event(
        self, *, event: InboundEvent, integration: Integration | None
    ) -> list[Work]:
        body = json.loads(event.body)
        if not isinstance(body, dict) or is_echo(body) or integration is None:
            return []  # recorded: our own write-backs echo back, and what nobody installed
        kind = event_kind(event.topic, body)
        deal_id = str(body.get("objectId") or "")
        rules = settings_for(integration).rules()
        if kind.startswith("product."):
            on_product_change(kind, body, integration)
            return []
        if kind == "deal.propertyChange" and body.get("propertyName") == "dealstage":
            rules = [r for r in rules if r["stage"] == str(body.get("propertyValue") or "")]
        elif kind != "deal.creation":
            return []  # contacts, companies, products, amounts: recorded, nothing to do
        if not deal_id.isdigit():
            return []
        return [Work(DOCUMENT, run_source_id(deal_id, rule)) for rule in rules]

    def requeue_lost(self, *, now, lease) -> int:
        """The engine's dispatcher asks for work of ours whose hand-off was lost."""
        from hubspot_app.workflow import executions_requeue

        return executions_requeue(now=now, lease=lease)

    def report(self, *, integration: Integration, outcome) -> None:
        from hubspot_app.workflow import executions_complete

        executions_complete(run=outcome.run)  # first: the workflow waits on it
        services.deal_report(integration=integration, outcome=outcome)
