"""Reading and writing the project's YAML files, with one library and one YAML version.

Both directions use ruamel.yaml with YAML 1.2's resolver, so a value written as a string
reads back as that string (`on`, `no`, `~`, `0x1F`, `1_000`, `.inf`, dates: the writer
quotes whatever the reader would take for something else).

Reads, which every command does, use ruamel's C parser (`ruamel.yaml[libyaml]`, the pure
Python parser when it is missing) and build plain dicts and lists whose containers know
the line of each key (`Located*`). Edits use ruamel's round-trip mode so users' comments
survive; only commands that write load it. Nothing is cached: every read parses the file
as it is now (a cache in the project would be one more thing another user could plant).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import MalformedFile

VERSION = (1, 2)


class LocatedDict(dict):
    """A mapping that remembers the 1-based line of each key."""

    lines: dict[Any, int]


class LocatedList(list):
    """A sequence that remembers the 1-based line of each item."""

    lines: list[int]


_LOADER = None


def _loader():
    """A safe loader class: C parser where available, YAML 1.2 resolution, located containers."""
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    from ruamel.yaml.constructor import SafeConstructor
    from ruamel.yaml.resolver import VersionedResolver

    try:
        from ruamel.yaml.cyaml import CParser
    except ImportError:  # no C extension on this platform: the same grammar in Python
        CParser = None

    class Constructor(SafeConstructor):
        pass

    def mapping(constructor, node):
        constructor.flatten_mapping(node)
        result = LocatedDict()
        result.lines = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node, deep=True)
            try:
                result[key] = constructor.construct_object(value_node, deep=True)
            except TypeError:  # an unhashable key such as a list: not a settings file
                raise _Unhashable(key_node.start_mark) from None
            result.lines[key] = key_node.start_mark.line + 1
        return result

    def sequence(constructor, node):
        result = LocatedList(constructor.construct_object(child, deep=True) for child in node.value)
        result.lines = [child.start_mark.line + 1 for child in node.value]
        return result

    Constructor.add_constructor("tag:yaml.org,2002:map", mapping)
    Constructor.add_constructor("tag:yaml.org,2002:seq", sequence)

    if CParser is not None:
        class Loader(CParser, Constructor, VersionedResolver):  # type: ignore[misc, valid-type]
            def __init__(self, stream):
                CParser.__init__(self, stream)
                self._parser = self._composer = self
                Constructor.__init__(self, loader=self)
                VersionedResolver.__init__(self, version=VERSION, loader=self)

            def load(self):
                return self.get_single_data()
    else:
        from ruamel.yaml.composer import Composer
        from ruamel.yaml.parser import Parser
        from ruamel.yaml.reader import Reader
        from ruamel.yaml.scanner import Scanner

        class Loader(Reader, Scanner, Parser, Composer, Constructor, VersionedResolver):  # type: ignore[no-redef]
            def __init__(self, stream):
                Reader.__init__(self, stream, loader=self)
                Scanner.__init__(self, loader=self)
                Parser.__init__(self, loader=self)
                Composer.__init__(self, loader=self)
                Constructor.__init__(self, loader=self)
                VersionedResolver.__init__(self, version=VERSION, loader=self)

            def load(self):
                return self.get_single_data()

    _LOADER = Loader
    return Loader


# An alias (`*name`) makes the parser share one object: cheap to read, but every walk over
# the result (converting, copying, printing) repeats it. Settings files hold hundreds of
# values; a cloned file whose aliases nest (a list of nine `*a`, nine of those, ...) would
# hold billions and hang any command that walks it.
MAX_EXPANDED_VALUES = 200_000


def _expanded_size(value: Any, sizes: dict[int, int]) -> int:
    """How many values `value` holds once its shared (aliased) parts are counted each time
    they appear, without walking any of them twice."""
    if not isinstance(value, (dict, list)):
        return 1
    known = sizes.get(id(value))
    if known is None:
        items = value.values() if isinstance(value, dict) else value
        known = sizes[id(value)] = 1 + sum(_expanded_size(item, sizes) for item in items)
    return known


class _Unhashable(Exception):
    def __init__(self, mark):
        self.mark = mark


def read_yaml_text(path: Path) -> str:
    """The file's text, as the open change will leave it (store.atomic.current_text)."""
    from .store.atomic import current_text

    return current_text(path)


def load_yaml(path: Path) -> Any:
    """Parse `path` into plain data whose containers know their lines.

    A syntax error becomes MalformedFile with its line and column; the message carries the
    parser's problem only, never the offending text (it could be a misplaced secret).
    """
    return parse_yaml(path, read_yaml_text(path))


def conflict_line(text: str) -> int | None:
    """The line of the first `<<<<<<< ` conflict marker git left in `text`, else None."""
    if "<<<<<<< " not in text:
        return None
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("<<<<<<< "):
            return number
    return None


def parse_yaml(path: Path, text: str) -> Any:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if "\0" in text:
        raise MalformedFile(path, "holds a NUL byte, so it is not a text file")
    conflict = conflict_line(text)
    if conflict:
        raise MalformedFile(path, "has git's conflict markers (<<<<<<<, =======, >>>>>>>) from a merge",
                            conflict, fix="keep the lines each side needs, delete the three markers "
                                          "and run the command again.")
    try:
        data = _loader()(text).load()
        if _expanded_size(data, {}) > MAX_EXPANDED_VALUES:
            raise MalformedFile(path, "its aliases (*name) repeat an anchored value so often that it "
                                f"holds over {MAX_EXPANDED_VALUES:,} values (an \"alias bomb\")",
                                fix="write the values out, or remove the aliases, and run the "
                                    "command again.")
        return data
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        lines = text.splitlines()
        if mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            raise MalformedFile(path, "this line is indented with a tab, and YAML indents with spaces "
                                "only", line, column, fix="replace the tab with spaces (an editor "
                                "may show both alike).") from None
        if err.problem and ("escape character" in err.problem or "hexdecimal number" in err.problem):
            raise MalformedFile(path, 'a backslash in a "..." value starts an escape such as \\n, and '
                                "this one is not valid (a Windows path?)", line, column,
                                fix="write each backslash as two (C:\\\\Users\\\\me), or put the value "
                                "in single quotes ('C:\\Users\\me'), which keep backslashes as they are.") from None
        raise MalformedFile(path, f"not valid YAML ({err.problem or err.context})", line, column) from None
    except _Unhashable as err:
        raise MalformedFile(path, "not valid YAML (a key that is a list or a mapping)",
                            err.mark.line + 1, err.mark.column + 1) from None
    except (YAMLError, ValueError, TypeError, RecursionError):
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
    yaml.version = None  # read and write 1.2 (ruamel's default) without a %YAML directive
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never fold a long value onto a second line
    return yaml


def load_round_trip(path: Path) -> Any:
    """The file as a ruamel document for editing (comments kept); it parsed already."""
    return round_trip_document(read_yaml_text(path))


def round_trip_document(text: str) -> Any:
    """Text that parsed already, as a ruamel document for editing (comments kept)."""
    return _round_trip().load(text)


def dump_round_trip(data: Any) -> str:
    import io

    stream = io.StringIO()
    _round_trip().dump(data, stream)
    return stream.getvalue()


def dump_plain(data: Any) -> str:
    """Plain data as block YAML, keys sorted (files Dango writes whole, such as credentials.yml)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.width = 4096
    import io

    stream = io.StringIO()
    yaml.dump(_sorted(data), stream)
    return stream.getvalue()


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value, key=str)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value
