"""Progress while `dango sync` runs: rich on a terminal, plain flushed lines otherwise.

The runner calls a `Reporter`; the base class does nothing (library use, `--json`).
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from ..printable import printable


def _shown(text: str) -> str:
    """Text from data (a table's name) as rich markup that shows it as written."""
    from rich.markup import escape

    return escape(printable(text))


class Reporter:
    def __enter__(self) -> "Reporter":
        return self

    def __exit__(self, *exc) -> None:
        return None

    def started(self, source: str, type_name: str) -> None: ...

    def step(self, source: str, step: str) -> None: ...

    def rows(self, source: str, table: str, rows: int) -> None: ...

    def finished(self, result) -> None: ...


def outcome(result) -> str:
    if result.status == "failed":
        return "failed"
    tables = len(result.tables)
    noun = "table" if tables == 1 else "tables"
    if result.status == "planned":
        return f"would load {tables} {noun}: {', '.join(result.tables)}"
    return f"{tables} {noun}, {result.rows:,} rows in {result.seconds:.1f}s"


class PlainReporter(Reporter):
    """One line per event that matters, flushed, never wrapped; no per-batch noise."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stdout
        self._seen: set[tuple[str, str]] = set()

    def _line(self, text: str) -> None:
        self.stream.write(printable(text) + "\n")
        self.stream.flush()

    def started(self, source, type_name):
        self._line(f"{source} ({type_name}): starting")

    def step(self, source, step):
        self._line(f"{source}: {step}")

    def rows(self, source, table, rows):
        if (source, table) not in self._seen:
            self._seen.add((source, table))
            self._line(f"{source}: reading {table}")

    def finished(self, result):
        self._line(f"{result.name}: {outcome(result)}")


class RichReporter(Reporter):
    """A spinner per source with its current step, table and row count."""

    MIN_INTERVAL = 0.1  # seconds between row-count refreshes

    def __init__(self):
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.progress = Progress(SpinnerColumn(finished_text="•"), TextColumn("{task.description}"),
                                 TimeElapsedColumn(), console=Console(soft_wrap=True))
        self.tasks: dict[str, int] = {}
        self._last = 0.0

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()

    def _set(self, source: str, text: str) -> None:
        self.progress.update(self.tasks[source], description=f"[bold]{source}[/bold] {_shown(text)}")

    def started(self, source, type_name):
        self.tasks[source] = self.progress.add_task(f"[bold]{source}[/bold] ({type_name})", total=1)

    def step(self, source, step):
        self._set(source, step)

    def rows(self, source, table, rows):
        now = time.monotonic()
        if now - self._last >= self.MIN_INTERVAL:
            self._last = now
            self._set(source, f"extracting {table}: {rows:,} rows")

    def finished(self, result):
        mark = "[red]failed[/red]" if result.failed else f"[green]{_shown(outcome(result))}[/green]"
        self.progress.update(self.tasks[result.name], description=f"[bold]{result.name}[/bold] {mark}")
        self.progress.update(self.tasks[result.name], completed=1)
