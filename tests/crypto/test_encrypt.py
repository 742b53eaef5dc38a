"""`dango secrets encrypt / decrypt / status`: round trip on a real file, with a real
keyring backend (keyrings.alt's file backend under the test's HOME)."""

from __future__ import annotations

import json

from tests.conftest import CANARIES, CANARY_PASSWORD, CANARY_STRIPE, files_containing
from tests.crypto.conftest import (CLIENT_SECRET, ESCAPED_LITERAL, SECRET_PATHS, SECRETS_TOML,
                                   keyring_file, stored, value_at)

ENC = "ENC[v1,AES256_GCM,kid:"


def test_encrypt_round_trip_keeps_layout_and_decrypt_restores_the_file(rich_project, cdango, home):
    result = cdango("secrets", "encrypt")
    assert result.code == 0, result
    assert f"Encrypted {len(SECRET_PATHS)} values" in result.out

    text = (rich_project / ".dlt" / "secrets.toml").read_text()
    data = stored(rich_project)
    for key_path in SECRET_PATHS:
        assert value_at(data, key_path).startswith(ENC), key_path
    # what is not secret stays readable; references stay references; comments and order stay
    assert data["sources"]["pg"]["host"] == "db.internal" and data["sources"]["pg"]["port"] == 5432
    assert data["sources"]["gs"]["credentials"]["client_id"] == "1234.apps.googleusercontent.com"
    assert data["sources"]["gs"]["credentials"]["scopes"] == [
        "https://www.googleapis.com/auth/spreadsheets.readonly"]
    assert data["sources"]["api"]["api_key"] == "${API_TOKEN}"
    assert data["dango"]["fingerprint_key"] != stored_plain()["dango"]["fingerprint_key"]  # encrypted
    assert "[sources.pay]  # the live Stripe account" in text
    assert "# rotated in May" in text and "# OAuth grant written by `dango auth`" in text
    assert [l.split("=")[0] for l in text.splitlines()] == [l.split("=")[0] for l in SECRETS_TOML.splitlines()]
    # the key id is recorded in project.yml, the key itself nowhere in the project
    kid = value_at(data, "sources.pg.password").split("kid:")[1][:8]
    from dango.yaml_io import parse_yaml

    assert parse_yaml(rich_project, (rich_project / ".dango" / "project.yml").read_text())["encryption"]["key_id"] == kid
    for canary in CANARIES + (CLIENT_SECRET,):
        assert files_containing(rich_project, canary) == [], canary
    assert keyring_file(home).is_file() and kid in keyring_file(home).read_text()
    assert oct((rich_project / ".dlt" / "secrets.toml").stat().st_mode & 0o777) == "0o600"
    example = (rich_project / ".dlt" / "secrets.toml.example").read_text()
    assert "ENC[" not in example and "<password>" in example

    again = cdango("secrets", "encrypt")  # nothing left: unchanged values are not re-encrypted
    assert again.code == 0 and "Encrypted 0 values" in again.out, again
    assert stored(rich_project) == data

    back = cdango("secrets", "decrypt", "--yes")
    assert back.code == 0, back
    assert (rich_project / ".dlt" / "secrets.toml").read_text() == SECRETS_TOML
    assert "encryption" not in (rich_project / ".dango" / "project.yml").read_text()
    assert kid not in keyring_file(home).read_text()  # the key is gone with the encryption
    audit = (rich_project / ".dango" / "audit.log").read_text()
    assert '"event": "encrypted"' in audit and '"event": "decrypted"' in audit
    assert not any(c in audit for c in CANARIES)


def stored_plain() -> dict:
    import tomllib

    return tomllib.loads(SECRETS_TOML)


def test_reading_commands_work_on_an_encrypted_file_and_mask(encrypted, cdango):
    show = cdango("config", "show", "--json")
    assert show.code == 0, show
    fields = {(s["name"], f["field"]): f for s in json.loads(show.out)["sources"] for f in s["fields"]}
    assert fields[("pay", "stripe_secret_key")]["value"] == "sk_live_" + "*" * 15
    assert fields[("pg", "password")]["value"] == "*" * 15
    assert fields[("pg", "host")]["value"] == "db.internal"
    assert fields[("api", "api_key")]["value"] == "${API_TOKEN}"
    credentials = fields[("gs", "credentials")]["value"]
    assert credentials["refresh_token"] == "1//" + "*" * 15
    assert credentials["client_secret"] == "GOCSPX-" + "*" * 15
    assert credentials["client_id"] == "1234.apps.googleusercontent.com"
    plain = cdango("config", "show")
    assert plain.code == 0 and "sk_live_***************" in plain.out, plain
    validate = cdango("validate")
    assert "could not be decrypted" not in validate.output, validate
    for result in (show, plain, validate):
        assert not any(c in result.output for c in CANARIES + (CLIENT_SECRET,)), result


def test_new_values_are_encrypted_once_the_project_is(encrypted, cdango):
    new_key = "sk_live_NEWc4n4ryAfterEncryption99"
    result = cdango("secrets", "set", "pay.stripe_secret_key", input=new_key)
    assert result.code == 0, result
    added = cdango("source", "add", "stripe", "--name", "pay2", "--no-input",
                   "--set", f"stripe_secret_key={new_key}")
    assert added.code == 0, added
    ref = cdango("secrets", "set", "pg.password", "--ref", "PG_PASSWORD")
    assert ref.code == 0, ref
    data = stored(encrypted)
    assert data["sources"]["pay"]["stripe_secret_key"].startswith(ENC)
    assert data["sources"]["pay2"]["stripe_secret_key"].startswith(ENC)
    assert data["sources"]["pg"]["password"] == "${PG_PASSWORD}"  # a reference stays readable
    assert files_containing(encrypted, new_key) == []
    exported = cdango("secrets", "export", "--format", "env", "--reveal",
                      env_extra={"PG_PASSWORD": CANARY_PASSWORD})
    assert exported.code == 0, exported
    assert f"SOURCES__PAY__STRIPE_SECRET_KEY='{new_key}'" in exported.out.splitlines()
    assert f"SOURCES__PAY2__STRIPE_SECRET_KEY='{new_key}'" in exported.out.splitlines()


def test_encrypt_one_source_or_field(rich_project, cdango):
    result = cdango("secrets", "encrypt", "pg.password")
    assert result.code == 0 and "Encrypted 1 value" in result.out, result
    data = stored(rich_project)
    assert data["sources"]["pg"]["password"].startswith(ENC)
    assert data["sources"]["pay"]["stripe_secret_key"] == CANARY_STRIPE
    status = cdango("secrets", "status", "--json")
    assert status.code == 0, status
    counts = json.loads(status.out)["counts"]
    assert counts == {"encrypted": 1, "plaintext": 5, "reference": 1}  # 4 + the fingerprint key
    unknown = cdango("secrets", "encrypt", "nope")
    assert unknown.code == 2 and "No source named 'nope'" in unknown.err, unknown
    no_field = cdango("secrets", "encrypt", "pg.pasword")
    assert no_field.code == 2 and "has no field 'pasword'" in no_field.err, no_field
    oauth = cdango("secrets", "encrypt", "gs.credentials")
    assert oauth.code == 0 and "Encrypted 2 values" in oauth.out, oauth


def test_status_names_the_backend_and_warns_about_a_plaintext_keyring(encrypted, cdango):
    result = cdango("secrets", "status", "--json")
    assert result.code == 0, result
    status = json.loads(result.out)
    assert status["encrypted"] and status["reachable"] is True
    assert status["backend"] == "keyrings.alt.file.PlaintextKeyring" and status["plaintext_backend"]
    assert status["counts"] == {"encrypted": len(SECRET_PATHS), "reference": 1}
    assert "keeps the encryption key unencrypted" in result.err
    text = cdango("secrets", "status")
    assert "Encryption: on, key " in text.out and "Key reachable: yes" in text.out, text
    assert any(l.split()[:2] == ["sources.pg.password", "encrypted"] for l in text.out.splitlines())


def test_escaped_literal_and_reference_resolve_after_encryption(encrypted, cdango):
    result = cdango("secrets", "export", "--format", "toml", "--reveal")
    assert result.code == 0, result
    import tomllib

    data = tomllib.loads(result.out)
    assert data["sources"]["api"]["password"] == ESCAPED_LITERAL  # stored form: reads back as a literal
    assert data["sources"]["api"]["api_key"] == "api-token-from-the-environment-42"
    assert data["sources"]["pay"]["stripe_secret_key"] == CANARY_STRIPE
    assert data["sources"]["gs"]["credentials"]["client_secret"] == CLIENT_SECRET
    assert "dango" not in data


def test_destination_credentials_are_encrypted_and_read_back(rich_project, cdango):
    path = rich_project / ".dlt" / "secrets.toml"
    path.write_text(path.read_text() + '\n[destination.postgres.credentials]\nhost = "wh.internal"\n'
                    f'password = "{CANARY_PASSWORD}-warehouse"\n')
    assert cdango("secrets", "encrypt").code == 0
    credentials = stored(rich_project)["destination"]["postgres"]["credentials"]
    assert credentials["host"] == "wh.internal" and credentials["password"].startswith(ENC)
    exported = cdango("secrets", "export", "--format", "env", "--reveal")
    assert f"DESTINATION__POSTGRES__CREDENTIALS__PASSWORD='{CANARY_PASSWORD}-warehouse'" in exported.out.splitlines()


def test_a_value_written_by_a_process_that_started_before_encrypt_is_encrypted(rich_project, cdango,
                                                                              monkeypatch):
    """The settings a process read at startup may predate `encrypt`; the write still encrypts."""
    import base64

    from dango.manage import set_secret
    from dango.project import load_project

    key = base64.b64encode(b"s" * 32).decode()  # in this process: the key from the env, no keyring
    started = load_project(rich_project)  # read before the project was encrypted
    assert cdango("secrets", "encrypt", env_extra={"DANGO_MASTER_KEY": key}).code == 0
    monkeypatch.setenv("DANGO_MASTER_KEY", key)
    set_secret(started, "pay.stripe_secret_key", value="sk_live_writtenByAStaleProcess1")
    assert stored(rich_project)["sources"]["pay"]["stripe_secret_key"].startswith(ENC)


def test_status_exits_1_when_the_key_is_unreachable(encrypted, cdango, home):
    from tests.crypto.conftest import NULL_KEYRING, keyring_env

    result = cdango("secrets", "status", "--json", env_extra=keyring_env(home, NULL_KEYRING))
    assert result.code == 1, result
    status = json.loads(result.out)
    assert status["reachable"] is False and "keyrings.alt" in status["problem"]


def test_encrypt_warns_at_once_when_the_key_lands_in_a_plaintext_keyring_file(rich_project, cdango):
    result = cdango("secrets", "encrypt")
    assert result.code == 0, result
    assert "PlaintextKeyring keeps the encryption key unencrypted in the file " in result.err
    assert "DANGO_MASTER_KEY" in result.err
    with_env = cdango("secrets", "rotate-key", env_extra={})
    assert "unencrypted in the file " in with_env.err


def test_status_says_plainly_when_no_keyring_backend_can_keep_a_key(rich_project, dango):
    result = dango("secrets", "status", env_extra={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert "Key from: nowhere: no usable keyring backend on this machine" in result.out, result
    assert "keyrings.alt" in result.out and "DANGO_MASTER_KEY" in result.out


def test_a_secret_written_as_a_number_is_encrypted_too(rich_project, cdango):
    """A password typed as digits without quotes is a TOML integer: it stayed in plaintext while
    encrypt said nothing was left, and neither status nor validate mentioned it."""
    path = rich_project / ".dlt" / "secrets.toml"
    path.write_text(path.read_text().replace(f'password = "{CANARY_PASSWORD}"', "password = 84736251"))  # dango:allow
    assert cdango("secrets", "encrypt").code == 0
    assert "84736251" not in path.read_text()
    assert value_at(stored(rich_project), "sources.pg.password").startswith(ENC)
    exported = cdango("secrets", "export", "--format", "env", "--reveal").out
    assert "SOURCES__PG__PASSWORD='84736251'" in exported  # dango:allow
    assert "sources.pg.password" not in cdango("validate").out
    assert cdango("secrets", "decrypt", "--yes").code == 0
    assert value_at(stored(rich_project), "sources.pg.password") == "84736251"  # back, as text
