"""Print (or write) the HubSpot project for a public base URL, ready for hs project upload."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hubspot_app.project import base_url_problem, project_files


class Command(BaseCommand):
    help = (
        "Print the HubSpot project (hsproject.json, the app, webhooks, workflow action and"
        " card) with every URL built from --base-url (default PUBLIC_BASE_URL); --out DIR"
        " writes the files instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="", help="e.g. https://bridge.example.se")
        parser.add_argument("--out", default="", help="write the project into this directory")

    def handle(self, *args, base_url, out, **options):
        base_url = (base_url or settings.PUBLIC_BASE_URL or "").rstrip("/")
        if problem := base_url_problem(base_url):
            raise CommandError(problem)
        files = project_files(base_url)
        if out:
            for name, text in files.items():
                target = Path(out) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            self.stdout.write(f"{len(files)} files written to {out} for {base_url}")
            return
        for name, text in files.items():
            self.stdout.write(f"===== {name} =====")
            self.stdout.write(text.rstrip("\n"))
