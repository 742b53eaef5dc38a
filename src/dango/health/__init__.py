"""Live health checks: one cheap, read-only check per source type (SPEC section 6).

Each check gets the source's resolved configuration (in memory) and a timeout, and says
`valid`, `invalid` (the provider refused the credential; with its reason) or `unknown`
(network error, timeout, 5xx: never reported as valid). Check modules import their HTTP
client or database driver when they run, never before.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable

from .. import redact
from ..secrecy import is_secret

VALID, INVALID, UNKNOWN = "valid", "invalid", "unknown"
DEFAULT_TIMEOUT = 10.0
REASON_LIMIT = 200  # characters of a provider's or driver's message shown as the reason

# source type -> "module:function" in this package
CHECKS = {
    "csv": "files:check_csv",
    "local_files": "files:check_local_files",
    "stripe": "stripe:check",
    "rest_api": "rest_api:check",
    "postgres": "sql:check_postgres",
    "mysql": "sql:check_mysql",
    "google_sheets": "oauth:check",
    "google_analytics": "oauth:check",
    "google_ads": "oauth:check",
    "facebook_ads": "oauth:check",
}


@dataclass(frozen=True)
class Health:
    status: str  # valid | invalid | unknown
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.status == VALID


@dataclass(frozen=True)
class CheckContext:
    """What a check may use: the project, the source, its resolved config, a timeout."""

    project: Any
    source: Any
    config: dict[str, Any]
    timeout: float


def checker(type_name: str) -> Callable[[CheckContext], Health]:
    if type_name not in CHECKS:  # a kept source of a type dango cannot load yet (dango migrate)
        return lambda ctx: Health(UNKNOWN, f"dango cannot check {type_name} sources yet")
    module_name, function = CHECKS[type_name].split(":")
    return getattr(importlib.import_module(f"{__name__}.{module_name}"), function)


def secrets_of(ctx: CheckContext) -> list[Any]:
    """The values of the source's config that secrecy.py calls secret (a candidate under
    test included): what a provider's answer must never show."""
    found = []
    for key, value in ctx.config.items():
        path = ("sources", ctx.source.name, key)
        if isinstance(value, dict):  # a table (OAuth tokens, a connection's fields): its secret keys
            found += [v for k, v in value.items() if is_secret((*path, str(k)), ctx.source.spec)]
        elif is_secret(path, ctx.source.spec):
            found.append(value)
    return found


def scrub(text: str, secrets: list[Any], limit: int = REASON_LIMIT, *, first_line: bool = False) -> str:
    """`text` (its first line only, with `first_line`) with `secrets` and every secret known
    before masked by the one redaction layer, then shortened to `limit` characters: every
    cut is made on redacted text."""
    redact.register(secrets)
    if first_line:
        lines = redact.redact(text).strip().splitlines()
        text = lines[0] if lines else ""
    return redact.shorten(text, limit)
