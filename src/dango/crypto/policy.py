"""Which values of secrets.toml are secret literals, the ones `encrypt` turns to ciphertext.

Under `[sources.<name>]` a field its source type declares not secret (a database host)
stays readable, and so does what describes an OAuth grant (client_id, scopes, expiry...);
every other string literal is secret, as SPEC section 3 says, including keys of sources
that sources.yml does not (or no longer) define. `[destination.*]` follows the same rule
for its keys. References (`${VAR}`, `ref+...`) stay as they are: they hold no secret; one
with secret text beside it (`${KEY:-default}`) is encrypted whole, as SOPS would.
[dango] holds dango's own fingerprint key, a secret encrypted with the others.

What is a ciphertext is decided by `crypto.looks_encrypted` alone: a value that looks
encrypted but is damaged (a stray space, a cut-off end) is never a plaintext literal, so
it is never encrypted again; `encrypted_values` returns it, and whoever decrypts it fails
on it with the key path and line.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..secrecy import holds_written_secret, is_secret
from ..store.references import is_placeholder, is_reference
from . import ENCRYPTED_TABLES, looks_encrypted

Path = tuple[str, ...]


def _walk(table: dict[str, Any], path: Path) -> Iterator[tuple[Path, Any]]:
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _walk(value, (*path, str(key)))
        else:
            yield (*path, str(key)), value


def leaves(data: dict[str, Any], tops: tuple[str, ...] = ("sources", "destination")) -> Iterator[tuple[Path, Any]]:
    """(full key path, value) for every non-table value under the `tops` tables: by
    default the credentials, [sources] and [destination] (what exec and export pass on)."""
    for top in tops:
        table = data.get(top)
        if isinstance(table, dict):
            yield from _walk(table, (top,))


def stored_leaves(data: dict[str, Any]) -> Iterator[tuple[Path, Any]]:
    """Every value of the tables whose secrets are encrypted: the credentials and [dango]."""
    return leaves(data, ENCRYPTED_TABLES)


def all_leaves(data: dict[str, Any]) -> Iterator[tuple[Path, Any]]:
    """Every non-table value of the whole file, whatever its table."""
    return _walk(data, ())


def encrypted_values(data: dict[str, Any]) -> dict[Path, str]:
    """Every value that looks encrypted, anywhere in the file, damaged ones included."""
    return {path: value for path, value in all_leaves(data) if looks_encrypted(value)}


def _field_is_secret(specs: dict[str, Any], path: Path) -> bool:
    """secrecy.is_secret, with the source's type when sources.yml defines it."""
    spec = specs.get(path[1]) if path[0] == "sources" and len(path) > 2 else None
    return is_secret(path, spec)


def secret_literals(data: dict[str, Any], specs: dict[str, Any]) -> dict[Path, str]:
    """The plaintext secret literals to encrypt, by full key path, as text. A secret field
    written as a TOML number (a password typed without quotes) is one too: it is encrypted
    as its text, and comes back from `decrypt` as a quoted string (what a password is)."""
    found = {}
    for path, value in stored_leaves(data):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        elif not isinstance(value, str) or looks_encrypted(value) or is_reference(value) \
                or is_placeholder(path[-1], value):  # the example's `<password>`: nothing secret
            continue
        if value and _field_is_secret(specs, path):
            found[path] = value
    return found


def reference_literals(data: dict[str, Any], specs: dict[str, Any]) -> list[Path]:
    """Secret fields whose `${VAR}` value holds secret text as written
    (`secrecy.holds_written_secret`), still in plaintext: `encrypt` encrypts them whole."""
    return [path for path, value in stored_leaves(data)
            if holds_written_secret(value) and _field_is_secret(specs, path)]


def plaintext_secrets(data: dict[str, Any], specs: dict[str, Any]) -> dict[Path, str]:
    """What `encrypt` turns to ciphertext: the secret literals, and the references that hold
    secret text as written (encrypted whole, see `secrecy.holds_written_secret`)."""
    found = secret_literals(data, specs)
    for path in reference_literals(data, specs):
        found[path] = value_at(data, path)
    return found


def value_at(data: dict[str, Any], path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def matches(path: Path, target: str | None) -> bool:
    """`target` NAME or NAME.FIELD[.SUBKEY] selects paths under [sources.NAME...]."""
    if target is None:
        return True
    wanted = ("sources", *target.split("."))
    return path[: len(wanted)] == wanted or (
        len(wanted) == 3 and len(path) >= 3 and path[:2] == wanted[:2]
        and path[2] == wanted[2] + "__previous")
