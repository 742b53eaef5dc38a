"""Text from project files, servers and data, made safe to show on a terminal.

A cloned repository's sources.yml, a file name in a data folder, a spreadsheet's sheet title
or a server's error can hold control characters: ESC starts sequences that recolour, hide,
move or rewrite what the terminal shows (or set its title or the clipboard), a carriage
return overwrites the line it ends, and Unicode's bidirectional controls reorder it. Each is
shown as an escape instead (`\\e`, `\\u202e`), as git shows such file names. Line breaks
and tabs stay. Imports nothing of Dango.
"""

from __future__ import annotations

# C0 controls but tab and line feed, DEL, C1 controls, and the bidirectional marks,
# embeddings, overrides and isolates, each with the escape shown in its place
_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x00, 0x09), *range(0x0b, 0x20), *range(0x7f, 0xa0))}
_ESCAPES.update({code: f"\\u{code:04x}" for code in (0x061c, 0x200e, 0x200f, *range(0x202a, 0x202f),
                                                     *range(0x2066, 0x206a))})
_ESCAPES.update({0x0d: "\\r", 0x1b: "\\e"})
_ONE_LINE = {**_ESCAPES, 0x0a: "\\n"}


def printable(text: str, *, one_line: bool = False) -> str:
    """`text` with every control character but line feed and tab written as an escape
    (`\\e`, `\\r`, `\\x07`, `\\u202e`); with `one_line`, a line feed too (`\\n`: a file
    name that would forge a line of a report)."""
    return text.translate(_ONE_LINE if one_line else _ESCAPES)
