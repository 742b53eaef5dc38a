"""A value that cannot be decrypted: one sentence naming the key path and file:line,
exit 2, and every file byte-for-byte as it was. A command that writes checks the key
against the project's key id first, so a wrong or missing key stops it with that sentence
instead (tests/security/test_encryption_wrong_key.py tries every writing command)."""

from __future__ import annotations

import base64
import re

import pytest

from tests.conftest import CANARIES, snapshot
from tests.crypto.conftest import CLIENT_SECRET, NULL_KEYRING, keyring_env

SECRETS = ".dlt/secrets.toml"
# Commands that read every secret, and two that write after reading them.
WRITERS = [("secrets", "rotate-key"), ("secrets", "decrypt", "--yes")]
READERS = [("config", "show"), ("secrets", "export", "--format", "env", "--reveal"),
           *WRITERS, ("exec", "--", "true")]


def edit(project_dir, change) -> None:
    path = project_dir / SECRETS
    path.write_text(change(path.read_text()))


def line_of(project_dir, prefix: str) -> int:
    lines = (project_dir / SECRETS).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(prefix))


def assert_refused(cdango, project_dir, key_path: str, line: int, words: str,
                   key_words: str | None = None, **kw) -> None:
    """`key_words`: what a writer says instead when the key itself is wrong or missing."""
    before = snapshot(project_dir)
    for args in READERS:
        result = cdango(*args, **kw)
        assert result.code == 2, result
        if key_words is not None and args in WRITERS:
            assert key_words in result.err and "nothing was changed" in result.err, result
        else:
            assert f"{SECRETS}:{line}: {key_path} could not be decrypted" in result.err, result
            assert words in result.err, result
        assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err, result
        assert not any(c in result.output for c in CANARIES + (CLIENT_SECRET,)), result
        assert snapshot(project_dir) == before, args


def _flip(b64: str) -> str:
    raw = bytearray(base64.b64decode(b64))
    raw[0] ^= 1
    return base64.b64encode(bytes(raw)).decode()


def test_tampered_ciphertext(encrypted, cdango):
    def tamper(text: str) -> str:
        return re.sub(r'(password = "ENC\[[^"]*?data:)([^,]+)',
                      lambda m: m[1] + _flip(m[2]), text, count=1)

    edit(encrypted, tamper)
    assert_refused(cdango, encrypted, "sources.pg.password", line_of(encrypted, "password ="),
                   "authentication check failed")


def test_a_value_moved_to_another_key(encrypted, cdango):
    text = (encrypted / SECRETS).read_text()
    stripe = re.search(r'stripe_secret_key = ("ENC\[[^"]*")', text)[1]
    edit(encrypted, lambda t: re.sub(r'(\[sources\.pg\][^\[]*?password = )"ENC\[[^"]*"',
                                     lambda m: m[1] + stripe, t, count=1))
    assert_refused(cdango, encrypted, "sources.pg.password", line_of(encrypted, "password ="),
                   "copied here from another key")


@pytest.mark.parametrize("cut", ["base64", "end"])
def test_truncated_ciphertext(encrypted, cdango, cut):
    def truncate(text: str) -> str:
        if cut == "base64":  # a data part whose base64 lost its last characters
            return re.sub(r'(stripe_secret_key = "ENC\[[^"]*?data:)([^,]+)',
                          lambda m: m[1] + m[2][:-3], text, count=1)
        return re.sub(r'(stripe_secret_key = "ENC\[[^"]*?),tag:[^"]*"', lambda m: m[1] + '"', text, count=1)

    edit(encrypted, truncate)
    words = "not valid base64" if cut == "base64" else "not a complete ENC["
    assert_refused(cdango, encrypted, "sources.pay.stripe_secret_key",
                   line_of(encrypted, "stripe_secret_key ="), words)


def test_wrong_key_from_the_environment(encrypted, cdango):
    wrong = base64.b64encode(b"w" * 32).decode()
    assert_refused(cdango, encrypted, "sources.pay.stripe_secret_key",
                   line_of(encrypted, "stripe_secret_key ="), "DANGO_MASTER_KEY holds the key with id",
                   key_words="DANGO_MASTER_KEY holds the key with id", env_extra={"DANGO_MASTER_KEY": wrong})


def test_key_missing_from_this_machine(encrypted, cdango, tmp_path):
    other_home = tmp_path / "laptop"
    other_home.mkdir()
    assert_refused(cdango, encrypted, "sources.pay.stripe_secret_key",
                   line_of(encrypted, "stripe_secret_key ="), "dango secrets key import",
                   key_words="dango secrets key import", env_extra=keyring_env(other_home))


def test_no_keyring_backend_names_keyrings_alt_and_the_variable(rich_project, cdango, home):
    before = snapshot(rich_project)
    result = cdango("secrets", "encrypt", env_extra=keyring_env(home, NULL_KEYRING))
    assert result.code == 2, result
    assert "keyrings.alt" in result.err and "DANGO_MASTER_KEY" in result.err, result
    assert len(result.err.strip().splitlines()) == 1
    assert snapshot(rich_project) == before  # no silent plaintext fallback, no key file
    assert not (rich_project / ".dango" / "key").exists()


def test_an_empty_master_key_counts_as_unset_and_a_bad_one_is_named(rich_project, cdango, home):
    before = snapshot(rich_project)
    empty = cdango("secrets", "encrypt", env_extra={**keyring_env(home, NULL_KEYRING), "DANGO_MASTER_KEY": ""})
    assert empty.code == 2 and "keyrings.alt" in empty.err, empty
    bad = cdango("secrets", "encrypt", env_extra={"DANGO_MASTER_KEY": "c2hvcnQ="})
    assert bad.code == 2 and "DANGO_MASTER_KEY is not a key" in bad.err, bad
    assert "c2hvcnQ=" not in bad.output
    assert snapshot(rich_project) == before


def test_a_hanging_keyring_times_out_with_a_clear_error(encrypted, cdango, home):
    before = snapshot(encrypted)
    env = dict(keyring_env(home, "tests.crypto.keyring_backends.HangingKeyring"), DANGO_KEYRING_TIMEOUT="1")
    result = cdango("config", "show", env_extra=env, timeout=30)
    assert result.code == 2, result
    assert "did not answer within 1 s" in result.err and "DANGO_MASTER_KEY" in result.err, result
    assert "sources.pay.stripe_secret_key could not be decrypted" in result.err
    assert snapshot(encrypted) == before


def test_the_fix_named_in_the_error_works(encrypted, cdango):
    edit(encrypted, lambda t: re.sub(r'(password = "ENC\[[^"]*?data:)([^,]+)',
                                     lambda m: m[1] + _flip(m[2]), t, count=1))
    assert cdango("config", "show").code == 2
    fixed = cdango("secrets", "set", "pg.password", input="a-new-password-123")
    assert fixed.code == 0, fixed
    assert cdango("config", "show").code == 0
    assert 'password = "ENC[v1,' in (encrypted / SECRETS).read_text()


def test_a_keyring_that_keeps_nothing_is_caught_before_anything_is_encrypted(rich_project, cdango, home):
    before = snapshot(rich_project)
    result = cdango("secrets", "encrypt",
                    env_extra=keyring_env(home, "tests.crypto.keyring_backends.ForgetfulKeyring"))
    assert result.code == 2, result
    assert "accepted the encryption key but did not give it back, so nothing was encrypted" in result.err
    assert "keyrings.alt" in result.err and "DANGO_MASTER_KEY" in result.err
    assert snapshot(rich_project) == before
