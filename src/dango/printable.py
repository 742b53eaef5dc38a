"""Text from project files, servers and data, made safe to show on a terminal.

A cloned repository's sources.yml, a file name in a data folder, a spreadsheet's sheet title
or a server's error can hold control characters: ESC starts sequences that recolour, hide,
move or rewrite what the terminal shows (or set its title or the clipboard), a carriage
return overwrites the line it ends, and Unicode's bidirectional controls reorder it. Each is
shown as an escape instead (`\\x1b`, `\\u202e`), as git shows such file names. Line breaks
and tabs stay. Imports nothing of Dango.
"""

from __future__ import annotations

import re

# C0 controls but tab and line feed, DEL, C1 controls, and the bidirectional marks,
# embeddings, overrides and isolates
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with every control character but line feed and tab written as an escape."""
    return _CONTROL.sub(_escaped, text)


def _escaped(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
