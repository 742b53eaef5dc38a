"""`dango validate`."""

from __future__ import annotations

import sys

import click

from ..validate import validate
from .output import emit_json, project_from, say, warn


@click.command("validate")
@click.option("--live", is_flag=True, help="Also check every enabled source's credentials live.")
@click.option("--timeout", type=float, default=10.0, show_default=True,
              help="With --live: seconds to wait for each provider.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def validate_command(ctx: click.Context, live: bool, timeout: float, as_json: bool) -> None:
    """Check the project: names match between sources.yml and secrets.toml, required
    fields are set, references resolve, permissions are tight, and git ignores secrets.

    Exits 1 when there are problems, one line each with its fix. With --live, each
    source's credentials are tested against the provider too (invalid or unknown is a
    problem).

    \b
    Examples:
      dango validate
      dango validate --live
    """
    report = validate(project_from(ctx), live=live, timeout=timeout)
    for message in report.warnings:
        warn(message)
    if as_json:
        emit_json(report.to_json())
    elif report.problems:
        for problem in report.problems:
            say(problem.line())
    else:
        say("No problems found.")
    if report.problems:
        sys.exit(1)
