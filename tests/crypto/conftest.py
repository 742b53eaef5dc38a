"""Fixtures for encryption at rest: a real keyring backend in the test's HOME, and a
project whose secrets file has comments, an OAuth table, references and an escaped `$${`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import CANARY_PASSWORD, CANARY_STRIPE, CANARY_TOKEN, DANGO_SECTION

REPO = Path(__file__).resolve().parents[2]
PLAINTEXT_KEYRING = "keyrings.alt.file.PlaintextKeyring"
NULL_KEYRING = "keyring.backends.null.Keyring"
CLIENT_SECRET = "GOCSPX-clientS3cretCanary77"
API_TOKEN = "api-token-from-the-environment-42"
ESCAPED_LITERAL = "pa$${not_a_ref}word-9911"  # as stored; reads back as pa${not_a_ref}word-9911

SOURCES_YML = """\
# Data sources of this project.
sources:
  - name: pay
    type: stripe
    enabled: true
  - name: pg
    type: postgres
    enabled: true
  - name: gs
    type: google_sheets
    enabled: true
    spreadsheet_url_or_id: book1
  - name: api
    type: rest_api
    enabled: true
    base_url: https://api.example.invalid
    auth_type: basic
"""

SECRETS_TOML = f"""\
# Credentials for this project's sources (hand-written comments must survive).

[sources.pay]  # the live Stripe account
stripe_secret_key = "{CANARY_STRIPE}"  # rotated in May

[sources.pg]
host = "db.internal"
port = 5432
database = "shop"
username = "loader"
password = "{CANARY_PASSWORD}"

# OAuth grant written by `dango auth`
[sources.gs.credentials]
client_id = "1234.apps.googleusercontent.com"
client_secret = "{CLIENT_SECRET}"
refresh_token = "1//{CANARY_TOKEN}"
project_id = "demo-project"
scopes = ["https://www.googleapis.com/auth/spreadsheets.readonly"]

[sources.api]
api_key = "${{API_TOKEN}}"
username = "robot"
password = "{ESCAPED_LITERAL}"
""" + DANGO_SECTION

SECRET_PATHS = {
    "sources.pay.stripe_secret_key", "sources.pg.password", "sources.gs.credentials.client_secret",
    "sources.gs.credentials.refresh_token", "sources.api.password",
    "dango.fingerprint_key",  # dango's own secret is encrypted with the others
}


def keyring_env(home: Path, backend: str = PLAINTEXT_KEYRING) -> dict[str, str]:
    """A keyring backend whose file lives under the test's HOME, never the user's keyring."""
    return {"PYTHON_KEYRING_BACKEND": backend, "XDG_DATA_HOME": str(home / ".local" / "share"),
            "DANGO_KEYRING_TIMEOUT": "10",
            # the repository (for tests.crypto.keyring_backends), then the caller's own path
            "PYTHONPATH": os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH"))))}


def keyring_file(home: Path) -> Path:
    return home / ".local" / "share" / "python_keyring" / "keyring_pass.cfg"


@pytest.fixture
def kenv(home) -> dict[str, str]:
    return keyring_env(home)


@pytest.fixture
def cdango(dango, kenv):
    """`dango` with the test keyring (and API_TOKEN set for the reference)."""

    def call(*args: str, input: str | None = None, env_extra: dict[str, str] | None = None, **kw):
        merged = {**kenv, "API_TOKEN": API_TOKEN, **(env_extra or {})}
        return dango(*args, input=input, env_extra=merged, **kw)

    return call


@pytest.fixture
def rich_project(project_dir: Path) -> Path:
    (project_dir / ".dango" / "sources.yml").write_text(SOURCES_YML)
    secrets = project_dir / ".dlt" / "secrets.toml"
    secrets.write_text(SECRETS_TOML)
    secrets.chmod(0o600)
    return project_dir


@pytest.fixture
def encrypted(rich_project, cdango) -> Path:
    result = cdango("secrets", "encrypt")
    assert result.code == 0, result
    return rich_project


def stored(project_dir: Path) -> dict:
    import tomllib

    return tomllib.loads((project_dir / ".dlt" / "secrets.toml").read_text())


def value_at(data: dict, key_path: str):
    for part in key_path.split("."):
        data = data[part]
    return data
