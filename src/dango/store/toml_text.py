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


def key_lines(text: str) -> dict[tuple[tuple[str, ...], str], int]:
    """(table path, key) -> 1-based line, for every `key = ...` written under a header."""
    index: dict[tuple[tuple[str, ...], str], int] = {}
    current: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            current = split_key_path(header["path"]) or ()
            continue
        match = _KEY.match(line)
        if match:
            index.setdefault((current, match["key"].strip("\"'")), number)
    return index


def locate_key(text: str, table: tuple[str, ...], key: str) -> int | None:
    """1-based line of `key = ...` directly under `[table]`, if written that way."""
    return key_lines(text).get((table, key))


def without_tables(text: str, prefix: tuple[str, ...]) -> str | None:
    """`text` without every table whose path starts with `prefix`.

    A table takes with it the comment lines directly above its header (no blank line
    between) and everything up to the next table's own comments, so that the comments of
    its neighbours stay where they were. None when `text` has no such header.
    """
    lines = text.splitlines(keepends=True)
    found, starts = _blocks(lines)
    if not any(path[: len(prefix)] == prefix for _, path in found):
        return None
    drop = set()
    for number, (_, path) in enumerate(found):
        if path[: len(prefix)] == prefix:
            drop.update(range(starts[number], starts[number + 1]))
    return "".join(line for index, line in enumerate(lines) if index not in drop)


def _blocks(lines: list[str]) -> tuple[list[tuple[int, tuple[str, ...]]], list[int]]:
    """Headers and where each one's block starts (its own comments included)."""
    found = headers(lines)

    def block_start(index: int) -> int:
        while index > 0 and _COMMENT.match(lines[index - 1]):
            index -= 1
        return index

    return found, [block_start(index) for index, _ in found] + [len(lines)]


def _content_end(lines: list[str], start: int, stop: int) -> int:
    """Index after the last line in [start, stop) that is neither blank nor a comment."""
    end = stop
    while end > start and (not lines[end - 1].strip() or _COMMENT.match(lines[end - 1])):
        end -= 1
    return end


def with_key_added(text: str, table: tuple[str, ...], line: str) -> str | None:
    """`text` with `line` (`key = value\\n`) added as the last key of the existing `[table]`,
    before the blank lines and comments that lead to the next table. None when `[table]`
    is not written as a header."""
    lines = text.splitlines(keepends=True)
    found, starts = _blocks(lines)
    for number, (index, path) in enumerate(found):
        if path == table:
            at = _content_end(lines, index + 1, starts[number + 1])
            at = max(at, index + 1)
            if at and not lines[at - 1].endswith("\n"):
                lines[at - 1] += "\n"
            lines.insert(at, line)
            return "".join(lines)
    return None


def with_table_added(text: str, after: tuple[str, ...], block: str,
                     before: tuple[str, ...] | None = None) -> str:
    """`text` with `block` (a table header and its keys) placed after the last table whose
    path starts with `after`; failing that, before the `before` table (with its comments);
    else at the end. Blocks are separated by one blank line."""
    lines = text.splitlines(keepends=True)
    found, starts = _blocks(lines)
    last = [n for n, (_, path) in enumerate(found) if path[: len(after)] == after]
    first_before = [n for n, (_, path) in enumerate(found) if before and path[: len(before)] == before]
    if last:
        at = _content_end(lines, found[last[-1]][0] + 1, starts[last[-1] + 1])
    elif first_before:
        at = starts[first_before[0]]
        while at > 0 and not lines[at - 1].strip():
            at -= 1
    else:
        at = len(lines)
        while at > 0 and not lines[at - 1].strip():
            at -= 1
    head, tail = "".join(lines[:at]), "".join(lines[at:])
    if head and not head.endswith("\n"):
        head += "\n"
    separator = "\n" if head.strip() else ""
    if tail.strip() and not tail.startswith("\n"):
        block += "\n"
    return head + separator + block + tail
