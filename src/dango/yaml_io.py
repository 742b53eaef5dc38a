"""Reading and writing the project's YAML files (ruamel.yaml, so users' comments survive)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from .errors import MalformedFile


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never fold a long value onto a second line
    return yaml


def load_yaml(path: Path) -> Any:
    """Parse `path`; a syntax error becomes MalformedFile with its line and column.

    The message carries the parser's problem only, never the offending text (which could
    be a secret pasted in the wrong file).
    """
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    text = path.read_text(encoding="utf-8")
    try:
        return _yaml().load(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise MalformedFile(path, f"not valid YAML ({err.problem or err.context})", line, column) from None
    except YAMLError:
        raise MalformedFile(path, "not valid YAML") from None


def dump_yaml(data: Any) -> str:
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


def line_of(node: Any, key: Any) -> int | None:
    """1-based line of `key` in a ruamel mapping or sequence, when ruamel knows it."""
    try:
        if isinstance(key, int):
            return node.lc.item(key)[0] + 1
        return node.lc.key(key)[0] + 1
    except Exception:  # plain values carry no position
        return None
