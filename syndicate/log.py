"""The one place that sets up logging: stderr, plain lines (rich on a TTY), or one JSON
object per line with ``--log-format json`` (for journald, Loki, Elasticsearch...).

Messages are written as ``event key=value ...`` everywhere (STYLE.md, "Config, CLI,
daemon, logging"); the JSON form keeps the whole message and also lifts the ``key=value``
pairs into fields, so a log pipeline can filter on ``status`` or ``target`` without a
parser of its own. Secrets never reach a message (push targets log redacted URLs), so
both forms carry the same redaction.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from datetime import UTC, datetime

import orjson

LOG_FORMATS = ("text", "json")
_format: str | None = None
_PAIR = re.compile(r"(?<![\w.])([a-z_][a-z0-9_]*)=(\S+)")
_RESERVED = {"ts", "level", "logger", "event", "msg", "exc"}


def set_log_format(value: str | None) -> None:
    """The ``--log-format`` option; ``None`` leaves $SYNDICATE_LOG_FORMAT or text."""
    global _format
    _format = value


def log_format() -> str:
    value = _format or os.environ.get("SYNDICATE_LOG_FORMAT", "") or "text"
    return value if value in LOG_FORMATS else "text"


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts (UTC, ISO 8601), level, logger, event (the text
    before the first key=value), msg (the whole message), the key=value pairs, exc."""

    def format(self, record: logging.LogRecord) -> str:
        msg = record.getMessage()
        doc: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        first = _PAIR.search(msg)
        doc["event"] = (msg[: first.start()] if first else msg).strip().rstrip(":")
        doc["msg"] = msg
        for key, value in _PAIR.findall(msg):
            if key not in _RESERVED and key not in doc:
                doc[key] = value
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(doc, option=orjson.OPT_NON_STR_KEYS).decode()


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
    level = (
        logging.WARNING
        if quiet
        else (
            logging.DEBUG if verbosity > 1 else logging.INFO if verbosity == 1 else logging.WARNING
        )
    )
    root = logging.getLogger("syndicate")
    root.setLevel(level)
    for h in list(root.handlers):
        root.removeHandler(h)
    handler: logging.Handler
    if log_format() == "json":
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
    elif sys.stderr.isatty():
        from rich.logging import RichHandler

        handler = RichHandler(show_path=False, rich_tracebacks=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RepeatFilter())
    root.addHandler(handler)
    root.propagate = False
