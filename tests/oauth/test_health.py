"""`dango source test` on OAuth sources: a refresh grant against the real OAuth server."""

from __future__ import annotations


def test_source_test_google_valid_then_revoked(dango, connect, server, auth_env, sheet):
    connect("sheet")
    valid = dango("source", "test", "sheet", env_extra=auth_env)
    assert valid.code == 0, valid
    assert valid.out.startswith("sheet: valid")
    server.revoke_all()
    revoked = dango("source", "test", "sheet", env_extra=auth_env)
    assert revoked.code == 1
    assert revoked.out.startswith("sheet: invalid") and "dango auth sheet" in revoked.out


def test_source_test_without_tokens_is_invalid(dango, auth_env, sheet):
    result = dango("source", "test", "sheet", env_extra=auth_env)
    assert result.code == 1 and "sheet: invalid" in result.out and "dango auth sheet" in result.out


def test_source_test_with_the_token_endpoint_down_is_unknown(dango, connect, auth_env, sheet):
    connect("sheet")
    down = dict(auth_env, DANGO_OAUTH_GOOGLE_TOKEN_URL="http://127.0.0.1:9/token")
    result = dango("source", "test", "sheet", env_extra=down)
    assert result.code == 1 and result.out.startswith("sheet: unknown")


def test_source_test_waits_for_a_silent_token_endpoint_only_its_timeout(dango, connect, auth_env, sheet,
                                                                        silent_port, project_dir):
    connect("sheet")
    before = (project_dir / ".dlt/secrets.toml").read_bytes()
    silent = dict(auth_env, DANGO_OAUTH_GOOGLE_TOKEN_URL=f"http://127.0.0.1:{silent_port}/token")
    # The provider's default wait is 30 s; the subprocess limit is below it, far above the 1 s asked for.
    result = dango("source", "test", "sheet", "--timeout", "1", env_extra=silent, timeout=25)
    assert result.code == 1, result
    assert result.out.startswith("sheet: unknown (Could not reach the token endpoint at http://127.0.0.1:")
    assert "(no whole answer within 1 s)" in result.out
    assert (project_dir / ".dlt/secrets.toml").read_bytes() == before


def test_a_refused_oauth_client_is_invalid_not_unknown(dango, connect, auth_env, sheet, project_dir):
    from tests.servers.oauth_server import GOOGLE_CLIENT_SECRET

    connect("sheet")
    secrets = project_dir / ".dlt/secrets.toml"
    wrong = "GOCSPX-notTheClientSecret9f8e7d"  # dango:allow
    secrets.write_text(secrets.read_text().replace(GOOGLE_CLIENT_SECRET, wrong))
    result = dango("source", "test", "sheet", env_extra=auth_env)
    assert result.code == 1, result
    assert result.out.startswith("sheet: invalid (The token endpoint at http://127.0.0.1:")
    assert "error invalid_client" in result.out
    assert "check the OAuth client: GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET" in result.out
    assert wrong not in result.output and GOOGLE_CLIENT_SECRET not in result.output
