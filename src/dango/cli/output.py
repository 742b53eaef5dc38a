"""Printing for every command: plain lines when stdout is not a terminal, rich on one.

Plain output is never wrapped, folded or truncated, and is flushed line by line, so a
value, path or URL stays whole on its line (SPEC section 3).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Sequence

import click

from ..printable import printable
from ..project import Project, find_project


def project_from(ctx: click.Context) -> Project:
    directory = (ctx.find_root().obj or {}).get("project_dir")
    return find_project(Path(directory) if directory else None)


def say(text: str = "") -> None:
    click.echo(printable(text))
    sys.stdout.flush()


def warn(text: str) -> None:
    click.echo(f"warning: {printable(text)}", err=True)


def note(text: str) -> None:
    click.echo(printable(text), err=True)


def confirm(question: str, refusal: str) -> None:
    """Ask `question` on a terminal (no aborts); without one, refuse with `refusal`, which
    names the --yes that confirms without asking."""
    if not sys.stdin.isatty():
        from ..errors import NeedsConfirmation

        raise NeedsConfirmation(refusal)
    click.confirm(question, abort=True, err=True)


def emit_json(data: Any) -> None:
    import json  # only --json needs it: not imported on every command's start-up

    click.echo(json.dumps(data, indent=2, default=str))


def is_terminal() -> bool:
    return sys.stdout.isatty()


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> None:
    """A table: rich on a terminal, aligned plain text (never truncated) otherwise. Cells are
    redacted before the columns are laid out: padding computed on the unmasked text would
    give away the length of a secret that the mask then hides. Cells are text, never rich
    markup (a `[/red]` in a file name is shown as written)."""
    from ..redact import redact

    rows = [["" if cell is None else printable(redact(str(cell))) for cell in row] for row in rows]
    if is_terminal():
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        rich_table = Table(*headers, title=title and Text(title), title_justify="left")
        for row in rows:
            rich_table.add_row(*(Text(cell) for cell in row))
        Console(soft_wrap=True).print(rich_table)
        return
    cells = [[str(h).upper() for h in headers]] + rows
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [title] if title else []
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells]
    say("\n".join(lines))  # one write: the table is complete, nothing to stream
