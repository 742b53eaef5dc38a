"""TOML text to data, or one sentence naming the file, line and fix.

tomllib's own words ("Invalid hex value", "Unescaped '\\' in a string") name the parser's
problem, not the user's. The mistakes people make by hand in `.dlt/secrets.toml` and
`.dlt/config.toml` are few: a Windows path or a password with a backslash in "...", a
quote inside a quoted value, a value without quotes, a closing quote forgotten. Each gets a
sentence and its fix. Nothing of the file's text is ever quoted: it may hold a secret.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from ..errors import MalformedFile

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_DECLARED_TWICE = re.compile(r"Cannot declare (\(.*\)) twice")

_BACKSLASH = ('a backslash in a "..." value starts an escape such as \\n, and this one is not '
              'valid (a Windows path?)',
              "write each backslash as two (C:\\\\Users\\\\me), or put the value in single quotes "
              "('C:\\Users\\me'), which keep backslashes as they are.")
_TRAILING = ('something follows the value on this line (a " inside a "..." value, or a \' inside '
             "a '...' one, ends it early)",
             'write a " inside "..." as \\", or put a value holding " in single quotes.')
_NOT_A_VALUE = ("the value after = is missing or not quoted",
                'put text in double quotes (password = "..."); only numbers, true and false go '
                "without quotes.")
_UNCLOSED = ('the quoted value on this line has no closing quote (a "..." value ends on the line '
             "it starts)", 'add the closing quote; a value that really spans lines goes between """ and """.')
_UNCLOSED_BLOCK = ("a value opened with three quotes on this line is never closed",
                   "add the same three quotes after its last line.")


def parse_toml(path: Path, text: str) -> dict[str, Any]:
    """Parse TOML text; MalformedFile with line and column, never quoting the text."""
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        position = _TOML_POSITION.search(message)
        line, column = (int(position[1]), int(position[2])) if position else (None, None)
        problem, fix, line = _toml_problem(message, text, line)
        raise MalformedFile(path, problem, line, column if position else None, fix) from None
    except RecursionError:  # arrays or inline tables nested hundreds deep
        raise MalformedFile(path, "its values are nested too deeply to read (arrays or inline "
                            "tables hundreds of levels deep)") from None


def _toml_problem(message: str, text: str, line: int | None) -> tuple[str, str | None, int | None]:
    """tomllib's message as (problem, fix or None, line) about the file: the mistakes made by
    hand, a header missing its `]`, a table declared twice (named: table names are structure,
    never values), else the parser's words without anything quoted from the text."""
    lines = text.splitlines()
    source = lines[line - 1].split("#", 1)[0].strip() if line and line <= len(lines) else ""
    if source.startswith("[") and not source.endswith("]"):
        close = "]]" if source.startswith("[[") else "]"
        return (f"the table header on this line is missing its closing {close}",
                f"add {close} at the end of that line.", line)
    twice = _DECLARED_TWICE.search(message)
    if twice:
        try:
            name = ".".join(str(part) for part in ast.literal_eval(twice[1]))
        except (ValueError, SyntaxError, TypeError):
            name = ""
        if name:
            return (f"table [{name}] is declared a second time",
                    f"move its keys under the first [{name}] and delete this header.", line)
    if message.startswith("Expected '=' after a key"):  # `password: "..."` as YAML and .env write it
        return ("the key on this line is not followed by = (TOML writes key = \"value\", not key: value, "
                "and a key holds no spaces)", 'write it as password = "...".', line)
    if message.startswith("Cannot overwrite a value"):
        return "a key set earlier in its table is set again", "keep one of the two lines.", line
    if message.startswith(("Unescaped '\\'", "Invalid hex value")):
        return (*_BACKSLASH, line)
    if message.startswith(("Illegal character '\\n'", "Illegal character '\\r'")):
        return (*_UNCLOSED, line)
    if message.startswith("Illegal character"):
        return ("this line holds a control character, which TOML does not allow in a value",
                "delete it (an editor may not show it), or write it as an escape such as \\t.", line)
    if message.startswith("Expected newline or end of document after a statement"):
        return (*_TRAILING, line)
    if message.startswith("Invalid value"):
        return (*_NOT_A_VALUE, line or _last_line(lines))
    if message.startswith(("Unterminated string", "Expected \"'\"", "Expected '\"'")):
        opened = [number for number, text_line in enumerate(lines, 1) if '"""' in text_line or "'''" in text_line]
        if opened:
            return (*_UNCLOSED_BLOCK, opened[-1])
        return (*_UNCLOSED, line or _last_line(lines))
    problem = _QUOTED.sub("", _TOML_POSITION.sub("", message)).strip() or "syntax error"
    return f"not valid TOML ({problem})", None, line


def _last_line(lines: list[str]) -> int | None:
    """The 1-based number of the last line that is not blank (where "end of document" is)."""
    numbers = [number for number, text_line in enumerate(lines, 1) if text_line.strip()]
    return numbers[-1] if numbers else None
