"""The command groups of `dango`: subcommands imported only when invoked, and help that
shows each command's whole first paragraph."""

from __future__ import annotations

import importlib

import click


class LazyGroup(click.Group):
    def __init__(self, *args, lazy: dict[str, str], aliases: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = lazy
        self.aliases = aliases or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command with the whole first line of its help (click would cut it to fit
        with "...")."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            text = command.short_help or (command.help or "").strip().split("\n\n")[0]
            rows.append((name, " ".join(text.split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        """click's own, with "Did you mean ...?" drawn from every command: click suggests
        only from the commands it has imported, which here are none until one runs."""
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as err:
            name = click.utils.make_str(args[0])
            if self.get_command(ctx, name) is not None or "Did you mean" in str(err.message):
                raise
            raise unknown_command(ctx, self, name) from None

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        name = self.aliases.get(name, name)
        if name in self.lazy:
            module_name, attribute = self.lazy[name].split(":")
            module = importlib.import_module(f"dango.cli.{module_name}")
            return getattr(module, attribute)
        return super().get_command(ctx, name)


def unknown_command(ctx: click.Context, group: click.Group, name: str) -> click.UsageError:
    """"No such command 'x'." with the closest command of `group`, if one is close."""
    from ..errors import did_you_mean

    known = [command for command in group.list_commands(ctx) if not group.get_command(ctx, command).hidden]
    return click.UsageError(f"No such command {name!r}.{did_you_mean(name, known)}", ctx=ctx)
