"""What the merchant's status page shows: connection health, runs by outcome, usage and
documents per day (drawn as an SVG bar chart on the server, no script)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integrations.models import Connection
from syncs.models import ExternalLink, Integration, SyncRun

Status = SyncRun.Status
OUTCOMES = {
    "succeeded": (gettext_lazy("Succeeded"), (Status.SUCCEEDED, Status.SUCCEEDED_WITH_WARNING)),
    "failed": (gettext_lazy("Failed"), (Status.FAILED,)),
    "skipped": (gettext_lazy("Skipped"), (Status.SKIPPED,)),
    "waiting": (gettext_lazy("Waiting or running"), (Status.PENDING, Status.RUNNING)),
}
REPLAYABLE = (Status.FAILED, Status.SKIPPED)


@dataclass(frozen=True)
class Health:
    """One connection as the merchant sees it."""

    name: str
    account: str
    ok: bool
    status: str
    problem: str = ""


def connection_health(connection: Connection | None, *, name: str) -> Health:
    if connection is None:
        return Health(name, "", False, _("Not connected"))
    return Health(
        name,
        connection.display_name or connection.account_id,
        connection.is_active,
        connection.get_status_display(),
        "" if connection.is_active else connection.last_error,
    )


def document_label(kind: str) -> str:
    """``invoice`` -> "Invoice", in the page's language."""
    labels = dict(ExternalLink.Kind.choices)
    return str(labels.get(kind, kind.capitalize()))


def runs_for(integration: Integration, outcome: str = "") -> QuerySet[SyncRun]:
    """The integration's runs, newest first, of one outcome (``OUTCOMES``) or all."""
    runs = integration.runs.order_by("-created_at", "-pk")
    if outcome in OUTCOMES:
        runs = runs.filter(status__in=OUTCOMES[outcome][1])
    return runs


def usage_this_month(integration: Integration, *, today: date | None = None) -> int:
    month = (today or timezone.localdate()).replace(day=1)
    usage = integration.usage.filter(month=month).first()
    return usage.documents if usage else 0


@dataclass(frozen=True)
class Day:
    day: date
    succeeded: int
    failed: int


def documents_per_day(
    integration: Integration, *, days: int = 30, today: date | None = None
) -> list[Day]:
    """Succeeded and failed runs per day for the last ``days`` days, oldest first."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    rows = (
        integration.runs.annotate(day=TruncDate("created_at"))
        .filter(day__gte=first, day__lte=today)
        .values("day")
        .annotate(
            succeeded=Count("pk", filter=Q(status__in=OUTCOMES["succeeded"][1])),
            failed=Count("pk", filter=Q(status=Status.FAILED)),
        )
    )
    counts = {row["day"]: row for row in rows}
    return [
        Day(d, counts.get(d, {}).get("succeeded", 0), counts.get(d, {}).get("failed", 0))
        for d in (first + timedelta(days=n) for n in range(days))
    ]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    kind: str  # "succeeded" or "failed": the CSS class that colours it
    title: str


def chart(days: list[Day], *, width: int = 600, height: int = 120) -> dict:
    """The geometry of a stacked bar chart (failed on top of succeeded), for the template's
    inline SVG: bars, the highest count and the first and last day's labels."""
    top = max((d.succeeded + d.failed for d in days), default=0) or 1
    slot = width / max(len(days), 1)
    bars = []
    for n, day in enumerate(days):
        title = _("%(day)s: %(succeeded)s succeeded, %(failed)s failed") % {
            "day": date_format(day.day, "SHORT_DATE_FORMAT"),
            "succeeded": day.succeeded,
            "failed": day.failed,
        }
        base = height
        for kind, count in (("succeeded", day.succeeded), ("failed", day.failed)):
            if count:
                bar_height = height * count / top
                base -= bar_height
                bars.append(Bar(n * slot + 1, base, bar_height, kind, title))
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "bar_width": max(slot - 2, 1),
        "top": top if any(d.succeeded or d.failed for d in days) else 0,
        "first": days[0].day if days else None,
        "last": days[-1].day if days else None,
        "total_succeeded": sum(d.succeeded for d in days),
        "total_failed": sum(d.failed for d in days),
    }
