"""A `${VAR:-default}` (or text beside a reference) in an encrypted project: like SOPS, which
encrypts every value whole, `secrets encrypt` encrypts such a value whole and says so at
once; a bare `${VAR}` and a `ref+` store reference stay readable."""

from __future__ import annotations

import re

from tests.conftest import files_containing
from tests.crypto.conftest import stored, value_at

DEFAULT = "sk_live_typedDefault0123456789"  # dango:allow
FROM_ENV = "sk_live_fromTheEnvironment987654"  # dango:allow
EXPORT = ("secrets", "export", "--format", "env", "--reveal")


def _add(project_dir, text: str) -> None:
    path = project_dir / ".dlt" / "secrets.toml"
    path.write_text(path.read_text() + text)


def test_encrypt_encrypts_a_reference_with_a_default_whole_and_says_so(rich_project, cdango):
    _add(rich_project, '\n[sources.hand]\napi_key = "${HAND_KEY:-' + DEFAULT + '}"\n'
         'vaulted = "ref+file://vault.txt"\n')
    (rich_project / "vault.txt").write_text("from-a-file-0123456789")
    (rich_project / "vault.txt").chmod(0o600)
    before = cdango("secrets", "status")
    assert re.search(r"sources\.hand\.api_key +plaintext", before.out), before

    result = cdango("secrets", "encrypt")
    assert result.code == 0, result
    assert ("sources.hand.api_key is a ${VAR} reference with a default or text beside it: encrypted "
            "whole") in result.err, result
    assert files_containing(rich_project, DEFAULT) == []  # the default is nowhere in plaintext
    data = stored(rich_project)
    assert value_at(data, "sources.hand.api_key").startswith("ENC[v1,AES256_GCM,kid:")
    assert value_at(data, "sources.api.api_key") == "${API_TOKEN}"  # a bare reference stays
    assert value_at(data, "sources.hand.vaulted") == "ref+file://vault.txt"
    assert DEFAULT not in result.output

    # still a reference when used: the default when the variable is unset, else the variable
    assert f"SOURCES__HAND__API_KEY='{DEFAULT}'" in cdango(*EXPORT).out
    assert f"SOURCES__HAND__API_KEY='{FROM_ENV}'" in cdango(*EXPORT, env_extra={"HAND_KEY": FROM_ENV}).out

    # validate has nothing left to report about it, nor about the ref+ reference
    checked = cdango("validate")
    assert "holds a default or text beside" not in checked.output, checked
    assert re.search(r"sources\.hand\.api_key +encrypted", cdango("secrets", "status").out)

    # decrypt gives the reference back exactly as written
    assert cdango("secrets", "decrypt", "--yes").code == 0
    assert value_at(stored(rich_project), "sources.hand.api_key") == "${HAND_KEY:-" + DEFAULT + "}"


def test_validate_does_not_call_a_ref_store_reference_plaintext(encrypted, cdango):
    """A `ref+` reference has no default: nothing of it is a plaintext secret to report."""
    _add(encrypted, '\n[sources.hand]\napi_key = "ref+awssecrets://prod/stripe?region=eu-west-1#/key"\n')
    result = cdango("validate")
    assert "holds a default or text beside" not in result.output, result
    assert re.search(r"sources\.hand\.api_key +reference", cdango("secrets", "status").out)


def test_a_reference_with_a_default_written_to_an_encrypted_project_is_encrypted(encrypted, kenv, monkeypatch):
    """Writes made after `encrypt` (a teammate's values from `team pull`) follow the same rule."""
    for name, value in kenv.items():
        monkeypatch.setenv(name, value)
    from dango.project import load_project
    from dango.store.secrets_file import SecretsFile

    project = load_project(encrypted)
    with project.lock():
        secrets = SecretsFile.load(project)
        secrets.set_path(("sources", "pay", "stripe_secret_key"), "${PAY_KEY:-" + DEFAULT + "}")
        secrets.set_path(("sources", "api", "api_key"), "${OTHER_TOKEN}")
        secrets.save()
    assert files_containing(encrypted, DEFAULT) == []
    assert value_at(stored(encrypted), "sources.api.api_key") == "${OTHER_TOKEN}"
