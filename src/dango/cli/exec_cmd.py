"""`dango exec -- COMMAND...`: run a program with every credential in dlt's variables."""

from __future__ import annotations

import errno
import os
import shutil
import sys

import click

from ..errors import UsageError, os_problem
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
    check_environment(env)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(program, list(command), env)
    except OSError as err:
        if err.errno == errno.E2BIG:
            raise UsageError("The credentials and the rest of the environment are larger than the "
                             "system lets a program start with; unset large variables you do not "
                             "need and run the command again.") from None
        raise UsageError(f"Could not run {command[0]}: {os_problem(err.errno)[0]}.") from None


# Linux refuses a single NAME=value string longer than 32 pages (MAX_ARG_STRLEN).
MAX_VARIABLE_BYTES = 32 * 4096


def check_environment(env: dict[str, str]) -> None:
    """One sentence naming the variable (never its value) that no program could receive."""
    for name, value in env.items():
        if "\0" in value or "\0" in name:
            raise UsageError(f"{name} holds a NUL byte, which no program's environment can carry; "
                             "store that credential again without it (`dango secrets set`).")
        if len(name.encode()) + len(value.encode("utf-8", "surrogateescape")) + 1 >= MAX_VARIABLE_BYTES:
            raise UsageError(f"{name} is larger than the {MAX_VARIABLE_BYTES // 1024} KiB a single "
                             "environment variable may hold, so no program could receive it; store a "
                             "smaller value, or read it in your script from a file.")
