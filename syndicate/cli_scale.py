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


__all__ = ["worker_command"]
