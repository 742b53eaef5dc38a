"""The rest_api live check authenticates as the sync does: the `headers` table, and the
client credentials grant of auth_type oauth2_client_credentials."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from tests.conftest import snapshot
from tests.servers.local_http import JsonHandler, serve

HEADER_SECRET = "hdr-secret-5b8c1e9d2f"  # dango:allow
CLIENT_SECRET = "cc-secret-0d7e4a6b91"  # dango:allow
OLD_SECRET = "cc-secret-old-33aa7c1f"  # dango:allow
ACCESS_TOKEN = "cc-access-f2a9d4b7c6e1"  # dango:allow


class Api(JsonHandler):
    """GET /me needs X-Token or the bearer token that POST /token gives for CLIENT_SECRET."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        form = {key: values[-1] for key, values in parse_qs(body).items()}
        if form.get("grant_type") == "client_credentials" and form.get("client_secret") == CLIENT_SECRET:
            self.send_json({"access_token": ACCESS_TOKEN, "expires_in": 3600})
        else:
            self.send_json({"error": "invalid_client",
                            "error_description": f"bad secret {form.get('client_secret')}"}, 401)

    def do_GET(self):
        if self.headers.get("X-Token") == HEADER_SECRET or \
                self.headers.get("Authorization") == f"Bearer {ACCESS_TOKEN}":
            self.send_json({"id": 1})
        else:
            self.send_json({"message": "unauthenticated"}, 401)


@pytest.fixture
def api():
    with serve(Api) as url:
        yield url


def add(dango, name: str, url: str, *settings: str) -> None:
    args = [arg for setting in ("probe_path=/me", "resources=me", *settings) for arg in ("--set", setting)]
    assert dango("source", "add", "rest_api", "--name", name, "--no-input", "--set", f"base_url={url}",
                 *args).code == 0


def test_the_headers_table_goes_with_the_probe(dango, project_dir, api):
    add(dango, "hdr", api, "auth_type=none")
    secrets = project_dir / ".dlt/secrets.toml"
    secrets.write_text(secrets.read_text() + f'\n[sources.hdr.headers]\nX-Token = "{HEADER_SECRET}"\n')
    result = dango("source", "test", "hdr")
    assert result.code == 0, result
    assert result.out == "hdr: valid\n"
    secrets.write_text(secrets.read_text().replace(HEADER_SECRET, "hdr-secret-wrong-000"))
    result = dango("source", "test", "hdr")
    assert result.code == 1 and result.out.startswith("hdr: invalid (the API refused the credential (HTTP 401")


def test_client_credentials_are_exchanged_for_a_token_before_the_probe(dango, project_dir, api):
    add(dango, "cc", api, "auth_type=oauth2_client_credentials", f"access_token_url={api}/token")
    assert dango("secrets", "set", "cc.client_id", input="cc-client").code == 0
    assert dango("secrets", "set", "cc.client_secret", input=OLD_SECRET).code == 0
    tested = dango("source", "test", "cc")
    assert tested.code == 1, tested
    assert tested.out == ("cc: invalid (the token URL (access_token_url) refused the client id and secret "
                          "(HTTP 401, error invalid_client))\n")
    before = snapshot(project_dir / ".dlt")
    refused = dango("secrets", "rotate", "cc.client_secret", input="cc-secret-also-wrong-9")
    assert refused.code == 1 and "nothing was changed" in refused.err
    assert snapshot(project_dir / ".dlt") == before
    rotated = dango("secrets", "rotate", "cc.client_secret", input=CLIENT_SECRET)
    assert rotated.code == 0, rotated
    assert "Stored the new cc.client_secret (live test: valid)" in rotated.out
    assert dango("source", "test", "cc").out == "cc: valid\n"
    for result in (tested, refused, rotated):
        for secret in (CLIENT_SECRET, OLD_SECRET, ACCESS_TOKEN, "cc-secret-also-wrong-9"):
            assert secret not in result.output
