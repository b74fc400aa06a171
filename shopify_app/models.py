"""Shopify's own settings for an integration, beside the settings every source shares."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from syncs.models import Integration


class ShopifySettings(models.Model):
    """What only a Shopify shop needs to decide; edited inline on the integration."""

    class Trigger(models.TextChoices):
        PAID = "paid", _("When the order is paid")
        FULFILLED = "fulfilled", _("When the order is fulfilled")
        CREATED = "created", _("When the order is created (instant invoice, e.g. cash on delivery)")

    integration = models.OneToOneField(
        Integration, on_delete=models.CASCADE, related_name="shopify_settings"
    )
    trigger = models.CharField(max_length=20, choices=Trigger.choices, default=Trigger.PAID)
    use_presentment_currency = models.BooleanField(
        default=True,
        help_text="Invoice in the currency the buyer paid in, with Shopify's rate as the"
        " currency rate (rate x total = the shop-currency total). Off: invoice in the shop's"
        " currency, from Shopify's converted amounts, which need not add up to the öre.",
    )

    sync_customers = models.BooleanField(
        default=False,
        help_text="customers/create and customers/update create or update the Fortnox"
        " customer (through the link table).",
    )
    sync_products = models.BooleanField(
        default=False,
        help_text="products/create and products/update create or update one Fortnox article"
        " per variant, with its price and the catalog VAT rate.",
    )
    catalog_vat_rate = models.PositiveSmallIntegerField(
        default=25,
        choices=[(25, "25 %"), (12, "12 %"), (6, "6 %"), (0, "0 %")],
        help_text="The VAT rate of articles made from Shopify products (a product carries no"
        " rate); a variant that is not taxable gets 0 %.",
    )

    class Meta:
        verbose_name = "Shopify settings"
        verbose_name_plural = "Shopify settings"

    def __str__(self) -> str:
        return f"Shopify settings of {self.integration}"


class DataRequest(models.Model):
    """A customers/data_request: Shopify asks what this service holds on one customer. The
    operator downloads the export from the admin and answers the merchant within 30 days."""

    ANSWER_WITHIN = timedelta(days=30)

    shop = models.CharField(max_length=255, db_index=True)
    request_id = models.CharField(max_length=64, help_text="Shopify's data_request.id")
    customer_id = models.CharField(max_length=64, blank=True)
    email = models.CharField(max_length=254, blank=True)
    orders = models.JSONField(default=list, blank=True, help_text="orders_requested")
    received_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(help_text="30 days after it was received.")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "request_id"], name="uniq_data_request")
        ]

    def __str__(self) -> str:
        return f"Data request {self.request_id} from {self.shop}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None
