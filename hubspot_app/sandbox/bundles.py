"""Deal bundles: a deal with its company, contact, products and line items, from a scenario.

A bundle is ``{"company": {...}|null, "contact": {...}|null, "deal": {...},
"line_items": [{...}]}`` of property values (see ``scenarios/*.json``). Line items with an
``hs_sku`` get a product of that SKU (reused when the portal has one) and its
``hs_product_id``. The deal is linked to the contact (type 3), to the company as primary
(type 5, which brings the unlabeled link along) and to each line item (19); the contact to
the company as primary (1). Records are made as a user in HubSpot's UI would
(``changeSource`` CRM_UI).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from hubspot_app.sandbox import associations, records
from hubspot_app.sandbox.state import Portal

if TYPE_CHECKING:
    from hubspot_app.sandbox.sandbox import HubSpotSandbox

SCENARIOS = Path(__file__).parent / "scenarios"


def available_scenarios() -> list[str]:
    return sorted(path.stem for path in SCENARIOS.glob("*.json"))


def load_scenario(name: str) -> dict:
    path = SCENARIOS / f"{name}.json"
    if not path.is_file() or "/" in name:
        raise KeyError(f"Unknown HubSpot scenario {name!r}")
    return json.loads(path.read_text())


def _product(sb: HubSpotSandbox, portal: Portal, line: dict, source: tuple[str, str]) -> str:
    for product in portal.store("products").values():
        if product["properties"].get("hs_sku") == line["hs_sku"]:
            return product["id"]
    values = {k: line.get(k) for k in ("name", "price", "hs_sku", "description") if line.get(k)}
    return records.create(sb, portal, "products", values, source=source)["id"]


def create_bundle(
    sb: HubSpotSandbox, portal: Portal, bundle: dict, *, source: tuple[str, str]
) -> dict:
    """Store the bundle's records; returns ``{"deal","company","contact","line_items"}``."""
    company = contact = None
    if bundle.get("company"):
        company = records.create(sb, portal, "companies", bundle["company"], source=source)
    if bundle.get("contact"):
        contact = records.create(sb, portal, "contacts", bundle["contact"], source=source)
        if company:
            associations.add(portal, "contacts", contact["id"], company["id"], 1)
    links = []
    if contact:
        links.append(_link(contact["id"], 3))
    if company:
        links.append(_link(company["id"], 5))
    deal = records.create(sb, portal, "deals", bundle["deal"], links, source=source)
    lines = []
    for line in bundle.get("line_items") or []:
        values = dict(line)
        if values.get("hs_sku"):
            values["hs_product_id"] = _product(sb, portal, values, source)
        item = records.create(sb, portal, "line_items", values, source=source)
        associations.add(portal, "deals", deal["id"], item["id"], 19)
        lines.append(item)
    return {"deal": deal, "company": company, "contact": contact, "line_items": lines}


def _link(to_id: str, type_id: int) -> dict:
    return {
        "to": {"id": to_id},
        "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}],
    }
