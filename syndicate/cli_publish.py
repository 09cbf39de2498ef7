"""`publish` (with the dry run that shows the change) and `check`."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Any

import click

from .cli_common import config_option, handle_errors, load, print_problems, verbosity_options
from .config import Config
from .log import setup_logging
from .model import Problem
from .publish import EXIT_OK, EXIT_PROBLEMS, Report, publish

SHOWN = 20  # items and files listed without -v


def _progress_publish(config: Config, **kwargs: Any) -> Report:
    """publish() with a progress bar over input files when stderr is a terminal."""
    if not sys.stderr.isatty():
        return publish(config, **kwargs)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from .inputs import find_inputs

    total = len(find_inputs(config)[0])
    with Progress(
        TextColumn("reading inputs"), BarColumn(), MofNCompleteColumn(), transient=True
    ) as bar:
        task = bar.add_task("inputs", total=total)
        return publish(config, on_file=lambda _f: bar.advance(task), **kwargs)


@click.command("publish")
@config_option
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show what would change (items, files, feeds, notifications per endpoint); write nothing.",
)
@click.option(
    "--diff", "show_diff", is_flag=True, help="With --dry-run: a unified diff of each changed feed."
)
@click.option(
    "--wait", is_flag=True, help="Wait for another running publish instead of exiting (exit 4)."
)
@click.option("--rebuild", is_flag=True, help="Re-render every feed and page (ids and dates stay).")
@click.option("--no-push", is_flag=True, help="Queue notifications but do not deliver them now.")
@click.option(
    "--metrics-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="After the run (failed ones too), write Prometheus metrics here"
    " (for node_exporter's textfile collector).",
)
@click.option(
    "--health-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="After the run, write the health page (HTML) here, e.g. output/health.html.",
)
@click.option(
    "--accept-churn",
    "--force",
    "accept_churn",
    is_flag=True,
    help="Publish even when the churn guard finds re-identified or lost items (exit 3 without).",
)
@verbosity_options
@handle_errors
def publish_command(
    config_path: str,
    dry_run: bool,
    show_diff: bool,
    wait: bool,
    rebuild: bool,
    no_push: bool,
    metrics_file: Path | None,
    health_file: Path | None,
    accept_churn: bool,
    verbose: int,
    quiet: bool,
) -> None:
    """Read the inputs, update the ledger, write feeds into output/, push changes.

    \b
      syndicate publish --dry-run          what would change, nothing written
      syndicate publish --dry-run -v       ... every item and file listed
      syndicate publish --dry-run --diff   ... and a diff of each changed feed
    """
    setup_logging(max(verbose - 1, 0) if dry_run else verbose, quiet=quiet)
    config = load(config_path)
    try:
        report = _progress_publish(
            config,
            dry_run=dry_run or show_diff,
            wait=wait,
            rebuild=rebuild,
            deliver=not no_push,
            accept_churn=accept_churn,
        )
    finally:
        if metrics_file or health_file:
            # imported when asked for: prometheus_client and the push status (requests)
            # were ~0.15 s of every publish's start-up (issue 12)
            from .metrics import write_health_files

            write_health_files(config, metrics_file=metrics_file, health_file=health_file)
    print_problems(report.problems)
    if report.dry_run and not quiet:
        echo_changes(report, config, verbose=verbose, diff=show_diff)
    elif verbose and not quiet:
        echo_changes(report, config, verbose=verbose - 1, diff=False)
    echo_report(report, quiet=quiet)
    sys.exit(report.exit_code)


def echo_report(report: Report, *, quiet: bool = False) -> None:
    if quiet:
        return
    verb = "would write" if report.dry_run else "wrote"
    click.echo(
        f"{'dry run: ' if report.dry_run else ''}{report.sections} sections, {report.articles_total} items:"
        f" {report.new} new, {report.updated} updated, {report.unchanged} unchanged;"
        f" inputs {report.inputs_read} read, {report.inputs_unchanged} unchanged;"
        f" {verb} {len(report.files_written)} files ({len(report.feeds_changed)} feeds changed);"
        f" {report.notices_queued} notifications {'would be ' if report.dry_run else ''}queued;"
        f" {len(report.errors)} errors in {report.seconds:.2f}s"
    )
    if report.delivery is not None:
        click.echo(f"delivery: {report.delivery}")


def _listed(lines: list[str], verbose: int) -> list[str]:
    if verbose or len(lines) <= SHOWN:
        return lines
    return [*lines[:SHOWN], f"  ... and {len(lines) - SHOWN} more (-v lists them all)"]


def echo_changes(report: Report, config: Config, *, verbose: int, diff: bool) -> None:
    """What the run changes (would change, in a dry run), one block per kind of change."""
    would = "would be " if report.dry_run else ""
    click.echo(f"items {would}changed: {len(report.changes)}")
    for line in _listed(
        [f"  {kind:<9}  {section}: {title}" for kind, section, title in report.changes], verbose
    ):
        click.echo(line)
    pages = [
        f
        for f in report.files_written
        if f not in report.feeds_changed and f not in report.files_removed
    ]
    click.echo(
        f"files {would}written: {len(report.files_written) - len(report.files_removed)},"
        f" {would}removed: {len(report.files_removed)}"
    )
    if verbose:
        for rel in pages:
            click.echo(f"  write   {rel}")
    for rel in report.files_removed:
        click.echo(f"  remove  {rel}")
    click.echo(f"feeds {would}changed: {len(report.feeds_changed)}")
    for rel in report.feeds_changed:
        click.echo(f"  {rel}")
    if report.dry_run:
        targets = (
            [f"hub:{h.url}" for h in config.hubs]
            + [f"webhook:{w.name}" for w in config.webhooks]
            + [f"ping:{p.name}" for p in config.pings]
        )
        click.echo(
            f"notifications that would be queued: {report.notices_queued}"
            + ("" if targets else " (no push endpoints configured)")
        )
        for endpoint in targets:
            click.echo(f"  {endpoint}: {report.notices_by_endpoint.get(endpoint, 0)}")
    if diff:
        for rel, new in report.feed_bytes.items():
            click.echo(feed_diff(config, rel, new), nl=False)


def feed_diff(config: Config, rel: str, new: bytes) -> str:
    """A unified diff of one feed file: what is in output/ now -> what the run would write."""
    path = config.output.dir / rel
    try:
        old = path.read_bytes().decode("utf-8", "replace").splitlines(keepends=True)
    except OSError:
        old = []
    lines = difflib.unified_diff(
        old,
        new.decode("utf-8", "replace").splitlines(keepends=True),
        fromfile=f"a/{rel}",
        tofile=f"b/{rel}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@click.command("check")
@config_option
@verbosity_options
@handle_errors
def check_command(config_path: str, verbose: int, quiet: bool) -> None:
    """Parse the config and every input; report problems; write nothing.

    Exit 0: no problem; 2: the config is wrong (every mistake listed); 3: an input has
    errors, or an input group's paths match no file at all.
    """
    setup_logging(verbose, quiet=quiet)
    config = load(config_path)
    from .inputs import find_inputs, read_and_parse
    from .recover import require_usable_state

    require_usable_state(config.state_path)
    files, glob_problems = find_inputs(config)
    problems = group_problems(config, files, glob_problems) + deleted_inputs(config, files)
    per_section: dict[str, int] = {}
    for f in files:  # an empty file is a warning from the input edge (inputs/decode.py)
        _digest, articles, file_problems = read_and_parse(
            f, max_bytes=config.output.max_input_bytes
        )
        problems.extend(file_problems)
        for a in articles:
            per_section[a.section] = per_section.get(a.section, 0) + 1
    print_problems(problems)
    errors = [p for p in problems if p.severity == "error"]
    empty_groups = [p for p in problems if p.message.startswith("input group")]
    verdict = (
        "ok" if not problems else f"{len(errors)} errors, {len(problems) - len(errors)} warnings"
    )
    if not quiet:
        click.echo(
            f"config {config.path.name}: {len(files)} input files, {sum(per_section.values())} articles in"
            f" {len(per_section)} sections: {verdict}"
        )
        for name, n in sorted(per_section.items()):
            click.echo(f"  {name}: {n}")
    sys.exit(EXIT_PROBLEMS if errors or empty_groups else EXIT_OK)


def group_problems(config: Config, files: list[Any], glob_problems: list[Problem]) -> list[Problem]:
    """One warning per input group whose paths match no file (instead of one per pattern)."""
    found = {f.group.name for f in files}
    out = [
        p
        for p in glob_problems
        if not any(
            p.message.startswith(f"input {g.name!r}:") for g in config.inputs if g.name not in found
        )
    ]
    for i, g in enumerate(config.inputs):
        if g.name not in found:
            out.append(
                Problem(
                    path=str(config.path.name),
                    line=0,
                    severity="warning",
                    message=f"input group {g.name!r} (inputs[{i}].paths): no file matches"
                    f" {', '.join(g.paths)}",
                )
            )
    return out


def deleted_inputs(config: Config, files: list[Any]) -> list[Problem]:
    """A warning per input file the last publish read that is gone now."""
    from .inputs import display_path
    from .state import read_only_state, state_location

    store = read_only_state(state_location(config))
    if store is None:
        return []
    try:
        recorded = store.input_fingerprints()
    finally:
        store.close()
    present = {str(f.path) for f in files}
    return [
        Problem(
            path=display_path(Path(p), config.root),
            line=0,
            severity="warning",
            message="input file was read by the last publish and is gone now (its articles stay"
            " published: `syndicate withdraw` takes them out)",
        )
        for p in sorted(set(recorded) - present)
        if not Path(p).exists()
    ]
