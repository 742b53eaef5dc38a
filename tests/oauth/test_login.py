"""`dango auth NAME`: the authorization code flow with PKCE, through the real command."""

from __future__ import annotations

import tomllib
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.conftest import snapshot
from tests.servers.oauth_server import FACEBOOK_APP_SECRET, GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET


def stored(project_dir, name="sheet") -> dict:
    return tomllib.loads((project_dir / ".dlt/secrets.toml").read_text())["sources"][name]


def test_browser_flow_stores_tokens_in_dlt_shape(start, browser, server, project_dir, sheet):
    run = start("auth", "sheet", "--no-browser")
    url = run.url()
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"] and query["access_type"] == ["offline"]
    assert len(query["state"][0]) >= 32
    assert urlsplit(query["redirect_uri"][0]).hostname == "127.0.0.1"
    page = browser.approve(url)
    assert page.status_code == 200 and "Signed in" in page.text
    result = run.finish()
    assert result.code == 0, result
    assert "Connected sheet as ada@example.com" in result.out
    creds = stored(project_dir)["credentials"]
    assert creds["client_id"] == GOOGLE_CLIENT_ID
    assert creds["client_secret"] == GOOGLE_CLIENT_SECRET
    assert creds["refresh_token"].startswith("1//")
    assert creds["access_token"].startswith("ya29.")
    assert creds["project_id"] == "123456789012"
    assert "https://www.googleapis.com/auth/spreadsheets.readonly" in creds["scopes"]
    assert creds["expires_at"].tzinfo is not None
    for secret in (creds["refresh_token"], creds["access_token"], GOOGLE_CLIENT_SECRET):
        assert secret not in result.output
    assert (project_dir / ".dlt/secrets.toml").stat().st_mode & 0o777 == 0o600
    # the verifier went to the token endpoint, and the server checked it against the challenge
    token_calls = [form for method, path, form in server.requests if path == "/token"]
    assert token_calls and 43 <= len(token_calls[0]["code_verifier"]) <= 128


def test_the_url_is_printed_whole_on_one_line(start, browser, sheet):
    run = start("auth", "sheet", "--no-browser")
    url = run.url()
    assert len(url) > 200 and " " not in url and url.startswith("http://127.0.0.1:")
    browser.approve(url)
    assert run.finish().code == 0


def test_a_type_connects_every_source_of_that_type_with_one_consent(dango, connect, project_dir, server, sheet):
    assert dango("source", "add", "google_sheets", "--name", "other", "--no-input",
                 "--set", "spreadsheet_url_or_id=book2").code == 0
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input").code == 0
    result = connect("google_sheets")
    assert "sheet, other" in result.out
    assert len([p for p in server.paths("GET") if p == "/authorize"]) == 1
    assert stored(project_dir, "sheet")["credentials"]["refresh_token"] \
        == stored(project_dir, "other")["credentials"]["refresh_token"]


def test_only_the_code_holder_with_the_verifier_can_redeem_the_code(start, browser, server, sheet):
    """PKCE: a stolen code is useless without the verifier; the real one still works."""
    run = start("auth", "sheet", "--no-browser")
    url = run.url()
    redirect = browser.consent(url)
    code = parse_qs(urlsplit(redirect.headers["location"]).query)["code"][0]
    redirect_uri = parse_qs(urlsplit(url).query)["redirect_uri"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": GOOGLE_CLIENT_ID, "client_secret": GOOGLE_CLIENT_SECRET}
    missing = httpx.post(server.url + "/token", data=form)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    wrong = httpx.post(server.url + "/token", data=dict(form, code_verifier="x" * 64))
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    assert browser.http.get(redirect.headers["location"]).status_code == 200
    assert run.finish().code == 0


def test_wrong_state_and_stray_requests_do_not_consume_the_callback(start, browser, sheet):
    run = start("auth", "sheet", "--no-browser")
    url = run.url()
    redirect_uri = parse_qs(urlsplit(url).query)["redirect_uri"][0]
    forged = browser.http.get(redirect_uri, params={"code": "attacker-code", "state": "wrong"})
    assert forged.status_code == 400 and "wrong state" in forged.text
    no_state = browser.http.get(redirect_uri, params={"code": "attacker-code"})
    assert no_state.status_code == 400
    stray = browser.http.get(redirect_uri.replace("/callback", "/favicon.ico"))
    assert stray.status_code == 404
    assert browser.approve(url).status_code == 200
    result = run.finish()
    assert result.code == 0, result


def test_a_second_callback_is_refused(start, browser, sheet):
    run = start("auth", "sheet", "--no-browser")
    url = run.url()
    redirect = browser.consent(url)
    location = redirect.headers["location"]
    assert browser.http.get(location).status_code == 200
    try:
        again = browser.http.get(location).status_code
    except httpx.TransportError:
        again = None  # the server is closed: refused
    assert again != 200
    assert run.finish().code == 0


def test_access_denied(start, browser, project_dir, sheet):
    before = snapshot(project_dir)
    run = start("auth", "sheet", "--no-browser")
    page = browser.approve(run.url(), decision="deny")
    assert "access_denied" in page.text
    result = run.finish()
    assert result.code == 1, result
    assert "did not grant access (access_denied" in result.err
    assert snapshot(project_dir) == before


def test_a_script_in_error_description_is_escaped(start, browser, project_dir, sheet):
    before = snapshot(project_dir)
    run = start("auth", "sheet", "--no-browser")
    url = run.url()
    query = parse_qs(urlsplit(url).query)
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    page = browser.http.get(query["redirect_uri"][0], params={
        "error": "access_denied<b>", "error_description": payload, "state": query["state"][0]})
    assert "<script>" not in page.text and "<img" not in page.text and "<b>" not in page.text
    assert "&lt;script&gt;" in page.text
    result = run.finish()
    assert result.code == 1, result
    assert "\x1b" not in result.err
    assert snapshot(project_dir) == before


def test_timeout(dango, project_dir, sheet, auth_env):
    before = snapshot(project_dir)
    result = dango("auth", "sheet", "--no-browser", "--timeout", "1", env_extra=auth_env)
    assert result.code == 1, result
    assert "No sign-in arrived within 1 s" in result.err
    assert snapshot(project_dir) == before


def test_token_endpoint_errors_leave_existing_tokens_and_print_no_secret(connect, start, browser, server,
                                                                          project_dir, sheet):
    connect("sheet")
    before = snapshot(project_dir)
    leaky = f"upstream failed for client_secret={GOOGLE_CLIENT_SECRET} token 1//abcdefghijklmnopqrstu"
    for status, body, expected in (
            (500, leaky, "HTTP 500"),
            (200, "<html>garbage</html>", "HTTP 200"),
            (400, '{"error": "invalid_client", "error_description": "bad secret %s"}' % GOOGLE_CLIENT_SECRET,
             "error invalid_client")):
        server.token_failure = (status, body)
        run = start("auth", "sheet", "--no-browser")
        browser.approve(run.url())
        result = run.finish()
        assert result.code == 1, result
        assert expected in result.err and "nothing was changed" in result.err
        assert GOOGLE_CLIENT_SECRET not in result.output and "abcdefghijklmnop" not in result.output
        assert snapshot(project_dir) == before


def test_missing_client_credentials(dango, project_dir, sheet, env):
    before = snapshot(project_dir)
    result = dango("auth", "sheet", "--no-browser", "--timeout", "1", env_extra={})
    assert result.code == 2, result
    assert "GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET" in result.err
    assert snapshot(project_dir) == before


def test_client_credentials_from_dotenv(connect, project_dir, sheet, start, browser, auth_env):
    env_file = project_dir / ".env"
    env_file.write_text(f"GOOGLE_CLIENT_ID={GOOGLE_CLIENT_ID}\nGOOGLE_CLIENT_SECRET={GOOGLE_CLIENT_SECRET}\n")
    env_file.chmod(0o600)
    run = start("auth", "sheet", "--no-browser",
                env_extra={"GOOGLE_CLIENT_ID": "", "GOOGLE_CLIENT_SECRET": ""})
    browser.approve(run.url())
    assert run.finish().code == 0
    assert stored(project_dir)["credentials"]["client_id"] == GOOGLE_CLIENT_ID


def test_not_an_oauth_target(dango, auth_env):
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input").code == 0
    for target, words in (("pay", "does not use OAuth"), ("nosuch", "neither an OAuth source"),
                          ("google_ads", "no google_ads source yet")):
        result = dango("auth", target, "--no-browser", env_extra=auth_env)
        assert result.code == 2, result
        assert words in result.err


def test_facebook_code_is_swapped_for_a_long_lived_token(dango, connect, project_dir, server):
    assert dango("source", "add", "facebook_ads", "--name", "ads", "--no-input",
                 "--set", "account_id=act_1").code == 0
    result = connect("ads")
    assert "as Ada Lovelace" in result.out
    section = stored(project_dir, "ads")
    assert section["access_token"].startswith("EAAlong")
    assert FACEBOOK_APP_SECRET not in (project_dir / ".dlt/secrets.toml").read_text()
    from datetime import datetime, timezone

    days = (section["credentials"]["expires_at"] - datetime.now(timezone.utc)).days
    assert 58 <= days <= 60
    assert section["access_token"] not in result.output
    assert dango("auth", "ads", "--device").code == 2  # Facebook has no RFC 8628 grant


def test_oauth_is_an_alias(dango, sheet):
    result = dango("oauth", "list")
    assert result.code == 0, result
    assert "sheet" in result.out and "missing" in result.out


def test_endpoints_can_come_from_project_yml(start, browser, server, project_dir, sheet):
    with (project_dir / ".dango/project.yml").open("a") as handle:
        handle.write(f"oauth:\n  google:\n    authorize_url: {server.url}/authorize\n"
                     f"    token_url: {server.url}/token\n")
    run = start("auth", "sheet", "--no-browser", env_extra={
        "DANGO_OAUTH_GOOGLE_AUTHORIZE_URL": "", "DANGO_OAUTH_GOOGLE_TOKEN_URL": ""})
    url = run.url()
    assert url.startswith(server.url + "/authorize?")
    browser.approve(url)
    assert run.finish().code == 0
    assert "refresh_token" in stored(project_dir)["credentials"]


def test_usage_errors_name_the_command_as_typed(dango, sheet):
    result = dango("auth", "sheet", "--timeout", "soon")
    assert result.code == 2
    assert "Usage: dango auth SOURCE_OR_TYPE" in result.err and "_connect" not in result.err


def test_an_idle_browser_connection_does_not_hold_up_the_callback(start, browser, sheet):
    """Browsers open spare connections that send nothing; the callback still lands at once."""
    import socket
    import time

    run = start("auth", "sheet", "--no-browser")
    url = run.url()
    port = urlsplit(parse_qs(urlsplit(url).query)["redirect_uri"][0]).port
    idle = socket.create_connection(("127.0.0.1", port))
    try:
        started = time.monotonic()
        assert browser.approve(url).status_code == 200
        assert time.monotonic() - started < 5
        assert run.finish().code == 0
    finally:
        idle.close()
