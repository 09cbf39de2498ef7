"""Commands for running on several hosts: ``worker`` (issue 10) and ``migrate-state``."""

from __future__ import annotations

import sys

import click

from .cli_common import config_option, handle_errors, load, verbosity_options
from .log import setup_logging
from .publish import EXIT_OK


@click.command("worker")
@config_option
@click.option("--once", is_flag=True, help="One delivery pass, then exit.")
@click.option(
    "--poll",
    type=click.FloatRange(min=0.01),
    default=None,
    help="Seconds between looks at an empty outbox (default: delivery.interval).",
)
@verbosity_options
@handle_errors
def worker_command(
    config_path: str, once: bool, poll: float | None, verbose: int, quiet: bool
) -> None:
    """Deliver the outbox until SIGTERM; run as many as you like, on any host."""
    from .worker import run_worker

    setup_logging(max(verbose, 1), quiet=quiet)
    config = load(config_path)
    totals = run_worker(config, once=once, poll=poll)
    if not quiet and once:
        click.echo(f"worker: {totals.due} due, {totals.delivered} delivered")
    sys.exit(EXIT_OK)


@click.command("migrate-state")
@config_option
@click.option(
    "--to",
    "target",
    required=True,
    metavar="URL",
    help="The PostgreSQL database to copy the state into (postgresql://...; must be empty).",
)
@verbosity_options
@handle_errors
def migrate_state_command(config_path: str, target: str, verbose: int, quiet: bool) -> None:
    """Copy the config's SQLite state (ledger, outbox, heartbeat) to PostgreSQL, ids kept."""
    from .errors import ConfigError
    from .state import is_postgres, open_state
    from .state.copy import copy_state
    from .state.postgres import redact

    setup_logging(verbose, quiet=quiet)
    config = load(config_path)
    if not is_postgres(target):
        raise ConfigError(
            f"--to must be a postgresql:// URL, got {redact(target)!r}", path=str(config.path)
        )
    if config.state_url:
        raise ConfigError(
            "the state is already on PostgreSQL (state.url); migrate-state copies a SQLite state",
            path=str(config.path),
            key="state.url",
        )
    # both locked: no publish, worker claim or daemon writes either side meanwhile
    with open_state(config.state_path) as source, open_state(target) as dest:
        report = copy_state(source, dest)
    if not quiet:
        click.echo(f"{report.line()} into {redact(target)}")
        click.echo(f"now point [state] url at that database in {config.path} (and drop path)")
    sys.exit(EXIT_OK)


__all__ = ["migrate_state_command", "worker_command"]
