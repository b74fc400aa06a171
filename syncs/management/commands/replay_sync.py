from __future__ import annotations

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from syncs.management.progress import ProgressBar
from syncs.models import Integration, SyncRun
from syncs.replay import run_replay
from syncs.reporting import report_replay
from syncs.runs import REOPENABLE, is_stuck, stuck_runs


class Command(BaseCommand):
    help = (
        "Run failed syncs again: by run id, or every failed (or stuck) run with --failed."
        " With --write-back, write the outcome back again instead (never a new document)."
    )

    def add_arguments(self, parser):
        parser.add_argument("run_ids", nargs="*", type=int, metavar="RUN_ID")
        parser.add_argument(
            "--failed",
            action="store_true",
            help="All failed runs, and runs stuck running past their lease",
        )
        parser.add_argument(
            "--write-back",
            action="store_true",
            help="Write the outcome back again (runs whose write-back gave up, with --failed)",
        )
        parser.add_argument("--since", help="With --failed: runs created on or after YYYY-MM-DD")
        parser.add_argument("--integration", type=int, help="Only this integration's runs")
        parser.add_argument("--dry-run", action="store_true", help="List, change nothing")

    def handle(self, *args, run_ids, failed, since, integration, dry_run, **options):
        if options["write_back"]:
            return self._write_back(run_ids, failed, since, integration, dry_run)
        runs = self._select(run_ids, failed, since, integration)
        total = len(runs)
        succeeded = replayed = 0
        bar = ProgressBar(self.stderr, enabled=total > 1)
        for index, run in enumerate(runs, start=1):
            if dry_run:
                self.stdout.write(
                    f"would replay run {run.pk} {run.source_label}: {run.error_message}"
                )
                continue
            if run_replay(run=run, inline=True):
                replayed += 1
                run.refresh_from_db()
                succeeded += run.status in SyncRun.DONE
            bar(index, total)
        verb = "would replay" if dry_run else "replayed"
        count = total if dry_run else replayed
        tail = "" if dry_run else f", {succeeded} succeeded, {replayed - succeeded} still failing"
        self.stdout.write(f"{verb} {count} of {total} run(s){tail}")

    def _write_back(self, run_ids, failed, since, integration, dry_run) -> None:
        runs = self._select(run_ids, failed, since, integration, write_back=True)
        done = 0
        for run in runs:
            if dry_run:
                self.stdout.write(f"would write back run {run.pk} {run.source_label}")
                continue
            report_replay(run=run, inline=True)
            run.refresh_from_db()
            done += run.report_status == SyncRun.Report.DONE
            self.stdout.write(
                f"run {run.pk} {run.source_label}: {run.get_report_status_display().lower()}"
                + (f" ({run.report_error})" if run.report_error else "")
            )
        verb = "would write back" if dry_run else "wrote back"
        self.stdout.write(f"{verb} {len(runs) if dry_run else done} of {len(runs)} run(s)")

    def _select(self, run_ids, failed, since, integration, write_back=False) -> list[SyncRun]:
        if bool(run_ids) == failed:
            raise CommandError("Give run ids or --failed: one of the two.")
        runs = SyncRun.objects.order_by("pk")
        if integration is not None:
            if not Integration.objects.filter(pk=integration).exists():
                raise CommandError(f"No integration {integration}")
            runs = runs.filter(integration_id=integration)
        if failed and write_back:
            runs = runs.filter(report_status=SyncRun.Report.GAVE_UP)
        elif failed:
            runs = runs.filter(Q(status=SyncRun.Status.FAILED) | stuck_runs())
            if since:
                runs = runs.filter(created_at__gte=_start_of(since))
            return list(runs)
        found = {run.pk: run for run in runs.filter(pk__in=run_ids)}
        missing = [str(pk) for pk in run_ids if pk not in found]
        if missing:
            raise CommandError(f"No run with id {', '.join(missing)}")
        if not write_back:
            _refuse_unreplayable([found[pk] for pk in run_ids])
        return [found[pk] for pk in run_ids]


_WHY_NOT = {
    SyncRun.Status.PENDING: "is waiting for a worker",
    SyncRun.Status.RUNNING: "is running now",
    SyncRun.Status.SUCCEEDED: "already succeeded",
    SyncRun.Status.SUCCEEDED_WITH_WARNING: "already succeeded (with a warning)",
}


def _refuse_unreplayable(runs: list[SyncRun]) -> None:
    """Only failed and skipped runs are replayed; say why the others would do nothing."""
    reasons = [
        f"run {run.pk} {_WHY_NOT[run.status]}"
        for run in runs
        if run.status not in REOPENABLE and not is_stuck(run)
    ]
    if reasons:
        raise CommandError(
            f"Nothing replayed: {'; '.join(reasons)}. Only failed or skipped runs are replayed."
        )


def _start_of(day: str):
    try:
        parsed = datetime.strptime(day, "%Y-%m-%d").date()
    except ValueError:
        raise CommandError(f"--since takes a date as YYYY-MM-DD, not {day!r}") from None
    return timezone.make_aware(datetime.combine(parsed, time.min))
