"""Shopify's settings on the merchant's settings page (the connector's ``settings_form``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shopify_app.models import ShopifySettings
from syncs.forms import SourceSettingsForm


class ShopifySettingsForm(SourceSettingsForm):
    class Meta:
        model = ShopifySettings
        fields = ["trigger", "use_presentment_currency"]
        widgets = {"trigger": forms.RadioSelect}
        labels = {
            "trigger": _("Book an order"),
            "use_presentment_currency": _("Invoice in the buyer's currency"),
        }
        help_texts = {
            "trigger": _(
                "Paid suits most shops. Fulfilled books an order when it ships; created books"
                " it at once, for cash on delivery or invoice payment."
            ),
            "use_presentment_currency": _(
                "Off: amounts in the shop's currency. On: in the currency the buyer paid in"
                " (the currency must exist in Fortnox)."
            ),
        }
