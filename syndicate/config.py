"""TOML configuration -> a typed, frozen :class:`Config`.

Every key is checked: an unknown or mistyped key is a :class:`ConfigError` naming the
file and the dotted key. Relative paths are relative to the config file. Secrets are
never read from the file: a webhook names the *environment variable* holding its secret.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError
from .model import Author, FeedFormat, Podcast

INPUT_FORMATS = ("auto", "scraped", "html", "json", "jsonl", "markdown")
DEFAULT_RETRY_SCHEDULE = (0.0, 5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 50400.0, 72000.0, 86400.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteConfig:
    title: str
    base_url: str            # always ends with "/"
    language: str = "en"
    description: str = ""
    author: Author | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Schedule:
    cron: str | None = None          # five-field crontab expression
    interval: float | None = None    # seconds

    def __post_init__(self) -> None:
        if (self.cron is None) == (self.interval is None):
            raise ValueError("a schedule has exactly one of cron or interval")


@dataclass(frozen=True, slots=True, kw_only=True)
class InputConfig:
    name: str
    paths: tuple[str, ...]           # globs, relative to the config file's folder
    format: str = "auto"
    timezone: str = "UTC"            # for dates printed without a zone
    captured_at: datetime | None = None   # "now" for relative dates; None: the file's mtime
    encoding: str | None = None      # None: sniff (BOM, UTF-8, then cp1252)
    section: str | None = None       # force every article of this group into one section
    schedule: Schedule | None = None
    options: dict[str, Any] = field(default_factory=dict)   # source-specific (field maps, site rules)

    def __hash__(self) -> int:
        return hash((self.name, self.paths, self.format))


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionConfig:
    name: str                        # as the pages label it
    slug: str | None = None
    title: str | None = None
    description: str | None = None
    podcast: Podcast | None = None   # [sections.podcast]: iTunes / Podcasting 2.0 tags (docs/feeds.md)


@dataclass(frozen=True, slots=True, kw_only=True)
class OutputConfig:
    dir: Path
    formats: tuple[FeedFormat, ...] = (FeedFormat.RSS, FeedFormat.ATOM, FeedFormat.JSON)
    item_limit: int = 50
    article_pages: bool = True
    max_input_bytes: int = 5_000_000
    archive_page_size: int = 50      # RFC 5005 archive pages (docs/feeds.md); 0: none
    churn_share: float = 0.5         # churn guard (docs/feeds.md): share of a feed; 1: off
    future_dates: str = "warning"    # publish gate: "error" refuses a run with a date after the clock


@dataclass(frozen=True, slots=True, kw_only=True)
class HubConfig:
    url: str
    param: str = "hub.url"           # some hubs read hub.topic instead


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookConfig:
    url: str
    name: str
    secret_env: str | None = None    # name of the environment variable with the secret


@dataclass(frozen=True, slots=True, kw_only=True)
class PingConfig:
    url: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryConfig:
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    concurrency: int = 32
    retry_schedule: tuple[float, ...] = DEFAULT_RETRY_SCHEDULE   # seconds after the previous try
    interval: float = 30.0           # daemon: how often the outbox is drained


@dataclass(frozen=True, slots=True, kw_only=True)
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    max_age: int = 300


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    path: Path                       # the config file
    site: SiteConfig
    inputs: tuple[InputConfig, ...]
    output: OutputConfig
    state_path: Path
    sections: tuple[SectionConfig, ...] = ()
    hubs: tuple[HubConfig, ...] = ()
    webhooks: tuple[WebhookConfig, ...] = ()
    pings: tuple[PingConfig, ...] = ()
    schedule: Schedule | None = None
    delivery: DeliveryConfig = DeliveryConfig()
    serve: ServeConfig = ServeConfig()

    @property
    def root(self) -> Path:
        return self.path.parent


# --- reading ----------------------------------------------------------------------

class _Table:
    """A TOML table that remembers which keys were read, to report the rest."""

    def __init__(self, data: dict[str, Any], where: str, file: str):
        self.data = data
        self.where = where
        self.file = file
        self.seen: set[str] = set()

    def _key(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(message, path=self.file, key=self._key(key))

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None, *, required: bool = False) -> Any:
        self.seen.add(key)
        if key not in self.data:
            if required:
                raise self.error(key, "is required")
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float)):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise self.error(key, f"must be {names}, got {type(value).__name__} {value!r}")
        return value

    def table(self, key: str) -> _Table:
        value = self.get(key, dict, {})
        return _Table(value, self._key(key), self.file)

    def tables(self, key: str) -> list[_Table]:
        value = self.get(key, list, [])
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.error(f"{key}[{i}]", "must be a table ([[" + key + "]])")
            out.append(_Table(item, f"{self._key(key)}[{i}]", self.file))
        return out

    def strings(self, key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self.get(key, (list, str), None)
        if value is None:
            return default
        if isinstance(value, str):
            return (value,)
        if not all(isinstance(v, str) for v in value):
            raise self.error(key, "must be a list of strings")
        return tuple(value)

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise self.error(unknown[0], "unknown key (check the spelling; see the README's config reference)")


def _url(t: _Table, key: str, *, required: bool = True, default: str | None = None) -> str:
    value = t.get(key, str, default, required=required)
    if value is None:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise t.error(key, f"must be an absolute http(s) URL, got {value!r}")
    return str(value)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")


def parse_duration(text: str | float) -> float:
    """'90' / '90s' / '15m' / '2h' / '1d' -> seconds."""
    if isinstance(text, (int, float)):
        return float(text)
    m = _DURATION.match(text)
    if not m:
        raise ValueError(f"not a duration: {text!r} (use e.g. '30s', '15m', '2h')")
    factor = {"ms": 0.001, "s": 1, None: 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
    return float(m.group(1)) * factor


def _schedule(t: _Table) -> Schedule | None:
    cron = t.get("cron", str)
    interval = t.get("interval", (str, int, float))
    t.finish()
    if cron is None and interval is None:
        return None
    if cron is not None and interval is not None:
        raise t.error("cron", "give either cron or interval, not both")
    if cron is not None:
        if len(cron.split()) != 5:
            raise t.error("cron", f"must have five fields (minute hour day month weekday), got {cron!r}")
        try:
            from apscheduler.triggers.cron import CronTrigger
            CronTrigger.from_crontab(cron, timezone="UTC")
        except ValueError as err:
            raise t.error("cron", f"is not a valid crontab expression: {err}") from err
        return Schedule(cron=cron)
    try:
        seconds = parse_duration(interval)
    except ValueError as err:
        raise t.error("interval", str(err)) from err
    if seconds <= 0:
        raise t.error("interval", "must be positive")
    return Schedule(interval=seconds)


def _author(t: _Table, key: str) -> Author | None:
    value = t.data.get(key)
    if value is None:
        t.seen.add(key)
        return None
    if isinstance(value, str):
        t.seen.add(key)
        return Author(name=value)
    a = t.table(key)
    author = Author(name=a.get("name", str, required=True), email=a.get("email", str), uri=a.get("uri", str))
    a.finish()
    return author


def _podcast(section: _Table) -> Podcast | None:
    if "podcast" not in section.data:
        section.seen.add("podcast")
        return None
    p = section.table("podcast")
    kind = p.get("type", str, "episodic")
    if kind not in ("episodic", "serial"):
        raise p.error("type", f"must be 'episodic' or 'serial', got {kind!r}")
    podcast = Podcast(author=p.get("author", str, required=True), image=_url(p, "image"),
                      category=p.get("category", str, required=True), subcategory=p.get("subcategory", str),
                      explicit=p.get("explicit", bool, False), owner_name=p.get("owner_name", str),
                      owner_email=p.get("owner_email", str), kind=kind)
    p.finish()
    return podcast


def load_config(path: str | Path) -> Config:
    """Read and validate a config file. Raises :class:`ConfigError`."""
    path = Path(path)
    file = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError("file not found (pass --config PATH)", path=file) from err
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read: {err}", path=file) from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"not valid TOML: {err}", path=file) from err
    return parse_config(raw, path=path.resolve())


def parse_config(raw: dict[str, Any], *, path: Path) -> Config:
    file = str(path)
    top = _Table(raw, "", file)
    root = path.parent

    s = top.table("site")
    base_url = _url(s, "base_url")
    site = SiteConfig(
        title=s.get("title", str, required=True),
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        language=s.get("language", str, "en"),
        description=s.get("description", str, ""),
        author=_author(s, "author"),
    )
    s.finish()

    inputs: list[InputConfig] = []
    for i, t in enumerate(top.tables("inputs")):
        fmt = t.get("format", str, "auto")
        if fmt not in INPUT_FORMATS:
            raise t.error("format", f"must be one of {', '.join(INPUT_FORMATS)}, got {fmt!r}")
        tzname = t.get("timezone", str, "UTC")
        try:
            ZoneInfo(tzname)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise t.error("timezone", f"unknown time zone {tzname!r} (use an IANA name like 'Europe/Berlin')") from err
        captured = t.get("captured_at", (datetime, str), None)
        if isinstance(captured, str):
            if captured != "mtime":
                raise t.error("captured_at", "must be a TOML datetime or 'mtime'")
            captured = None
        if isinstance(captured, datetime):
            if captured.tzinfo is None:
                captured = captured.replace(tzinfo=ZoneInfo(tzname))
            captured = captured.astimezone(UTC)
        paths = t.strings("paths")
        if not paths:
            raise t.error("paths", "is required: a list of globs relative to the config file")
        sched_t = t.table("schedule")
        options = dict(t.get("options", dict, {}))
        rules = t.get("rules", str)
        if rules is not None:     # a site rule file for HTML inputs (see docs/inputs.md)
            from .sources.rules import compile_rule, load_rule_file
            try:
                options["rule"] = load_rule_file(str(root / rules))
                compile_rule(options["rule"])
            except (OSError, ValueError, KeyError, tomllib.TOMLDecodeError) as err:
                raise t.error("rules", f"cannot use rule file {rules!r}: {err}") from err
        inputs.append(InputConfig(
            name=t.get("name", str, f"inputs[{i}]"),
            paths=paths,
            format=fmt,
            timezone=tzname,
            captured_at=captured,
            encoding=t.get("encoding", str),
            section=t.get("section", str),
            schedule=_schedule(sched_t),
            options=options,
        ))
        t.finish()
    if not inputs:
        raise top.error("inputs", "at least one [[inputs]] table is required")

    o = top.table("output")
    formats: list[FeedFormat] = []
    for name in o.strings("formats", ("rss", "atom", "json")):
        try:
            formats.append(FeedFormat(name))
        except ValueError as err:
            raise o.error("formats", f"unknown format {name!r}: use rss, atom, json") from err
    limit = o.get("item_limit", int, 50)
    if limit < 1:
        raise o.error("item_limit", "must be at least 1")
    max_bytes = o.get("max_input_bytes", int, 5_000_000)
    if max_bytes < 1:
        raise o.error("max_input_bytes", "must be positive")
    page_size = o.get("archive_page_size", int, 50)
    if page_size < 0:
        raise o.error("archive_page_size", "must be 0 (no archive pages) or a number of items per page")
    churn = o.get("churn_share", (int, float), 0.5)
    if not 0 < churn <= 1:
        raise o.error("churn_share", f"must be a share of a feed's items, above 0 and at most 1 (1: off), got {churn}")
    future_dates = o.get("future_dates", str, "warning")
    if future_dates not in ("warning", "error"):
        raise o.error("future_dates", f"must be 'warning' or 'error', got {future_dates!r}")
    output = OutputConfig(
        dir=(root / o.get("dir", str, "output")).resolve(),
        formats=tuple(formats),
        item_limit=limit,
        article_pages=o.get("article_pages", bool, True),
        max_input_bytes=max_bytes,
        archive_page_size=page_size,
        churn_share=float(churn),
        future_dates=future_dates,
    )
    o.finish()

    st = top.table("state")
    state_path = (root / st.get("path", str, "state/syndicate.db")).resolve()
    st.finish()

    sections: list[SectionConfig] = []
    for t in top.tables("sections"):
        slug = t.get("slug", str)
        if slug is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
            raise t.error("slug", f"must be lowercase letters, digits and '-', got {slug!r}")
        sections.append(SectionConfig(name=t.get("name", str, required=True), slug=slug,
                                      title=t.get("title", str), description=t.get("description", str),
                                      podcast=_podcast(t)))
        t.finish()

    hubs: list[HubConfig] = []
    for t in top.tables("hubs"):
        param = t.get("param", str, "hub.url")
        if param not in ("hub.url", "hub.topic"):
            raise t.error("param", "must be 'hub.url' or 'hub.topic'")
        hubs.append(HubConfig(url=_url(t, "url"), param=param))
        t.finish()

    webhooks: list[WebhookConfig] = []
    for i, t in enumerate(top.tables("webhooks")):
        env = t.get("secret_env", str)
        if env is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", env):
            raise t.error("secret_env", "must name an environment variable (the secret itself never goes in the config)")
        if "secret" in t.data:
            raise t.error("secret", "secrets are not read from the config file: put it in an environment variable and name it with secret_env")
        name = t.get("name", str, f"webhook-{i + 1}")
        if any(w.name == name for w in webhooks):
            raise t.error("name", f"webhook name {name!r} is used twice: names identify endpoints in the outbox")
        webhooks.append(WebhookConfig(url=_url(t, "url"), name=name, secret_env=env))
        t.finish()

    pings: list[PingConfig] = []
    for i, t in enumerate(top.tables("pings")):
        name = t.get("name", str, f"ping-{i + 1}")
        if any(p.name == name for p in pings):
            raise t.error("name", f"ping name {name!r} is used twice: names identify endpoints in the outbox")
        pings.append(PingConfig(url=_url(t, "url"), name=name))
        t.finish()

    schedule = _schedule(top.table("schedule"))

    d = top.table("delivery")
    retry = d.get("retry_schedule", list, None)
    try:
        retry_schedule = tuple(parse_duration(x) for x in retry) if retry is not None else DEFAULT_RETRY_SCHEDULE
        interval = parse_duration(d.get("interval", (str, int, float), 30.0))
    except ValueError as err:
        raise d.error("retry_schedule" if retry is not None else "interval", str(err)) from err
    if not retry_schedule:
        raise d.error("retry_schedule", "needs at least one attempt")
    delivery = DeliveryConfig(
        connect_timeout=d.get("connect_timeout", float, 5.0),
        read_timeout=d.get("read_timeout", float, 10.0),
        concurrency=d.get("concurrency", int, 32),
        retry_schedule=retry_schedule,
        interval=interval,
    )
    if delivery.concurrency < 1:
        raise d.error("concurrency", "must be at least 1")
    d.finish()

    sv = top.table("serve")
    serve = ServeConfig(host=sv.get("host", str, "127.0.0.1"), port=sv.get("port", int, 8080),
                        max_age=sv.get("max_age", int, 300))
    if not 0 <= serve.port <= 65535:
        raise sv.error("port", "must be 0..65535")
    sv.finish()

    top.finish()
    return Config(path=path, site=site, inputs=tuple(inputs), output=output, state_path=state_path,
                  sections=tuple(sections), hubs=tuple(hubs), webhooks=tuple(webhooks), pings=tuple(pings),
                  schedule=schedule, delivery=delivery, serve=serve)
