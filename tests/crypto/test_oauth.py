"""OAuth tokens written by `dango auth` (and by a refresh) into an encrypted project are
encrypted; what describes the grant stays readable; every auth command still works."""

from __future__ import annotations

import pytest

from tests.conftest import files_containing
from tests.crypto.conftest import stored
from tests.oauth.conftest import browser, connect, server, sheet, start  # noqa: F401 - fixtures
from tests.servers.oauth_server import GOOGLE_CLIENT_SECRET

ENC = "ENC[v1,AES256_GCM,kid:"


@pytest.fixture
def auth_env(env, server, kenv):  # noqa: F811 - the OAuth fixtures, with the test keyring
    return dict(env, **server.env(), **kenv)


def test_tokens_from_auth_and_refresh_are_encrypted(dango, connect, auth_env, project_dir, sheet):  # noqa: F811
    assert dango("secrets", "encrypt", env_extra=auth_env).code == 0
    connect("sheet")
    first = stored(project_dir)["sources"]["sheet"]["credentials"]
    for key in ("refresh_token", "access_token", "client_secret"):
        assert first[key].startswith(ENC), key
    assert not first["client_id"].startswith(ENC) and isinstance(first["scopes"], list)
    assert not str(first["expires_at"]).startswith(ENC)
    assert files_containing(project_dir, GOOGLE_CLIENT_SECRET) == []

    refreshed = dango("auth", "refresh", "sheet", env_extra=auth_env)
    assert refreshed.code == 0, refreshed
    second = stored(project_dir)["sources"]["sheet"]["credentials"]
    assert second["access_token"].startswith(ENC) and second["access_token"] != first["access_token"]
    assert second["refresh_token"] == first["refresh_token"]  # unchanged: no churn
    status = dango("auth", "status", "--source", "sheet", env_extra=auth_env)
    assert status.code == 0 and "valid" in status.out, status
    exported = dango("secrets", "export", "--format", "toml", "--reveal", env_extra=auth_env)
    assert exported.code == 0 and GOOGLE_CLIENT_SECRET in exported.out, exported
