"""After `dango auth`: list, status, refresh, remove (with revocation), check."""

from __future__ import annotations

import json
import re
import tomllib
from datetime import datetime, timedelta, timezone

import httpx

from tests.conftest import snapshot
from tests.servers.oauth_server import GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET


def creds(project_dir, name="sheet") -> dict:
    sources = tomllib.loads((project_dir / ".dlt/secrets.toml").read_text()).get("sources", {})
    return sources.get(name, {}).get("credentials", {})


def test_list_and_status(dango, connect, auth_env, project_dir, sheet):
    assert dango("source", "add", "google_analytics", "--name", "ga", "--no-input",
                 "--set", "property_id=123").code == 0
    connect("sheet")
    listed = dango("auth", "list", "--json", env_extra=auth_env)
    assert listed.code == 0, listed
    rows = {row["source"]: row for row in json.loads(listed.out)}
    assert rows["sheet"]["status"] == "valid" and rows["sheet"]["account"]
    assert rows["ga"]["status"] == "missing" and rows["ga"]["provider"] == "google"
    text = dango("auth", "list", env_extra=auth_env)
    assert "sheet" in text.out and "valid" in text.out and "missing" in text.out
    assert "ada@example.com" in text.out  # who granted it is not a secret
    from dango.oauth.lifecycle import list_grants
    from dango.project import load_project

    assert list_grants(load_project(project_dir), "sheet")[0].account == "ada@example.com"
    status = dango("auth", "status", "--source", "sheet", env_extra=auth_env)
    assert status.code == 0 and "spreadsheets.readonly" in status.out and "valid" in status.out
    # a source whose grant is missing (or revoked, or expired) is a problem found: exit 1
    for args in (["--source", "ga"], [], ["--json"]):
        missing = dango("auth", "status", *args, env_extra=auth_env)
        assert missing.code == 1, missing
    assert "fix: run `dango auth ga`" in dango("auth", "status", env_extra=auth_env).out


def test_refresh_writes_a_new_access_token(dango, connect, project_dir, auth_env, sheet):
    connect("sheet")
    old = creds(project_dir)
    result = dango("auth", "refresh", "sheet", env_extra=auth_env)
    assert result.code == 0, result
    new = creds(project_dir)
    assert new["access_token"] != old["access_token"]
    assert new["refresh_token"] == old["refresh_token"]
    assert new["expires_at"] >= old["expires_at"]
    assert new["access_token"] not in result.output


def test_a_refresh_token_kept_in_a_variable_stays_a_reference(dango, connect, project_dir, auth_env, sheet):
    """The provider answers a refresh with the same refresh token (as Google and oauthlib do):
    the `${VAR}` the user keeps it in stays, and the token is written nowhere."""
    connect("sheet")
    token = creds(project_dir)["refresh_token"]
    secrets = project_dir / ".dlt/secrets.toml"
    text = secrets.read_text()
    assert text.count(token) == 1
    secrets.write_text(text.replace(f'"{token}"', '"${SHEET_REFRESH_TOKEN}"'))
    (project_dir / ".env").write_text(f"SHEET_REFRESH_TOKEN={token}\n")
    (project_dir / ".env").chmod(0o600)
    result = dango("auth", "refresh", "sheet", env_extra=auth_env)
    assert result.code == 0, result
    after = secrets.read_text()
    assert '"${SHEET_REFRESH_TOKEN}"' in after and token not in after
    assert creds(project_dir)["access_token"] != ""


def test_a_revoked_refresh_token_is_marked_and_the_user_told_what_to_run(dango, connect, server,
                                                                         project_dir, auth_env, sheet):
    connect("sheet")
    old = creds(project_dir)
    server.revoke_all()
    result = dango("auth", "refresh", "sheet", env_extra=auth_env)
    assert result.code == 1, result
    assert "invalid_grant" in result.err and "`dango auth sheet`" in result.err
    assert old["refresh_token"] not in result.output
    now = creds(project_dir)
    assert now["revoked"] is True and now["refresh_token"] == old["refresh_token"]
    listed = json.loads(dango("auth", "list", "--json", env_extra=auth_env).out)
    assert listed[0]["status"] == "revoked"
    connect("sheet")  # connecting again clears the mark
    assert "revoked" not in creds(project_dir)


def test_remove_with_revoke_deletes_only_that_sources_tokens(dango, connect, server, project_dir,
                                                             auth_env, sheet):
    assert dango("source", "add", "google_sheets", "--name", "other", "--no-input",
                 "--set", "spreadsheet_url_or_id=b2").code == 0
    connect("sheet")
    connect("other")
    refresh_token = creds(project_dir)["refresh_token"]
    other_before = creds(project_dir, "other")
    result = dango("auth", "remove", "sheet", "--revoke", "--yes", env_extra=auth_env)
    assert result.code == 0, result
    assert "/revoke" in server.paths("POST")
    left = creds(project_dir)
    assert "refresh_token" not in left and "access_token" not in left
    assert left["client_id"] == GOOGLE_CLIENT_ID  # the OAuth client stays
    assert creds(project_dir, "other") == other_before
    # the grant is dead at the provider too
    answer = httpx.post(server.url + "/token", data={
        "grant_type": "refresh_token", "refresh_token": refresh_token,
        "client_id": GOOGLE_CLIENT_ID, "client_secret": GOOGLE_CLIENT_SECRET})
    assert answer.json()["error"] == "invalid_grant"
    listed = json.loads(dango("auth", "list", "--json", env_extra=auth_env).out)
    assert {r["source"]: r["status"] for r in listed} == {"sheet": "missing", "other": "valid"}


def test_remove_needs_confirmation_and_a_failed_revocation_keeps_the_tokens(dango, connect, server,
                                                                            project_dir, auth_env, sheet):
    connect("sheet")
    before = snapshot(project_dir)
    unconfirmed = dango("auth", "remove", "sheet", env_extra=auth_env)
    assert unconfirmed.code == 2 and "--yes" in unconfirmed.err
    unreachable = dict(auth_env, DANGO_OAUTH_GOOGLE_REVOKE_URL="http://127.0.0.1:9/revoke")
    failed = dango("auth", "remove", "sheet", "--revoke", "--yes", env_extra=unreachable)
    assert failed.code == 1 and "Could not reach the revocation endpoint" in failed.err
    assert snapshot(project_dir) == before


def test_facebook_remove_revoke_deletes_permissions(dango, connect, server, project_dir, auth_env):
    assert dango("source", "add", "facebook_ads", "--name", "ads", "--no-input",
                 "--set", "account_id=act_1").code == 0
    connect("ads")
    check = dango("auth", "check", env_extra=auth_env)
    assert check.code == 0 and "valid" in check.out, check
    result = dango("auth", "remove", "ads", "--revoke", "--yes", env_extra=auth_env)
    assert result.code == 0, result
    assert "/fb/me/permissions" in server.paths("DELETE")
    section = tomllib.loads((project_dir / ".dlt/secrets.toml").read_text())["sources"]["ads"]
    assert "access_token" not in section


def test_facebook_expiry_statuses(dango, connect, project_dir, auth_env):
    assert dango("source", "add", "facebook_ads", "--name", "ads", "--no-input",
                 "--set", "account_id=act_1").code == 0
    connect("ads")
    path = project_dir / ".dlt/secrets.toml"
    text = path.read_text()
    for delta, expected in ((timedelta(days=3, hours=1), "expiring in 3 days"), (timedelta(days=-1), "expired")):
        when = (datetime.now(timezone.utc) + delta).replace(microsecond=0)
        path.write_text(re.sub(r"expires_at = .*", f"expires_at = {when.isoformat()}", text))
        listed = dango("auth", "list", env_extra=auth_env)
        assert expected in listed.out, listed


def test_check(dango, connect, server, auth_env, sheet):
    assert dango("source", "add", "google_ads", "--name", "ads", "--no-input",
                 "--set", "customer_id=123-456-7890").code == 0
    connect("google_sheets")
    missing = dango("auth", "check", "--json", env_extra=auth_env)
    assert missing.code == 1
    rows = {r["source"]: r for r in json.loads(missing.out)}
    assert rows["sheet"]["live"] == "valid" and rows["sheet"]["ok"]
    assert rows["ads"]["tokens"] is False
    connect("ads")
    assert dango("auth", "check", env_extra=auth_env).code == 0
    down = dango("auth", "check", env_extra=dict(auth_env, DANGO_OAUTH_GOOGLE_TOKEN_URL="http://127.0.0.1:9/t"))
    assert down.code == 1 and "unknown" in down.out
    server.revoke_all()
    revoked = dango("auth", "check", env_extra=auth_env)
    assert revoked.code == 1 and "revoked" in revoked.out


def test_grants_and_removals_are_audited_without_values(dango, connect, project_dir, auth_env, sheet):
    connect("sheet")
    token = creds(project_dir)["refresh_token"]
    assert dango("auth", "remove", "sheet", "--revoke", "--yes", env_extra=auth_env).code == 0
    log = (project_dir / ".dango/audit.log").read_text()
    events = [json.loads(line) for line in log.splitlines()]
    assert [e["event"] for e in events if e.get("source") == "sheet"][-2:] == ["auth_granted", "auth_revoked"]
    assert token not in log and GOOGLE_CLIENT_SECRET not in log


def test_refresh_against_a_broken_token_endpoint_changes_nothing(dango, connect, server, project_dir,
                                                                 auth_env, sheet):
    connect("sheet")
    before = snapshot(project_dir)
    token = creds(project_dir)["refresh_token"]
    server.token_failure = (502, f"bad gateway while refreshing {token} for {GOOGLE_CLIENT_SECRET}")
    result = dango("auth", "refresh", "sheet", env_extra=auth_env)
    assert result.code == 1, result
    assert "HTTP 502" in result.err and "nothing was changed" in result.err
    assert token not in result.output and GOOGLE_CLIENT_SECRET not in result.output
    assert snapshot(project_dir) == before


def test_status_warns_past_the_rotation_policy(dango, connect, project_dir, auth_env, sheet):
    connect("sheet")
    assert "rotation policy" not in dango("auth", "status", env_extra=auth_env).err
    path = project_dir / ".dango/credentials.yml"
    old = (datetime.now(timezone.utc) - timedelta(days=120, hours=1)).isoformat()
    path.write_text(re.sub(r"(created|changed|rotated): .*", f"\\1: '{old}'", path.read_text()))
    result = dango("auth", "status", "--json", env_extra=auth_env)
    assert result.code == 0 and json.loads(result.out)[0]["status"] == "valid"
    assert "sheet is 120 days old, past the rotation policy of 90 days" in result.err
    assert "`dango auth sheet`" in result.err


def test_an_expiry_beyond_any_date_is_ignored_not_a_crash(dango, connect, server, project_dir, auth_env, sheet):
    connect("sheet")
    server.token_failure = (200, json.dumps({"access_token": "ya29.newAccessTokenAfterRefresh01",  # dango:allow
                                             "expires_in": 10 ** 20, "token_type": "Bearer"}))
    result = dango("auth", "refresh", "sheet", env_extra=auth_env)
    assert result.code == 0, result
    assert "unexpected" not in result.output and "Overflow" not in result.output
    assert creds(project_dir)["access_token"] == "ya29.newAccessTokenAfterRefresh01"  # dango:allow


def test_a_grant_replaced_during_a_refresh_is_not_marked_revoked(dango, connect, project_dir, auth_env,
                                                                sheet):
    """A provider that rotates refresh tokens refuses the old one once a parallel process has
    used it; that process's newer grant stands, is not marked revoked, and is refreshed."""
    from urllib.parse import parse_qs

    from tests.servers.local_http import JsonHandler, serve

    connect("sheet")
    path = project_dir / ".dlt/secrets.toml"
    old, newer = creds(project_dir)["refresh_token"], "1//rotatedByAnotherProcess0123456789"  # dango:allow
    seen: list[str] = []

    class RotatingTokenEndpoint(JsonHandler):
        def do_POST(self):
            form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
            seen.append(form["refresh_token"][0])
            if form["refresh_token"][0] == old:  # another process refreshed first and stored its token
                path.write_text(path.read_text().replace(old, newer))
                self.send_json({"error": "invalid_grant", "error_description": "Token has been rotated"}, 400)
            else:
                self.send_json({"access_token": "ya29.afterTheRaceAccess0123456", "expires_in": 3600})  # dango:allow

    with serve(RotatingTokenEndpoint) as url:
        result = dango("auth", "refresh", "sheet", env_extra=dict(auth_env, DANGO_OAUTH_GOOGLE_TOKEN_URL=url))
    assert result.code == 0, result
    assert seen == [old, newer]
    stored = creds(project_dir)
    assert stored["refresh_token"] == newer and "revoked" not in stored
    assert stored["access_token"] == "ya29.afterTheRaceAccess0123456"  # dango:allow
