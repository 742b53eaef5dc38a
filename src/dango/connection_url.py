"""A database connection URL (`postgresql://user:password@host:5432/db`) read one way for
the live check and the sync alike.

Parsers disagree where the user's part ends when a password holds `@`, `/`, `?` or `#`
unencoded: urllib stops at the first `/` and takes the rest of the password for a host or
a port, SQLAlchemy stops at the first `@`. Either guess connects somewhere a piece of the
password names, and prints that piece in its error (a host name lowercased, past the
redaction of the password). So such a URL is refused, never guessed: RFC 3986 allows no
`@` in the user's part and ends it at the first `/`, `?` or `#`, and a password that holds
one of them is written percent-encoded (`%40`, `%2F`, `%3F`, `%23`).

Nothing here imports a database driver or prints a value: `BadConnectionUrl` says what is
wrong, never what the URL holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

ENCODE_HINT = "percent-encode @ / ? # in its user and password (%40 %2F %3F %23)"


class BadConnectionUrl(ValueError):
    """The URL cannot be read one way only; `str(err)` names the problem, never a value."""


@dataclass(frozen=True)
class ConnectionUrl:
    scheme: str
    user: str
    password: str
    host: str
    port: int | None
    database: str
    query: tuple[tuple[str, str], ...] = ()  # the parameters after `?` (sslmode=require, ...)


def parse(url: str) -> ConnectionUrl:
    """The parts of `url` (user, password and database percent-decoded), or BadConnectionUrl."""
    scheme, found, rest = str(url).partition("://")
    if not found or not scheme:
        raise BadConnectionUrl("is not a connection URL (such as postgresql://user:password@host:5432/db)")
    end = min((i for i in (rest.find(c) for c in "/?#") if i != -1), default=len(rest))
    authority, after = rest[:end], rest[end:]
    if authority.count("@") > 1 or "@" in after:
        raise BadConnectionUrl(f"holds an @ that could end its user and password in more than one place; "
                               f"{ENCODE_HINT}")
    userinfo, _, hostport = authority.rpartition("@")
    user, _, password = userinfo.partition(":")
    host, port = _host_port(hostport)
    path, _, query = after.partition("#")[0].partition("?")
    return ConnectionUrl(scheme, unquote(user), unquote(password), host, port, unquote(path.lstrip("/")),
                         tuple(parse_qsl(query, keep_blank_values=True)))


def _host_port(hostport: str) -> tuple[str, int | None]:
    if hostport.startswith("["):  # an IPv6 address: [::1]:5432
        host, bracket, tail = hostport[1:].partition("]")
        if not bracket or (tail and not tail.startswith(":")):
            raise BadConnectionUrl("has an IPv6 host without its closing ]")
        port_text = tail[1:]
    else:
        host, _, port_text = hostport.partition(":")
    if port_text and not (port_text.isascii() and port_text.isdigit()):
        raise BadConnectionUrl(f"has a port that is not a number; {ENCODE_HINT}")
    return host, int(port_text) if port_text else None


def check_table(table: dict) -> None:
    """dlt's `[sources.<name>.credentials]` table of fields (host, port, database, username,
    password): BadConnectionUrl when it names no host, database or user. A driver would take
    those from the machine (a local socket, the login name) and connect where nobody said;
    and the source's own host, database and username fields go unused beside the table."""
    user = table.get("username", table.get("user"))
    lacking = [name for name, value in (("host", table.get("host")), ("database", table.get("database")),
                                        ("username", user)) if not str(value or "").strip()]
    if lacking:
        raise BadConnectionUrl(f"is a table (dlt's form of a connection) without {', '.join(lacking)}")


TABLE_FIX = ("add them to the table in .dlt/secrets.toml, or delete the table to connect with "
             "the source's own host, database, username and password")
