from __future__ import annotations

import pytest
from django.contrib.admin.sites import AdminSite
from django.forms import inlineformset_factory

from syncs.admin import FieldMappingForm
from syncs.mapping import mappings_apply
from syncs.models import FieldMapping, Integration
from tests.syncs.conftest import make_document


def _form(target: str, kind: str, expression: str) -> FieldMappingForm:
    return FieldMappingForm(data={"target": target, "kind": kind, "expression": expression})


@pytest.mark.parametrize(
    ("target", "kind", "expression", "field", "message"),
    [
        ("document.YourOrderNumber", "constant", "X" * 31, "expression",
         "The value for YourOrderNumber is 31 characters long; Fortnox allows at most 30."),
        ("document.YourOrderNumber", "template", "Beställning från webbutiken nr {order.name}",
         "expression",
         "The fixed text alone is 31 characters; YourOrderNumber allows at most 30."),
        ("document.AdministrationFee", "constant", "tio kronor", "expression",
         "The value for AdministrationFee must be a number."),
        ("document.DeliveryDate", "constant", "21/11/2026", "expression",
         "The value for DeliveryDate must be a date (YYYY-MM-DD)."),
        ("document.DeliveryDate", "template", "{order.name}", "expression",
         "DeliveryDate is a date field; use a path or a constant."),
        ("customer.Email", "constant", "not-an-address", "expression",
         "The value for Email must be an e-mail address."),
        ("document.Language", "constant", "DE", "expression",
         "The value for Language must be one of SV, EN."),
        ("document.Remarks", "path", "order name", "expression",
         "'order name' is not a dotted path such as order.name"),
        ("document.Remarks", "path", "secrets.key", "expression",
         "'secrets.key' must start with one of: company, contact, customer, deal, document,"
         " line_item, order"),
        ("document.Remarks", "template", "Order {order.name", "expression",
         "Braces in a template must enclose a path, like {order.name}."),
    ],
)  # fmt: skip
def test_mappings_that_cannot_fit_fortnox_are_refused_in_the_admin_form(
    target, kind, expression, field, message
):
    form = _form(target, kind, expression)

    assert not form.is_valid()
    assert form.errors[field] == [message]


@pytest.mark.parametrize(
    "target", ["document.Freight", "document.ExternalInvoiceReference1", "invoice.Nonsense"]
)
def test_targets_outside_the_catalogue_are_refused(target):
    form = _form(target, "constant", "1")

    assert not form.is_valid()
    assert "target" in form.errors


@pytest.mark.parametrize(
    ("target", "kind", "expression"),
    [
        ("document.YourReference", "template", "Beställning från webbutiken nr {order.name}"),
        ("document.YourOrderNumber", "path", "order.name"),
        ("document.AdministrationFee", "constant", "29,50"),
        ("customer.Type", "constant", "COMPANY"),
    ],
)
def test_mappings_that_fit_are_accepted(target, kind, expression):
    form = _form(target, kind, expression)

    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_valid_rows_save_through_the_admin_inline(integration):
    formset_class = inlineformset_factory(
        Integration, FieldMapping, form=FieldMappingForm, extra=0, can_delete=False
    )
    data = {
        "mappings-TOTAL_FORMS": "2",
        "mappings-INITIAL_FORMS": "0",
        "mappings-0-target": "document.YourReference",
        "mappings-0-kind": "path",
        "mappings-0-expression": "order.po",
        "mappings-1-target": "document.Remarks",
        "mappings-1-kind": "template",
        "mappings-1-expression": "Shopify {order.name}",
    }
    formset = formset_class(data, instance=integration, prefix="mappings")

    assert formset.is_valid(), formset.errors
    formset.save()
    assert integration.mappings.count() == 2


@pytest.mark.django_db
def test_mappings_fill_the_document_and_missing_paths_warn(integration):
    FieldMapping.objects.create(
        integration=integration, target="document.YourReference", kind="path", expression="order.po"
    )
    FieldMapping.objects.create(
        integration=integration, target="document.Remarks", kind="template",
        expression="Webborder {order.name} / {document.currency}",
    )  # fmt: skip
    FieldMapping.objects.create(
        integration=integration, target="document.OurReference", kind="path",
        expression="order.missing_field",
    )  # fmt: skip
    warnings: list[str] = []

    payload = mappings_apply(
        integration=integration,
        target="document",
        payload={"Remarks": "default", "OurReference": "kept"},
        doc=make_document(),
        warnings=warnings,
    )

    assert payload == {
        "Remarks": "Webborder #1001 / SEK",
        "YourReference": "PO-77",
        "OurReference": "kept",
    }
    assert warnings == [
        "Mapping document.OurReference: order.missing_field is not in this source object"
    ]


def test_admin_site_registers_the_engine_models():
    from django.contrib import admin

    from syncs.models import SyncRun, UsageMonth

    site: AdminSite = admin.site
    assert site.is_registered(Integration)
    assert site.is_registered(SyncRun)
    assert site.is_registered(UsageMonth)
