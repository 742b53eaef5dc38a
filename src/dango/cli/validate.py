"""`dango validate`."""

from __future__ import annotations

import sys

import click

from ..validate import validate
from .output import emit_json, project_from, say, warn


@click.command("validate")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def validate_command(ctx: click.Context, as_json: bool) -> None:
    """Check the project: names match between sources.yml and secrets.toml, required
    fields are set, references resolve, permissions are tight, and git ignores secrets.

    Exits 1 when there are problems, one line each with its fix.

    \b
    Example:
      dango validate
    """
    report = validate(project_from(ctx))
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
