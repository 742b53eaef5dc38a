"""A `[sources.<name>.credentials]` table of connection fields, as dlt's sql_database reads
it (and as Dango reads `[destination.postgres.credentials]`): validate, sync and source test
all use it. validate called it fine while sync failed ("Could not parse SQLAlchemy URL") and
source test sent the whole table as the database name, masked beyond reading."""

from __future__ import annotations

from tests.conftest import CANARY_PASSWORD, DANGO_SECTION
from tests.sync.helpers import count
from tests.sync.test_sql import my_connect, my_db, pg_connect, pg_db  # noqa: F401 (fixtures)


def _write(project_dir, type_name: str, table: str) -> None:
    (project_dir / ".dango/sources.yml").write_text(
        f"sources:\n  - name: db\n    type: {type_name}\n    tables:\n      - items\n")
    (project_dir / ".dlt/secrets.toml").write_text(f"[sources.db.credentials]\n{table}" + DANGO_SECTION)


def _check(dango, project_dir, wrong: str):
    assert dango("validate").code == 0
    synced = dango("sync")
    assert synced.code == 0, synced
    assert count(project_dir, "raw_db.items") == 2
    tested = dango("source", "test", "db")
    assert tested.code == 0 and tested.out.strip() == "db: valid", tested

    secrets = project_dir / ".dlt/secrets.toml"
    secrets.write_text(secrets.read_text().replace(wrong, "no_such_database_here"))
    refused = dango("source", "test", "db")
    assert refused.code == 1, refused
    assert "no_such_database_here" in refused.out
    assert CANARY_PASSWORD not in refused.output and "drivername" not in refused.output


def test_postgres_credentials_table(dango, project_dir, pg_db):
    with pg_connect(pg_db).cursor() as cur:
        cur.execute("create table items (id int primary key, name text); insert into items values (1, 'a'), (2, 'b')")
    _write(project_dir, "postgres", f'drivername = "postgresql"\nhost = "127.0.0.1"\nport = 5432\n'
                                    f'database = "{pg_db}"\nusername = "postgres"\npassword = "{CANARY_PASSWORD}"\n')
    _check(dango, project_dir, pg_db)


def test_mysql_credentials_table(dango, project_dir, my_db):
    with my_connect(my_db).cursor() as cur:
        cur.execute("create table items (id int primary key, name text)")
        cur.execute("insert into items values (1, 'a'), (2, 'b')")
    _write(project_dir, "mysql", f'drivername = "mysql"\nhost = "127.0.0.1"\nport = 3306\n'
                                 f'database = "{my_db}"\nusername = "root"\n')
    _check(dango, project_dir, my_db)
