"""`.dango/team.sops.yaml`: the shared values, as SOPS writes them.

The plaintext shape is `{"sources": {name: {field: value}}, "destination": {...},
"dango": {"fingerprint_key": ...}}`, the tables of `.dlt/secrets.toml` that a teammate
needs. It exists only in memory and on the pipes to and from `sops`: `encode` gives the
bytes to pipe into `sops encrypt` (JSON, which SOPS reads as YAML, so every string stays a
string), `read` takes the file's bytes and a decrypt function and returns a plain dict.
Nothing here knows a project (STYLE rule 4): the workflow hands the bytes and the sops
calls in.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator

PATH = ".dango/team.sops.yaml"
TOPS = ("sources", "destination")  # whole tables that are shared
SHARED_KEYS = (("dango", "fingerprint_key"),)  # single keys that are shared
LOCAL_SUFFIXES = ("__previous",)  # a rotation in progress stays on this machine

Path_ = tuple[str, ...]
Scalar = str | int | float | bool


class BadTeamFile(ValueError):
    """The decrypted team file is not the shape above (the caller names the file)."""

    fix = "restore it from git (git checkout -- .dango/team.sops.yaml)"


class BadTeamValue(BadTeamFile):
    """A key or value no credential or setting holds (a control character, a line break)."""

    fix = ("restore an earlier version of it from git (git log -- .dango/team.sops.yaml); the teammate "
           "who pushed the value corrects it and pushes again")


class NewerTeamFile(BadTeamFile):
    """The team file has parts this version does not know: a newer dango wrote it."""

    fix = "upgrade dango (pip install --upgrade dango) and run the command again"


def shared_values(data: dict[str, Any]) -> dict[Path_, Any]:
    """The shareable values of a secrets.toml (as parsed) or of a decrypted team file, by
    full key path: every leaf under [sources] and [destination], and dango's fingerprint key;
    a list (OAuth scopes) is one value."""
    found: dict[Path_, Any] = {}
    for top in TOPS:
        table = data.get(top)
        if isinstance(table, dict):
            for path, value in _leaves(table, (top,)):
                found[path] = value
    for path in SHARED_KEYS:
        value = _get(data, path)
        if value is not None and not isinstance(value, dict):
            found[path] = value
    return found


def _leaves(table: dict[str, Any], path: Path_) -> Iterator[tuple[Path_, Any]]:
    for key, value in table.items():
        key = str(key)
        if key.endswith(LOCAL_SUFFIXES):
            continue
        if isinstance(value, dict):
            yield from _leaves(value, (*path, key))
        else:
            yield (*path, key), _plain(value)


def _plain(value: Any) -> Any:
    """TOML's values as JSON has them: a date or time becomes its ISO text."""
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (str, int, float, bool)):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def nest(values: dict[Path_, Any]) -> dict[str, Any]:
    """The nested document for flat `values`, keys sorted (a stable file for git diffs)."""
    document: dict[str, Any] = {}
    for path in sorted(values):
        table = document
        for part in path[:-1]:
            table = table.setdefault(part, {})
        table[path[-1]] = values[path]
    return document


def encode(values: dict[Path_, Any]) -> bytes:
    """The plaintext to pipe into `sops encrypt` (JSON: valid YAML, with every string quoted)."""
    return json.dumps(nest(values), ensure_ascii=False, sort_keys=True).encode("utf-8")


def read(ciphertext: bytes, decrypt: Callable[[bytes], bytes]) -> dict[Path_, Any]:
    """The shared values of a team file: `decrypt` turns its bytes into JSON plaintext."""
    plain = decrypt(ciphertext)
    try:
        document = json.loads(plain)
    except (ValueError, RecursionError):
        raise BadTeamFile("its decrypted content is not a mapping") from None
    if not isinstance(document, dict):
        raise BadTeamFile("its decrypted content is not a mapping")
    unknown = sorted(set(document) - set(TOPS) - {path[0] for path in SHARED_KEYS})
    if unknown:
        raise NewerTeamFile(f"has a top-level key this version of dango does not know ({unknown[0]}), so a "
                            "newer dango probably wrote it")
    values = shared_values(document)
    check_values(values)
    for path in _float_paths(ciphertext):
        if type(values.get(path)) is int:  # sops prints the float 5.0 as 5
            values[path] = float(values[path])
    return values


def check_values(values: dict[Path_, Any]) -> None:
    """BadTeamValue for a key or text value with a control character or a line break: `dango
    secrets set` refuses them, and a pull must not bring in (to secrets.toml, then to every
    `config show`) a terminal escape or a line that forges output."""
    from ..errors import InvalidValue
    from ..registry import check_text

    for path, value in values.items():
        texts = [*path, *(item for item in (value if isinstance(value, list) else [value]) if isinstance(item, str))]
        try:
            for text in texts:
                check_text(text, ".".join(path))
        except InvalidValue:
            raise BadTeamValue(f"holds a key or value at {'.'.join(_shown(part) for part in path)} with a "
                               "control character or a line break, which no credential or setting holds") from None


def _shown(part: str) -> str:
    """A key name as it can be shown: control characters and line breaks as `?`."""
    return "".join("?" if ord(char) < 0x20 or 0x7f <= ord(char) <= 0x9f else char for char in part)


def _float_paths(ciphertext: bytes) -> set[Path_]:
    """The key paths whose encrypted value SOPS marks `type:float`: its metadata keeps a
    value's type, but its decrypted output writes a whole float without its `.0`."""
    from ..yaml_io import parse_yaml

    try:
        document = parse_yaml(PATH, ciphertext.decode("utf-8"))
    except Exception:  # read() above decrypted it: a parse failure here only loses the types
        return set()
    found: set[Path_] = set()

    def walk(node: Any, path: Path_) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value, (*path, str(key)))
            elif isinstance(value, str) and value.startswith("ENC[") and value.endswith(",type:float]"):
                found.add((*path, str(key)))

    if isinstance(document, dict):
        walk({k: v for k, v in document.items() if k != "sops"}, ())
    return found


def recipients(ciphertext: bytes) -> list[str]:
    """The age recipients the file's data key is wrapped for (read from its `sops:` metadata,
    without decrypting anything); [] when there is no such metadata."""
    from ..yaml_io import parse_yaml

    try:
        document = parse_yaml(PATH, ciphertext.decode("utf-8"))
    except Exception:  # a damaged file: the callers report it when they decrypt it
        return []
    meta = document.get("sops") if isinstance(document, dict) else None
    found = []
    for entry in (meta or {}).get("age") or []:
        if isinstance(entry, dict) and isinstance(entry.get("recipient"), str):
            found.append(entry["recipient"].strip())
    for group in (meta or {}).get("key_groups") or []:
        for entry in (group or {}).get("age") or [] if isinstance(group, dict) else []:
            if isinstance(entry, dict) and isinstance(entry.get("recipient"), str):
                found.append(entry["recipient"].strip())
    return found


def plaintext_leaves(ciphertext: bytes) -> Iterator[tuple[int, str]]:
    """(line, key path) of every value of the file that SOPS did not encrypt (outside its
    own `sops:` metadata): the file is meant to hold none."""
    from ..yaml_io import line_of, parse_yaml

    document = parse_yaml(PATH, ciphertext.decode("utf-8", "replace"))
    if not isinstance(document, dict):
        return

    def encrypted(value: Any) -> bool:
        return isinstance(value, str) and value.startswith("ENC[AES256_GCM,")

    def walk(node: Any, path: Path_) -> Iterator[tuple[int, str]]:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            inner = (*path, str(key)) if isinstance(node, dict) else path
            if isinstance(value, (dict, list)):
                yield from walk(value, inner)
            elif not encrypted(value):
                yield line_of(node, key) or 0, ".".join(inner)

    yield from walk(_without_sops(document), ())


def _without_sops(document: Any) -> Any:
    """The document without SOPS's own metadata (its lines kept)."""
    from ..yaml_io import LocatedDict

    kept = LocatedDict((k, v) for k, v in document.items() if k != "sops")
    kept.lines = getattr(document, "lines", {})
    return kept
