"""The HubSpot settings form and the check of its stage rules against HubSpot's pipelines.

The stages a rule may name are read from HubSpot (``GET /crm/v3/pipelines/deals``,
hubspot.md §3): the form lists them, and ``stage_rule_problems`` (the connector's
``validate_settings``) refuses a rule whose pipeline or stage the portal does not have.
"""

from __future__ import annotations

import logging

from hubspot_app.models import DOCUMENT_TYPES, HubSpotSettings
from integrations.errors import ConnectorError
from integrations.models import ConnectionStatus
from syncs.forms import SourceSettingsForm
from syncs.models import Integration

log = logging.getLogger(__name__)
RULE_KEYS = {"pipeline", "stage", "document_type"}


def portal_stages(integration: Integration | None) -> dict[tuple[str, str], str] | None:
    """(pipeline, stage) -> label from HubSpot; None when the portal cannot be asked (no
    connected portal, or HubSpot did not answer)."""
    from hubspot_app.services import deal_stages, hubspot_client_for

    source = getattr(integration, "source", None) if integration is not None else None
    if source is None or source.status != ConnectionStatus.ACTIVE or not source.access_token:
        return None
    try:
        return deal_stages(client=hubspot_client_for(source))
    except ConnectorError as error:
        log.info("HubSpot pipelines not read for %s: %s", integration, error)
        return None


def stage_rule_problems(*, integration: Integration | None, rules) -> str:
    """What is wrong with the stage rules, in one sentence; "" when nothing."""
    if not isinstance(rules, list):
        return (
            'Give a list of rules such as [{"pipeline": "default", "stage": "closedwon",'
            ' "document_type": "invoice"}].'
        )
    seen = set()
    for number, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict) or set(rule) != RULE_KEYS:
            return f"Rule {number} must have exactly pipeline, stage and document_type."
        if rule["document_type"] not in DOCUMENT_TYPES:
            return f"Rule {number}: document_type is {' or '.join(DOCUMENT_TYPES)}."
        key = (str(rule["pipeline"]), str(rule["stage"]))
        if not all(key):
            return f"Rule {number} needs a pipeline and a stage."
        if key in seen:
            return f"Rule {number} repeats stage {key[1]} of pipeline {key[0]}."
        seen.add(key)
    stages = portal_stages(integration) if rules else None
    unknown = [key for key in seen if stages is not None and key not in stages]
    if unknown:
        pipeline, stage = sorted(unknown)[0]
        return f"HubSpot has no stage {stage} in pipeline {pipeline}; use one of: " + ", ".join(
            f"{p}/{s} ({label})" for (p, s), label in stages.items()
        )
    return ""


class HubSpotSettingsForm(SourceSettingsForm):
    """HubSpot's own settings (the merchant's settings page and the admin inline); the
    stage rules' help lists the portal's stages, read from HubSpot."""

    class Meta:
        model = HubSpotSettings
        fields = [
            "stage_rules",
            "contact_fallback",
            "org_number_property",
            "vat_number_property",
            "prices_include_vat",
            "default_vat_rate",
            "deal_amount_row",
            "default_product_sku",
            "default_product_name",
            "document_number_property",
            "customer_number_property",
            "sync_products",
        ]

    def __init__(self, *args, integration: Integration | None = None, **kwargs) -> None:
        instance = kwargs.get("instance")
        if integration is None and instance is not None and instance.integration_id:
            integration = instance.integration  # the admin inline gives none
        super().__init__(*args, integration=integration, **kwargs)
        stages = portal_stages(integration) if integration is not None else None
        if stages and "stage_rules" in self.fields:
            listed = "; ".join(f"{p}/{s} = {label}" for (p, s), label in stages.items())
            self.fields["stage_rules"].help_text += f" This portal's stages: {listed}."
