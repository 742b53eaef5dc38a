"""PostgreSQL and MySQL/MariaDB: connect with a timeout and run `SELECT 1`."""

from __future__ import annotations

import math
from typing import Any

from .. import connection_url
from . import INVALID, UNKNOWN, VALID, CheckContext, Health, scrub, secrets_of

# Words in a driver's connect error that mean the server refused these credentials.
_REFUSED = ("password authentication failed", "no password supplied", "does not exist",
            "pg_hba.conf", "authentication failed", "permission denied")
# MySQL error codes for refused credentials: access denied (user, database), unknown database.
_MYSQL_REFUSED = {1044, 1045, 1049, 1698}


def connection(config: dict[str, Any], default_port: int) -> dict[str, Any]:
    """host/port/database/user/password from the fields, from dlt's credentials table, or
    from a `credentials` URL (read by `connection_url.parse`; BadConnectionUrl when it cannot
    be). As in the sync, a URL or table wins over the fields."""
    url = config.get("credentials")
    if isinstance(url, dict):  # dlt's [sources.<name>.credentials] table of fields
        from ..sync.sql import table_user

        connection_url.check_table(url)
        return {"host": url.get("host") or "localhost", "port": int(url.get("port") or default_port),
                "database": url.get("database"), "user": table_user(url),
                "password": url.get("password") or ""}
    if url:
        parts = connection_url.parse(str(url))
        return {"host": parts.host or "localhost", "port": parts.port or default_port,
                "database": parts.database, "user": parts.user, "password": parts.password,
                "query": dict(parts.query)}
    return {"host": config.get("host"), "port": int(config.get("port") or default_port),
            "database": config.get("database"), "user": config.get("username"),
            "password": config.get("password") or ""}


def _reason(err: Exception, ctx: CheckContext, conn: dict[str, Any]) -> str:
    """The driver's first line, every secret masked (before the other lines are dropped)."""
    reason = scrub(str(err), [*secrets_of(ctx), conn.get("password", "")], first_line=True)
    return reason or type(err).__name__


def _select_one(handle, errors, ctx: CheckContext, conn: dict[str, Any]) -> Health:
    """Run `SELECT 1` on an open connection, then close it."""
    try:
        with handle.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except errors as err:
        return Health(UNKNOWN, f"SELECT 1 failed: {_reason(err, ctx, conn)}")
    finally:
        handle.close()
    return Health(VALID)


def _unreadable(ctx: CheckContext, err: connection_url.BadConnectionUrl) -> Health:
    fix = f"; {connection_url.TABLE_FIX}" if isinstance(ctx.config.get("credentials"), dict) else ""
    return Health(INVALID, f"sources.{ctx.source.name}.credentials {err}{fix}")


def check_postgres(ctx: CheckContext) -> Health:
    import psycopg2

    try:
        conn = connection(ctx.config, 5432)
    except connection_url.BadConnectionUrl as err:
        return _unreadable(ctx, err)
    # A URL's parameters (sslmode, sslrootcert, options, ...) reach libpq as they do in the sync;
    # a part the URL itself names (host, user, ...) wins over the same parameter.
    given = {key: value for key, value in conn.get("query", {}).items()}
    named = {"host": conn["host"], "port": conn["port"], "dbname": conn["database"], "user": conn["user"],
             "password": conn["password"]}
    arguments = {**given, **{key: value for key, value in named.items() if value not in (None, "")}}
    arguments["connect_timeout"] = max(2, math.ceil(ctx.timeout))
    arguments["options"] = " ".join(filter(None, (given.get("options"),
                                                  f"-c statement_timeout={int(ctx.timeout * 1000)}")))
    try:
        handle = psycopg2.connect(**arguments)
    except psycopg2.Error as err:
        reason = _reason(err, ctx, conn)
        if any(word in str(err).lower() for word in _REFUSED):
            return Health(INVALID, f"PostgreSQL refused the login: {reason}")
        return Health(UNKNOWN, f"could not reach PostgreSQL at {conn['host']}:{conn['port']}: {reason}")
    return _select_one(handle, psycopg2.Error, ctx, conn)


def check_mysql(ctx: CheckContext) -> Health:
    import pymysql

    from ..sync.sql import mysql_password

    try:
        conn = connection(ctx.config, 3306)
    except connection_url.BadConnectionUrl as err:
        return _unreadable(ctx, err)
    seconds = max(1, math.ceil(ctx.timeout))
    try:
        handle = pymysql.connect(host=conn["host"], port=conn["port"], database=conn["database"] or None,
                                 user=conn["user"], password=mysql_password(conn["password"]),
                                 connect_timeout=seconds,
                                 read_timeout=seconds, write_timeout=seconds)
    except pymysql.MySQLError as err:
        code = err.args[0] if err.args and isinstance(err.args[0], int) else None
        reason = _reason(err, ctx, conn)
        if code in _MYSQL_REFUSED:
            return Health(INVALID, f"MySQL refused the login: {reason}")
        return Health(UNKNOWN, f"could not reach MySQL at {conn['host']}:{conn['port']}: {reason}")
    return _select_one(handle, pymysql.MySQLError, ctx, conn)
