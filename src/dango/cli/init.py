"""`dango init`."""

from __future__ import annotations

from pathlib import Path

import click

from ..project import init_project
from .output import emit_json, say


@click.command("init")
@click.argument("path", default=".", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True,
              help="Create the project in a folder that already holds other files, and "
                   "tighten loose permissions on .dlt and secrets.toml.")
@click.option("--json", "as_json", is_flag=True, help="Print what was created as JSON.")
def init_command(path: str, force: bool, as_json: bool) -> None:
    """Create a project: .dango/, .dlt/ (secrets.toml 0600), data/ and .gitignore entries.

    Safe to run again: only what is missing is created, and an existing
    .dlt/secrets.toml is never overwritten.

    \b
    Example:
      dango init my-project
    """
    report = init_project(Path(path), force=force)
    if as_json:
        emit_json({"project": str(report.project.root), "project_id": report.project.project_id,
                   "created": report.created, "updated": report.updated})
        return
    if not report.created and not report.updated:
        say(f"Nothing to do: {report.project.root} is already a Dango project.")
        return
    for item in report.created:
        say(f"created  {item}")
    for item in report.updated:
        say(f"updated  {item}")
    say(f"Dango project ready in {report.project.root}")
