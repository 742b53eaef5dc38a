"""Where sources load to: DuckDB (default) or PostgreSQL, chosen in .dango/project.yml.

    destination: postgres        # default: duckdb

PostgreSQL reads its credentials where dlt expects them, `[destination.postgres.credentials]`
in .dlt/secrets.toml: a connection URL or a table of host, port, database, username and
password; values may be `${VAR}` references (resolved in memory). Each source loads into
its own schema (dataset) `raw_<source name>` either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import DangoError
from ..project import Project

KINDS = ("duckdb", "postgres")
CREDENTIALS_KEY = "destination.postgres.credentials"


@dataclass
class Destination:
    kind: str
    label: str  # shown to the user; never holds a secret
    credentials: Any = None  # in memory only

    def factory(self):
        import dlt

        if self.kind == "duckdb":
            from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

            # every setting that dlt would otherwise read from .dlt/config.toml or secrets.toml
            # (a cloned repository's) and run as SQL on the warehouse connection: pragmas,
            # statements, extensions, SET options (`COPY ... TO '~/.bashrc'` is one pragma away).
            # No extension is installed or loaded on demand either: a view in a warehouse file
            # that came with a clone could otherwise fetch httpfs and send a local file away.
            settings = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
            credentials = DuckDbCredentials(self.credentials, extensions=[], global_config=settings,
                                            pragmas=[], statements=[], local_config={})
            return dlt.destinations.duckdb(credentials=credentials)
        return dlt.destinations.postgres(credentials=self.credentials)


def warehouse_path(project: Project):
    return project.data_dir / "warehouse.duckdb"


def choose(project: Project, resolver) -> Destination:
    kind = str(project.settings.get("destination") or "duckdb")
    if kind not in KINDS:
        raise DangoError(
            f"destination: {kind} in .dango/project.yml is not one dango can load into; "
            f"use one of: {', '.join(KINDS)}.")
    if kind == "duckdb":
        path = warehouse_path(project)
        return Destination("duckdb", f"duckdb {project.relative(path)}", str(path))
    raw = ((resolver.secrets.data.get("destination") or {}).get("postgres") or {}).get("credentials")
    if not raw:
        raise DangoError(
            "destination: postgres is set in .dango/project.yml but .dlt/secrets.toml has no "
            f"[{CREDENTIALS_KEY}]; add a connection URL there (credentials = \"postgresql://...\") "
            "or host, port, database, username and password keys.")
    credentials = resolver.resolve_stored(raw, CREDENTIALS_KEY)
    return Destination("postgres", f"postgres {_describe(credentials)}", _credentials(credentials))


def _credentials(value: Any):
    """A URL as is; a table of fields as the URL dlt parses (password quoted)."""
    if isinstance(value, str):
        return value
    from urllib.parse import quote

    user = quote(str(value.get("username", "")), safe="")
    password = value.get("password")
    auth = f"{user}:{quote(str(password), safe='')}@" if password else (f"{user}@" if user else "")
    port = f":{value['port']}" if value.get("port") else ""
    return f"postgresql://{auth}{value.get('host', 'localhost')}{port}/{value.get('database', '')}"


def _describe(value: Any) -> str:
    """host:port/database of the credentials, for messages (no user name, no password)."""
    if isinstance(value, str):
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        host = parts.hostname or ""
        return f"{host}{':' + str(parts.port) if parts.port else ''}{parts.path}"
    port = f":{value['port']}" if value.get("port") else ""
    return f"{value.get('host', 'localhost')}{port}/{value.get('database', '')}"
