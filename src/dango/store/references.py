"""`${VAR}` references inside secrets.toml values (SPEC section 2).

Pure functions over strings: `${VAR}`, `${VAR:-default}`, and `$${` for a literal `${`.
A value may mix text and references (`postgresql://u:${PG_PASSWORD}@db/x`).
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
