"""Measure the hot paths against their targets; exit 1 if a target is missed.

- webhook receive: verify the signature, record the event, answer (a Shopify delivery
  must be answered within 5 seconds; we aim far below);
- mapping: a Shopify order to the canonical document and the Fortnox invoice body;
- pipeline: one order through the engine into the in-process Fortnox sandbox with warm
  links (one Fortnox request), rate limiting off, so the number is our own cost.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGETS_MS = {
    "webhook receive": 25.0,
    "map order + build invoice": 2.0,
    "pipeline (warm links)": 60.0,
}


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    db = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["FORTNOX_RATE_LIMIT"] = "1000000"
    import django
    from django.core.management import call_command

    django.setup()
    from django_q.conf import Conf

    Conf.SYNC = False  # the test settings run tasks inline; here they go to the broker
    call_command("migrate", verbosity=0)


def _measure(name: str, fn, repeat: int) -> tuple[str, float, float]:
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return name, statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> int:
    _setup()
    from benchmarks import cases

    results = [
        _measure("webhook receive", cases.webhook_receive(), 300),
        _measure("map order + build invoice", cases.map_and_build(), 500),
        _measure("pipeline (warm links)", cases.pipeline_warm(), 100),
    ]
    failed = 0
    print(f"{'case':<28}{'median ms':>10}{'p95 ms':>10}{'target p95':>12}")
    for name, median, p95 in results:
        target = TARGETS_MS[name]
        ok = p95 <= target
        failed += not ok
        print(f"{name:<28}{median:>10.2f}{p95:>10.2f}{target:>12.1f}  {'ok' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
