from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from syncs.outbox import outbox_relay, relay_forever


class Command(BaseCommand):
    help = (
        "Hand stored webhook events to the task queue as they arrive; run it beside"
        " qcluster. Without it, events wait for the every-minute dispatcher."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Hand over what is waiting now, then exit."
        )

    def handle(self, *args, once: bool = False, **options):
        if once:
            try:
                result = outbox_relay()
            except DatabaseError as exc:
                raise CommandError(f"database unavailable: {exc}") from None
            self.stdout.write(f"handed {result.handed} event(s) to the queue")
            if result.failed:
                raise CommandError(f"the queue refused {result.failed} event(s); try again")
            return
        stop = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stop.set())
        poll = settings.OUTBOX_RELAY_POLL
        self.stdout.write(f"relay: handing stored events to the queue (poll {poll} s)")
        relay_forever(stop=stop, poll=poll)
        self.stdout.write("relay: stopped")
