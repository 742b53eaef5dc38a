"""Guided rotation (`secrets rotate`) on an encrypted project: the kept previous value is
encrypted under its own key path, and a rollback restores the old value."""

from __future__ import annotations

from tests.conftest import CANARY_STRIPE, files_containing
from tests.crypto.conftest import stored
from tests.lifecycle.conftest import STRIPE_KEY, stripe_api  # noqa: F401 - fixture

ENC = "ENC[v1,AES256_GCM,kid:"


def test_rotate_and_rollback_on_an_encrypted_project(cdango, project_dir, stripe_api):  # noqa: F811
    assert cdango("source", "add", "stripe", "--name", "pay", "--no-input",
                  "--set", f"base_url={stripe_api.url}").code == 0
    assert cdango("secrets", "set", "pay.stripe_secret_key", input=CANARY_STRIPE).code == 0
    assert cdango("secrets", "encrypt").code == 0

    rotated = cdango("secrets", "rotate", "pay.stripe_secret_key", input=STRIPE_KEY)
    assert rotated.code == 0, rotated
    section = stored(project_dir)["sources"]["pay"]
    assert section["stripe_secret_key"].startswith(ENC)
    assert section["stripe_secret_key__previous"].startswith(ENC)
    for value in (CANARY_STRIPE, STRIPE_KEY):
        assert files_containing(project_dir, value) == []
    assert cdango("source", "test", "pay").code == 0  # the live check decrypts the new key

    back = cdango("secrets", "rotate", "pay.stripe_secret_key", "--rollback")
    assert back.code == 0, back
    section = stored(project_dir)["sources"]["pay"]
    assert "stripe_secret_key__previous" not in section and section["stripe_secret_key"].startswith(ENC)
    exported = cdango("secrets", "export", "--format", "env", "--reveal")
    assert f"SOURCES__PAY__STRIPE_SECRET_KEY='{CANARY_STRIPE}'" in exported.out.splitlines()
    assert files_containing(project_dir, CANARY_STRIPE) == []
