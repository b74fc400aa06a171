"""The sandbox's records: shops, their orders, customers and products, and the clock.

Everything is plain JSON-able data so the process-wide sandbox can be saved to a file after
each change and loaded by the next process (see ``views.py``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

# GraphQL Admin API restore rate (points per second) by plan; see shopify.md section 3.
RESTORE_RATES = {"standard": 100.0, "advanced": 200.0, "plus": 1000.0}
# Shopify documents the restore rate; the bucket size is an assumption (20 s of restore,
# i.e. 2000 on a standard plan, which is what current responses report as maximumAvailable).
BUCKET_SECONDS = 20
MAX_QUERY_COST = 1000
ORDER_WINDOW_DAYS = 60


@dataclass
class Bucket:
    """Cost-based leaky bucket for one app on one shop."""

    maximum: float
    restore_rate: float
    available: float
    updated_at: float

    @classmethod
    def for_plan(cls, plan: str, now: float) -> Bucket:
        rate = RESTORE_RATES.get(plan, RESTORE_RATES["standard"])
        size = rate * BUCKET_SECONDS
        return cls(maximum=size, restore_rate=rate, available=size, updated_at=now)

    def refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.updated_at)
        self.available = min(self.maximum, self.available + elapsed * self.restore_rate)
        self.updated_at = now

    def status(self) -> dict:
        return {
            "maximumAvailable": self.maximum,
            "currentlyAvailable": int(self.available),
            "restoreRate": self.restore_rate,
        }


@dataclass
class Shop:
    """One sandbox shop and what it holds (REST-shaped records keyed by numeric id)."""

    domain: str
    currency: str
    plan: str
    timezone: str
    bucket: Bucket
    orders: dict[int, dict] = field(default_factory=dict)
    customers: dict[int, dict] = field(default_factory=dict)
    products: dict[int, dict] = field(default_factory=dict)
    bulk_operations: list[dict] = field(default_factory=list)
    next_order_number: int = 1001
    # Whether product prices include VAT (GraphQL ``shop.taxesIncluded``): Swedish shops do.
    taxes_included: bool = True

    @property
    def handle(self) -> str:
        return self.domain.split(".", 1)[0]

    def local_time(self, epoch: float) -> str:
        """A REST timestamp in the shop's time zone (``2026-05-04T10:00:00+02:00``)."""
        moment = datetime.fromtimestamp(epoch, ZoneInfo(self.timezone))
        return moment.isoformat(timespec="seconds")

    def to_dict(self) -> dict:
        data = asdict(self)
        for name in ("orders", "customers", "products"):
            data[name] = {str(key): value for key, value in data[name].items()}
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Shop:
        data = dict(data)
        data["bucket"] = Bucket(**data["bucket"])
        for name in ("orders", "customers", "products"):
            data[name] = {int(key): value for key, value in data[name].items()}
        return cls(**data)


class Ids:
    """Shopify-like ids: large, unique across every resource of the sandbox."""

    def __init__(self, next_id: int = 7_250_000_000_001) -> None:
        self.next_id = next_id

    def take(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value


@dataclass
class Response:
    """What the sandbox answers: a status, headers and a body, as a web server would."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    operation: str = ""  # GraphQL root fields, for the request log

    @classmethod
    def json(cls, status: int, data: object, headers: dict | None = None) -> Response:
        all_headers = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        return cls(status, all_headers, json.dumps(data).encode())

    @classmethod
    def html(cls, status: int, text: str) -> Response:
        return cls(status, {"Content-Type": "text/html; charset=utf-8"}, text.encode())

    def data(self) -> object:
        return json.loads(self.body)
