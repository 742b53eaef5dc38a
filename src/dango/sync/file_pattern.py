"""A `local_files` pattern's brace groups: `*.{csv,json}` is `*.csv` and `*.json`.

Python's glob, which lists the folder, has no braces; shells, DuckDB and dbt have them, so a
pattern copied from any of those matched nothing (and the rows of every file loaded before
were marked deleted). `expand` writes each choice out, innermost group first, as a shell
does; a group without a comma (`{x}`) stays as written, as in a shell.
"""

from __future__ import annotations

import re

from ..errors import SyncProblem

GROUP = re.compile(r"\{([^{}]*,[^{}]*)\}")  # an innermost group with a comma
MOST = 64  # patterns one pattern may stand for: `{a,b}` ten times over is a mistake


def expand(pattern: str, where: str) -> list[str]:
    """Every pattern `pattern` stands for, in order, each once; SyncProblem (naming the
    setting as `where`) when they are more than MOST."""
    done: list[str] = []
    todo = [pattern]
    while todo:
        current = todo.pop(0)
        match = GROUP.search(current)
        if match is None:
            if current not in done:
                done.append(current)
            continue
        todo[:0] = [current[:match.start()] + choice + current[match.end():]
                    for choice in match[1].split(",")]
        if len(todo) + len(done) > MOST:
            raise SyncProblem(f"{where} {pattern} stands for more than {MOST} patterns; "
                              "write fewer {a,b} choices.")
    return done
