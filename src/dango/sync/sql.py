"""`postgres` and `mysql` sources: dlt's sql_database with the pyarrow backend.

Credentials come from host/port/database/username/password (an SQLAlchemy URL built in
memory, so a password needs no quoting), from a connection URL in `credentials`, or from a
`[sources.<name>.credentials]` table of those fields, as dlt's sql_database reads it. Tables
are `tables` or every table of `schema`. With `cursor_column`, each table having that
column loads incrementally (rows with a newer value, merged on the primary key); the
others, and every table without it, are replaced on each sync.
"""

from __future__ import annotations

from ..errors import SyncProblem
from .explain import find, generic
from .job import Job

DRIVERS = {"postgres": "postgresql+psycopg2", "mysql": "mysql+pymysql"}
LABELS = {"postgres": "PostgreSQL", "mysql": "MySQL"}
URL_SCHEMES = {"postgres": "postgresql+psycopg2", "postgresql": "postgresql+psycopg2",
               "mysql": "mysql+pymysql", "mariadb": "mysql+pymysql"}
CONNECT_TIMEOUT = 10


def plan(job: Job) -> list[str]:
    _check(job)
    tables = job.config.get("tables") or []
    schema = job.config.get("schema")
    return list(tables) or [f"(every table of schema {schema or 'default'})"]


def _check(job: Job) -> None:
    given = job.config.get("credentials")
    if isinstance(given, dict):
        from ..connection_url import TABLE_FIX, BadConnectionUrl, check_table

        try:
            check_table(given)
        except BadConnectionUrl as err:
            raise SyncProblem(f"{job.key('credentials')} {err}; {TABLE_FIX}.") from None
    if given:
        return
    for field in ("host", "database", "username"):
        if not job.config.get(field):
            raise SyncProblem(f"{job.key(field)} is not set (or give a connection URL as "
                              f"credentials); store it with `dango secrets set {job.name}.{field}`.")


def url(job: Job):
    """The SQLAlchemy URL (an object; its password is never rendered into a string)."""
    from sqlalchemy.engine import URL, make_url

    from ..connection_url import BadConnectionUrl, parse

    driver = DRIVERS[job.source.type]
    given = job.config.get("credentials")
    if isinstance(given, dict):  # dlt's [sources.<name>.credentials] table of fields
        scheme = str(given.get("drivername") or driver)
        port = given.get("port")
        return URL.create(URL_SCHEMES.get(scheme, scheme), username=_text(table_user(given)),
                          password=_text(given.get("password")), host=_text(given.get("host")),
                          port=int(port) if port else None, database=_text(given.get("database")),
                          query={str(k): str(v) for k, v in (given.get("query") or {}).items()})
    if given:
        try:  # refused where parsers would disagree (the live check reads it the same way)
            parse(str(given))
        except BadConnectionUrl as err:
            raise SyncProblem(f"{job.key('credentials')} {err}.") from None
        parsed = make_url(str(given))
        scheme = parsed.drivername.split("+")[0]
        if "+" not in parsed.drivername and scheme in URL_SCHEMES:
            parsed = parsed.set(drivername=URL_SCHEMES[scheme])
        return parsed
    return URL.create(driver, username=str(job.config["username"]),
                      password=_text(job.config.get("password")), host=str(job.config["host"]),
                      port=int(job.config["port"]) if job.config.get("port") else None,
                      database=str(job.config["database"]))


def mysql_password(password: str) -> bytes:
    """A MySQL password as the mysql client sends it (UTF-8), for PyMySQL."""
    return str(password).encode("utf-8")


def table_user(table: dict):
    """The user of a credentials table: dlt's `username`, or `user` as libpq names it."""
    return table.get("username", table.get("user"))


def _text(value):
    return None if value in (None, "") else str(value)


def build(job: Job):
    import dlt
    from dlt.sources.sql_database import sql_database
    from sqlalchemy import create_engine

    _check(job)
    address = url(job)
    connect_args = {"connect_timeout": CONNECT_TIMEOUT}
    if job.source.type == "mysql" and address.password:
        # PyMySQL sends a str password as Latin-1 (a non-Latin-1 character raises, naming it and
        # its place); MySQL and MariaDB store what their clients send: UTF-8.
        connect_args["password"] = mysql_password(address.password)
    engine = create_engine(address, connect_args=connect_args)
    job.extra["engine"] = engine
    tables = [str(t) for t in job.config.get("tables") or []] or None
    source = sql_database(engine, schema=job.config.get("schema") or None, table_names=tables,
                          backend="pyarrow", reflection_level="full")
    cursor = job.config.get("cursor_column")
    for resource in source.resources.values():
        if cursor and cursor in (resource.columns or {}):
            resource.apply_hints(write_disposition="merge",
                                 incremental=dlt.sources.incremental(str(cursor)))
        else:
            resource.apply_hints(write_disposition="replace")
    return source


def explain(job: Job, error: BaseException) -> str | None:
    from sqlalchemy.exc import DBAPIError, NoSuchTableError

    label = LABELS[job.source.type]
    missing = find(error, NoSuchTableError)
    if missing is not None:
        return (f"{label} has no table {missing} (listed in tables of source {job.name!r}); "
                "check the name and schema in .dango/sources.yml.")
    cause = find(error, DBAPIError)
    if cause is None:
        return None
    text = str(getattr(cause, "orig", cause))
    lowered = text.lower()
    where = _where(job)
    if "password authentication failed" in lowered or "access denied for user" in lowered:
        field = "credentials" if job.config.get("credentials") else "password"
        return (f"{label} at {where} rejected the user and password in {job.key(field)} "
                f"(authentication failed); store the right one with "
                f"`dango secrets set {job.name}.{field}`.")
    if any(s in lowered for s in ("connection refused", "can't connect", "could not connect",
                                  "timeout expired", "could not translate host", "name or service")):
        return (f"Could not connect to {label} at {where}; check host and port in "
                f"[sources.{job.name}] and that the server is running.")
    return f"{label} at {where}: {generic(cause)}"


def _where(job: Job) -> str:
    try:
        parsed = url(job)
    except Exception:
        return "the configured server"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.host or 'localhost'}{port}/{parsed.database or ''}"
