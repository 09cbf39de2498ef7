"""The ledger commands: `items`, `withdraw` and `status`.

`withdraw` takes whatever `items` prints for an item: its id, its key, its
``section/slug``, its bare slug (refused, listing the candidates, when several
sections have it) or its URL (the article page's, or the canonical one the input gave).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import click

from .cli_common import (
    config_option,
    handle_errors,
    json_option,
    load,
    print_problems,
    verbosity_options,
)
from .config import Config
from .errors import ConfigError, StateError
from .log import setup_logging
from .publish import EXIT_OK, EXIT_USAGE, publish


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One ledger entry as `items` shows it."""

    id: str
    key: str
    section: str
    slug: str
    published: datetime
    updated: datetime
    first_seen: datetime
    withdrawn: bool
    title: str
    url: str  # where feeds link it: the canonical URL, or the article page
    page_url: str  # the article page in output/

    @property
    def path(self) -> str:
        return f"{self.section}/{self.slug}"

    def line(self) -> str:
        return (
            f"{self.id}\t{self.path}\t{self.published:%Y-%m-%d %H:%M}\t{self.url}"
            f"\t{'[withdrawn] ' if self.withdrawn else ''}{self.title}"
        )

    def as_json(self) -> str:
        return json.dumps(
            {
                "id": self.id,
                "key": self.key,
                "section": self.section,
                "slug": self.slug,
                "path": self.path,
                "url": self.url,
                "page_url": self.page_url,
                "published": _iso(self.published),
                "updated": _iso(self.updated),
                "first_seen": _iso(self.first_seen),
                "withdrawn": self.withdrawn,
                "title": self.title,
            },
            ensure_ascii=False,
        )


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def ledger_items(config: Config, *, include_withdrawn: bool = True) -> Iterator[Item]:
    """Every ledger entry, read lock-free (works while a daemon runs)."""
    from .codec import article_from_dict
    from .plan import entry_link
    from .recover import require_usable_state
    from .state import read_only_state, state_location

    require_usable_state(config.state_path)
    store = read_only_state(state_location(config))
    if store is None:
        raise ConfigError(
            "no state yet: run `syndicate publish` first", path=str(config.state_path)
        )
    try:
        for r, data in store.all_entries(include_withdrawn=include_withdrawn):
            article = article_from_dict(data)
            yield Item(
                id=r.guid,
                key=r.key,
                section=r.section_slug,
                slug=r.slug,
                published=r.published,
                updated=r.updated,
                first_seen=r.first_seen,
                withdrawn=r.withdrawn,
                title=article.title,
                url=entry_link(config, article, r.section_slug, r.slug),
                page_url=f"{config.site.base_url}{r.section_slug}/{r.slug}.html",
            )
    finally:
        store.close()


def resolve(ident: str, items: list[Item]) -> Item:
    """The one item ``ident`` names; StateError when none does; exit 2 listing the
    candidates when it names several (a slug used in more than one section)."""
    ident = ident.strip()
    exact = [i for i in items if ident in (i.id, i.key, i.path, i.url, i.page_url)]
    found = exact or [i for i in items if i.slug == ident.removesuffix(".html")]
    if not found:
        raise StateError(
            f"cannot withdraw: {ident}: no such item (give its id, section/slug, slug or URL;"
            " `syndicate items` lists them)"
        )
    if len(found) > 1:
        click.echo(
            f"syndicate: {ident}: matches {len(found)} items; give one as section/slug or id:",
            err=True,
        )
        for i in found:
            click.echo(f"  {i.line()}", err=True)
        sys.exit(EXIT_USAGE)
    return found[0]


@click.command("items")
@config_option
@click.argument("match", required=False)
@click.option("--withdrawn", is_flag=True, help="Include withdrawn items.")
@json_option
@handle_errors
def items_command(config_path: str, match: str | None, withdrawn: bool, as_json: bool) -> None:
    """List the ledger: id, section/slug, published date, URL, title (tab-separated).

    MATCH keeps the lines that contain it (any case). With --json: one object per line
    (id, key, section, slug, path, url, page_url, published, updated, first_seen,
    withdrawn, title). `withdraw` takes the id, section/slug, slug or URL shown here.
    """
    config = load(config_path)
    for item in ledger_items(config, include_withdrawn=withdrawn):
        line = item.line()
        if match is None or match.lower() in line.lower():
            click.echo(item.as_json() if as_json else line)


@click.command("withdraw")
@config_option
@click.argument("items", nargs=-1, required=True)
@click.option("--undo", is_flag=True, help="Put withdrawn items back into their feeds.")
@verbosity_options
@handle_errors
def withdraw_command(
    config_path: str, items: tuple[str, ...], undo: bool, verbose: int, quiet: bool
) -> None:
    """Take ITEMS out of every feed, on purpose.

    Each item is named as `syndicate items` prints it: its id (urn:uuid:…), section/slug,
    slug (refused with the candidates when several sections use it, exit 2) or URL.

    \b
      syndicate withdraw sport/cup-final-report
      syndicate withdraw https://news.example.org/sport/cup-final-report.html
      syndicate withdraw --undo urn:uuid:…
    """
    setup_logging(verbose, quiet=quiet)
    config = load(config_path)
    known = list(ledger_items(config))
    chosen = [resolve(ident, known) for ident in items]
    for ident, item in zip(items, chosen, strict=True):
        if not quiet:
            click.echo(
                f"{'restoring' if undo else 'withdrawing'} {ident}: {item.id} {item.path} {item.title!r}"
            )
    from .cli_publish import echo_changes, echo_report

    report = publish(config, withdraw=[i.id for i in chosen], restore=undo)
    print_problems(report.problems)
    if not quiet:
        echo_changes(report, config, verbose=max(verbose - 1, 0), diff=False)
    echo_report(report, quiet=quiet)
    sys.exit(report.exit_code)


def heartbeat_words(raw: str, now: datetime, *, stale_after: float) -> str:
    """The daemon's heartbeat ({"pid", "started", "beat", "stopped"?}) in words."""
    try:
        doc: dict[str, Any] = json.loads(raw)
        beat = datetime.fromisoformat(doc["beat"].replace("Z", "+00:00"))
    except (ValueError, KeyError, TypeError, AttributeError):
        return f"daemon: unreadable heartbeat {raw!r}"
    age = max(0.0, (now - beat).total_seconds())
    pid = doc.get("pid", "?")
    if doc.get("stopped"):
        return f"daemon stopped {_ago(age)} ago, pid {pid}"
    if age > stale_after:
        return f"daemon silent: last beat {_ago(age)} ago, pid {pid} (is it still running?)"
    return f"daemon alive, last beat {_ago(age)} ago, pid {pid}"


def _ago(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"


@click.command("status")
@config_option
@json_option
@handle_errors
def status_command(config_path: str, as_json: bool) -> None:
    """Show the last publish run, the daemon and the outbox per endpoint (exit 5: dead or stuck).

    With --json: one object per line, {"kind": "run" | "daemon" | "outbox" | "endpoint", ...}.
    """
    from .daemon import HEARTBEAT_KEY
    from .publish import EXIT_DEAD
    from .push import outbox_status
    from .recover import require_usable_state
    from .state import read_only_state, state_location

    config = load(config_path)
    require_usable_state(config.state_path)
    store = read_only_state(state_location(config))  # lock-free: works while a daemon runs
    if store is None:
        click.echo(
            json.dumps({"kind": "state", "exists": False})
            if as_json
            else "no state yet: run `syndicate publish` first"
        )
        return
    now = datetime.now(UTC)
    try:
        run = store.last_run(ok_only=False)
        beat = store.get_meta(HEARTBEAT_KEY)
        status = outbox_status(store, config, now)
        from .churn import stale_lines
        from .health import RUNS_READ, stale_inputs

        stale_feeds = list(stale_lines(store))
        stale_files = stale_inputs(store.recent_runs("publish", limit=RUNS_READ))
    finally:
        store.close()
    stale = max(3 * config.delivery.interval, 90.0)
    if as_json:
        for obj in _status_objects(run, beat, status, now, stale):
            click.echo(json.dumps(obj, default=str, ensure_ascii=False))
        for line in stale_feeds:
            click.echo(json.dumps({"kind": "stale", "line": line}, ensure_ascii=False))
        for item in stale_files:
            click.echo(
                json.dumps({"kind": "stale_input", **dataclasses.asdict(item)}, ensure_ascii=False)
            )
    else:
        click.echo(
            "last publish: never"
            if run is None
            else f"last publish: #{run['id']} {run['status']}, started {run['started']}, finished {run['finished']}"
        )
        for line in stale_feeds:
            click.echo(line)
        for item in stale_files:
            before = f" (none at {item.since})" if item.since else ""
            click.echo(
                f"stale input: {item.path}: errors in the last {item.runs} publish(es){before};"
                " its feeds keep the last good items (`syndicate check` names the errors)"
            )
        if beat is not None:
            click.echo(heartbeat_words(beat, now, stale_after=stale))
        for line in status.lines():
            click.echo(line)
    sys.exit(EXIT_OK if status.healthy else EXIT_DEAD)


def _status_objects(
    run: Any, beat: str | None, status: Any, now: datetime, stale: float
) -> Iterator[dict[str, Any]]:
    yield {
        "kind": "run",
        **({} if run is None else {k: run[k] for k in ("id", "status", "started", "finished")}),
        "never": run is None,
    }
    if beat is not None:
        try:
            doc = json.loads(beat)
        except ValueError:
            doc = {}
        yield {"kind": "daemon", **doc, "words": heartbeat_words(beat, now, stale_after=stale)}
    yield {
        "kind": "outbox",
        "pending": status.pending,
        "dead": status.dead,
        "stuck": status.stuck,
        "healthy": status.healthy,
    }
    for e in status.endpoints:
        yield {
            "kind": "endpoint",
            "endpoint": e.endpoint,
            "type": e.kind,
            "configured": e.configured,
            "disabled": e.disabled,
            "reason": e.reason,
            "pending": e.pending,
            "delivered": e.delivered,
            "dead": e.dead,
            "stuck": e.stuck,
            "healthy": e.healthy,
            "last_attempt": e.last_attempt and _iso(e.last_attempt),
            "last_success": e.last_success and _iso(e.last_success),
            "last_error": e.last_error,
            "next_attempt": e.next_attempt and _iso(e.next_attempt),
        }
