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
