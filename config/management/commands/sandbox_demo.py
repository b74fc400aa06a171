"""Seed `make run`'s demo (sandboxes connected, an operator login) and print its URLs."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from config.demo import demo_seed


class Command(BaseCommand):
    help = "Connect the sandbox shop and Fortnox company for the demo and print the URLs."

    def handle(self, *args, **options) -> None:
        demo = demo_seed()
        width = max(len(label) for label, _ in demo.lines)
        self.stdout.write("\nfortnox-bridge demo: open these\n")
        for label, value in demo.lines:
            self.stdout.write(f"  {label.ljust(width)}  {value}")
        self.stdout.write("")
