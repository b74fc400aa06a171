from __future__ import annotations

from django.core.management.base import BaseCommand

from syncs.outbox import outbox_dispatch


class Command(BaseCommand):
    help = (
        "Queue again the stored events, runs and write-backs whose hand-off to the queue"
        " failed or whose worker stopped (the worker also does this every minute)."
    )

    def handle(self, *args, **options):
        self.stdout.write(str(outbox_dispatch()))
