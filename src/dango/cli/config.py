"""`dango config show`."""

from __future__ import annotations

import click

from ..show import ShownField, show_config, to_json
from .groups import LazyGroup
from .output import emit_json, is_terminal, project_from, say, table


@click.group("config", cls=LazyGroup, lazy={})
def config_group() -> None:
    """Show the project's configuration.

    \b
    Example:
      dango config show --json
    """


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _rows(shown: ShownField) -> list[tuple[str, str, str]]:
    """One row per field; a table (OAuth credentials) one row per key."""
    origin = shown.origin + (f"; {shown.note}" if shown.note else "")
    if isinstance(shown.value, dict):
        return [(f"{shown.field}.{key}", _text(value), origin) for key, value in shown.value.items()]
    return [(shown.field, _value_text(shown), origin)]


def _value_text(shown: ShownField) -> str:
    if shown.origin == "missing":
        return "(not set)"
    if shown.origin == "optional":
        return "(optional, not set)"
    if shown.origin == "placeholder":
        return f"{shown.value} (a placeholder: not set)"
    text = _text(shown.value)
    if shown.references:
        text += " (" + ", ".join(f"{r['variable']} " + ("set" if r["set"] else "not set: default used"
                                                        if r["default"] else "NOT SET")
                                 for r in shown.references) + ")"
    return text


@config_group.command("show")
@click.option("--source", "only", metavar="NAME", help="Show one source only.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.option("--all", "show_all", is_flag=True, help="Also list optional fields that are not set.")
@click.pass_context
def show_command(ctx: click.Context, only: str | None, as_json: bool, show_all: bool) -> None:
    """Show every source and its credentials, secrets masked.

    References show as ${VAR} with whether the variable is set; OAuth credentials one row
    per key. Optional fields that are not set are left out unless --all is given.

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
        rows = [row for f in source.fields if show_all or f.origin != "optional" for row in _rows(f)]
        if number and not is_terminal():
            say()
        table(["field", "value", "from"], rows, title=title)
