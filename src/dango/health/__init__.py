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

VALID, INVALID, UNKNOWN = "valid", "invalid", "unknown"
DEFAULT_TIMEOUT = 10.0

# source type -> "module:function" in this package
CHECKS = {
    "csv": "files:check_csv",
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
    module_name, function = CHECKS[type_name].split(":")
    return getattr(importlib.import_module(f"{__name__}.{module_name}"), function)


def scrub(text: str, config: dict[str, Any]) -> str:
    """`text` with the config's secret values (a candidate under test included) masked by
    the one redaction layer."""
    from .. import redact

    redact.register(config)
    return redact.redact(text)
