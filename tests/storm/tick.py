"""The storm's clock: what each qcluster does every 30 s and the dispatcher every minute,
every few seconds instead.

``python -m tests.storm.tick SECONDS`` runs, until it is stopped, django-q2's scheduler
(which hands delayed tasks, such as a run's next attempt, to the queue when they are due)
and then ``syncs.outbox.outbox_dispatch``, printing the dispatcher's summary each time.
Compressing these two periods lets a storm with retry delays of seconds finish in
seconds; what they do is unchanged.
"""

from __future__ import annotations

import os
import sys
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import close_old_connections
    from django_q.brokers import get_broker
    from django_q.scheduler import scheduler

    from syncs.outbox import outbox_dispatch

    every = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    broker = get_broker()
    while True:
        close_old_connections()
        scheduler(broker=broker)
        print(outbox_dispatch(), flush=True)
        time.sleep(every)


if __name__ == "__main__":
    main()
