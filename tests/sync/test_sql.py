"""PostgreSQL and MySQL (MariaDB) sources, and PostgreSQL as the destination, on real servers."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import CANARY_PASSWORD, files_containing, skip_or_fail
from tests.sync.helpers import ORDERS, add, count, tables

PG = dict(host="127.0.0.1", port=5432, user="postgres", dbname="test")
MY = dict(host="127.0.0.1", port=3306, user="root", password="")


def pg_connect(dbname: str = "test"):
    psycopg2 = pytest.importorskip("psycopg2")
    try:
        con = psycopg2.connect(**dict(PG, dbname=dbname), connect_timeout=5)
    except psycopg2.OperationalError as error:
        skip_or_fail(f"PostgreSQL is not running on 127.0.0.1:5432 ({error})")
    con.autocommit = True
    return con


def my_connect(database: str | None = None):
    pymysql = pytest.importorskip("pymysql")
    try:
        return pymysql.connect(**MY, database=database, autocommit=True, connect_timeout=5)
    except pymysql.err.OperationalError as error:
        skip_or_fail(f"MariaDB is not running on 127.0.0.1:3306 ({error})")


@pytest.fixture
def pg_db():
    name = f"dango_sync_{uuid.uuid4().hex[:10]}"
    admin = pg_connect()
    with admin.cursor() as cur:
        cur.execute(f"create database {name}")
    yield name
    with admin.cursor() as cur:
        cur.execute(f"drop database if exists {name} with (force)")
    admin.close()


@pytest.fixture
def my_db():
    name = f"dango_sync_{uuid.uuid4().hex[:10]}"
    admin = my_connect()
    with admin.cursor() as cur:
        cur.execute(f"create database {name}")
    yield name
    with admin.cursor() as cur:
        cur.execute(f"drop database if exists {name}")
    admin.close()


@pytest.mark.slow
def test_postgres_tables_incremental_with_a_password_reference(dango, project_dir, pg_db):
    con = pg_connect(pg_db)
    with con.cursor() as cur:
        cur.execute("create table customers (id int primary key, name text, updated_at timestamp)")
        cur.execute("insert into customers select g, 'c' || g, timestamp '2026-01-01' + g * interval '1 minute'"
                    " from generate_series(1, 100) g")
        cur.execute("create table events (kind text)")
        cur.execute("insert into events values ('a'), ('b'), ('c')")
    add(dango, "postgres", "crm", "host=127.0.0.1", f"database={pg_db}", "username=postgres",
        "cursor_column=updated_at", refs={"password": "PG_PASSWORD"})
    secret_env = {"PG_PASSWORD": "any-password-trust-auth"}

    first = dango("sync", env_extra=secret_env)
    assert first.code == 0, first
    assert tables(project_dir, "raw_crm") == {"customers", "events"}
    assert count(project_dir, "raw_crm.customers") == 100
    assert count(project_dir, "raw_crm.events") == 3

    with con.cursor() as cur:
        cur.execute("insert into customers select g, 'c' || g, timestamp '2026-02-01' + g * interval '1 minute'"
                    " from generate_series(101, 105) g")
        cur.execute("update customers set name = 'renamed', updated_at = timestamp '2026-03-01' where id = 7")
    con.close()
    second = dango("sync", env_extra=secret_env)
    assert second.code == 0, second
    summary = [l for l in second.out.splitlines() if l.startswith("crm ")][-1]
    assert summary.split()[-3] == "9", second  # 6 changed customers (+ the last seen one) and 3 events
    assert count(project_dir, "raw_crm.customers") == 105  # merged on the primary key
    assert count(project_dir, "raw_crm.customers where id = 7 and name = 'renamed'") == 1
    assert count(project_dir, "raw_crm.events") == 3  # no cursor column: replaced

    unset = dango("sync")
    assert unset.code == 1, unset
    assert "error: crm: Environment variable PG_PASSWORD is not set" in unset.err


def test_mysql_from_a_connection_url_with_a_table_list(dango, project_dir, my_db):
    con = my_connect(my_db)
    with con.cursor() as cur:
        cur.execute("create table products (id int primary key, title varchar(50), price decimal(10,2))")
        cur.executemany("insert into products values (%s, %s, %s)", [(i, f"p{i}", i * 1.5) for i in range(1, 21)])
        cur.execute("create table ignored (x int)")
    con.close()
    add(dango, "mysql", "shopdb", "tables=products", refs={"credentials": "SHOP_DB_URL"})
    result = dango("sync", env_extra={"SHOP_DB_URL": f"mysql://root@127.0.0.1:3306/{my_db}"})
    assert result.code == 0, result
    assert tables(project_dir, "raw_shopdb") == {"products"}
    assert count(project_dir, "raw_shopdb.products") == 20


def test_wrong_password_and_unreachable_server_never_show_the_password(dango, project_dir, my_db):
    user = f"dango_{uuid.uuid4().hex[:8]}"
    admin = my_connect()
    with admin.cursor() as cur:
        cur.execute(f"create user '{user}'@'%' identified by 'the-right-password-123'")
        cur.execute(f"grant select on {my_db}.* to '{user}'@'%'")
    try:
        (project_dir / "orders.csv").write_bytes(ORDERS.read_bytes())
        add(dango, "csv", "shop", "file_path=orders.csv")
        add(dango, "mysql", "wrongpw", "host=127.0.0.1", f"database={my_db}", f"username={user}",
            secrets={"password": CANARY_PASSWORD})
        add(dango, "postgres", "down",
            f"credentials=postgresql://postgres:{CANARY_PASSWORD}@127.0.0.1:1/nothing")
        result = dango("sync")
    finally:
        with admin.cursor() as cur:
            cur.execute(f"drop user '{user}'@'%'")
        admin.close()
    assert result.code == 1, result
    assert ("error: wrongpw: MySQL at 127.0.0.1:3306/" + my_db +
            " rejected the user and password in [sources.wrongpw] password") in result.err
    assert "error: down: Could not connect to PostgreSQL at 127.0.0.1:1/nothing" in result.err
    assert count(project_dir, "raw_shop.orders") == 500
    assert CANARY_PASSWORD not in result.output
    assert "Traceback" not in result.output
    assert files_containing(project_dir, CANARY_PASSWORD) == [".dlt/secrets.toml"]


def test_postgres_as_the_destination(dango, project_dir, pg_db):
    with (project_dir / ".dango" / "project.yml").open("a") as f:
        f.write("destination: postgres\n")
    secrets = project_dir / ".dlt" / "secrets.toml"
    secrets.write_text(secrets.read_text() + "\n[destination.postgres.credentials]\n"
                       f'host = "127.0.0.1"\nport = 5432\ndatabase = "{pg_db}"\n'
                       'username = "postgres"\npassword = "${WAREHOUSE_PASSWORD}"\n')
    (project_dir / "orders.csv").write_bytes(ORDERS.read_bytes())
    add(dango, "csv", "shop", "file_path=orders.csv")
    result = dango("sync", env_extra={"WAREHOUSE_PASSWORD": CANARY_PASSWORD})
    assert result.code == 0, result
    assert f"postgres 127.0.0.1:5432/{pg_db}" in result.out
    assert CANARY_PASSWORD not in result.output
    assert not (project_dir / "data" / "warehouse.duckdb").exists()
    con = pg_connect(pg_db)
    with con.cursor() as cur:
        cur.execute("select count(*) from raw_shop.orders")
        assert cur.fetchone()[0] == 500
    con.close()
    assert files_containing(project_dir, CANARY_PASSWORD) == []


def test_postgres_wrong_password_on_a_server_that_checks_it(dango, project_dir, scram_postgres):
    """The machine's PostgreSQL trusts local logins; this throwaway one checks passwords."""
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=scram_postgres.port, user="loader",
                            password=CANARY_PASSWORD, dbname="app")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("create table if not exists items (id int primary key, name text)")
        cur.execute("insert into items values (1, 'a'), (2, 'b') on conflict do nothing")
    conn.close()
    add(dango, "postgres", "good", "host=127.0.0.1", f"port={scram_postgres.port}", "database=app",
        "username=loader", "tables=items", secrets={"password": CANARY_PASSWORD})
    add(dango, "postgres", "stale", "host=127.0.0.1", f"port={scram_postgres.port}", "database=app",
        "username=loader", "tables=items", secrets={"password": CANARY_PASSWORD + "-revoked"})
    result = dango("sync")
    assert result.code == 1, result
    assert "error: stale: " in result.err and "[sources.stale] password" in result.err
    assert count(project_dir, "raw_good.items") == 2
    assert CANARY_PASSWORD not in result.output
    assert files_containing(project_dir, CANARY_PASSWORD) == [".dlt/secrets.toml"]
