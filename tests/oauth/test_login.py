"""`dango auth NAME`: the authorization code flow with PKCE, through the real command."""

from __future__ import annotations

import tomllib
from urllib.parse import parse_qs, urlsplit

from tests.servers.oauth_server import GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET


def stored(project_dir, name="sheet") -> dict:
    return tomllib.loads((project_dir / ".dlt/secrets.toml").read_text())["sources"][name]


def test_browser_flow_stores_tokens_in_dlt_shape(start, browser, server, project_dir, sheet):
    run = start("auth", "sheet", "--no-browser")
    url = run.url()
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"]
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
    # the verifier went to the token endpoint, and the server checked it against the challenge
    token_calls = [form for method, path, form in server.requests if path == "/token"]
    assert token_calls and len(token_calls[0]["code_verifier"]) >= 43
