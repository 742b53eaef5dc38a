"""The `dango` command: global options, lazy subcommands, and turning errors into exits.

Subcommands are imported only when invoked, so `dango config show` never pays for the
modules of `dango sync` (and never imports dlt or duckdb).
"""

from __future__ import annotations

import sys

import click

from .. import __version__
from ..errors import DangoError
from ..printable import printable
from .groups import LazyGroup, unknown_command

# command name -> "module:attribute" under dango.cli
COMMANDS = {
    "init": "init:init_command",
    "source": "source:source_group",
    "secrets": "secrets:secrets_group",
    "config": "config:config_group",
    "validate": "validate:validate_command",
    "audit": "lifecycle:audit_command",
    "auth": "auth:auth_group",
    "sync": "sync:sync_command",
    "exec": "exec_cmd:exec_command",
    "team": "team:team_group",
    "migrate": "migrate:migrate_command",
}
ALIASES: dict[str, str] = {"oauth": "auth"}


@click.group(cls=LazyGroup, lazy=COMMANDS, aliases=ALIASES,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", "project_dir", type=click.Path(file_okay=False), envvar="DANGO_PROJECT_DIR",
              help="Project folder (default: the current folder or the nearest one above it).")
@click.option("--debug", is_flag=True, help="Show tracebacks (redacted) on errors.")
@click.version_option(__version__, prog_name="dango")
@click.pass_context
def cli(ctx: click.Context, project_dir: str | None, debug: bool) -> None:
    """Dango: load data into DuckDB, and keep the credentials it needs safe.

    \b
    Example:
      dango init my-project && cd my-project
      dango source add stripe --name stripe_payments
      dango config show
    """
    ctx.obj = {"project_dir": project_dir, "debug": debug}


@cli.command("help")
@click.argument("command", nargs=-1)
@click.pass_context
def help_command(ctx: click.Context, command: tuple[str, ...]) -> None:
    """Show the help of dango or of COMMAND (the same as --help).

    \b
    Example:
      dango help secrets set
    """
    group: click.Command = cli
    sub_ctx = click.Context(cli, info_name="dango", obj=ctx.obj, **cli.context_settings)
    for name in command:
        if not isinstance(group, click.Group):
            break
        found = group.get_command(sub_ctx, name)
        if found is None:
            raise unknown_command(sub_ctx, group, name)
        group = found
        sub_ctx = click.Context(found, info_name=name, parent=sub_ctx, obj=ctx.obj)
    click.echo(sub_ctx.get_help())


GLOBAL_FLAGS = ("--debug",)
GLOBAL_OPTIONS = ("--project",)  # each takes a value


def hoist_global_options(argv: list[str]) -> list[str]:
    """`argv` with the global options moved before the subcommand, so that
    `dango config show --project DIR` and `dango sync --debug` work as `dango --project DIR
    config show` does. Nothing after `--` moves, nor the command line `dango exec` runs
    (`dango exec echo hi --debug` passes `--debug` to echo)."""
    moved: list[str] = []
    rest: list[str] = []
    command = None
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--" or (command == "exec" and not arg.startswith("-")):
            rest.extend(argv[index:])
            break
        if command is None and not arg.startswith("-"):
            command = arg
        if arg in GLOBAL_FLAGS:
            moved.append(arg)
        elif arg in GLOBAL_OPTIONS and index + 1 < len(argv):
            moved.extend(argv[index:index + 2])
            index += 1
        elif arg.split("=", 1)[0] in GLOBAL_OPTIONS and "=" in arg:
            moved.append(arg)
        else:
            rest.append(arg)
        index += 1
    return moved + rest


def main(argv: list[str] | None = None) -> None:
    from .. import redact, redacted_output
    from ..secrecy import startup_secrets, startup_words

    # Before any command runs: every printed line passes through it, and it knows the
    # secrets that secrecy.py finds in the environment and the project's secrets.toml.
    redacted_output.install(argv, secrets=startup_secrets, words=startup_words)
    from ..store.atomic import safe_umask

    safe_umask()  # nothing created from here on (dlt's and DuckDB's files too) is writable by others
    argv = hoist_global_options(list(sys.argv[1:] if argv is None else argv))
    debug = "--debug" in argv
    try:
        # Without standalone mode click returns (not raises) the code of `ctx.exit(n)`.
        code = cli.main(args=argv, prog_name="dango", standalone_mode=False)
    except DangoError as err:
        click.echo(f"error: {printable(str(err))}", err=True)
        if debug:
            import traceback

            traceback.print_exc()
        sys.exit(err.exit_code)
    except click.exceptions.Abort as err:
        # click turns Ctrl-C at a prompt into Abort, raised `from None`: the
        # KeyboardInterrupt is still its __context__
        if isinstance(err.__cause__ or err.__context__, KeyboardInterrupt):
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        click.echo("Aborted.", err=True)  # end of input at a prompt
        sys.exit(2)
    except click.ClickException as err:
        err.show()
        sys.exit(2 if err.exit_code != 0 else 0)
    except click.exceptions.Exit as err:
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except OSError as err:  # a user's file that cannot be read or written: one sentence
        from ..errors import os_problem, shown_path

        problem, fix = os_problem(err.errno)
        place = f" {redact.redact(shown_path(str(err.filename)))}" if err.filename else ""
        click.echo(printable(f"error: could not use{place}: {problem}; {fix}, and run the command again."),
                   err=True)
        if debug:
            import traceback

            traceback.print_exc()
        sys.exit(2)
    except Exception as err:  # a bug or an unforeseen failure: one sentence, traceback on request
        from ..errors import exception_text

        click.echo(f"error: unexpected {type(err).__name__}: {printable(redact.redact(exception_text(err)))}. "
                   + ("" if debug else "Run the command again with --debug for the details."), err=True)
        if debug:
            import traceback

            traceback.print_exc()
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
