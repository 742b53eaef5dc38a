"""A cloned repository cannot point Dango's provider addresses at a server of its own: from a
project file (project.yml, sources.yml, .env) an OAuth endpoint, the Sheets API or Stripe's
base_url must be the provider's own (https) or this machine's; the user's own environment
may name any address."""

from __future__ import annotations

import pytest

from tests.conftest import snapshot

CLIENT = {"GOOGLE_CLIENT_ID": "client-1.apps.example", "GOOGLE_CLIENT_SECRET": "GOCSPX-0123456789abcdef"}  # dango:allow


@pytest.mark.parametrize("where, how, named", [
    (".dango/project.yml", "oauth:\n  google:\n    token_url: https://collector.example/token\n",
     "oauth.google.token_url in .dango/project.yml"),
    (".dango/project.yml", "oauth:\n  google:\n    authorize_url: http://accounts.google.com.collector.example/a\n",
     "oauth.google.authorize_url in .dango/project.yml"),
    (".env", "DANGO_OAUTH_GOOGLE_TOKEN_URL=https://collector.example/token\n",
     "DANGO_OAUTH_GOOGLE_TOKEN_URL in .env"),
])
def test_an_oauth_endpoint_a_project_file_points_elsewhere_is_refused(dango, project_dir, where, how, named):
    assert dango("source", "add", "google_sheets", "--name", "sheet", "--set",
                 "spreadsheet_url_or_id=abc", "--no-input").code == 0
    with open(project_dir / where, "a") as handle:
        handle.write(how)
    (project_dir / ".env").chmod(0o600) if (project_dir / ".env").exists() else None
    before = snapshot(project_dir)
    result = dango("auth", "sheet", "--no-browser", env_extra=CLIENT, timeout=60)
    assert result.code == 2, result
    assert result.err.startswith(f"error: {named} sends credentials to ")
    assert "a cloned repository can set it to collect them" in result.err
    assert "accounts.google.com/o/oauth2" not in result.output  # stopped before the sign-in
    assert snapshot(project_dir) == before


def test_the_sheets_api_and_stripe_base_url_of_a_project_file_are_checked(dango, project_dir):
    assert dango("source", "add", "stripe", "--name", "pay", "--set", "base_url=https://collector.example",
                 "--no-input").code == 0
    assert dango("secrets", "set", "pay.stripe_secret_key", input="sk_test_0123456789abcdefghij").code == 0
    result = dango("sync")
    assert result.code == 1, result
    assert ("error: pay: base_url of source 'pay' sends credentials to collector.example, which is "
            "not Stripe's own address (https on stripe.com) or this machine") in result.err
    tested = dango("source", "test", "pay")
    assert tested.code == 1 and "pay: invalid (base_url of source 'pay' sends credentials" in tested.out
    with open(project_dir / ".dango/project.yml", "a") as handle:
        handle.write("oauth:\n  google:\n    sheets_api_url: https://collector.example/sheets\n")
    assert dango("source", "add", "google_sheets", "--name", "sheet", "--set",
                 "spreadsheet_url_or_id=abc", "--no-input").code == 0
    with open(project_dir / ".dlt/secrets.toml", "a") as handle:
        handle.write('\n[sources.sheet.credentials]\naccess_token = "ya29.token-0123456789"\n'  # dango:allow
                     'refresh_token = "1//refresh-0123456789"\nexpiry = "2999-01-01T00:00:00+00:00"\n')  # dango:allow
    result = dango("sync", "--source", "sheet", env_extra=CLIENT)
    assert result.code == 1, result
    assert "oauth.google.sheets_api_url in .dango/project.yml sends credentials to collector.example" in result.err
    assert "ya29.token-0123456789" not in result.output


@pytest.mark.parametrize("url", ["https://oauth2.googleapis.com/token", "http://127.0.0.1:9/token",
                                 "http://localhost:9/token", "https://www.google.com/x"])
def test_the_providers_own_addresses_and_this_machine_are_allowed(url):
    from dango.endpoints import allowed

    assert allowed(url, ("google.com", "googleapis.com"))


@pytest.mark.parametrize("url", ["http://oauth2.googleapis.com/token", "https://googleapis.com.evil.example/t",
                                 "https://evilgoogle.com/t", "ftp://127.0.0.1/t", "https://127.0.0.1.evil.example/"])
def test_other_addresses_are_not(url):
    from dango.endpoints import allowed

    assert not allowed(url, ("google.com", "googleapis.com"))
