"""The table of known config keys, and a TOML table reader that reports every mistake.

``KEYS`` is the one place a config key is declared: its type, default, allowed values
and bounds. The loader (:mod:`syndicate.config`) reads values through it, unknown keys
are found and spelled-out against it ("formt": did you mean "format"?), and the JSON
Schema (``syndicate/schemas/config.schema.json``) is generated from it
(``python -m syndicate.config_schema``). Adding a key is one line here (plus the
dataclass field that carries it and the line in ``parse_config`` that reads it).

The reader never stops at the first mistake: each one becomes a :class:`ConfigError`
in a shared list, and :func:`syndicate.config.load_config` raises them all at once.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .errors import ConfigError

DURATION = (str, int, float)  # "30s", "15m", 90


@dataclass(frozen=True, slots=True, kw_only=True)
class Key:
    kind: type | tuple[type, ...]
    default: Any = None
    required: bool = False
    choices: tuple[str, ...] = ()  # allowed string values (each item's, for lists)
    items: type | tuple[type, ...] | None = None  # lists: the type of each item
    minimum: int | None = None
    maximum: int | None = None
    doc: str = ""


INPUT_FORMATS = ("auto", "scraped", "html", "json", "jsonl", "markdown")
FEED_FORMATS = ("rss", "atom", "json")
MAX_INPUT_BYTES = 1 << 30  # 1 GiB: inputs are read whole; more is surely a typo

# table path ("" is the top level; arrays of tables without their [i]) -> key -> Key
KEYS: dict[str, dict[str, Key]] = {
    "": {
        "site": Key(kind=dict, required=True, doc="the site: title, base URL, language"),
        "inputs": Key(kind=list, items=dict, required=True, doc="input groups ([[inputs]])"),
        "output": Key(kind=dict, doc="the output folder and what goes in it"),
        "state": Key(kind=dict, doc="the SQLite state file"),
        "sections": Key(kind=list, items=dict, doc="fixed slugs, titles and order of sections"),
        "hubs": Key(kind=list, items=dict, doc="WebSub hubs"),
        "webhooks": Key(kind=list, items=dict, doc="signed webhooks"),
        "pings": Key(kind=list, items=dict, doc="XML-RPC ping services"),
        "schedule": Key(kind=dict, doc="daemon schedule"),
        "delivery": Key(kind=dict, doc="outbox delivery"),
        "serve": Key(kind=dict, doc="`syndicate serve`"),
        "activitypub": Key(kind=dict, doc="sections as followable ActivityPub actors"),
    },
    "site": {
        "title": Key(kind=str, required=True),
        "base_url": Key(
            kind=str, required=True, doc="absolute http(s) URL where output/ is served"
        ),
        "language": Key(kind=str, default="en"),
        "description": Key(kind=str, default=""),
        "author": Key(kind=(str, dict), doc="a name, or a table with name, email, uri"),
        "timezone": Key(
            kind=str, default="UTC", doc="IANA zone for dates shown on HTML pages (feeds stay UTC)"
        ),
    },
    "site.author": {
        "name": Key(kind=str, required=True),
        "email": Key(kind=str),
        "uri": Key(kind=str),
    },
    "inputs": {
        "name": Key(kind=str),
        "paths": Key(
            kind=(list, str), items=str, required=True, doc="globs relative to the config file"
        ),
        "format": Key(kind=str, default="auto", choices=INPUT_FORMATS),
        "timezone": Key(
            kind=str,
            default="page",
            doc="IANA zone for dates printed without one; 'page': the zone an HTML page's"
            " language names (de, ja, pt-BR), else UTC",
        ),
        "captured_at": Key(kind=(datetime, str), doc="a TOML datetime, or 'mtime'"),
        "encoding": Key(kind=str),
        "section": Key(kind=str),
        "schedule": Key(kind=dict),
        "options": Key(kind=dict, default={}),
        "rules": Key(kind=str, doc="a site rule file for HTML inputs"),
        "follow_symlinks": Key(
            kind=bool, default=False, doc="read symlinks whose target is outside the input folders"
        ),
        "base_url": Key(
            kind=str, doc="http(s) URL of the input folder: page URL = base_url + path below it"
        ),
        "mirror": Key(
            kind=bool,
            default=False,
            doc="folders are host/path/index.html, as wget -m saves a site",
        ),
    },
    "inputs.schedule": {
        "cron": Key(kind=str),
        "interval": Key(kind=DURATION),
    },
    "output": {
        "dir": Key(kind=str, default="output", doc="the output folder (a bucket's local spool)"),
        "url": Key(kind=str, doc="a folder (as dir) or s3://bucket/prefix (docs/scale.md)"),
        "endpoint_url": Key(kind=str, doc="s3: http(s) URL of a non-AWS store (MinIO, R2 ...)"),
        "region": Key(kind=str, doc="s3: the bucket's region (default us-east-1)"),
        "access_key_id_env": Key(kind=str, doc="s3: environment variable with the access key id"),
        "secret_access_key_env": Key(kind=str, doc="s3: environment variable with the secret key"),
        "session_token_env": Key(kind=str, doc="s3: environment variable with a session token"),
        "concurrency": Key(kind=int, default=16, minimum=1, doc="s3: parallel PUTs of pages"),
        "formats": Key(
            kind=(list, str), items=str, choices=FEED_FORMATS, default=list(FEED_FORMATS)
        ),
        "item_limit": Key(kind=int, default=50, minimum=1),
        "article_pages": Key(kind=bool, default=True),
        "max_input_bytes": Key(kind=int, default=5_000_000, minimum=1, maximum=MAX_INPUT_BYTES),
        "archive_page_size": Key(
            kind=int, default=50, minimum=0, doc="items per RFC 5005 archive page; 0: none"
        ),
        "churn_share": Key(
            kind=float,
            default=0.5,
            doc="churn guard: share of a feed's items that may be re-identified or lost; 1: off",
        ),
        "future_dates": Key(
            kind=str,
            default="warning",
            choices=("warning", "error"),
            doc="publish gate: 'error' refuses a run with a date after the clock",
        ),
    },
    "state": {
        "path": Key(kind=str, default="state/syndicate.db"),
        "url": Key(
            kind=str, doc="a path, sqlite:///PATH or postgresql://... (then the state lives there)"
        ),
    },
    "sections": {
        "name": Key(kind=str, required=True),
        "slug": Key(kind=str),
        "title": Key(kind=str),
        "description": Key(kind=str),
        "podcast": Key(kind=dict, doc="iTunes / Podcasting 2.0 tags for this section's feeds"),
    },
    "sections.podcast": {
        "author": Key(kind=str, required=True),
        "image": Key(kind=str, required=True, doc="absolute http(s) URL of the show's artwork"),
        "category": Key(kind=str, required=True),
        "subcategory": Key(kind=str),
        "explicit": Key(kind=bool, default=False),
        "owner_name": Key(kind=str),
        "owner_email": Key(kind=str),
        "type": Key(kind=str, default="episodic", choices=("episodic", "serial")),
    },
    "hubs": {
        "url": Key(kind=str, required=True),
        "param": Key(kind=str, default="hub.url", choices=("hub.url", "hub.topic")),
    },
    "webhooks": {
        "url": Key(kind=str, required=True),
        "name": Key(kind=str),
        "secret_env": Key(kind=str, doc="the environment variable holding the signing secret"),
    },
    "pings": {
        "url": Key(kind=str, required=True),
        "name": Key(kind=str),
    },
    "schedule": {
        "cron": Key(kind=str),
        "interval": Key(kind=DURATION),
    },
    "delivery": {
        "connect_timeout": Key(kind=float, default=5.0),
        "read_timeout": Key(kind=float, default=10.0),
        "concurrency": Key(kind=int, default=32, minimum=1),
        "retry_schedule": Key(kind=list, items=DURATION),
        "interval": Key(kind=DURATION, default=30.0),
        "lease": Key(kind=DURATION, default=300.0),
    },
    "serve": {
        "host": Key(kind=str, default="127.0.0.1"),
        "port": Key(kind=int, default=8080, minimum=0, maximum=65535),
        "max_age": Key(kind=int, default=300),
    },
    "activitypub": {
        "enabled": Key(kind=bool, default=False, doc="make every section and the site followable"),
        "site_actor": Key(kind=str, default="site", doc="username of the whole-site actor"),
        "actor_type": Key(kind=str, default="Service", choices=("Service", "Group")),
        "object_type": Key(kind=str, default="Article", choices=("Article", "Note")),
        "allow_private_addresses": Key(
            kind=bool, default=False, doc="let key fetches reach loopback and private addresses"
        ),
        "key_fetch_timeout": Key(kind=float, default=5.0, doc="seconds per signer key fetch"),
        "key_fetch_max_bytes": Key(kind=int, default=1_000_000, minimum=1024),
        "max_clock_skew": Key(kind=int, default=300, minimum=1, doc="seconds, signed Date"),
        "outbox_page_size": Key(kind=int, default=20, minimum=1, maximum=200),
    },
}


def suggest(word: str, known: list[str] | tuple[str, ...]) -> str:
    """' (did you mean "format"?)' for the nearest known key, or ''."""
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _names(kind: type | tuple[type, ...]) -> str:
    return kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)


def _is(value: Any, kind: type | tuple[type, ...]) -> bool:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool):
        return bool in kinds
    if isinstance(value, int) and float in kinds:
        return True
    return isinstance(value, kinds)


class Table:
    """A TOML table read against ``KEYS[spec]``; mistakes go to the shared ``errors``."""

    def __init__(
        self, data: dict[str, Any], where: str, file: str, spec: str, errors: list[ConfigError]
    ):
        self.data, self.where, self.file, self.spec, self.errors = data, where, file, spec, errors
        self.keys = KEYS[spec]

    def _key(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(message, path=self.file, key=self._key(key))

    def fail(self, key: str, message: str) -> None:
        """Record a mistake and go on reading."""
        self.errors.append(self.error(key, message))

    def get(self, key: str) -> Any:
        """The value (ints widened to float where a float is expected), or the default;
        a missing required key or a wrong type is recorded and the default returned."""
        k = self.keys[key]
        if key not in self.data:
            if k.required:
                self.fail(key, "is required")
            return k.default
        value = self.data[key]
        if not _is(value, k.kind):
            self.fail(key, f"must be {_names(k.kind)}, got {type(value).__name__} {value!r}")
            return k.default
        if k.kind is float and isinstance(value, int):
            value = float(value)
        if isinstance(value, list) and k.items is not None:
            bad = [v for v in value if not _is(v, k.items)]
            if bad:
                self.fail(key, f"must be a list of {_names(k.items)}, got {bad[0]!r}")
                return k.default
        if k.choices:
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, str) and v not in k.choices:
                    self.fail(
                        key,
                        f"must be one of {', '.join(k.choices)}, got {v!r}{suggest(v, k.choices)}",
                    )
                    return k.default
        if isinstance(value, int) and not isinstance(value, bool):
            if k.minimum is not None and value < k.minimum:
                self.fail(key, f"must be at least {k.minimum}, got {value}")
                return k.default
            if k.maximum is not None and value > k.maximum:
                self.fail(key, f"must be at most {k.maximum}, got {value}")
                return k.default
        return value

    def table(self, key: str) -> Table:
        value = self.get(key)
        return Table(
            value if isinstance(value, dict) else {},
            self._key(key),
            self.file,
            f"{self.spec}.{key}".lstrip("."),
            self.errors,
        )

    def tables(self, key: str) -> list[Table]:
        value = self.get(key) or []
        spec = f"{self.spec}.{key}".lstrip(".")
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                self.fail(f"{key}[{i}]", f"must be a table ([[{key}]])")
                continue
            out.append(Table(item, f"{self._key(key)}[{i}]", self.file, spec, self.errors))
        return out

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.get(key)
        if value is None:
            return ()
        return (value,) if isinstance(value, str) else tuple(value)

    def finish(self, *, also: tuple[str, ...] = ()) -> None:
        """Record every key not in the table of known keys, with the nearest known one."""
        known = [*self.keys, *also]
        for key in sorted(set(self.data) - set(known)):
            self.fail(key, f"unknown key{suggest(key, known)} (see the README's config reference)")
