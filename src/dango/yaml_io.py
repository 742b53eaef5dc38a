"""Reading and writing the project's YAML files.

Reads, which every command does, use PyYAML's C parser: fast, and it still knows the line
of every key (`Located` containers carry them). A parsed file is also kept as JSON in
`.cache/` beside it, keyed by the file's size, mtime and inode, so most commands never
import a YAML parser at all. Edits use ruamel.yaml's round-trip mode so users' comments
survive; only commands that write pay for importing it.
"""

from __future__ import annotations

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
    stat = path.stat()
    cached = _cache_read(path, stat)
    if cached is not _MISS:
        return cached
    data = _parse(path)
    _cache_write(path, stat, data)
    return data


def _parse(path: Path) -> Any:
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


# -- the parse cache --------------------------------------------------------------------
_MISS = object()
_SETTLE_SECONDS = 2.0  # a file changed this recently may change again within one mtime tick


def _cache_path(path: Path) -> Path:
    return path.parent / ".cache" / f"{path.name}.json"


def _stamp(stat) -> list[int]:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns]


def _cache_read(path: Path, stat) -> Any:
    import json

    try:
        entry = json.loads(_cache_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return _MISS
    if not isinstance(entry, dict) or entry.get("stamp") != _stamp(stat):
        return _MISS
    return _decode(entry.get("data"))


def _cache_write(path: Path, stat, data: Any) -> None:
    """Keep the parse for next time; only for a file that has settled, and only when the
    data is plain JSON (a YAML date, say, is parsed again each time)."""
    import json
    import time

    if time.time() - stat.st_mtime_ns / 1e9 < _SETTLE_SECONDS:
        return
    try:
        text = json.dumps({"stamp": _stamp(stat), "data": _encode(data)})
    except (TypeError, ValueError):
        return
    from .store.atomic import atomic_write

    folder = _cache_path(path).parent
    try:
        folder.mkdir(exist_ok=True)
        if not (folder / ".gitignore").exists():
            (folder / ".gitignore").write_text("*\n")
        atomic_write(_cache_path(path), text.encode("utf-8"), root=path.parent)
    except OSError:
        pass  # a read-only project still works, only slower


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        lines = getattr(value, "lines", {})
        if not all(isinstance(key, str) for key in value):
            raise TypeError("non-string key")
        return {"m": [[key, _encode(item), lines.get(key)] for key, item in value.items()]}
    if isinstance(value, list):
        lines = getattr(value, "lines", [None] * len(value))
        return {"s": [[_encode(item), line] for item, line in zip(value, lines)]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(type(value).__name__)


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "m" in value:
        result = LocatedDict()
        result.lines = {}
        for key, item, line in value["m"]:
            result[key] = _decode(item)
            result.lines[key] = line
        return result
    if isinstance(value, dict) and "s" in value:
        result = LocatedList(_decode(item) for item, _ in value["s"])
        result.lines = [line for _, line in value["s"]]
        return result
    return value


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
    import io

    stream = io.StringIO()
    _round_trip().dump(data, stream)
    return stream.getvalue()
