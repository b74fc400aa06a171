from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from integrations.fields import EncryptedTextField


class Provider(models.TextChoices):
    FORTNOX = "fortnox", "Fortnox"
    SHOPIFY = "shopify", "Shopify"
    HUBSPOT = "hubspot", "HubSpot"


class ConnectionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    NEEDS_REAUTH = "needs_reauth", _("Needs reconnecting")
    DISCONNECTED = "disconnected", _("Disconnected")


class Connection(models.Model):
    """One linked external account: a Shopify shop, a HubSpot portal or a Fortnox tenant."""

    provider = models.CharField(max_length=20, choices=Provider.choices)
    account_id = models.CharField(
        max_length=255,
        help_text="The provider's id: shop domain, HubSpot hub id or Fortnox tenant id.",
    )
    display_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=20, choices=ConnectionStatus.choices, default=ConnectionStatus.ACTIVE
    )
    last_error = models.TextField(blank=True)
    scopes = models.JSONField(default=list, blank=True)
    access_token = EncryptedTextField(blank=True)
    refresh_token = EncryptedTextField(blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token_expires_at = models.DateTimeField(null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "account_id"], name="uniq_connection_per_account"
            )
        ]
        ordering = ["provider", "display_name"]

    def __str__(self) -> str:
        return f"{self.get_provider_display()}: {self.display_name or self.account_id}"

    @property
    def is_active(self) -> bool:
        return self.status == ConnectionStatus.ACTIVE

    def token_expires_within(self, seconds: float) -> bool:
        if not self.access_token:
            return True
        if self.token_expires_at is None:
            return False
        return self.token_expires_at <= timezone.now() + timedelta(seconds=seconds)


class RateLimitBucket(models.Model):
    """One shared budget (e.g. one Fortnox tenant); its row is the lock for its hits."""

    key = models.CharField(max_length=200, unique=True)

    def __str__(self) -> str:
        return self.key


class RateLimitHit(models.Model):
    """A request sent within the bucket's window; older hits are deleted as they expire."""

    bucket = models.ForeignKey(RateLimitBucket, on_delete=models.CASCADE, related_name="hits")
    at = models.FloatField(db_index=True, help_text="Seconds since the epoch.")

    def __str__(self) -> str:
        return f"{self.bucket_id}@{self.at}"
