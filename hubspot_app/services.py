"""HubSpot work the engine and the admin ask for: reading deal bundles and pipelines, and
writing a run's outcome back onto the deal (a note, its PDF, the Fortnox number)."""

from __future__ import annotations

import html
import logging
from datetime import UTC
from decimal import Decimal

from django.utils import timezone

from hubspot_app.client import HubSpotClient
from hubspot_app.models import HubSpotSettings
from hubspot_app.oauth import HubSpotOAuth
from integrations.errors import ConnectorError
from integrations.models import Connection, ConnectionStatus
from integrations.oauth import fresh_access_token
from syncs.connectors import Outcome
from syncs.expressions import template_paths
from syncs.models import FieldMapping, Integration, SyncRun

log = logging.getLogger(__name__)
FILES_FOLDER = "/fortnox-bridge"
# What the mapper reads (hubspot_app.mappers), per object type.
PROPERTIES = {
    "deals": ["dealname", "amount", "dealstage", "pipeline", "closedate", "deal_currency_code",
              "createdate", "hs_lastmodifieddate"],
    "line_items": ["name", "description", "quantity", "price", "amount", "discount",
                   "hs_discount_percentage", "hs_sku", "hs_product_id", "hs_tax_rate",
                   "hs_line_item_currency_code", "hs_position_on_quote"],
    "companies": ["name", "domain", "phone", "address", "address2", "zip", "city", "country"],
    "contacts": ["email", "firstname", "lastname", "phone", "mobilephone", "address", "zip",
                 "city", "country"],
}  # fmt: skip
ROOTS = {"deal": "deals", "line_item": "line_items", "company": "companies", "contact": "contacts"}


def hubspot_client_for(connection: Connection) -> HubSpotClient:
    """A client for the portal, its token refreshed ahead of expiry under the row lock."""
    oauth = HubSpotOAuth()

    def token(rejected: str) -> str:
        return fresh_access_token(
            connection_id=connection.pk, provider=oauth, rejected_token=rejected
        )

    return HubSpotClient(token=token)


# --- reading -------------------------------------------------------------------------------
def wanted_properties(integration: Integration, settings: HubSpotSettings) -> dict[str, set]:
    """The properties to read per object type: the mapper's, the organisation and VAT
    number properties, and every property a field mapping names (custom ones included)."""
    wanted = {kind: set(names) for kind, names in PROPERTIES.items()}
    wanted["companies"] |= {settings.org_number_property, settings.vat_number_property}
    rows = integration.mappings.all() if integration.pk else FieldMapping.objects.none()
    for row in rows:
        paths = [row.expression] if row.kind == FieldMapping.Kind.PATH else []
        if row.kind == FieldMapping.Kind.TEMPLATE:
            paths = template_paths(row.expression)
        for path in paths:
            root, _, rest = path.partition(".")
            if root in ROOTS and rest:
                wanted[ROOTS[root]].add(rest.split(".", 1)[0])
    for path in filter(None, [integration.customer_number_path]):
        root, _, rest = path.partition(".")
        if root in ROOTS and rest:
            wanted[ROOTS[root]].add(rest.split(".", 1)[0])
    return {kind: {name for name in names if name} for kind, names in wanted.items()}


def deal_bundle_read(*, client: HubSpotClient, deal_id: str, properties: dict[str, set]) -> dict:
    """The deal as GET returns it, and its line items, companies and contacts from batch
    reads: the bundle ``hubspot_app.mappers.deal_to_document`` maps."""
    from hubspot_app.mappers import associated_ids

    deal = client.get_deal(deal_id=deal_id, properties=properties["deals"])
    bundle = {"deal": deal}
    for key, object_type in (
        ("line items", "line_items"),
        ("companies", "companies"),
        ("contacts", "contacts"),
    ):
        ids = associated_ids(deal, key)
        bundle[object_type] = (
            client.batch_read(object_type=object_type, ids=ids, properties=properties[object_type])
            if ids
            else []
        )
    return bundle


def deal_stages(*, client: HubSpotClient) -> dict[tuple[str, str], str]:
    """(pipeline id, stage id) -> "Pipeline label: Stage label", for the settings form."""
    return {
        (pipeline["id"], stage["id"]): f"{pipeline.get('label')}: {stage.get('label')}"
        for pipeline in client.list_deal_pipelines()
        if not pipeline.get("archived")
        for stage in pipeline.get("stages") or []
        if not stage.get("archived")
    }


# --- write-back ----------------------------------------------------------------------------
def deal_id_of(run: SyncRun) -> str:
    """A run's source id is ``<deal id>:<pipeline>:<stage>``: one run per deal and rule."""
    return run.source_id.split(":", 1)[0]


def note_marker(run: SyncRun) -> str:
    """Names the outcome (run and attempt), so a retried write-back finds its note."""
    return f"fortnox-bridge run {run.pk}.{run.attempts}"


def note_html(run: SyncRun, outcome: Outcome, totals: dict) -> str:
    """The note's body: the number and totals, or the whole error and the replay link."""
    kind = run.document_type or "document"
    marker = f'<p style="color:#888">{html.escape(note_marker(run))}</p>'
    if run.status in SyncRun.DONE:
        parts = [f"<p><strong>Fortnox {kind} {html.escape(run.document_number)}</strong>"
                 " created from this deal.</p>"]  # fmt: skip
        if totals:
            currency = html.escape(str(totals.get("Currency") or ""))
            parts.append(
                f"<p>Total {_amount(totals.get('Total'))} {currency}, of which VAT"
                f" {_amount(totals.get('TotalVAT'))} {currency}.</p>"
            )
        if run.status == SyncRun.Status.SUCCEEDED_WITH_WARNING:
            parts.append(f"<p>Check: {html.escape(run.error_message)}</p>")
        return "".join(parts) + marker
    replay = html.escape(outcome.replay_url, quote=True)
    return (
        f"<p><strong>Fortnox sync failed:</strong> {html.escape(run.error_message)}</p>"
        f'<p><a href="{replay}">Replay this sync</a> once it is fixed (the link works for'
        " 30 days).</p>" + marker
    )


def _amount(value) -> str:
    try:
        return f"{Decimal(str(value)):.2f}"
    except (ArithmeticError, ValueError):
        return str(value)


def deal_report(*, integration: Integration, outcome: Outcome) -> None:
    """Write the outcome onto the deal: a note (with the PDF on success) and, on success,
    the Fortnox number in a deal property. Safe to repeat: a note already made for this
    outcome is found by its marker and not made again; the property is set, not added."""
    run = outcome.run
    if run.status not in (*SyncRun.DONE, SyncRun.Status.FAILED):
        return
    source = integration.source
    if source.status != ConnectionStatus.ACTIVE:
        raise ConnectorError(
            source.last_error or HubSpotOAuth.reconnect_message, permanent=False, provider="hubspot"
        )
    client, deal_id = hubspot_client_for(source), deal_id_of(run)
    succeeded = run.status in SyncRun.DONE
    if not _note_exists(client, deal_id, note_marker(run)):
        attachments = [_upload_pdf(client, run, outcome)] if succeeded else []
        totals = _totals(outcome) if succeeded else {}
        client.create_note(
            deal_id=deal_id,
            body_html=note_html(run, outcome, totals),
            timestamp=_timestamp(run),
            attachment_ids=[a for a in attachments if a],
        )
    if succeeded:
        settings = integration.hubspot_settings
        deal_number_set(
            client=client,
            deal_id=deal_id,
            name=settings.document_number_property,
            number=run.document_number,
        )


def deal_number_set(*, client: HubSpotClient, deal_id: str, name: str, number: str) -> None:
    """Put the Fortnox number in the deal property ``name``, creating the property the
    first time a portal lacks it (HubSpot has none of its own)."""
    try:
        client.update_deal(deal_id=deal_id, properties={name: number})
    except ConnectorError as error:
        if error.status != 400 or "PROPERTY_DOESNT_EXIST" not in (error.detail or ""):
            raise
        try:
            client.create_property(
                object_type="deals",
                name=name,
                label="Fortnox document number",
                group="dealinformation",
            )
        except ConnectorError as created:
            if created.status != 409:  # made meanwhile by another worker
                raise
        client.update_deal(deal_id=deal_id, properties={name: number})


def _note_exists(client: HubSpotClient, deal_id: str, marker: str) -> bool:
    note_ids = client.list_deal_associations(deal_id=deal_id, to_type="notes")
    if not note_ids:
        return False
    notes = client.batch_read(object_type="notes", ids=note_ids, properties=["hs_note_body"])
    return any(marker in (note["properties"].get("hs_note_body") or "") for note in notes)


def _upload_pdf(client: HubSpotClient, run: SyncRun, outcome: Outcome) -> str:
    """The uploaded PDF's file id; "" when Fortnox has no PDF to give (the note says the
    rest). A transient failure is raised, so the write-back is tried again."""
    try:
        pdf = outcome.document_pdf()
    except ConnectorError as error:
        if not error.permanent:
            raise
        log.warning("run %s: no PDF to attach: %s", run.pk, error)
        return ""
    if not pdf:
        return ""
    name = f"Fortnox {run.document_type or 'document'} {run.document_number}.pdf"
    return str(client.upload_file(name=name, content=pdf, folder_path=FILES_FOLDER)["id"])


def _totals(outcome: Outcome) -> dict:
    read = getattr(outcome, "document", None)
    try:
        return (read() or {}) if read else {}
    except ConnectorError as error:
        if not error.permanent:
            raise
        return {}


def _timestamp(run: SyncRun) -> str:
    moment = (run.finished_at or timezone.now()).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
