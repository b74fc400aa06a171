"""Applying an integration's field-mapping rows to the payloads sent to Fortnox."""

from __future__ import annotations

from typing import Any

from integrations.documents import SalesDocument
from syncs.expressions import MissingValue, evaluate
from syncs.fieldcatalogue import coerce, spec_for
from syncs.models import FieldMapping, Integration


def mapping_context(doc: SalesDocument) -> dict[str, Any]:
    return {
        "document": {
            "number": doc.number,
            "source_id": doc.source_id,
            "currency": doc.currency,
            "issued_on": doc.issued_on.isoformat(),
        },
        **doc.context,
    }


def default_remarks(doc: SalesDocument, source_label: str) -> str:
    return doc.remarks or f"{source_label} order {doc.number}"


def mappings_apply(
    *,
    integration: Integration | None,
    target: str,
    payload: dict,
    doc: SalesDocument,
    warnings: list[str],
) -> dict:
    """Return ``payload`` with the mapped values for ``target`` ("document", "customer",
    "article") filled in. A path missing from this source object leaves the field as it
    was and adds a warning."""
    if integration is None or integration.pk is None:
        return payload
    rows = [row for row in integration.mappings.all() if row.target.startswith(f"{target}.")]
    if not rows:
        return payload
    context = mapping_context(doc)
    result = dict(payload)
    for row in rows:
        _apply(row, context, result, warnings)
    return result


def _apply(row: FieldMapping, context: dict, result: dict, warnings: list[str]) -> None:
    try:
        _, field, spec = spec_for(row.target)
    except KeyError:
        warnings.append(f"Mapping to unknown field {row.target} ignored")
        return
    try:
        value = evaluate(row.kind, row.expression, context)
    except MissingValue as missing:
        warnings.append(f"Mapping {row.target}: {missing} is not in this source object")
        return
    try:
        result[field] = coerce(spec, value)
    except (ValueError, ArithmeticError):
        warnings.append(f"Mapping {row.target}: {value!r} does not fit the field; left out")
