"""TOML configuration -> a typed, frozen :class:`Config`.

Every key is checked against the table of known keys (``config_keys.KEYS``): every
mistake in the file is reported in one pass, each naming the file and the dotted key
(:class:`ConfigErrors` when there are several), an unknown key with the nearest known
one. To add a key: one line in ``KEYS`` (type, default, bounds), the dataclass field,
and ``t.get("key")`` where its table is read; the JSON Schema is regenerated with
``python -m syndicate.config_schema > syndicate/schemas/config.schema.json``. Relative paths are relative to the config file. Secrets are
never read from the file: a webhook names the *environment variable* holding its secret.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .config_keys import Table
from .config_s3 import S3Config as S3Config  # re-exported: syndicate.config.S3Config
from .config_s3 import output_place
from .errors import ConfigError, ConfigErrors
from .model import Author, FeedFormat, Podcast

DEFAULT_RETRY_SCHEDULE = (
    0.0,
    5.0,
    300.0,
    1800.0,
    7200.0,
    18000.0,
    36000.0,
    50400.0,
    72000.0,
    86400.0,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteConfig:
    title: str
    base_url: str  # always ends with "/"
    language: str = "en"
    description: str = ""
    author: Author | None = None
    timezone: str = "UTC"  # for dates shown on HTML pages; feeds stay UTC


@dataclass(frozen=True, slots=True, kw_only=True)
class Schedule:
    cron: str | None = None  # five-field crontab expression
    interval: float | None = None  # seconds

    def __post_init__(self) -> None:
        if (self.cron is None) == (self.interval is None):
            raise ValueError("a schedule has exactly one of cron or interval")


PAGE_ZONE = "page"  # inputs.timezone: read zoneless dates in the zone the page names


def fallback_zone(name: str) -> str:
    """The IANA zone for an input's ``timezone``: UTC for "page" (used where the page
    names none, and for everything that is not a page)."""
    return "UTC" if name == PAGE_ZONE else name


@dataclass(frozen=True, slots=True, kw_only=True)
class InputConfig:
    name: str
    paths: tuple[str, ...]  # globs, relative to the config file's folder
    format: str = "auto"
    # For dates printed without a zone: an IANA name, or "page" (the default): the zone
    # an HTML page's language names, else UTC (docs/inputs.md "Zoneless dates").
    timezone: str = "page"
    captured_at: datetime | None = None  # "now" for relative dates; None: the file's mtime
    encoding: str | None = None  # None: sniff (BOM, UTF-8, then cp1252)
    section: str | None = None  # force every article of this group into one section
    schedule: Schedule | None = None
    options: dict[str, Any] = field(
        default_factory=dict
    )  # source-specific (field maps, site rules)
    follow_symlinks: bool = False  # read symlinks that point outside the input folders
    base_url: str | None = None  # URL of the input folder: page URL = base_url + path below it
    mirror: bool = False  # folders are host/path/index.html, as wget -m saves a site

    def __hash__(self) -> int:
        return hash((self.name, self.paths, self.format))


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionConfig:
    name: str  # as the pages label it
    slug: str | None = None
    title: str | None = None
    description: str | None = None
    podcast: Podcast | None = (
        None  # [sections.podcast]: iTunes / Podcasting 2.0 tags (docs/feeds.md)
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class OutputConfig:
    dir: Path  # the local folder: what `serve` serves, or a bucket's spool
    s3: S3Config | None = None  # output.url = "s3://...": publish to this bucket
    formats: tuple[FeedFormat, ...] = (FeedFormat.RSS, FeedFormat.ATOM, FeedFormat.JSON)
    item_limit: int = 50
    article_pages: bool = True
    max_input_bytes: int = 5_000_000
    archive_page_size: int = 50  # RFC 5005 archive pages (docs/feeds.md); 0: none
    churn_share: float = 0.5  # churn guard (docs/feeds.md): share of a feed; 1: off
    future_dates: str = "warning"  # publish gate: "error" refuses a run with a date after the clock


@dataclass(frozen=True, slots=True, kw_only=True)
class HubConfig:
    url: str
    param: str = "hub.url"  # some hubs read hub.topic instead


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookConfig:
    url: str
    name: str
    secret_env: str | None = None  # name of the environment variable with the secret


@dataclass(frozen=True, slots=True, kw_only=True)
class PingConfig:
    url: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryConfig:
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    concurrency: int = 32
    retry_schedule: tuple[float, ...] = DEFAULT_RETRY_SCHEDULE  # seconds after the previous try
    interval: float = 30.0  # daemon: how often the outbox is drained
    lease: float = 300.0  # how long a worker's claim on notices holds (push/lease.py)


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityPubConfig:
    """Sections (and the site) as followable ActivityPub actors (docs/activitypub.md)."""

    enabled: bool = False
    site_actor: str = "site"  # preferredUsername of the whole-site actor
    actor_type: str = "Service"  # or "Group"
    object_type: str = "Article"  # or "Note"
    allow_private_addresses: bool = False  # key fetches may reach loopback/private hosts
    key_fetch_timeout: float = 5.0  # seconds, connect and read, per key fetch
    key_fetch_max_bytes: int = 1_000_000  # an actor document bigger than this is refused
    max_clock_skew: int = 300  # seconds a signed Date may differ from the clock
    outbox_page_size: int = 20


@dataclass(frozen=True, slots=True, kw_only=True)
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    max_age: int = 300


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    path: Path  # the config file
    site: SiteConfig
    inputs: tuple[InputConfig, ...]
    output: OutputConfig
    state_path: Path
    state_url: str = ""  # "postgresql://..." keeps the state there; "" = the SQLite file
    sections: tuple[SectionConfig, ...] = ()
    hubs: tuple[HubConfig, ...] = ()
    webhooks: tuple[WebhookConfig, ...] = ()
    pings: tuple[PingConfig, ...] = ()
    schedule: Schedule | None = None
    delivery: DeliveryConfig = DeliveryConfig()
    serve: ServeConfig = ServeConfig()
    activitypub: ActivityPubConfig = ActivityPubConfig()

    @property
    def root(self) -> Path:
        return self.path.parent


# --- reading ----------------------------------------------------------------------
# Every value is read through config_keys.Table (the table of known keys); a mistake is
# recorded and reading goes on, so one run reports them all.


def _url(t: Table, key: str) -> str:
    value = t.get(key)
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        t.fail(key, f"must be an absolute http(s) URL, got {value!r}")
        return ""
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


def _schedule(t: Table) -> Schedule | None:
    cron, interval = t.get("cron"), t.get("interval")
    t.finish()
    if cron is not None and interval is not None:
        t.fail("cron", "give either cron or interval, not both")
        return None
    if cron is not None:
        if len(cron.split()) != 5:
            t.fail("cron", f"must have five fields (minute hour day month weekday), got {cron!r}")
            return None
        try:
            from apscheduler.triggers.cron import CronTrigger

            CronTrigger.from_crontab(cron, timezone="UTC")
        except ValueError as err:
            t.fail("cron", f"is not a valid crontab expression: {err}")
            return None
        return Schedule(cron=cron)
    if interval is None:
        return None
    try:
        seconds = parse_duration(interval)
    except ValueError as err:
        t.fail("interval", str(err))
        return None
    if seconds <= 0:
        t.fail("interval", "must be positive")
        return None
    return Schedule(interval=seconds)


def _author(t: Table) -> Author | None:
    value = t.get("author")
    if value is None or isinstance(value, str):
        return Author(name=value) if value else None
    a = t.table("author")
    author = Author(name=a.get("name") or "", email=a.get("email"), uri=a.get("uri"))
    a.finish()
    return author


def _toml_depth_key(text: str) -> str | None:
    """The key of the most deeply bracketed value (for a 'nested too deeply' message)."""
    best, best_n = None, 0
    for line in text.splitlines():
        m = re.match(r'\s*([A-Za-z0-9_."-]+)\s*=\s*([\[{ ]+)', line)
        if m and m.group(2).count("[") + m.group(2).count("{") > best_n:
            best, best_n = m.group(1), m.group(2).count("[") + m.group(2).count("{")
    return best


def load_config(path: str | Path, *, environ: Mapping[str, str] | None = None) -> Config:
    """Read and validate a config file. Raises :class:`ConfigError` (:class:`ConfigErrors`
    when there are several mistakes: all of them, each with file and dotted key)."""
    path = Path(path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except FileNotFoundError as err:
        raise ConfigError("file not found (pass --config PATH)", path=file) from err
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read: {err}", path=file) from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"not valid TOML: {err}", path=file) from err
    except RecursionError as err:
        raise ConfigError(
            "a value is nested too deeply to read (TOML arrays or tables inside each other"
            " thousands of levels deep): flatten it",
            path=file,
            key=_toml_depth_key(text),
        ) from err
    return parse_config(
        raw, path=path.resolve(), environ=os.environ if environ is None else environ
    )


def parse_config(
    raw: dict[str, Any], *, path: Path, environ: Mapping[str, str] | None = None
) -> Config:
    errors: list[ConfigError] = []
    top = Table(raw, "", str(path), "", errors)
    root = path.parent
    site = _site(top.table("site"))
    inputs = [_input(t, i, root) for i, t in enumerate(top.tables("inputs"))]
    if not inputs and "inputs" in raw:
        top.fail("inputs", "at least one [[inputs]] table is required")
    output = _output(top.table("output"), root)
    st = top.table("state")
    state_path = (root / st.get("path")).resolve()
    state_url = st.get("url") or ""
    if state_url.startswith("sqlite:///"):
        state_path, state_url = (root / state_url.removeprefix("sqlite:///")).resolve(), ""
    elif "://" in state_url and not state_url.startswith(("postgresql://", "postgres://")):
        st.fail("url", f"must be a path, sqlite:///PATH or postgresql://..., got {state_url!r}")
        state_url = ""
    elif state_url and "://" not in state_url:
        state_path, state_url = (root / state_url).resolve(), ""
    st.finish()
    sections = _sections(top.tables("sections"))
    hubs = _hubs(top.tables("hubs"))
    webhooks = _webhooks(top.tables("webhooks"), os.environ if environ is None else environ)
    pings = _pings(top.tables("pings"))
    schedule = _schedule(top.table("schedule"))
    delivery = _delivery(top.table("delivery"))
    sv = top.table("serve")
    serve = ServeConfig(host=sv.get("host"), port=sv.get("port"), max_age=sv.get("max_age"))
    sv.finish()
    activitypub = _activitypub(top.table("activitypub"))
    top.finish()
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ConfigErrors(errors)
    config = Config(
        path=path,
        site=site,
        inputs=tuple(inputs),
        output=output,
        state_path=state_path,
        state_url=state_url,
        sections=tuple(sections),
        hubs=tuple(hubs),
        webhooks=tuple(webhooks),
        pings=tuple(pings),
        schedule=schedule,
        delivery=delivery,
        serve=serve,
        activitypub=activitypub,
    )
    from .config_actors import actor_name_errors  # needs SectionMap, which imports Config

    named = actor_name_errors(config)
    if named:
        raise named[0] if len(named) == 1 else ConfigErrors(named)
    return config


def _site(s: Table) -> SiteConfig:
    base_url = _url(s, "base_url")
    zone = s.get("timezone")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        s.fail("timezone", f"unknown time zone {zone!r} (use an IANA name like 'Europe/Berlin')")
        zone = "UTC"
    site = SiteConfig(
        title=s.get("title") or "",
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        language=s.get("language"),
        description=s.get("description"),
        author=_author(s),
        timezone=zone,
    )
    s.finish()
    return site


def _input(t: Table, i: int, root: Path) -> InputConfig:
    tzname = t.get("timezone")
    try:
        ZoneInfo(fallback_zone(tzname))
    except (ZoneInfoNotFoundError, ValueError):
        t.fail(
            "timezone",
            f"unknown time zone {tzname!r} (use an IANA name like 'Europe/Berlin', or 'page')",
        )
        tzname = "UTC"
    captured = t.get("captured_at")
    if isinstance(captured, str):
        if captured != "mtime":
            t.fail("captured_at", "must be a TOML datetime or 'mtime'")
        captured = None
    if isinstance(captured, datetime):
        if captured.tzinfo is None:
            captured = captured.replace(tzinfo=ZoneInfo(fallback_zone(tzname)))
        captured = captured.astimezone(UTC)
    paths = t.strings("paths")
    if not paths and "paths" in t.data:
        t.fail("paths", "is required: a list of globs relative to the config file")
    options = dict(t.get("options"))
    rules = t.get("rules")
    if rules is not None:  # a site rule file for HTML inputs (see docs/inputs.md)
        from .sources.rules import compile_rule, load_rule_file

        try:
            options["rule"] = load_rule_file(str(root / rules))
            compile_rule(options["rule"])
        except (OSError, ValueError, KeyError, tomllib.TOMLDecodeError) as err:
            t.fail("rules", f"cannot use rule file {rules!r}: {err}")
    base_url = t.get("base_url")
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        t.fail(
            "base_url", f"must be an http(s) URL like 'https://example.org/news/', got {base_url!r}"
        )
        base_url = None
    config = InputConfig(
        name=t.get("name") or f"inputs[{i}]",
        paths=paths,
        format=t.get("format"),
        timezone=tzname,
        captured_at=captured,
        encoding=t.get("encoding"),
        section=t.get("section"),
        schedule=_schedule(t.table("schedule")),
        options=options,
        follow_symlinks=t.get("follow_symlinks"),
        base_url=base_url,
        mirror=t.get("mirror"),
    )
    t.finish()
    return config


def _output(o: Table, root: Path) -> OutputConfig:
    folder, s3 = output_place(o)
    output = OutputConfig(
        dir=(root / folder).resolve(),
        s3=s3,
        formats=tuple(FeedFormat(name) for name in o.strings("formats")),
        item_limit=o.get("item_limit"),
        article_pages=o.get("article_pages"),
        max_input_bytes=o.get("max_input_bytes"),
        archive_page_size=o.get("archive_page_size"),
        churn_share=float(o.get("churn_share")),
        future_dates=o.get("future_dates"),
    )
    if not 0 < output.churn_share <= 1:
        o.fail(
            "churn_share",
            f"must be a share of a feed's items, above 0 and at most 1 (1: off),"
            f" got {output.churn_share}",
        )
    o.finish(also=("access_key_id", "secret_access_key", "session_token"))
    return output


def _podcast(section: Table) -> Podcast | None:
    if "podcast" not in section.data:
        return None
    p = section.table("podcast")
    podcast = Podcast(
        author=p.get("author") or "",
        image=_url(p, "image"),
        category=p.get("category") or "",
        subcategory=p.get("subcategory"),
        explicit=p.get("explicit"),
        owner_name=p.get("owner_name"),
        owner_email=p.get("owner_email"),
        kind=p.get("type"),
    )
    p.finish()
    return podcast


def _sections(tables: list[Table]) -> list[SectionConfig]:
    sections = []
    for t in tables:
        slug = t.get("slug")
        if slug is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
            t.fail("slug", f"must be lowercase letters, digits and '-', got {slug!r}")
        sections.append(
            SectionConfig(
                name=t.get("name") or "",
                slug=slug,
                title=t.get("title"),
                description=t.get("description"),
                podcast=_podcast(t),
            )
        )
        t.finish()
    return sections


def _hubs(tables: list[Table]) -> list[HubConfig]:
    hubs = []
    for t in tables:
        hubs.append(HubConfig(url=_url(t, "url"), param=t.get("param")))
        t.finish()
    return hubs


def _webhooks(tables: list[Table], environ: Mapping[str, str]) -> list[WebhookConfig]:
    webhooks: list[WebhookConfig] = []
    for i, t in enumerate(tables):
        env = t.get("secret_env")
        if env is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", env):
            t.fail(
                "secret_env",
                "must name an environment variable (the secret itself never goes in the config)",
            )
        elif env is not None and not environ.get(env):
            t.fail(
                "secret_env",
                f"environment variable {env} (the signing secret) is not set: export it"
                " before `syndicate publish`, or remove secret_env to send unsigned",
            )
        if "secret" in t.data:
            t.fail(
                "secret",
                "secrets are not read from the config file: put it in an environment variable"
                " and name it with secret_env",
            )
        name = t.get("name") or f"webhook-{i + 1}"
        if any(w.name == name for w in webhooks):
            t.fail(
                "name",
                f"webhook name {name!r} is used twice: names identify endpoints in the outbox",
            )
        webhooks.append(WebhookConfig(url=_url(t, "url"), name=name, secret_env=env))
        t.finish(also=("secret",))
    return webhooks


def _pings(tables: list[Table]) -> list[PingConfig]:
    pings: list[PingConfig] = []
    for i, t in enumerate(tables):
        name = t.get("name") or f"ping-{i + 1}"
        if any(p.name == name for p in pings):
            t.fail(
                "name", f"ping name {name!r} is used twice: names identify endpoints in the outbox"
            )
        pings.append(PingConfig(url=_url(t, "url"), name=name))
        t.finish()
    return pings


def _activitypub(a: Table) -> ActivityPubConfig:
    site_actor = a.get("site_actor")
    if not re.fullmatch(r"[a-z0-9_]+", site_actor or ""):
        a.fail("site_actor", f"must be lowercase letters, digits or _, got {site_actor!r}")
    out = ActivityPubConfig(
        enabled=a.get("enabled"),
        site_actor=site_actor,
        actor_type=a.get("actor_type"),
        object_type=a.get("object_type"),
        allow_private_addresses=a.get("allow_private_addresses"),
        key_fetch_timeout=a.get("key_fetch_timeout"),
        key_fetch_max_bytes=a.get("key_fetch_max_bytes"),
        max_clock_skew=a.get("max_clock_skew"),
        outbox_page_size=a.get("outbox_page_size"),
    )
    a.finish()
    return out


def _delivery(d: Table) -> DeliveryConfig:
    retry, interval, lease = d.get("retry_schedule"), d.get("interval"), d.get("lease")
    retry_schedule: tuple[float, ...] = DEFAULT_RETRY_SCHEDULE
    try:
        if retry is not None:
            retry_schedule = tuple(parse_duration(x) for x in retry)
    except ValueError as err:
        d.fail("retry_schedule", str(err))
    if not retry_schedule:
        d.fail("retry_schedule", "needs at least one attempt")
    try:
        seconds = parse_duration(interval)
    except ValueError as err:
        d.fail("interval", str(err))
        seconds = 30.0
    try:
        lease_seconds = parse_duration(lease)
    except ValueError as err:
        d.fail("lease", str(err))
        lease_seconds = 300.0
    if lease_seconds <= 0:
        d.fail("lease", "must be longer than 0s (how long a worker's claim holds)")
    delivery = DeliveryConfig(
        connect_timeout=d.get("connect_timeout"),
        read_timeout=d.get("read_timeout"),
        concurrency=d.get("concurrency"),
        retry_schedule=retry_schedule or (0.0,),
        interval=seconds,
        lease=lease_seconds,
    )
    d.finish()
    return delivery
