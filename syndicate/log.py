"""The one place that sets up logging: stderr, plain lines (rich on a TTY)."""

from __future__ import annotations

import logging
import sys


class RepeatFilter(logging.Filter):
    """Fold repeats: the same message template at most ``limit`` times per logger run."""

    def __init__(self, limit: int = 5):
        super().__init__()
        self.limit = limit
        self.counts: dict[tuple[str, str], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg))
        n = self.counts.get(key, 0) + 1
        self.counts[key] = n
        if n == self.limit + 1:
            record.msg = str(record.msg) + " (further repeats of this message suppressed)"
        return n <= self.limit + 1


def reset_repeats() -> None:
    """Start counting repeats afresh (the daemon calls this before each job)."""
    for handler in logging.getLogger("syndicate").handlers:
        for f in handler.filters:
            if isinstance(f, RepeatFilter):
                f.counts.clear()


def setup_logging(verbosity: int = 0, *, quiet: bool = False) -> None:
    level = logging.WARNING if quiet else (logging.DEBUG if verbosity > 1 else logging.INFO if verbosity == 1
                                           else logging.WARNING)
    root = logging.getLogger("syndicate")
    root.setLevel(level)
    for h in list(root.handlers):
        root.removeHandler(h)
    handler: logging.Handler
    if sys.stderr.isatty():
        from rich.logging import RichHandler
        handler = RichHandler(show_path=False, rich_tracebacks=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RepeatFilter())
    root.addHandler(handler)
    root.propagate = False
