"""HubSpot's own settings for an integration, beside the settings every source shares."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from syncs.models import Integration

DOCUMENT_TYPES = tuple(Integration.DocumentType.values)  # "invoice", "order"


def default_stage_rules() -> list[dict]:
    """A new portal invoices deals won in the default pipeline."""
    return [{"pipeline": "default", "stage": "closedwon", "document_type": "invoice"}]


class HubSpotSettings(models.Model):
    """What only a HubSpot portal needs to decide; edited inline on the integration.

    Articles are matched by the integration's own *article match* (SKU or name), and a
    forced VAT basis on the integration wins over ``prices_include_vat`` here."""

    integration = models.OneToOneField(
        Integration, on_delete=models.CASCADE, related_name="hubspot_settings"
    )
    stage_rules = models.JSONField(
        default=default_stage_rules,
        blank=True,
        help_text='Deal stages that make a Fortnox document, e.g. [{"pipeline": "default",'
        ' "stage": "closedwon", "document_type": "invoice"}]. document_type is invoice or'
        " order; pipeline and stage are HubSpot's ids (the stage ids are listed below).",
    )
    contact_fallback = models.BooleanField(
        "invoice the contact when there is no company",
        default=True,
        help_text="A deal without a company is invoiced to its primary contact (B2C).",
    )
    org_number_property = models.CharField(
        "organisation number property",
        max_length=100,
        default="org_number",
        help_text="The company property holding the organisation number (HubSpot has no"
        " standard one).",
    )
    vat_number_property = models.CharField(
        "VAT number property",
        max_length=100,
        default="vat_number",
        help_text="The company property holding the VAT number (HubSpot has no standard one).",
    )
    prices_include_vat = models.BooleanField(
        "line item prices include VAT",
        default=False,
        help_text="HubSpot's prices exclude VAT unless this is ticked.",
    )
    default_vat_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("25"),
        help_text="For a line item without hs_tax_rate whose Fortnox article gives no rate.",
    )
    deal_amount_row = models.BooleanField(
        "invoice a deal without line items at its amount",
        default=True,
        help_text="A deal without line items becomes one row of the default product at the"
        " deal's amount; switched off, such a deal fails with a sentence saying why.",
    )
    default_product_sku = models.CharField(
        "default product SKU",
        max_length=50,
        default="HUBSPOT-DEAL",
        help_text="The article of that row (found or created by the article policy).",
    )
    default_product_name = models.CharField(
        max_length=200, default="Deal", help_text="The row's description."
    )
    document_number_property = models.CharField(
        "deal property for the Fortnox number",
        max_length=100,
        default="fortnox_document_number",
        help_text="Created on the first write-back when the portal lacks it.",
    )
    customer_number_property = models.CharField(
        "record property for the Fortnox customer number",
        max_length=100,
        default="fortnox_customer_number",
        help_text="Set on a contact or company when its Fortnox customer is created or"
        " updated; created the first time the portal lacks it.",
    )
    sync_products = models.BooleanField(
        "keep HubSpot products as Fortnox articles",
        default=False,
        help_text="Product creations and changes create or update the Fortnox article (by"
        " the integration's article match), with its price and VAT rate.",
    )

    class Meta:
        verbose_name = "HubSpot settings"
        verbose_name_plural = "HubSpot settings"

    def __str__(self) -> str:
        return f"HubSpot settings of {self.integration}"

    def rules(self) -> list[dict]:
        """The stage rules that are well formed (``validate_settings`` refuses the rest)."""
        rules = self.stage_rules if isinstance(self.stage_rules, list) else []
        return [
            rule
            for rule in rules
            if isinstance(rule, dict)
            and rule.get("pipeline")
            and rule.get("stage")
            and rule.get("document_type") in DOCUMENT_TYPES
        ]

    def rule_for(self, *, pipeline: str, stage: str) -> dict | None:
        return next(
            (r for r in self.rules() if (r["pipeline"], r["stage"]) == (pipeline, stage)), None
        )


class WorkflowExecution(models.Model):
    """One execution request of the app's workflow action (hubspot.md §5), once per
    callback id: the unique column is what makes a repeated request do no second work."""

    class Action(models.TextChoices):
        INVOICE = "invoice", "Create a draft invoice in Fortnox"
        ORDER = "order", "Create a draft order in Fortnox"
        CUSTOMER = "customer", "Update customer in Fortnox"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        COMPLETED = "completed", "Completed"

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="hubspot_executions"
    )
    callback_id = models.CharField(max_length=200, unique=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=20)  # DEAL, CONTACT, COMPANY
    object_id = models.CharField(max_length=30)
    run = models.ForeignKey(
        "syncs.SyncRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    output = models.JSONField(default=dict, blank=True)  # the outputFields completed with
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} for {self.object_type.lower()} {self.object_id} ({self.state})"
