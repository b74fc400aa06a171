"""Validation of integration settings and field-mapping rows, used by the admin forms."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from syncs.connectors import sources
from syncs.expressions import PLACEHOLDER, is_path, static_length, template_paths
from syncs.fieldcatalogue import CATALOGUE, spec_for, type_problem
from syncs.vat import VAT_TYPES


def mapping_targets() -> list[tuple[str, str]]:
    return [
        (f"{obj}.{field}", f"{obj}.{field}")
        for obj, fields in CATALOGUE.items()
        for field in fields
    ]


def _roots() -> set[str]:
    roots = {"document"}
    for connector in sources().values():
        roots.update(connector.context_roots)
    return roots


def _check_path(path: str) -> str | None:
    if not is_path(path):
        return f"{path!r} is not a dotted path such as order.name"
    root = path.split(".", 1)[0]
    if root not in _roots():
        return f"{path!r} must start with one of: {', '.join(sorted(_roots()))}"
    return None


def validate_mapping(*, target: str, kind: str, expression: str) -> None:
    """Raise ValidationError (keyed by form field) when the row cannot work."""
    try:
        _, field, spec = spec_for(target)
    except KeyError:
        raise ValidationError({"target": f"Fortnox has no field {target!r} to map."}) from None
    if target == "document.ExternalInvoiceReference1":
        raise ValidationError({"target": "ExternalInvoiceReference1 is reserved."})
    problem = None
    if kind == "constant":
        problem = type_problem(spec, expression)
        if problem:
            problem = f"The value for {field} {problem}."
    elif kind == "template":
        if expression.count("{") != len(PLACEHOLDER.findall(expression)):
            problem = "Braces in a template must enclose a path, like {order.name}."
        else:
            problem = next(filter(None, map(_check_path, template_paths(expression))), None)
        if not problem and spec.type != "text" and spec.type != "email":
            problem = f"{field} is a {spec.type} field; use a path or a constant."
        if not problem and spec.max_length and static_length(expression) > spec.max_length:
            problem = (
                f"The fixed text alone is {static_length(expression)} characters; {field}"
                f" allows at most {spec.max_length}."
            )
    else:
        problem = _check_path(expression)
    if problem:
        raise ValidationError({"expression": problem})


def validate_vat_overrides(overrides) -> None:
    if not isinstance(overrides, dict):
        raise ValidationError({"vat_type_overrides": 'Give a mapping such as {"NO": "EXPORT"}.'})
    for country, vat_type in overrides.items():
        if not (isinstance(country, str) and len(country) == 2 and country.isupper()):
            raise ValidationError(
                {"vat_type_overrides": f"{country!r} is not a 2-letter country code."}
            )
        if vat_type not in VAT_TYPES:
            raise ValidationError(
                {"vat_type_overrides": f"{vat_type!r} must be one of {', '.join(VAT_TYPES)}."}
            )


def validate_integration(integration) -> None:
    from syncs.models import Integration

    errors = {}
    try:
        validate_vat_overrides(integration.vat_type_overrides)
    except ValidationError as problem:  # reported with the rest, not on a save of its own
        errors.update(problem.message_dict)
    if integration.pk:
        previous = Integration.objects.filter(pk=integration.pk).values_list("fortnox", flat=True)
        before = previous.first()
        if before and integration.fortnox_id and before != integration.fortnox_id:
            errors["fortnox"] = _(
                "This source is already linked to a Fortnox account. Disconnect it first,"
                " then link the new one."
            )
    if integration.missing_article == Integration.MissingArticle.PLACEHOLDER and not (
        integration.placeholder_article
    ):
        errors["placeholder_article"] = _("Set the placeholder article to use this policy.")
    needs_number_path = integration.customer_numbering == "source" or (
        integration.customer_match == "customer_number"
    )
    if integration.guest_customers == "named" and not integration.guest_customer_number:
        errors["guest_customer_number"] = _("Say which Fortnox customer guests are booked to.")
    if (
        integration.document_type == Integration.DocumentType.ORDER
        and integration.after_create != Integration.AfterCreate.NOTHING
    ):
        errors["after_create"] = _(
            "Only invoices can be bookkept or e-mailed; choose Nothing, or create invoices."
        )
    if needs_number_path and not integration.customer_number_path:
        errors["customer_number_path"] = _("Say which source field holds the number.")
    if errors:
        raise ValidationError(errors)
