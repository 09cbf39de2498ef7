"""syndicate: publish stable RSS 2.0, Atom 1.0 and JSON Feed from scraped pages, and
push every change to WebSub hubs, webhooks and ping services."""

from __future__ import annotations

from .config import Config, load_config
from .errors import (
    BusyError,
    ConfigError,
    OutputError,
    PushError,
    RenderError,
    StateError,
    SyndicateError,
)
from .model import Article, Author, Entry, FeedFormat, Problem
from .publish import Report, publish

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Author",
    "BusyError",
    "Config",
    "ConfigError",
    "Entry",
    "FeedFormat",
    "OutputError",
    "Problem",
    "PushError",
    "RenderError",
    "Report",
    "StateError",
    "SyndicateError",
    "__version__",
    "load_config",
    "publish",
]
