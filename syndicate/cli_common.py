"""What every command shares: the --config, -v/-q and --json options, error handling."""

from __future__ import annotations

import functools
import os
import sqlite3
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .config import Config, load_config
from .errors import BusyError, ChurnError, ConfigError, SyndicateError
from .log import LOG_FORMATS, set_log_format
from .publish import EXIT_BUSY, EXIT_FAILED, EXIT_PROBLEMS, EXIT_USAGE

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_CONFIG = "syndicate.toml"


def config_option(f: F) -> F:
    return click.option(
        "--config",
        "-c",
        "config_path",
        type=click.Path(dir_okay=False),
        default=lambda: os.environ.get("SYNDICATE_CONFIG", DEFAULT_CONFIG),
        show_default="$SYNDICATE_CONFIG or syndicate.toml",
        help="The TOML config file.",
    )(f)


def verbosity_options(f: F) -> F:
    f = click.option("-v", "--verbose", count=True, help="More output (-vv for debug).")(f)
    f = click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors on stderr.")(f)
    f = click.option(
        "--log-format",
        type=click.Choice(LOG_FORMATS),
        default=None,
        expose_value=False,
        is_eager=True,
        callback=lambda _ctx, _param, value: set_log_format(value),
        help="Log lines as text (default) or one JSON object per line"
        " (also $SYNDICATE_LOG_FORMAT).",
    )(f)
    return f


def json_option(f: F) -> F:
    return click.option(
        "--json", "as_json", is_flag=True, help="One JSON object per line instead of text."
    )(f)


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
        except ChurnError as err:  # the feeds stay as they were (syndicate/churn.py)
            click.echo(f"syndicate: {err}", err=True)
            sys.exit(EXIT_PROBLEMS)
        except SyndicateError as err:
            click.echo(f"syndicate: {err}", err=True)
            sys.exit(EXIT_FAILED)
        except sqlite3.DatabaseError as err:  # damage found after the open-time check (issue 8)
            click.echo(
                f"syndicate: cannot use state: {err} (restore a backup, or move the state file away"
                " and run `syndicate recover`)",
                err=True,
            )
            sys.exit(EXIT_FAILED)

    return wrapper  # type: ignore[return-value]


def load(config_path: str) -> Config:
    return load_config(config_path)


def print_problems(problems: Any) -> None:
    for p in problems:
        click.echo(str(p), err=True)
