"""A setting of the wrong kind (a port that is no number, a list where text belongs) is one
located sentence wherever it is set, never a value passed on that fails later or loads the
wrong thing; text that reads as the kind (a number, yes/no, a comma-separated list) counts."""

from __future__ import annotations

import pytest

from tests.conftest import snapshot

BOMB = "".join(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
               for prev, name in zip("abcd", "bcde"))  # e: 59,049 values
SECRETS = '[sources.pg]\nhost = "db.internal"\ndatabase = "crm"\nusername = "loader"\n'


@pytest.mark.parametrize("setting, problem", [
    ("header: maybe", "header of source 's' must be true or false"),
    ("file_path: [a.csv, b.csv]", "file_path of source 's' must be text, not a list"),
    ("delimiter: {a: 1}", "delimiter of source 's' must be text, not a table"),
    ("file_path: *e", "file_path of source 's' holds more than 10,000 values (is a YAML alias repeated?)"),
])
def test_a_setting_of_the_wrong_kind_in_sources_yml_is_located(dango, project_dir, setting, problem):
    (project_dir / ".dango/sources.yml").write_text(
        "a: &a [x, x, x, x, x, x, x, x, x]\n" + BOMB +
        f"sources:\n  - name: s\n    type: csv\n    {setting}\n")
    before = snapshot(project_dir)
    for args in (["config", "show"], ["validate"], ["sync", "--dry-run"]):
        result = dango(*args)
        assert result.code == 2, result
        assert result.err.strip() == f"error: .dango/sources.yml:9: {problem}; fix the file and run the command again."
        assert snapshot(project_dir) == before


def test_a_choice_outside_the_list_is_located(dango, project_dir):
    (project_dir / ".dango/sources.yml").write_text(
        "sources:\n  - name: api\n    type: rest_api\n    base_url: http://127.0.0.1:9\n"
        "    auth_type: bearerr\n")
    result = dango("validate")
    assert result.code == 2, result
    assert ("sources.yml:5: auth_type of source 'api' must be one of bearer, api_key, basic, "
            "oauth2_client_credentials, none") in result.err


def test_text_that_reads_as_the_kind_counts(dango, project_dir):
    (project_dir / ".dango/sources.yml").write_text(
        "sources:\n  - name: pg\n    type: postgres\n    tables: orders, customers\n")
    (project_dir / ".dlt/secrets.toml").write_text(SECRETS + 'port = " 5433 "\npassword = "pw-0123456789"\n')
    result = dango("sync", "--dry-run")
    assert result.code == 0, result
    assert "pg: would load 2 tables: orders, customers" in result.out
    result = dango("validate")
    assert "port" not in result.out + result.err, result


def test_a_value_of_the_wrong_kind_in_secrets_toml_or_the_environment(dango, project_dir):
    (project_dir / ".dango/sources.yml").write_text("sources:\n  - name: pg\n    type: postgres\n")
    (project_dir / ".dlt/secrets.toml").write_text(
        '[sources.pg]\nhost = "db.internal"\nport = "fifty"\ndatabase = ["crm"]\nusername = "loader"\n'
        'password = "pw-0123456789"\n')  # dango:allow
    before = snapshot(project_dir)
    result = dango("validate")
    assert result.code == 1, result
    assert ".dlt/secrets.toml:3: sources.pg.port must be a whole number; fix: write it again" in result.out
    assert ".dlt/secrets.toml:4: sources.pg.database must be text, not a list; fix:" in result.out
    result = dango("sync")
    assert result.code == 1, result
    assert "error: pg: .dlt/secrets.toml:3: sources.pg.port must be a whole number; fix the file" in result.err
    assert "pw-0123456789" not in result.output
    after = snapshot(project_dir)
    assert {k: v for k, v in after.items() if not k.startswith((".dango/pipelines/", "data/"))} == \
        {k: v for k, v in before.items() if not k.startswith((".dango/pipelines/", "data/"))}
    result = dango("validate", env_extra={"SOURCES__PG__PORT": "5432x"})
    assert "SOURCES__PG__PORT: sources.pg.port must be a whole number; fix: set SOURCES__PG__PORT again" \
        in result.out


def test_an_address_without_https_is_refused_where_it_is_given(dango, project_dir):
    """`api.example.com/v1` was added and validated, and the sync failed on it with
    requests' MissingSchema; it is now refused when given, and located when written."""
    before = snapshot(project_dir)
    added = dango("source", "add", "rest_api", "--name", "api", "--set", "base_url=api.example.com/v1",
                  "--set", "auth_type=none", "--no-input")
    assert added.code == 2, added
    assert added.err.strip() == ("error: base_url must be an address starting with https:// (or http://), "
                                 "such as https://api.example.com; the value given is not.")
    assert snapshot(project_dir) == before
    (project_dir / ".dango/sources.yml").write_text(
        "sources:\n  - name: api\n    type: rest_api\n    auth_type: none\n    base_url: api.example.com/v1\n")
    result = dango("validate")
    assert result.code == 2, result
    assert ("sources.yml:5: base_url of source 'api' must be an address starting with https:// (or http://), "
            "such as https://api.example.com") in result.err
