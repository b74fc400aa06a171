"""Shopify's own settings for an integration, beside the settings every source shares."""

from __future__ import annotations

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
        default=False, help_text="Invoice in the buyer's currency, not the shop's."
    )

    class Meta:
        verbose_name = "Shopify settings"
        verbose_name_plural = "Shopify settings"

    def __str__(self) -> str:
        return f"Shopify settings of {self.integration}"
