"""`dango config show`."""

from __future__ import annotations

import click

from ..show import ShownField, show_config, to_json
from .main import LazyGroup
from .output import emit_json, is_terminal, project_from, say, table


@click.group("config", cls=LazyGroup, lazy={})
def config_group() -> None:
    """Show the project's configuration.

    \b
    Example:
      dango config show --json
    """


def _value_text(shown: ShownField) -> str:
    if shown.origin == "missing":
        return "(not set)"
    text = str(shown.value)
    if isinstance(shown.value, bool):
        text = "true" if shown.value else "false"
    elif isinstance(shown.value, list):
        text = ", ".join(str(item) for item in shown.value)
    elif isinstance(shown.value, dict):
        text = ", ".join(f"{k}={v}" for k, v in shown.value.items())
    if shown.references:
        text += " (" + ", ".join(f"{r['variable']} {'set' if r['set'] else 'NOT SET'}"
                                 for r in shown.references) + ")"
    return text


@config_group.command("show")
@click.option("--source", "only", metavar="NAME", help="Show one source only.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def show_command(ctx: click.Context, only: str | None, as_json: bool) -> None:
    """Show every source and its credentials, secrets masked.

    References show as ${VAR} with whether the variable is set.

    \b
    Example:
      dango config show --source stripe_payments
    """
    shown = show_config(project_from(ctx), only)
    if as_json:
        emit_json(to_json(shown))
        return
    if not shown:
        say("No sources yet; add one with `dango source add TYPE --name NAME`.")
        return
    for number, source in enumerate(shown):
        title = f"{source.name} ({source.type}{'' if source.enabled else ', disabled'})"
        rows = [(f.field, _value_text(f), f.origin + (f"; {f.note}" if f.note else ""))
                for f in source.fields]
        if number and not is_terminal():
            say()
        table(["field", "value", "from"], rows, title=title)
