"""A progress bar for long commands, on stderr so that stdout keeps the summary."""

from __future__ import annotations


class ProgressBar:
    """``bar(index, total)`` redraws ``[#####.....] 5/10``; it ends its line at the last."""

    width = 30

    def __init__(self, stream, *, enabled: bool = True) -> None:
        self.stream = stream
        self.enabled = enabled
        self.open = False

    def __call__(self, index: int, total: int) -> None:
        if not self.enabled or total < 1:
            return
        filled = self.width * min(index, total) // total
        bar = f"\r[{'#' * filled}{'.' * (self.width - filled)}] {index}/{total}"
        self.stream.write(bar, ending="")
        self.stream.flush()
        self.open = index < total
        if not self.open:
            self.stream.write("")

    def close(self) -> None:
        """End the line when the work stopped before the last item."""
        if self.open:
            self.stream.write("")
            self.open = False


def run_catalog_sync(command, sync) -> None:
    """Run ``sync(progress=bar)`` for a catalog command: a progress bar on stderr, each
    failure on its own line, the one-line summary on stdout, and a provider's error as a
    one-line CommandError."""
    from django.core.management.base import CommandError

    from integrations.errors import ConnectorError

    bar = ProgressBar(command.stderr)
    try:
        summary = sync(progress=bar)
    except ConnectorError as error:
        raise CommandError(f"{error.provider.capitalize()}: {error.message}") from None
    finally:
        bar.close()
    for failure in summary.failures:
        command.stderr.write(f"failed: {failure}")
    command.stdout.write(summary.line())
