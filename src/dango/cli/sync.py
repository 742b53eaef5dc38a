"""`dango sync`: load every enabled source (or --source NAME) with dlt."""

from __future__ import annotations

import os
import sys

import click

from ..printable import printable
from .output import emit_json, is_terminal, note, project_from, say, table


@click.command("sync")
@click.option("--source", "names", multiple=True, metavar="NAME",
              help="Sync only this source (repeatable).")
@click.option("--full-refresh", is_flag=True,
              help="Drop the source's tables and state, then load everything again.")
@click.option("--dry-run", is_flag=True, help="Show what would load; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def sync_command(ctx: click.Context, names: tuple[str, ...], full_refresh: bool, dry_run: bool,
                 as_json: bool) -> None:
    """Load each enabled source into the warehouse (raw_<source name>).

    \b
    Examples:
      dango sync
      dango sync --source stripe_payments --full-refresh
      dango sync --dry-run
    """
    from ..sync.progress import PlainReporter, Reporter, RichReporter
    from ..sync.runner import run_sync

    project = project_from(ctx)
    if as_json:
        reporter = Reporter()
    elif is_terminal():
        reporter = RichReporter()
    else:
        reporter = PlainReporter()
    debug = bool((ctx.find_root().obj or {}).get("debug"))
    if debug:
        os.environ["RUNTIME__LOG_LEVEL"] = "WARNING"  # dlt's own log lines, redacted like all output
    with reporter:
        run = run_sync(project, list(names) or None, full_refresh=full_refresh, dry_run=dry_run,
                       reporter=reporter)
    if as_json:
        emit_json({"destination": run.destination, "dry_run": run.dry_run,
                   "sources": [r.to_json() for r in run.results]})
    else:
        _summary(run)
    for result in run.results:
        if result.note and not as_json:
            note(f"note: {result.name}: {printable(result.note, one_line=True)}")
    for result in run.failed:
        if debug and result.traceback:
            note(result.traceback.rstrip())
        # one line each: a file name with a line break in it cannot forge another
        note(f"error: {result.name}: {printable(result.error, one_line=True)}")
    if run.failed:
        sys.exit(1)


def _summary(run) -> None:
    if not run.results:
        say("No enabled sources to sync; add one with `dango source add`.")
        return
    title = ("Dry run: nothing was written. " if run.dry_run else "") + f"Destination: {run.destination}"
    rows = []
    for r in run.results:
        rows.append((r.name, ", ".join(r.tables) if r.tables else "-",
                     "-" if r.status != "ok" else f"{r.rows:,}", f"{r.seconds:.1f}",
                     "would load" if r.status == "planned" else r.status))
    say()
    table(("source", "tables", "rows", "seconds", "status"), rows, title=title)
