from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from fortnox.errors import PROVIDER
from fortnox.readiness import readiness_check
from integrations.models import Connection


class Command(BaseCommand):
    help = (
        "Check that connected Fortnox tenants are ready: token, permissions, licences, VAT"
        " rates, currencies and the configured articles."
    )

    def add_arguments(self, parser):
        parser.add_argument("--connection", type=int, help="Only this Fortnox connection (id)")

    def handle(self, *args, connection=None, **options):
        connections = Connection.objects.filter(provider=PROVIDER)
        if connection is not None:
            connections = connections.filter(pk=connection)
            if not connections.exists():
                raise CommandError(f"No Fortnox connection with id {connection}")
        elif not connections.exists():
            raise CommandError(
                "No Fortnox account is connected yet; connect one at /fortnox/connect/."
            )
        failures = 0
        for conn in connections:
            self.stdout.write(f"{conn.display_name} (tenant {conn.account_id})")
            for check in readiness_check(connection=conn):
                failures += self._line(check)
        summary = f"{failures} check(s) failed" if failures else "all checks passed"
        self.stdout.write(summary)
        if failures:
            raise SystemExit(1)

    def _line(self, check) -> int:
        detail = f": {check.detail}" if check.detail else ""
        if check.ok:
            mark = self.style.WARNING("[warn]") if check.warning else self.style.SUCCESS("[ok]  ")
            self.stdout.write(f"  {mark} {check.name}{detail}")
            return 0
        self.stdout.write(f"  {self.style.ERROR('[FAIL]')} {check.name}{detail}")
        self.stdout.write(f"         Fix: {check.fix}")
        return 1
