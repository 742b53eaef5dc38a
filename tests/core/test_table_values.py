"""A single value is never written over a table of values (rest_api's headers, an OAuth grant):
it would delete every value the table holds."""

from __future__ import annotations

import pytest

from tests.conftest import snapshot

HEADER_SECRET = "hdr-secret-table-7c1d9e2a"  # dango:allow


@pytest.mark.parametrize("command", [("secrets", "set", "hdr.headers"),
                                     ("secrets", "rotate", "hdr.headers"),
                                     ("secrets", "rotate", "hdr.headers", "--force")])
def test_a_headers_table_is_not_replaced_by_one_value(dango, project_dir, command):
    assert dango("source", "add", "rest_api", "--name", "hdr", "--no-input",
                 "--set", "base_url=http://127.0.0.1:9", "--set", "auth_type=none").code == 0
    secrets = project_dir / ".dlt/secrets.toml"
    secrets.write_text(secrets.read_text() + f'\n[sources.hdr.headers]\nX-Token = "{HEADER_SECRET}"\n')
    before = snapshot(project_dir)
    result = dango(*command, input="one-single-value-123")
    assert result.code == 2, result
    assert result.err == ("error: hdr.headers is a table of values ([sources.hdr.headers] in "
                          ".dlt/secrets.toml) that one value would replace whole; edit the table there. "
                          "Nothing was changed.\n")
    assert snapshot(project_dir) == before
    assert HEADER_SECRET not in result.output


def test_an_oauth_grant_is_not_replaced_by_one_value(dango, project_dir):
    assert dango("source", "add", "google_sheets", "--name", "sheet", "--no-input",
                 "--set", "spreadsheet_url_or_id=book1").code == 0
    secrets = project_dir / ".dlt/secrets.toml"
    grant = ('\n[sources.sheet.credentials]\nclient_id = "1-x.apps.googleusercontent.com"\n'
             'refresh_token = "1//grantTokenTable0123456789"\n')  # dango:allow
    secrets.write_text(secrets.read_text() + grant)
    before = snapshot(project_dir)
    result = dango("secrets", "set", "sheet.credentials", input="one-single-value-123")
    assert result.code == 2, result
    assert "sheet.credentials is a table of values ([sources.sheet.credentials] in" in result.err
    assert snapshot(project_dir) == before
