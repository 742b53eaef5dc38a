"""Every stored credential resolved and decrypted, in memory: for `dango exec` (as dlt's
environment variables) and `dango secrets export --reveal` (env or TOML text for a vault).

Names follow dlt's environment provider: `[sources.pay] api_key` becomes
`SOURCES__PAY__API_KEY`, `[sources.gs.credentials] refresh_token` becomes
`SOURCES__GS__CREDENTIALS__REFRESH_TOKEN`, `[destination.postgres.credentials] password`
becomes `DESTINATION__POSTGRES__CREDENTIALS__PASSWORD`. Lists go as JSON, which dlt parses.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any, Mapping

from ..credentials import Resolver
from ..errors import UnsetVariable
from ..store.references import is_placeholder
from ..store.secrets_file import SecretsFile
from . import policy

Path = tuple[str, ...]


def resolved_values(project, *, skip_unset: bool = False) -> tuple[dict[Path, Any], list[UnsetVariable]]:
    """{full key path: resolved value} for every value under [sources] and [destination];
    with `skip_unset`, values whose ${VAR} is unset are left out and returned as problems."""
    secrets = SecretsFile.load(project)
    resolver = Resolver(project, secrets)
    values: dict[Path, Any] = {}
    unset: list[UnsetVariable] = []
    for path, raw in policy.leaves(secrets.data):
        if is_placeholder(path[-1], raw):  # a copied example's `<password>`: no credential to hand on
            continue
        try:
            values[path] = resolver.resolve_stored(raw, ".".join(path), secrets.line_of(path[:-1], path[-1]))
        except UnsetVariable as err:
            if not skip_unset:
                raise
            unset.append(err)
    return values, unset


def env_name(path: Path) -> str:
    return "__".join(part.upper() for part in path)


def env_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, default=str)
    return str(value)


def environment(project, base: Mapping[str, str]) -> tuple[dict[str, str], list[UnsetVariable]]:
    """`base` plus every credential as dlt's variable; a variable already in `base` wins,
    as dlt's own override does. Previous values kept during a rotation are left out, and so
    is DANGO_MASTER_KEY: the program gets the credentials, not the key to all of them."""
    values, unset = resolved_values(project, skip_unset=True)
    env = {name: value for name, value in base.items() if name != "DANGO_MASTER_KEY"}  # not needed there
    for path, value in values.items():
        if any(part.endswith("__previous") for part in path):
            continue
        env.setdefault(env_name(path), env_text(value))
    return env, unset


def as_env_file(values: dict[Path, Any]) -> tuple[str, list[str]]:
    """`NAME='value'` lines that POSIX shells and python-dotenv (the reader of `.env`) read
    alike, and the names of the values no line can write alike (see `env_line`)."""
    lines, shell_only = [], []
    for path, value in values.items():
        line, alike = env_line(env_name(path), env_text(value))
        lines.append(line)
        if not alike:
            shell_only.append(env_name(path))
    return "\n".join(lines) + ("\n" if lines else ""), shell_only


def env_line(name: str, text: str) -> tuple[str, bool]:
    """(`NAME=...`, whether a shell and python-dotenv read it alike).

    Single quotes keep everything for a shell, but python-dotenv decodes `\\` and `\'`
    inside them and cannot read the shell's `'\''`. So a value with a ' or a backslash goes
    in double quotes, with `\\` and `\"`, which both decode the same way; a shell would
    also expand $ and ` there, so a value holding those as well is written for a shell
    (`source FILE`), and False says python-dotenv would read it otherwise, as it does any
    `${...}`, which it expands inside quotes of either kind."""
    if "'" not in text and "\\" not in text:
        return f"{name}='{text}'", "${" not in text
    if "$" not in text and "`" not in text:
        return f'{name}="' + text.replace("\\", "\\\\").replace('"', '\\"') + '"', True
    return f"{name}='" + text.replace("'", "'\\''") + "'", False


def as_toml(values: dict[Path, Any]) -> str:
    import tomlkit

    from ..store.references import escape

    doc = tomlkit.document()
    for path, value in values.items():
        table = doc
        for part in path[:-1]:
            if part not in table:
                table[part] = tomlkit.table(is_super_table=len(path) > 2 and part in ("sources", "destination"))
            table = table[part]
        # Resolved values are final: a literal ${ is written escaped, so the text reads back the same.
        table[path[-1]] = escape(value) if isinstance(value, str) else value
    return tomlkit.dumps(doc)
