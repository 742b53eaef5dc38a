"""Reading and writing the project's YAML files.

Reads, which every command does, use PyYAML's C parser: fast, and it still knows the line
of every key (`Located` containers carry them). Edits use ruamel.yaml's round-trip mode
so users' comments survive; only commands that write pay for importing it.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from .errors import MalformedFile


class LocatedDict(dict):
    """A mapping that remembers the 1-based line of each key."""

    lines: dict[Any, int]


class LocatedList(list):
    """A sequence that remembers the 1-based line of each item."""

    lines: list[int]


def _loader():
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        pass

    def mapping(loader, node):
        loader.flatten_mapping(node)
        result = LocatedDict()
        result.lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            result[key] = loader.construct_object(value_node, deep=True)
            result.lines[key] = key_node.start_mark.line + 1
        return result

    def sequence(loader, node):
        result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
        result.lines = [child.start_mark.line + 1 for child in node.value]
        return result

    Loader.add_constructor("tag:yaml.org,2002:map", mapping)
    Loader.add_constructor("tag:yaml.org,2002:seq", sequence)
    return Loader


def load_yaml(path: Path) -> Any:
    """Parse `path` into plain data whose containers know their lines.

    A syntax error becomes MalformedFile with its line and column; the message carries the
    parser's problem only, never the offending text (it could be a misplaced secret).
    """
    import yaml

    text = path.read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise MalformedFile(path, f"not valid YAML ({err.problem or err.context})", line, column) from None
    except yaml.YAMLError:
        raise MalformedFile(path, "not valid YAML") from None


def line_of(node: Any, key: Any) -> int | None:
    """1-based line of `key` in a mapping (or index in a sequence) from load_yaml."""
    lines = getattr(node, "lines", None)
    if lines is None:
        return None
    try:
        return lines[key]
    except (KeyError, IndexError, TypeError):
        return None


def _round_trip():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never fold a long value onto a second line
    return yaml


def load_round_trip(path: Path) -> Any:
    """The file as a ruamel document for editing (comments kept); it parsed already."""
    return _round_trip().load(path.read_text(encoding="utf-8"))


def dump_round_trip(data: Any) -> str:
    stream = io.StringIO()
    _round_trip().dump(data, stream)
    return stream.getvalue()
