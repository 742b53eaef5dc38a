"""The `dango` command: global options, lazy subcommands, and turning errors into exits.

Subcommands are imported only when invoked, so `dango config show` never pays for the
modules of `dango sync` (and never imports dlt or duckdb).
"""

from __future__ import annotations

import importlib
import sys

import click

from ..errors import DangoError

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
}
ALIASES: dict[str, str] = {"oauth": "auth"}


class LazyGroup(click.Group):
    def __init__(self, *args, lazy: dict[str, str], aliases: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = lazy
        self.aliases = aliases or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        name = self.aliases.get(name, name)
        if name in self.lazy:
            module_name, attribute = self.lazy[name].split(":")
            module = importlib.import_module(f"dango.cli.{module_name}")
            return getattr(module, attribute)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, lazy=COMMANDS, aliases=ALIASES,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", "project_dir", type=click.Path(file_okay=False), envvar="DANGO_PROJECT_DIR",
              help="Project folder (default: the current folder or the nearest one above it).")
@click.option("--debug", is_flag=True, help="Show tracebacks (redacted) on errors.")
@click.version_option(package_name="dango")
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


def main(argv: list[str] | None = None) -> None:
    from .. import redact

    redact.install(argv)  # before any command runs: every printed line passes through it
    debug = "--debug" in (argv if argv is not None else sys.argv)
    try:
        # Without standalone mode click returns (not raises) the code of `ctx.exit(n)`.
        code = cli.main(args=argv, prog_name="dango", standalone_mode=False)
    except DangoError as err:
        click.echo(f"error: {err}", err=True)
        if debug:
            import traceback

            traceback.print_exc()
        sys.exit(err.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(2)
    except click.ClickException as err:
        err.show()
        sys.exit(2 if err.exit_code != 0 else 0)
    except click.exceptions.Exit as err:
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as err:  # a bug or an unforeseen failure: one sentence, traceback on request
        click.echo(f"error: unexpected {type(err).__name__}: {redact.redact(str(err))}. "
                   + ("" if debug else "Run the command again with --debug for the details."), err=True)
        if debug:
            import traceback

            traceback.print_exc()
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
