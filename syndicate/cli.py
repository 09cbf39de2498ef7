"""The command line: options -> load config -> one library call -> summary.

Results go to stdout, logs and problems to stderr. A SyndicateError becomes one line
on stderr and an exit code (see ``syndicate.publish.EXIT_*``); anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations

import sys
from datetime import UTC

import click

from . import __version__
from .cli_common import config_option, handle_errors, load, print_problems, verbosity_options
from .cli_items import items_command, status_command, withdraw_command
from .cli_publish import check_command, publish_command
from .cli_scale import migrate_state_command, worker_command
from .log import setup_logging
from .publish import EXIT_BUSY, EXIT_FAILED, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="syndicate")
def cli() -> None:
    """Publish stable RSS, Atom and JSON feeds from scraped pages, and push every change.

    \b
    Exit codes: 0 ok; 1 failed; 2 usage or config error; 3 input problems;
    4 state busy (--wait waits); 5 a notification is dead or stuck.
    """


# --- push commands (issue 3) ---
# Exit codes: 0 all fine; 1 error; 4 state busy (deliver/replay); 5 (EXIT_DEAD) a
# notification is dead, an endpoint is disabled (410), or a pending one is overdue
# by more than push.outbox.STUCK_AFTER (nobody is draining the outbox). See docs/push.md.


@cli.command("deliver")
@config_option
@click.option(
    "--limit", type=click.IntRange(min=1), help="Deliver at most this many notifications."
)
@click.option(
    "--wait", is_flag=True, help="Wait for another running syndicate instead of exiting (exit 4)."
)
@verbosity_options
@handle_errors
def deliver_command(
    config_path: str, limit: int | None, wait: bool, verbose: int, quiet: bool
) -> None:
    """Deliver every notification that is due now (exit 5: something is dead or stuck)."""
    from datetime import datetime

    from .publish import EXIT_DEAD
    from .push import deliver_due, outbox_status
    from .state import open_state, state_location

    setup_logging(verbose, quiet=quiet)
    config = load(config_path)
    with open_state(state_location(config), wait=wait) as store:
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
@click.option(
    "--wait", is_flag=True, help="Wait for another running syndicate instead of exiting (exit 4)."
)
@click.option(
    "--discard", is_flag=True, help="Give up on the dead notifications instead of requeueing them."
)
@handle_errors
def replay_command(
    config_path: str, endpoint: str | None, enable: bool, wait: bool, discard: bool
) -> None:
    """Requeue dead notifications (all, or ENDPOINT's: a name or a label from `status`)."""
    from .push import discard as discard_dead
    from .push import replay
    from .state import open_state, state_location

    config = load(config_path)
    with open_state(state_location(config), wait=wait) as store:
        if discard:
            click.echo(f"discarded {discard_dead(store, endpoint)} dead notifications")
            return
        count = replay(store, endpoint, enable=enable)
    click.echo(f"requeued {count} notifications; `syndicate deliver` sends them now")


# --- daemon/serve commands (issue 4) ---
@cli.command("daemon")
@config_option
@click.option(
    "--serve", "also_serve", is_flag=True, help="Also serve output/ over HTTP in this process."
)
@click.option("--host", default=None, help="With --serve: address to bind (default: serve.host).")
@click.option(
    "--port", type=int, default=None, help="With --serve: port (default: serve.port; 0 = any)."
)
@verbosity_options
@handle_errors
def daemon_command(
    config_path: str,
    also_serve: bool,
    host: str | None,
    port: int | None,
    verbose: int,
    quiet: bool,
) -> None:
    """Publish on the configured schedule and deliver the outbox, until SIGTERM."""
    setup_logging(max(verbose, 1), quiet=quiet)  # a daemon logs one line per run by default
    config = load(config_path)
    from .daemon import run_daemon
    from .recover import refuse_fresh_start, require_usable_state

    require_usable_state(config.state_path)
    refuse_fresh_start(config)

    sys.exit(run_daemon(config, serve=also_serve, host=host, port=port))


@cli.command("serve")
@config_option
@click.option("--host", default=None, help="Address to bind (default: serve.host).")
@click.option(
    "--port", type=int, default=None, help="Port (default: serve.port; 0 = any free port)."
)
@verbosity_options
@handle_errors
def serve_command(
    config_path: str, host: str | None, port: int | None, verbose: int, quiet: bool
) -> None:
    """Serve output/ with ETag, Last-Modified, gzip, WebSub Link headers and /healthz."""
    setup_logging(max(verbose, 1), quiet=quiet)
    config = load(config_path)
    from .recover import require_usable_state
    from .serve import serve

    require_usable_state(config.state_path)
    serve(config, host=host, port=port)


@cli.command("recover")
@config_option
@click.option(
    "--unpublished",
    type=click.Choice(["new", "withdrawn"]),
    default="new",
    show_default=True,
    help="Input articles found in no published file: publish them as new, or record them as"
    " withdrawn (right when no input was added since the last publish).",
)
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


for _command in (
    publish_command,
    check_command,
    withdraw_command,
    items_command,
    status_command,
    worker_command,
    migrate_state_command,
):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="syndicate")


__all__ = ["EXIT_BUSY", "EXIT_FAILED", "EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "cli", "main"]
