"""Write docs/cli.md from the commands' own help texts, so the two never drift apart.

Usage: python tools/gen_cli_docs.py [--check]   (--check: exit 1 if docs/cli.md is stale)
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dango.cli.main import cli

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
HEADER = """# Command reference

Generated from `dango --help` and each command's help by `python tools/gen_cli_docs.py`;
a test fails when this page and the help texts disagree.
"""


def walk(command: click.Command, path: list[str], parent: click.Context | None = None):
    settings = dict(command.context_settings) if parent is None else {}
    ctx = click.Context(command, info_name=path[-1], parent=parent, terminal_width=100,
                        max_content_width=100, **settings)
    yield path, command.get_help(ctx)
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from walk(sub, [*path, name], ctx)


def render() -> str:
    parts = [HEADER]
    for path, text in walk(cli, ["dango"]):
        parts.append(f"\n## `{' '.join(path)}`\n\n```text\n{text.rstrip()}\n```\n")
    return "".join(parts)


def main() -> None:
    text = render()
    if "--check" in sys.argv:
        current = DOC.read_text() if DOC.exists() else ""
        if current != text:
            print(f"{DOC} is out of date; run: python tools/gen_cli_docs.py", file=sys.stderr)
            sys.exit(1)
        return
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text)
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
