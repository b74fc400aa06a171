from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from syncs.connectors import sources
from syncs.models import Integration
from syncs.preview import credit_preview, document_preview


class Command(BaseCommand):
    help = (
        "Print what syncing a source payload would send to Fortnox. Writes nothing and"
        " calls no API."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="Source connector, e.g. shopify")
        parser.add_argument("--payload", required=True, help="JSON file as a webhook delivers it")
        parser.add_argument(
            "--refund",
            help="A refund's webhook body (refunds/create) of that order: print the credit"
            " invoice it makes when the order's invoice is booked",
        )
        parser.add_argument("--integration", type=int, help="Use this integration's settings")
        parser.add_argument("--json", action="store_true", help="Print one JSON object")

    def handle(self, *args, source, payload, integration, json: bool, refund=None, **options):
        if source not in sources():
            raise CommandError(f"Unknown source {source!r}; choose from {', '.join(sources())}")
        integration_obj = self._integration(integration)
        payload_data = self._payload(payload)
        refund_data = None if refund is None else self._payload(refund)
        try:
            if refund_data is None:
                preview = document_preview(
                    source_key=source, payload=payload_data, integration=integration_obj
                )
            else:
                preview = credit_preview(
                    source_key=source,
                    payload=payload_data,
                    refund=refund_data,
                    integration=integration_obj,
                )
        except ValueError as exc:
            raise CommandError(f"{refund or payload}: {exc}") from None
        if json:
            self.stdout.write(_dumps(preview))
            return
        self._print(preview)

    def _integration(self, integration_id):
        if integration_id is None:
            return None
        try:
            return Integration.objects.get(pk=integration_id)
        except Integration.DoesNotExist:
            raise CommandError(f"No integration with id {integration_id}") from None

    def _payload(self, path: str):
        try:
            return json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}") from None
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise CommandError(f"{path} is not valid JSON: {exc}") from None

    def _print(self, preview: dict) -> None:
        self.stdout.write(f"Document type: {preview['document_type']}")
        for title in ("customer", "document"):
            self.stdout.write(f"\n{title.capitalize()}:\n{_dumps(preview[title])}")
        self.stdout.write(
            f"\nArticles ({len(preview['articles'])}):\n{_dumps(preview['articles'])}"
        )
        for warning in preview["warnings"]:
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))


def _dumps(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)
