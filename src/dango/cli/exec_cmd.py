"""`dango exec -- COMMAND...`: run a program with every credential in dlt's variables."""

from __future__ import annotations

import os
import shutil
import sys

import click

from ..errors import UsageError
from .output import project_from, warn


@click.command("exec", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
@click.pass_context
def exec_command(ctx: click.Context, command: tuple[str, ...]) -> None:
    """Run COMMAND with every source's credentials, resolved and decrypted, in its environment.

    \b
    Variables are named as dlt reads them: SOURCES__<NAME>__<FIELD> (and
    SOURCES__<NAME>__CREDENTIALS__<KEY> for OAuth tables); a variable already set wins.
    Nothing is written to disk. Example:
      dango exec -- python my_pipeline.py
    """
    from ..crypto.exporting import environment

    project = project_from(ctx)
    env, unset = environment(project, os.environ)
    for problem in unset:
        warn(f"{problem.key_path} is left out: {problem}")
    program = shutil.which(command[0], path=env.get("PATH"))
    if program is None:
        raise UsageError(f"Command not found: {command[0]}; give a program on the PATH or a path to one.")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(program, list(command), env)
