"""The merchant's settings form: what every source shares, in the words of the README.

A source adds its own settings with its connector's ``settings_form``, a subclass of
``SourceSettingsForm`` shown beside this one; each field's help text is the sentence the
merchant reads under the choice.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from syncs.models import Integration

RADIO = forms.RadioSelect


class SourceSettingsForm(forms.ModelForm):
    """Base of a connector's ``settings_form``: takes ``integration=`` so a source can read
    its choices (a HubSpot portal's pipelines) from the account it belongs to."""

    def __init__(self, *args, integration: Integration, **kwargs) -> None:
        self.integration = integration
        super().__init__(*args, **kwargs)


class IntegrationSettingsForm(forms.ModelForm):
    """Document, customers, articles, shipping and currency; the model's ``clean`` (shared
    with the admin) checks the combinations and puts each problem next to its field."""

    SECTIONS = (
        (_("Documents"), ("document_type", "after_create")),
        (
            _("Customers"),
            (
                "customer_match",
                "customer_number_path",
                "customer_numbering",
                "guest_customers",
                "guest_customer_number",
                "default_terms_of_payment",
                "default_language",
            ),
        ),
        (_("Products"), ("article_match", "missing_article", "placeholder_article")),
        (_("Shipping"), ("shipping", "shipping_article")),
        (_("Currency and VAT"), ("default_currency", "prices_include_vat")),
    )

    class Meta:
        model = Integration
        fields = [
            "document_type",
            "after_create",
            "customer_match",
            "customer_number_path",
            "customer_numbering",
            "guest_customers",
            "guest_customer_number",
            "default_terms_of_payment",
            "default_language",
            "article_match",
            "missing_article",
            "placeholder_article",
            "shipping",
            "shipping_article",
            "default_currency",
            "prices_include_vat",
        ]
        widgets = {
            "document_type": RADIO,
            "after_create": RADIO,
            "customer_match": RADIO,
            "customer_numbering": RADIO,
            "guest_customers": RADIO,
            "article_match": RADIO,
            "missing_article": RADIO,
            "shipping": RADIO,
            "prices_include_vat": RADIO,
        }
        labels = {
            "document_type": _("Create in Fortnox"),
            "after_create": _("After creating it"),
            "customer_match": _("Find the Fortnox customer by"),
            "customer_number_path": _("Source field with the customer number"),
            "customer_numbering": _("Numbers of new customers"),
            "guest_customers": _("Buyers without an e-mail address"),
            "guest_customer_number": _("Guest customer number"),
            "default_terms_of_payment": _("Terms of payment for new customers"),
            "default_language": _("Language of new customers' documents"),
            "article_match": _("Find the Fortnox article by"),
            "missing_article": _("When no article matches"),
            "placeholder_article": _("Placeholder article"),
            "shipping": _("Shipping"),
            "shipping_article": _("Shipping article"),
            "default_currency": _("Currency of new customers"),
            "prices_include_vat": _("Prices"),
        }
        help_texts = {
            "document_type": _(
                "A draft invoice is what you send to the customer; a draft order is for"
                " companies that invoice from orders in Fortnox."
            ),
            "after_create": _(
                "Bookkeeping or e-mailing applies to invoices only; a draft can still be"
                " changed in Fortnox before you send it."
            ),
            "customer_match": _(
                "The customer is looked up in Fortnox by this before a new one is created."
            ),
            "customer_number_path": _(
                "Only for matching or numbering by a source field, e.g. customer.id."
            ),
            "customer_numbering": _("Fortnox gives new customers the next free number."),
            "guest_customers": _(
                "Guests are never matched to each other: each order gets its own customer,"
                " or all go to one customer you name."
            ),
            "guest_customer_number": _("The Fortnox customer guests are booked to."),
            "default_terms_of_payment": _(
                "A code from Fortnox's terms of payment, e.g. 30. Empty: Fortnox's default."
            ),
            "default_language": _("Empty: Fortnox's default."),
            "article_match": _("How a product in a sale is matched to a Fortnox article."),
            "missing_article": _(
                "Halting is safest: the sale waits until you add the article and replay it."
                " Creating makes the article from the product's name and price."
            ),
            "placeholder_article": _("The article number used for products with no match."),
            "shipping": _("How shipping appears on the document."),
            "shipping_article": _("The article number for shipping rows, e.g. FRAKT."),
            "default_currency": _("A code such as SEK or EUR. Empty: the sale's currency."),
            "prices_include_vat": _("Whether the document's prices include VAT."),
        }

    def clean_default_currency(self) -> str:
        return self.cleaned_data["default_currency"].upper()

    def sections(self):
        """(title, bound fields) in the order the page shows them."""
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]
