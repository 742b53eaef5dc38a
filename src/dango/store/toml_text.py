"""Line-level facts about TOML text that tomlkit does not keep: where a key is, and where
one source's sections begin and end (with the comments that belong to them).

Pure functions over text; they return located results or None, never raise.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*\[\[?\s*(?P<path>[^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*(?P<key>[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')\s*=")
_PART = re.compile(r"\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[A-Za-z0-9_-]+))\s*(?:\.|$)")
_COMMENT = re.compile(r"^\s*#")


def split_key_path(text: str) -> tuple[str, ...] | None:
    """`sources."my.db".credentials` -> ("sources", "my.db", "credentials")."""
    parts, pos = [], 0
    while pos < len(text):
        match = _PART.match(text, pos)
        if not match or match.end() == pos:
            return None
        parts.append(match["dq"] if match["dq"] is not None else
                     match["sq"] if match["sq"] is not None else match["bare"])
        pos = match.end()
    return tuple(parts)


def headers(lines: list[str]) -> list[tuple[int, tuple[str, ...]]]:
    """(0-based line index, table path) for each table header."""
    found = []
    for index, line in enumerate(lines):
        match = _HEADER.match(line)
        if match:
            path = split_key_path(match["path"])
            if path is not None:
                found.append((index, path))
    return found


def locate_key(text: str, table: tuple[str, ...], key: str) -> int | None:
    """1-based line of `key = ...` directly under `[table]`, if written that way."""
    current: tuple[str, ...] = ()
    for index, line in enumerate(text.splitlines()):
        header = _HEADER.match(line)
        if header:
            current = split_key_path(header["path"]) or ()
            continue
        match = _KEY.match(line)
        if match and current == table and match["key"].strip("\"'") == key:
            return index + 1
    return None


def without_tables(text: str, prefix: tuple[str, ...]) -> str | None:
    """`text` without every table whose path starts with `prefix`.

    A table takes with it the comment lines directly above its header (no blank line
    between) and everything up to the next table's own comments, so that the comments of
    its neighbours stay where they were. None when `text` has no such header.
    """
    lines = text.splitlines(keepends=True)
    found = headers(lines)
    if not any(path[: len(prefix)] == prefix for _, path in found):
        return None

    def block_start(index: int) -> int:
        while index > 0 and _COMMENT.match(lines[index - 1]):
            index -= 1
        return index

    starts = [block_start(index) for index, _ in found] + [len(lines)]
    drop = set()
    for number, (_, path) in enumerate(found):
        if path[: len(prefix)] == prefix:
            drop.update(range(starts[number], starts[number + 1]))
    return "".join(line for index, line in enumerate(lines) if index not in drop)
