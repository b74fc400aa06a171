"""What the storm expects of each order, what it found, and the report it prints."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

DONE = ("succeeded", "succeeded_with_warning")
OUTCOME_LINE = re.compile(r"Fortnox (?:invoice|order|credit|document) (\S+) created\.")
FAILURE_LINE = re.compile(r"Fortnox sync failed:")
DISPATCHED = re.compile(
    r"queued (\d+) event\(s\), (\d+) run\(s\), (\d+) write-back\(s\); "
    r"reclaimed (\d+) event\(s\) and (\d+) run\(s\)"
)


@dataclass
class Expectation:
    shop: str
    order_id: str
    name: str
    run: bool  # a delivery met the trigger, so the order has a run
    document: bool  # ... and it was not cancelled, so it has exactly one document


@dataclass
class StormReport:
    orders: int
    shops: int
    expected: list[Expectation] = field(default_factory=list)
    events: int = 0
    unique_deliveries: int = 0
    duplicates: int = 0
    refused: int = 0
    kills: int = 0
    killed_at_documents: list[int] = field(default_factory=list)
    dispatched: Counter = field(default_factory=Counter)
    settled: bool = False
    seconds: float = 0.0
    phases: dict = field(default_factory=dict)  # seconds from the start to the end of each
    fortnox_faults: dict = field(default_factory=dict)
    fortnox_answers: dict = field(default_factory=dict)
    shopify_throttled: int = 0
    event_states: dict = field(default_factory=dict)
    run_states: Counter = field(default_factory=Counter)
    retried_runs: int = 0
    documents: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    runs_not_succeeded: list[str] = field(default_factory=list)
    writebacks_missing: list[str] = field(default_factory=list)
    writebacks_repeated: list[str] = field(default_factory=list)
    setup_problems: list[str] = field(default_factory=list)
    logs: str = ""

    def add_dispatch(self, said: str) -> None:
        found = DISPATCHED.search(said)
        if found:
            names = ("events", "runs", "write-backs", "reclaimed events", "reclaimed runs")
            for name, value in zip(names, found.groups(), strict=True):
                self.dispatched[name] += int(value)

    @property
    def faults_injected(self) -> int:
        return sum(self.fortnox_faults.values()) + self.shopify_throttled

    @property
    def ok(self) -> bool:
        return (
            self.settled
            and not self.refused
            and not self.lost
            and not self.duplicated
            and not self.unexpected
            and not self.runs_not_succeeded
            and not self.writebacks_missing
            and not self.writebacks_repeated
            and self.kills > 0
            and self.faults_injected > 0
        )

    def table(self) -> str:
        wanted = sum(1 for e in self.expected if e.document)
        rows = [
            ("orders (shops)", f"{self.orders} ({self.shops})"),
            ("orders that should have a document", wanted),
            ("webhook deliveries posted", self.events),
            ("  of which duplicates", self.duplicates),
            ("  refused by the service", self.refused),
            ("Fortnox faults injected", _counts(self.fortnox_faults)),
            ("Fortnox answers to /3", _counts(self.fortnox_answers)),
            ("Shopify THROTTLED answers", self.shopify_throttled),
            (
                "worker process groups SIGKILLed",
                f"{self.kills} (at {self.killed_at_documents} docs)",
            ),
            ("dispatcher", _counts(self.dispatched)),
            ("events by state", _counts(self.event_states)),
            ("runs by status", _counts(self.run_states)),
            ("runs that needed more than one attempt", self.retried_runs),
            ("Fortnox documents created", self.documents),
            ("documents lost", _ids(self.lost)),
            ("documents duplicated", _ids(self.duplicated)),
            ("documents for orders that should have none", _ids(self.unexpected)),
            ("runs not succeeded", _ids(self.runs_not_succeeded)),
            ("write-backs missing", _ids(self.writebacks_missing)),
            ("write-backs repeated", _ids(self.writebacks_repeated)),
            ("settled before the timeout", "yes" if self.settled else "NO"),
            ("seconds", f"{self.seconds:.0f} ({_phases(self.phases)})"),
            ("verdict", "PASS" if self.ok else "FAIL"),
        ]
        for problem in self.setup_problems:
            rows.append(("set-up worked around", problem))
        if self.logs:
            rows.append(("logs", self.logs))
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name.ljust(width)}  {value}" for name, value in rows)


def check(
    report: StormReport,
    *,
    runs: list[tuple],
    events: dict,
    fortnox: dict,
    notes: dict,
    fortnox_faults: dict,
    shopify_counters: dict,
) -> None:
    """Fill ``report`` from what the database and the sandboxes hold."""
    report.fortnox_faults = fortnox_faults["injected"]
    report.fortnox_answers = fortnox_faults["answered"]
    report.shopify_throttled = shopify_counters.get("throttled", 0)
    report.event_states = events
    by_order = {(shop, order_id): (status, number, reported, attempts)
                for shop, order_id, status, number, reported, attempts in runs}  # fmt: skip
    report.run_states = Counter(status for status, *_ in by_order.values())
    report.retried_runs = sum(1 for *_, attempts in by_order.values() if attempts > 1)
    documents: dict[tuple[str, str], list[str]] = {}
    for shop, held in fortnox.items():
        for doc in held["invoices"] + held["orders"]:
            order_id = (doc.get("ExternalInvoiceReference1") or "").rsplit(":", 1)[-1]
            documents.setdefault((shop, order_id), []).append(str(doc["DocumentNumber"]))
    report.documents = sum(len(numbers) for numbers in documents.values())
    for e in report.expected:
        key = (e.shop, e.order_id)
        _check_order(report, e, documents.get(key, []), by_order.get(key), notes[e.shop])
    expected = {(e.shop, e.order_id) for e in report.expected if e.document}
    report.unexpected += [
        f"{shop}:{order}" for shop, order in documents if (shop, order) not in expected
    ]


def _check_order(report: StormReport, e: Expectation, numbers: list[str], run, notes: dict) -> None:
    label = f"{e.shop.split('.')[0]} {e.name}"
    note = (notes.get(e.order_id) or {}).get("note") or ""
    lines = OUTCOME_LINE.findall(note) + FAILURE_LINE.findall(note)
    if not e.document:
        if e.run and (run is None or run[0] != "skipped"):
            report.runs_not_succeeded.append(f"{label} ({run[0] if run else 'no run'})")
        if lines:
            report.writebacks_repeated.append(f"{label} (a note on an order with no document)")
        return
    if not numbers:
        report.lost.append(label)
    elif len(numbers) > 1:
        report.duplicated.append(f"{label} ({', '.join(numbers)})")
    if run is None or run[0] not in DONE:
        report.runs_not_succeeded.append(f"{label} ({run[0] if run else 'no run'})")
        return
    if run[2] != "done" or not lines:
        report.writebacks_missing.append(f"{label} (report {run[2] or 'none'})")
    elif len(lines) > 1 or lines != [run[1]]:
        report.writebacks_repeated.append(f"{label} ({len(lines)} lines: {lines})")


def _counts(values: dict) -> str:
    return ", ".join(f"{key} {value}" for key, value in sorted(values.items())) or "-"


def _phases(phases: dict) -> str:
    return ", ".join(f"{name} at {seconds:.0f}" for name, seconds in phases.items())


def _ids(values: list[str]) -> str:
    if not values:
        return "0"
    shown = ", ".join(values[:8])
    return f"{len(values)}: {shown}" + (" ..." if len(values) > 8 else "")
