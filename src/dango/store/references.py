"""References inside secrets.toml values (SPEC section 2).

Pure functions over strings: `${VAR}`, `${VAR:-default}`, and `$${` for a literal `${`.
A value may mix text and references (`postgresql://u:${PG_PASSWORD}@db/x`). A value that is
exactly `ref+SCHEME://…` names an entry in a secret store instead (see the end of the file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping

# One token at a time: the escape, a well-formed reference, or a stray `${`.
_TOKEN = re.compile(
    r"(?P<escape>\$\$\{)"
    r"|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}"
    r"|(?P<stray>\$\{)"
)


@dataclass(frozen=True)
class Reference:
    """One `${NAME}` or `${NAME:-default}` in a stored value."""

    name: str
    default: str | None


class BadReference(ValueError):
    """A `${` that starts no valid reference (and is not escaped as `$${`)."""


def references(value: str) -> list[Reference]:
    """The references in `value`, in order; raises BadReference for a stray `${`."""
    found = []
    for match in _TOKEN.finditer(value):
        if match["stray"]:
            raise BadReference(value)
        if match["name"]:
            found.append(Reference(match["name"], match["default"]))
    return found


def is_reference(value: object) -> bool:
    """A `${VAR}` reference or a `ref+` store reference: a value that is not a literal."""
    if is_vault_reference(value):
        return True
    return isinstance(value, str) and "${" in value and bool(_references_or_none(value))


def _references_or_none(value: str) -> list[Reference] | None:
    try:
        return references(value)
    except BadReference:
        return None


def interpolate(value: str, lookup: Callable[[str], str | None],
                on_missing: Callable[[str], str]) -> str:
    """`value` with each reference replaced by `lookup(name)`, its default, or `on_missing`."""

    def replace(match: re.Match) -> str:
        if match["escape"]:
            return "${"
        if match["stray"]:
            raise BadReference(value)
        found = lookup(match["name"])
        if found is not None:
            return found
        if match["default"] is not None:
            return match["default"]
        return on_missing(match["name"])

    return _TOKEN.sub(replace, value)


def written_parts(value: str) -> list[str]:
    """What a value with references holds as written: each default (`${VAR:-default}`) and
    each run of literal text between references (`$${` read as `${`); [] for a stray `${`."""
    parts, cursor, text = [], 0, ""
    for match in _TOKEN.finditer(value):
        if match["stray"]:
            return []
        text += value[cursor:match.start()]
        cursor = match.end()
        if match["escape"]:
            text += "${"
            continue
        parts.append(text)
        text = ""
        if match["default"]:
            parts.append(match["default"])
    parts.append(text + value[cursor:])
    return [part for part in parts if part]


def escape(literal: str) -> str:
    """A literal to store so that it reads back unchanged (`${` becomes `$${`)."""
    return literal.replace("${", "$${")


def single_reference(value: str) -> Reference | None:
    """The reference when `value` is exactly one `${VAR}` / `${VAR:-x}`, else None."""
    match = _TOKEN.fullmatch(value)
    if match and match["name"]:
        return Reference(match["name"], match["default"])
    return None


def env_lookup(*layers: Mapping[str, str]) -> Callable[[str], str | None]:
    def lookup(name: str) -> str | None:
        for layer in layers:
            if name in layer:
                return layer[name]
        return None
    return lookup


# -- `ref+SCHEME://…` references to a secret store (helmfile's `vals` convention) ----------
#
# A stored value that is exactly `ref+SCHEME://PATH[?QUERY][#/POINTER]` is fetched from a
# secret store when it is used (dango.vaults). These functions only read the text: they
# never contact a store, so `config show` and `validate` can use them.

REF_PREFIX = "ref+"
_VAULT = re.compile(r"ref\+(?P<scheme>[a-z][a-z0-9]*)://(?P<rest>.*)\Z", re.DOTALL)


@dataclass(frozen=True)
class VaultReference:
    """One `ref+SCHEME://PATH[?QUERY][#/POINTER]`, read into its parts."""

    scheme: str  # awssecrets, awsssm, sops, keyring, file
    path: str  # what the store calls the entry (a secret name, a parameter, a file)
    query: tuple[tuple[str, str], ...]  # ?region=eu-west-1&version_stage=AWSCURRENT
    pointer: str | None  # an RFC 6901 JSON pointer into the document (`#/a/b`), else None

    def option(self, name: str) -> str | None:
        return next((value for key, value in self.query if key == name), None)


class BadVaultReference(BadReference):
    """A `ref+` value that cannot be read as SCHEME://PATH[?QUERY][#/POINTER]; `reason`
    completes "KEY_PATH ..." without repeating the value (which may embed a token)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# What `dlt init` writes for a value to fill in (dlt's TYPE_EXAMPLES["text"]).
DLT_PLACEHOLDER = "<configure me>"


def placeholder_of(key: str) -> str:
    """What .dlt/secrets.toml.example holds for `key`'s value: `<password>`."""
    return f"<{key}>"


def is_placeholder(key: str, value: object) -> bool:
    """A value that only marks where one belongs: the example's `<password>` or dlt init's
    `<configure me>`, as left by copying secrets.toml.example or a dlt project's file.
    It is no credential: it is not set, never a secret, and never a key."""
    return isinstance(value, str) and value in (placeholder_of(key), DLT_PLACEHOLDER)


def is_vault_reference(value: object) -> bool:
    """True when `value` is meant as a `ref+` reference (well-formed or not)."""
    return isinstance(value, str) and value.startswith(REF_PREFIX)


def parse_vault_reference(value: str) -> VaultReference:
    """The parts of `ref+SCHEME://PATH[?QUERY][#/POINTER]`; BadVaultReference otherwise."""
    from urllib.parse import parse_qsl, unquote

    match = _VAULT.match(value)
    if match is None:
        raise BadVaultReference("is not of the form ref+SCHEME://PATH (such as "
                                "ref+awssecrets://prod/stripe#/api_key)")
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise BadVaultReference("has a control character or a line break in its ref+ reference")
    rest, _, fragment = match["rest"].partition("#")
    rest, _, query_text = rest.partition("?")
    pointer = None
    if fragment:
        if not fragment.startswith("/"):
            raise BadVaultReference("has a #fragment that is not a JSON pointer (write it as #/api_key)")
        pointer = fragment
    elif match["rest"].endswith("#"):
        raise BadVaultReference("has a # followed by no JSON pointer (write it as #/api_key)")
    path = unquote(rest)
    if not path.strip("/"):
        raise BadVaultReference("has a ref+ reference that names no entry after SCHEME://")
    try:
        query = tuple(parse_qsl(query_text, keep_blank_values=True, strict_parsing=bool(query_text)))
    except ValueError:
        raise BadVaultReference("has a ?query that is not NAME=VALUE pairs joined by &") from None
    return VaultReference(match["scheme"], path, query, pointer)


def pointer_parts(pointer: str) -> list[str]:
    """The keys of an RFC 6901 pointer: `/a~1b/c~0d` -> ["a/b", "c~d"]."""
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]]
