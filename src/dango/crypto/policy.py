"""Which values of secrets.toml are secret literals, the ones `encrypt` turns to ciphertext.

Under `[sources.<name>]` a field its source type declares not secret (a database host)
stays readable, and so does what describes an OAuth grant (client_id, scopes, expiry...);
every other string literal is secret, as SPEC section 3 says, including keys of sources
that sources.yml does not (or no longer) define. `[destination.*]` follows the same rule
for its keys. References (`${VAR}`) stay as they are: they hold no secret.
[dango] holds dango's own fingerprint key and is left alone.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..redact import NOT_SECRET_KEYS
from ..store.references import is_reference
from . import is_encrypted

Path = tuple[str, ...]


def leaves(data: dict[str, Any]) -> Iterator[tuple[Path, Any]]:
    """(full key path, value) for every non-table value under [sources] and [destination]."""
    def walk(table: dict[str, Any], path: Path) -> Iterator[tuple[Path, Any]]:
        for key, value in table.items():
            if isinstance(value, dict):
                yield from walk(value, (*path, str(key)))
            else:
                yield (*path, str(key)), value

    for top in ("sources", "destination"):
        table = data.get(top)
        if isinstance(table, dict):
            yield from walk(table, (top,))


def encrypted_values(data: dict[str, Any]) -> dict[Path, str]:
    return {path: value for path, value in leaves(data) if is_encrypted(value)}


def _field_is_secret(specs: dict[str, Any], path: Path) -> bool:
    if path[-1] in NOT_SECRET_KEYS and (len(path) > 3 or path[0] != "sources"):
        return False  # a key that describes rather than authenticates (host, client_id...)
    if path[0] != "sources" or len(path) < 3:
        return True
    spec = specs.get(path[1])
    base = path[2].removesuffix("__previous")
    if spec is None or not spec.has_field(base):
        return path[-1] not in NOT_SECRET_KEYS
    if not spec.field(base).secret:
        return False
    return len(path) == 3 or path[-1] not in NOT_SECRET_KEYS


def secret_literals(data: dict[str, Any], specs: dict[str, Any]) -> dict[Path, str]:
    """The plaintext secret literals to encrypt, by full key path."""
    return {path: value for path, value in leaves(data)
            if isinstance(value, str) and value and not is_encrypted(value)
            and not is_reference(value) and _field_is_secret(specs, path)}


def matches(path: Path, target: str | None) -> bool:
    """`target` NAME or NAME.FIELD[.SUBKEY] selects paths under [sources.NAME...]."""
    if target is None:
        return True
    wanted = ("sources", *target.split("."))
    return path[: len(wanted)] == wanted or (
        len(wanted) == 3 and len(path) >= 3 and path[:2] == wanted[:2]
        and path[2] == wanted[2] + "__previous")
