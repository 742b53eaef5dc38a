"""Connection URLs whose password holds @ / ? # : the live check and the sync read a URL
the same way, and one that parsers would read differently is refused, naming no piece."""

from __future__ import annotations

import uuid

import pytest

from dango.connection_url import BadConnectionUrl, parse

from tests.conftest import snapshot

# Unencoded, urllib ends the user's part at the `/` and takes `Quartz9Mango` for the host
# (printed lowercased in its "could not translate host name" error); SQLAlchemy takes it too.
PIECE = "Quartz9Mango"
AMBIGUOUS = f"postgresql://loader:Xy7pw@{PIECE}/zz8Wq@127.0.0.1:5432/test"  # dango:allow
ODD_PASSWORD = "p@ss'w:o%rd\"\u00fcn\u00ef/?#x\u20ac"  # dango:allow
ENCODED = "p%40ss%27w%3Ao%25rd%22%C3%BCn%C3%AF%2F%3F%23x%E2%82%AC"  # dango:allow


def add_url(dango, kind: str, url: str) -> None:
    assert dango("source", "add", kind, "--name", "db", "--no-input", "--ref", "credentials=DB_URL").code == 0
    assert dango("secrets", "set", "db.credentials", input=url).code == 0


def test_parse_reads_one_way_or_refuses():
    parts = parse(f"mysql://loader:{ENCODED}@[::1]:3307/shop%2Fdb?charset=utf8")
    assert (parts.user, parts.password, parts.host, parts.port, parts.database, parts.query) == \
        ("loader", ODD_PASSWORD, "::1", 3307, "shop/db", (("charset", "utf8"),))
    assert parse("postgresql://u:a:b@h/db").password == "a:b"  # dango:allow
    for bad in (AMBIGUOUS, "postgresql://u:ab@cd:ef12345/gh@h/db", "postgresql://lo@der:pw@h/db",
                "postgresql://u:p?w@h/db", "postgresql://u:pw@h:5x/db", "no-scheme"):
        with pytest.raises(BadConnectionUrl) as caught:
            parse(bad)
        assert "ef12345" not in str(caught.value) and PIECE not in str(caught.value)


def test_an_ambiguous_url_is_refused_by_test_sync_and_validate_without_a_piece(dango, project_dir):
    add_url(dango, "postgres", AMBIGUOUS)
    before = snapshot(project_dir / ".dlt")
    checked = dango("source", "test", "db")
    assert checked.code == 1, checked
    assert checked.out.startswith("db: invalid (sources.db.credentials holds an @ that could end its user "
                                  "and password in more than one place; percent-encode @ / ? #")
    synced = dango("sync", "--source", "db")
    assert synced.code == 1, synced
    assert "[sources.db] credentials holds an @ that could end its user and password" in synced.err
    validated = dango("validate")
    assert validated.code == 1, validated
    assert ("sources.db.credentials holds an @ that could end its user and password in more than one "
            "place; fix: percent-encode @ / ? # in its user and password") in validated.out
    for result in (checked, synced, validated):
        assert PIECE.lower() not in result.output.lower() and "Xy7pw" not in result.output
        assert "Traceback" not in result.output
    assert snapshot(project_dir / ".dlt") == before


@pytest.fixture(scope="module")
def odd_postgres():
    """A PostgreSQL that checks passwords, for user `loader` with ODD_PASSWORD, database `app`."""
    from tests.servers.postgres_scram import ScramPostgres

    with ScramPostgres("loader", ODD_PASSWORD) as server:
        yield server


def test_an_encoded_url_and_the_raw_fields_both_log_in(dango, odd_postgres):
    add_url(dango, "postgres", f"postgresql://loader:{ENCODED}@127.0.0.1:{odd_postgres.port}/app")
    assert dango("source", "test", "db").out.strip() == "db: valid"
    assert dango("secrets", "unset", "db.credentials").code == 0
    for field, value in (("host", "127.0.0.1"), ("port", str(odd_postgres.port)), ("database", "app"),
                         ("username", "loader"), ("password", ODD_PASSWORD)):
        assert dango("secrets", "set", f"db.{field}", input=value).code == 0
    assert dango("source", "test", "db").out.strip() == "db: valid"



def test_the_urls_parameters_reach_the_check_as_they_reach_the_sync(dango, odd_postgres):
    """The throwaway server has no TLS: sslmode=require fails the check as it fails the sync."""
    url = f"postgresql://loader:{ENCODED}@127.0.0.1:{odd_postgres.port}/app"
    add_url(dango, "postgres", url + "?sslmode=require")
    checked = dango("source", "test", "db")
    assert checked.code == 1, checked
    assert checked.out.startswith("db: unknown (could not reach PostgreSQL at 127.0.0.1:")
    assert "server does not support SSL, but SSL was required" in checked.out
    assert dango("sync", "--source", "db").code == 1
    assert dango("secrets", "set", "db.credentials", input=url + "?application_name=dango_check").code == 0
    assert dango("source", "test", "db").out == "db: valid\n"


@pytest.fixture
def odd_mariadb():
    """A MariaDB user whose password is ODD_PASSWORD (UTF-8, as the mysql client sends it)
    and a database of its own holding one table of one row: (user, database)."""
    import pymysql

    name = f"dango_{uuid.uuid4().hex[:8]}"
    root = pymysql.connect(host="127.0.0.1", port=3306, user="root", password="", autocommit=True,
                           charset="utf8mb4")
    with root.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
        cursor.execute(f"CREATE TABLE {name}.items (id INT PRIMARY KEY)")
        cursor.execute(f"INSERT INTO {name}.items VALUES (1)")
        for host in ("%", "localhost", "127.0.0.1"):
            cursor.execute("CREATE USER %s@%s IDENTIFIED BY %s", (name, host, ODD_PASSWORD))
            cursor.execute(f"GRANT SELECT ON {name}.* TO %s@%s", (name, host))
    yield name, name
    with root.cursor() as cursor:
        for host in ("%", "localhost", "127.0.0.1"):
            cursor.execute("DROP USER IF EXISTS %s@%s", (name, host))
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
    root.close()


@pytest.mark.slow
def test_a_mysql_password_beyond_ascii_logs_in_for_the_check_and_the_sync(dango, odd_mariadb):
    user, database = odd_mariadb
    add_url(dango, "mysql", f"mysql://{user}:{ENCODED}@127.0.0.1:3306/{database}")
    checked = dango("source", "test", "db")
    assert checked.out.strip() == "db: valid", checked
    for field, value in (("host", "127.0.0.1"), ("database", database), ("username", user),
                         ("password", ODD_PASSWORD)):
        assert dango("secrets", "set", f"db.{field}", input=value).code == 0
    assert dango("secrets", "unset", "db.credentials").code == 0
    checked = dango("source", "test", "db")
    assert checked.out.strip() == "db: valid", checked
    synced = dango("sync", "--source", "db")
    assert synced.code == 0, synced
    assert "\u20ac" not in synced.output and "position" not in synced.output
