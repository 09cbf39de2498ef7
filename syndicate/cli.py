"""The command line: options -> load config -> one library call -> summary.

Results go to stdout, logs and problems to stderr. A SyndicateError becomes one line
on stderr and an exit code (see ``syndicate.publish.EXIT_*``); anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import sys
from collections.abc import Callable
from datetime import UTC
from typing import Any, TypeVar

import click

from . import __version__
from .config import Config, load_config
from .errors import BusyError, ChurnError, ConfigError, SyndicateError
from .log import setup_logging
from .publish import EXIT_BUSY, EXIT_FAILED, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, Report, publish

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_CONFIG = "syndicate.toml"


def config_option(f: F) -> F:
    return click.option("--config", "-c", "config_path", type=click.Path(dir_okay=False),
                        default=lambda: os.environ.get("SYNDICATE_CONFIG", DEFAULT_CONFIG),
                        show_default="$SYNDICATE_CONFIG or syndicate.toml",
                        help="The TOML config file.")(f)


def verbosity_options(f: F) -> F:
    f = click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")(f)
    f = click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors on stderr.")(f)
    return f


def handle_errors(f: F) -> F:
    """SyndicateError -> one stderr line + exit code; other exceptions keep their traceback."""
    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except BusyError as err:
            click.echo(f"syndicate: {err}", err=True)
            sys.exit(EXIT_BUSY)
        except ConfigError as err:
            click.echo(f"syndicate: {err}", err=True)
            sys.exit(EXIT_USAGE)
        except ChurnError as err:       # the feeds stay as they were (syndicate/churn.py)
            click.echo(f"syndicate: {err}", err=True)
            sys.exit(EXIT_PROBLEMS)
        except SyndicateError as err:
            click.echo(f"syndicate: {err}", err=True)
            sys.exit(EXIT_FAILED)
        except sqlite3.DatabaseError as err:   # damage found after the open-time check (issue 8)
            click.echo(f"syndicate: cannot use state: {err} (restore a backup, or move the state file away"
                       " and run `syndicate recover`)", err=True)
            sys.exit(EXIT_FAILED)
    return wrapper  # type: ignore[return-value]


def load(config_path: str) -> Config:
    return load_config(config_path)


def print_problems(problems: Any) -> None:
    for p in problems:
        click.echo(str(p), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="syndicate")
def cli() -> None:
    """Publish stable RSS, Atom and JSON feeds from scraped pages, and push every change."""


def _progress_publish(config: Config, **kwargs: Any) -> Report:
    """publish() with a progress bar over input files when stderr is a terminal."""
    if not sys.stderr.isatty():
        return publish(config, **kwargs)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from .inputs import find_inputs

    total = len(find_inputs(config)[0])
    with Progress(TextColumn("reading inputs"), BarColumn(), MofNCompleteColumn(), transient=True) as bar:
        task = bar.add_task("inputs", total=total)
        return publish(config, on_file=lambda _f: bar.advance(task), **kwargs)


@cli.command("publish")
@config_option
@click.option("--dry-run", is_flag=True, help="Parse, plan and render, but write nothing.")
@click.option("--wait", is_flag=True, help="Wait for another running publish instead of exiting (exit 4).")
@click.option("--rebuild", is_flag=True, help="Re-render every feed and page (ids and dates stay).")
@click.option("--no-push", is_flag=True, help="Queue notifications but do not deliver them now.")
@click.option("--accept-churn", "--force", "accept_churn", is_flag=True,
              help="Publish even when the churn guard finds re-identified or lost items (exit 3 without).")
@verbosity_options
@handle_errors
def publish_command(config_path: str, dry_run: bool, wait: bool, rebuild: bool, no_push: bool,
                    accept_churn: bool, verbose: int, quiet: bool) -> None:
    """Read the inputs, update the ledger, write feeds into output/, push changes."""
    setup_logging(verbose, quiet=quiet)
    config = load(config_path)
    report = _progress_publish(config, dry_run=dry_run, wait=wait, rebuild=rebuild, deliver=not no_push,
                               accept_churn=accept_churn)
    print_problems(report.problems)
    echo_report(report, quiet=quiet)
    sys.exit(report.exit_code)


def echo_report(report: Report, *, quiet: bool = False) -> None:
    if quiet:
        return
    verb = "would write" if report.dry_run else "wrote"
    click.echo(f"{'dry run: ' if report.dry_run else ''}{report.sections} sections, {report.articles_total} items:"
               f" {report.new} new, {report.updated} updated, {report.unchanged} unchanged;"
               f" inputs {report.inputs_read} read, {report.inputs_unchanged} unchanged;"
               f" {verb} {len(report.files_written)} files ({len(report.feeds_changed)} feeds changed);"
               f" {report.notices_queued} notifications queued;"
               f" {len(report.errors)} errors in {report.seconds:.2f}s")
    if report.delivery is not None:
        click.echo(f"delivery: {report.delivery}")


@cli.command("check")
@config_option
@verbosity_options
@handle_errors
def check_command(config_path: str, verbose: int, quiet: bool) -> None:
    """Parse the config and every input; report problems; write nothing."""
    setup_logging(verbose, quiet=quiet)
    config = load(config_path)
    from .inputs import find_inputs, read_and_parse
    from .recover import require_usable_state

    require_usable_state(config.state_path)

    files, glob_problems = find_inputs(config)
    problems = list(glob_problems)
    per_section: dict[str, int] = {}
    for f in files:
        _digest, articles, file_problems = read_and_parse(f, max_bytes=config.output.max_input_bytes)
        problems.extend(file_problems)
        for a in articles:
            per_section[a.section] = per_section.get(a.section, 0) + 1
    print_problems(problems)
    errors = [p for p in problems if p.severity == "error"]
    if not quiet:
        click.echo(f"config {config.path.name}: ok; {len(files)} input files, {sum(per_section.values())} articles in"
                   f" {len(per_section)} sections; {len(errors)} errors, {len(problems) - len(errors)} warnings")
        for name, n in sorted(per_section.items()):
            click.echo(f"  {name}: {n}")
    sys.exit(EXIT_PROBLEMS if errors else EXIT_OK)


@cli.command("withdraw")
@config_option
@click.argument("items", nargs=-1, required=True)
@click.option("--undo", is_flag=True, help="Put withdrawn items back into their feeds.")
@verbosity_options
@handle_errors
def withdraw_command(config_path: str, items: tuple[str, ...], undo: bool, verbose: int, quiet: bool) -> None:
    """Take items (by id or key, see `syndicate items`) out of every feed, on purpose."""
    setup_logging(verbose, quiet=quiet)
    config = load(config_path)
    report = publish(config, withdraw=items, restore=undo)
    print_problems(report.problems)
    echo_report(report, quiet=quiet)
    sys.exit(report.exit_code)


@cli.command("items")
@config_option
@click.argument("match", required=False)
@click.option("--withdrawn", is_flag=True, help="Include withdrawn items.")
@handle_errors
def items_command(config_path: str, match: str | None, withdrawn: bool) -> None:
    """List the ledger: id, section/slug, published date, title."""
    config = load(config_path)
    from .codec import article_from_dict
    from .recover import require_usable_state
    from .state import read_only_state

    require_usable_state(config.state_path)

    store = read_only_state(config.state_path)
    if store is None:
        raise ConfigError("no state yet: run `syndicate publish` first", path=str(config.state_path))
    try:
        for record, data in store.all_entries(include_withdrawn=withdrawn):
            title = article_from_dict(data).title
            line = (f"{record.guid}\t{record.section_slug}/{record.slug}\t{record.published:%Y-%m-%d %H:%M}"
                    f"\t{'[withdrawn] ' if record.withdrawn else ''}{title}")
            if match is None or match.lower() in line.lower():
                click.echo(line)
    finally:
        store.close()


# --- push commands (issue 3) ---
# Exit codes: 0 all fine; 1 error; 4 state busy (deliver/replay); 5 (EXIT_DEAD) a
# notification is dead, an endpoint is disabled (410), or a pending one is overdue
# by more than push.outbox.STUCK_AFTER (nobody is draining the outbox). See docs/push.md.

@cli.command("status")
@config_option
@handle_errors
def status_command(config_path: str) -> None:
    """Show the last publish run and the outbox per endpoint (exit 5: dead or stuck)."""
    from datetime import datetime

    from .publish import EXIT_DEAD
    from .push import outbox_status
    from .state import read_only_state

    config = load(config_path)
    from .recover import require_usable_state

    require_usable_state(config.state_path)
    store = read_only_state(config.state_path)   # lock-free: works while a daemon runs
    if store is None:
        click.echo("no state yet: run `syndicate publish` first")
        return
    try:
        run = store.last_run(ok_only=False)
        click.echo("last publish: never" if run is None else
                   f"last publish: #{run['id']} {run['status']}, started {run['started']}, finished {run['finished']}")
        from .churn import stale_lines
        for line in stale_lines(store):
            click.echo(line)
        from .daemon import HEARTBEAT_KEY
        beat = store.get_meta(HEARTBEAT_KEY)
        if beat is not None:
            click.echo(f"daemon: {beat}")
        status = outbox_status(store, config, datetime.now(UTC))
    finally:
        store.close()
    for line in status.lines():
        click.echo(line)
    sys.exit(EXIT_OK if status.healthy else EXIT_DEAD)


@cli.command("deliver")
@config_option
@click.option("--limit", type=click.IntRange(min=1), help="Deliver at most this many notifications.")
@click.option("--wait", is_flag=True, help="Wait for another running syndicate instead of exiting (exit 4).")
@verbosity_options
@handle_errors
def deliver_command(config_path: str, limit: int | None, wait: bool, verbose: int, quiet: bool) -> None:
    """Deliver every notification that is due now (exit 5: something is dead or stuck)."""
    from datetime import datetime

    from .publish import EXIT_DEAD
    from .push import deliver_due, outbox_status
    from .state import open_state

    setup_logging(verbose, quiet=quiet)
    config = load(config_path)
    with open_state(config.state_path, wait=wait) as store:
        report = deliver_due(store, config, limit=limit)
        status = outbox_status(store, config, datetime.now(UTC))
    if not quiet:
        click.echo(f"delivery: {report}")
        for error in report.errors:
            click.echo(f"  {error}", err=True)
    sys.exit(EXIT_OK if status.healthy else EXIT_DEAD)


@cli.command("replay")
@config_option
@click.argument("endpoint", required=False)
@click.option("--enable", is_flag=True, help="Also re-enable endpoints disabled by a 410 answer.")
@click.option("--wait", is_flag=True, help="Wait for another running syndicate instead of exiting (exit 4).")
@click.option("--discard", is_flag=True, help="Give up on the dead notifications instead of requeueing them.")
@handle_errors
def replay_command(config_path: str, endpoint: str | None, enable: bool, wait: bool, discard: bool) -> None:
    """Requeue dead notifications (all, or ENDPOINT's: a name or a label from `status`)."""
    from .push import discard as discard_dead
    from .push import replay
    from .state import open_state

    config = load(config_path)
    with open_state(config.state_path, wait=wait) as store:
        if discard:
            click.echo(f"discarded {discard_dead(store, endpoint)} dead notifications")
            return
        count = replay(store, endpoint, enable=enable)
    click.echo(f"requeued {count} notifications; `syndicate deliver` sends them now")



# --- daemon/serve commands (issue 4) ---
@cli.command("daemon")
@config_option
@click.option("--serve", "also_serve", is_flag=True, help="Also serve output/ over HTTP in this process.")
@click.option("--host", default=None, help="With --serve: address to bind (default: serve.host).")
@click.option("--port", type=int, default=None, help="With --serve: port (default: serve.port; 0 = any).")
@verbosity_options
@handle_errors
def daemon_command(config_path: str, also_serve: bool, host: str | None, port: int | None,
                   verbose: int, quiet: bool) -> None:
    """Publish on the configured schedule and deliver the outbox, until SIGTERM."""
    setup_logging(max(verbose, 1), quiet=quiet)   # a daemon logs one line per run by default
    config = load(config_path)
    from .daemon import run_daemon
    from .recover import refuse_fresh_start, require_usable_state

    require_usable_state(config.state_path)
    refuse_fresh_start(config)

    sys.exit(run_daemon(config, serve=also_serve, host=host, port=port))


@cli.command("serve")
@config_option
@click.option("--host", default=None, help="Address to bind (default: serve.host).")
@click.option("--port", type=int, default=None, help="Port (default: serve.port; 0 = any free port).")
@verbosity_options
@handle_errors
def serve_command(config_path: str, host: str | None, port: int | None, verbose: int, quiet: bool) -> None:
    """Serve output/ with ETag, Last-Modified, gzip, WebSub Link headers and /healthz."""
    setup_logging(max(verbose, 1), quiet=quiet)
    config = load(config_path)
    from .recover import require_usable_state
    from .serve import serve

    require_usable_state(config.state_path)
    serve(config, host=host, port=port)


@cli.command("recover")
@config_option
@click.option("--unpublished", type=click.Choice(["new", "withdrawn"]), default="new", show_default=True,
              help="Input articles found in no published file: publish them as new, or record them as"
                   " withdrawn (right when no input was added since the last publish).")
@verbosity_options
@handle_errors
def recover_command(config_path: str, unpublished: str, verbose: int, quiet: bool) -> None:
    """Rebuild a lost or empty state file from the published feeds and pages (ids and dates kept)."""
    from datetime import datetime

    from .recover import recover_state

    setup_logging(verbose, quiet=quiet)
    config = load(config_path)
    report = recover_state(config, now=datetime.now(UTC), unpublished=unpublished)
    print_problems(report.problems)
    if not quiet:
        click.echo(report.line())



def main() -> None:
    cli(prog_name="syndicate")


__all__ = ["EXIT_BUSY", "EXIT_FAILED", "EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "cli", "main"]
