"""`[dango] fingerprint_key`, the HMAC key of credential fingerprints, is a secret like the
others: `secrets encrypt` encrypts it, `rotate-key` re-encrypts it, `decrypt` restores it
as it was, and a write that adds one to an encrypted project stores it encrypted. The
fingerprints in .dango/credentials.yml and audit.log do not change with encryption: each
is the HMAC of the value under the plaintext key."""

from __future__ import annotations

import hashlib
import hmac
import json
import re

from tests.conftest import DANGO_SECTION, files_containing
from tests.crypto.conftest import cdango, kenv, rich_project, stored  # noqa: F401
from tests.security.encryption_checks import SECRETS

ENC = "ENC[v1,AES256_GCM,kid:"
PLAIN_KEY = re.search(r'fingerprint_key = "([^"]+)"', DANGO_SECTION)[1]
FIRST, SECOND = "fingerprint-test-value-0001", "fingerprint-test-value-0002"


def expected(key: str, value: str) -> str:
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()[:12]


def recorded(project_dir, field: str = "pay.stripe_secret_key") -> str:
    """The fingerprint .dango/credentials.yml holds for `field`."""
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load((project_dir / ".dango" / "credentials.yml").read_text())
    return data["credentials"][field]["fingerprint"]


def audited(project_dir) -> list[str]:
    """The fingerprints of the audit lines, oldest first."""
    lines = (project_dir / ".dango" / "audit.log").read_text().splitlines()
    return [entry["fingerprint"] for entry in map(json.loads, lines) if "fingerprint" in entry]


def set_stripe(cdango, value: str, **kw) -> None:  # noqa: F811
    result = cdango("secrets", "set", "pay.stripe_secret_key", input=value, **kw)
    assert result.code == 0, result


def test_fingerprints_are_the_same_before_during_and_after_encryption(rich_project, cdango):  # noqa: F811
    set_stripe(cdango, FIRST)
    plain = recorded(rich_project)
    assert plain == expected(PLAIN_KEY, FIRST)

    result = cdango("secrets", "encrypt")
    assert result.code == 0, result
    assert stored(rich_project)["dango"]["fingerprint_key"].startswith(ENC)
    assert files_containing(rich_project, PLAIN_KEY) == []
    status = json.loads(cdango("secrets", "status", "--json").out)
    assert {"key_path": "dango.fingerprint_key", "state": "encrypted"}.items() <= next(
        v for v in status["values"] if v["key_path"] == "dango.fingerprint_key").items()

    set_stripe(cdango, SECOND)  # fingerprinted with the decrypted key
    assert recorded(rich_project) == expected(PLAIN_KEY, SECOND)
    set_stripe(cdango, FIRST)
    assert recorded(rich_project) == plain

    kid = re.search(r"kid:([0-9a-f]{8})", stored(rich_project)["dango"]["fingerprint_key"])[1]
    assert cdango("secrets", "rotate-key").code == 0
    rotated = stored(rich_project)["dango"]["fingerprint_key"]
    assert rotated.startswith(ENC) and f"kid:{kid}" not in rotated  # re-encrypted under the new key
    set_stripe(cdango, SECOND)
    assert recorded(rich_project) == expected(PLAIN_KEY, SECOND)

    assert cdango("secrets", "decrypt", "--yes").code == 0
    assert stored(rich_project)["dango"]["fingerprint_key"] == PLAIN_KEY  # as it was
    set_stripe(cdango, FIRST)
    assert recorded(rich_project) == plain
    marks = audited(rich_project)
    assert marks == [expected(PLAIN_KEY, v) for v in (FIRST, SECOND, FIRST, SECOND, FIRST)], marks


def test_a_new_projects_key_is_encrypted_with_the_project(project_dir, cdango):  # noqa: F811
    """`dango init` writes a fingerprint key; once the project is encrypted, it is too."""
    assert not stored(project_dir)["dango"]["fingerprint_key"].startswith("ENC[")
    assert cdango("secrets", "encrypt").code == 0
    assert stored(project_dir)["dango"]["fingerprint_key"].startswith(ENC)
    added = cdango("source", "add", "stripe", "--name", "pay", "--no-input")
    assert added.code == 0, added
    set_stripe(cdango, FIRST)
    while_encrypted = recorded(project_dir)
    assert cdango("secrets", "decrypt", "--yes").code == 0
    key = stored(project_dir)["dango"]["fingerprint_key"]
    assert while_encrypted == expected(key, FIRST)


def test_a_fingerprint_key_added_to_an_encrypted_project_is_stored_encrypted(rich_project, cdango):  # noqa: F811
    assert cdango("secrets", "encrypt").code == 0
    path = rich_project / SECRETS
    path.write_text(path.read_text().split("\n[dango]\n")[0] + "\n")  # an older file without one
    assert "fingerprint_key" not in path.read_text()
    set_stripe(cdango, FIRST)
    added = stored(rich_project)["dango"]["fingerprint_key"]
    assert added.startswith(ENC)
    while_encrypted = recorded(rich_project)
    assert cdango("secrets", "decrypt", "--yes").code == 0
    key = stored(rich_project)["dango"]["fingerprint_key"]
    assert not key.startswith("ENC[") and while_encrypted == expected(key, FIRST)
