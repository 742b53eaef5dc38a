"""dlt's table form of a database connection (`[sources.<name>.credentials]`) must name its
host, database and user: a table holding only a password connected to the machine's default
server and database (a local socket, the login name) while the source's own host, database
and username went unused, and `source test` called that valid."""

from __future__ import annotations

from tests.conftest import DANGO_SECTION, snapshot

PARTIAL = ('[sources.db]\nhost = "127.0.0.1"\ndatabase = "crm"\nusername = "loader"\n\n'
           '[sources.db.credentials]\npassword = "a-long-database-password"\n')  # dango:allow
MESSAGE = "sources.db.credentials is a table (dlt's form of a connection) without host, database, username"


def test_a_table_without_host_database_and_user_is_refused_everywhere(dango, project_dir):
    assert dango("source", "add", "postgres", "--name", "db", "--no-input", "--set", "host=127.0.0.1",
                 "--set", "database=crm", "--set", "username=loader").code == 0
    # `secrets set` does not start a table of one key (it was meant as db.password)
    before = snapshot(project_dir)
    result = dango("secrets", "set", "db.credentials.password", input="a-long-database-password")
    assert result.code == 2, result
    assert result.err.strip() == ("error: db.credentials is a connection URL, not a table of keys; set password "
                                  "with `dango secrets set db.password`. Nothing was changed.")
    other = dango("secrets", "set", "db.credentials.sslmode", input="require")
    assert other.code == 2 and "write [sources.db.credentials] with host, database, username and password" \
        in other.err, other
    assert snapshot(project_dir) == before

    # written by hand, such a table is a problem everywhere, never a connection
    (project_dir / ".dlt/secrets.toml").write_text(PARTIAL + DANGO_SECTION)
    before = snapshot(project_dir)

    validate = dango("validate")
    assert validate.code == 1, validate
    assert snapshot(project_dir) == before
    assert (f".dlt/secrets.toml:7: {MESSAGE}; fix: add them to the table in .dlt/secrets.toml, or delete "
            "the table to connect with the source's own host, database, username and password") in validate.out
    tested = dango("source", "test", "db")
    assert tested.code == 1 and MESSAGE in tested.out, tested
    synced = dango("sync", "--source", "db")
    assert synced.code == 1 and "[sources.db] credentials is a table (dlt's form of a connection) without " \
        "host, database, username" in synced.err, synced
    assert "a-long-database-password" not in validate.output + tested.output + synced.output
    assert (project_dir / ".dlt/secrets.toml").read_text() == PARTIAL + DANGO_SECTION

    whole = PARTIAL.replace('password = "', 'host = "127.0.0.1"\ndatabase = "crm"\nusername = "loader"\npassword = "')
    (project_dir / ".dlt/secrets.toml").write_text(whole + DANGO_SECTION)
    assert "credentials" not in dango("validate").out

