"""`dango validate` and `dango auth status` judge a grant the same way: one that cannot
sync is a problem for both, with the same fix."""

from __future__ import annotations

import json

from tests.conftest import tree_state, changes_between

FACEBOOK_EXPIRED = '''
[sources.fb]
access_token = "EAAfakeTokenValue0123456789" # dango:allow

[sources.fb.credentials]
expires_at = "2020-01-01T00:00:00+00:00"
'''

GOOGLE_NO_REFRESH = '''
[sources.gs.credentials]
client_id = "fake-client.apps.googleusercontent.com"
access_token = "ya29.fakeGoogleAccessToken0123" # dango:allow
expires_at = "2020-01-01T00:00:00+00:00"
'''


def add(dango, project_dir, type_, name, field, text):
    assert dango("source", "add", type_, "--name", name, "--no-input", "--set", field).code == 0
    secrets = project_dir / ".dlt/secrets.toml"
    secrets.write_text(secrets.read_text() + text)


def test_an_expired_facebook_token_is_a_problem_for_validate_too(dango, project_dir):
    add(dango, project_dir, "facebook_ads", "fb", "account_id=act_1", FACEBOOK_EXPIRED)
    before = tree_state(project_dir)
    status = dango("auth", "status")
    assert status.code == 1 and "fb (facebook_ads, facebook): expired" in status.out, status
    result = dango("validate")
    assert result.code == 1, result
    assert (".dlt/secrets.toml:7: the Facebook token of fb expired on 2020-01-01, so it cannot sync; "
            "fix: run `dango auth fb` to sign in again") in result.out.splitlines(), result
    problems = json.loads(dango("validate", "--json").out)["problems"]
    assert [p["where"] for p in problems] == [".dlt/secrets.toml:7"]
    assert changes_between(before, tree_state(project_dir)) == []


def test_a_google_access_token_without_refresh_token_is_expired_not_missing(dango, project_dir):
    add(dango, project_dir, "google_sheets", "gs", "spreadsheet_url_or_id=book1", GOOGLE_NO_REFRESH)
    before = tree_state(project_dir)
    status = dango("auth", "status")
    assert status.code == 1, status
    assert "gs (google_sheets, google): expired; no refresh token to renew it" in status.out
    assert "fix: run `dango auth gs`" in status.out
    listed = json.loads(dango("auth", "list", "--json").out)
    assert [g["status"] for g in listed] == ["expired"]
    result = dango("validate")
    assert result.code == 1, result
    assert "has no OAuth tokens yet" not in result.out
    assert (".dlt/secrets.toml:7: the Google token of gs expired on 2020-01-01 and there is no refresh "
            "token to renew it, so it cannot sync; fix: run `dango auth gs` to sign in again") in result.out
    assert changes_between(before, tree_state(project_dir)) == []
