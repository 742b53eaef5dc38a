"""Damaged ciphertext is never plaintext: a value that looks encrypted (ENC[ anywhere, the
AES256_GCM,kid: that follows it) but is not a whole ciphertext (a stray space before or
after it, a cut-off end, ENC[ inside other text, a lost start) is reported as damaged by
`secrets status`; every command that reads it exits 2 naming the key path and file:line
and never passes its text on as a credential; `rotate-key` and `decrypt` refuse and keep
the key in the keyring; `encrypt` never encrypts it again as if it were a plaintext."""

from __future__ import annotations

import json
import re
import sys

import pytest

from tests.conftest import CANARIES
from tests.crypto.conftest import CLIENT_SECRET, SOURCES_YML, cdango, kenv, keyring_file, rich_project  # noqa: F401
from tests.security.encryption_checks import SECRETS, assert_unchanged, differences, line_of, tree

EXPORT = ("secrets", "export", "--format", "env", "--reveal")
# How a ciphertext gets damaged by hand (the TOML text between the quotes).
DAMAGE = {
    "a space before": lambda ct: " " + ct,
    "a space after": lambda ct: ct + " ",
    "a line break after": lambda ct: ct + "\\n",
    "cut off": lambda ct: ct[: len("ENC[v1,AES256_")],
    "cut off before its tag": lambda ct: ct[: ct.index(",tag:")],
    "ENC[ in the middle": lambda ct: "sk_live_" + ct,
    "its start lost": lambda ct: ct[len("ENC["):],
}
# Commands that read the Stripe key (the source answers on a closed port, so a command
# that took the damaged text for a key would fail as "unknown" rather than reach anything).
READERS = [("sync", "--source", "pay"), ("exec", "--", sys.executable, "-c", "print('the program ran')"),
           ("source", "test", "pay"), EXPORT, ("config", "show")]
WRITERS = [("secrets", "rotate-key"), ("secrets", "decrypt", "--yes")]


@pytest.fixture
def project(rich_project, cdango, closed_port):  # noqa: F811
    (rich_project / ".dango" / "sources.yml").write_text(SOURCES_YML.replace(
        "    type: stripe\n    enabled: true\n",
        f"    type: stripe\n    enabled: true\n    base_url: http://127.0.0.1:{closed_port}\n", 1))
    result = cdango("secrets", "encrypt")
    assert result.code == 0, result
    return rich_project


def damage(project_dir, key: str, how: str) -> tuple[str, str]:
    """Damage the first `key = "ENC[...]"` of secrets.toml; (the file's text before, the
    damaged value as written)."""
    path = project_dir / SECRETS
    text = path.read_text()
    match = re.search(rf'^{re.escape(key)} = "(ENC\[[^"]*)"', text, re.MULTILINE)
    assert match, key
    damaged = DAMAGE[how](match[1])
    path.write_text(text[: match.start(1)] + damaged + text[match.end(1):])
    return text, damaged


def error_lines(result) -> list[str]:
    return [line for line in result.err.splitlines() if line.startswith("error:")]


def check_refused(cdango, project_dir, home, commands, key_path: str, line: int, damaged: str) -> None:
    before = tree(project_dir, home)
    failures = []
    for args in commands:
        result = cdango(*args)
        problems = []
        if result.code != 2:
            problems.append(f"exit {result.code}")
        errors = error_lines(result)
        if len(errors) != 1 or f"{SECRETS}:{line}: {key_path} could not be decrypted" not in errors[0]:
            problems.append(f"no one sentence naming {SECRETS}:{line} and {key_path}")
        if (len(damaged) > 40 and damaged.strip() in result.output) or "the program ran" in result.out:
            problems.append("the damaged text was used as a credential")
        if any(c in result.output for c in CANARIES + (CLIENT_SECRET,)):
            problems.append("a secret in the output")
        now = tree(project_dir, home)
        if now != before:
            problems.append("; ".join(differences(before, now)))
        if problems:
            failures.append(f"{' '.join(args[:2])}: {', '.join(problems)} | {result.err.strip()[:300]}")
    assert not failures, "\n".join(failures)


def value_state(cdango, key_path: str) -> tuple[int, str | None, dict]:
    result = cdango("secrets", "status", "--json")
    status = json.loads(result.out)
    states = {v["key_path"]: v["state"] for v in status["values"]}
    return result.code, states.get(key_path), status["counts"]


@pytest.mark.parametrize("how", list(DAMAGE))
def test_a_damaged_stripe_key_is_refused_everywhere_and_nothing_is_lost(project, cdango, home, how):
    expected = cdango(*EXPORT)
    assert expected.code == 0, expected
    (old_kid,) = set(re.findall(r"kid:([0-9a-f]{8})", (project / SECRETS).read_text()))
    original, damaged = damage(project, "stripe_secret_key", how)
    key_path = "sources.pay.stripe_secret_key"
    line = line_of(project, "stripe_secret_key =")

    code, state, counts = value_state(cdango, key_path)
    assert (code, state) == (1, "damaged"), (code, state, counts)
    assert "plaintext" not in counts, counts

    check_refused(cdango, project, home, READERS + WRITERS, key_path, line, damaged)
    assert old_kid in keyring_file(home).read_text()  # rotate-key and decrypt removed no key

    before = tree(project, home)
    again = cdango("secrets", "encrypt")  # never encrypted again as if it were a plaintext
    assert again.code == 0 and "Encrypted 0 values" in again.out, again
    assert_unchanged(before, tree(project, home), "secrets encrypt")

    (project / SECRETS).write_text(original)  # the damage undone: every value is still there
    assert cdango(*EXPORT).out == expected.out
    assert cdango("secrets", "status", "--json").code == 0


@pytest.mark.parametrize("key, key_path, how", [
    ("refresh_token", "sources.gs.credentials.refresh_token", "a space after"),
    ("password", "sources.pg.password", "ENC[ in the middle"),
    ("fingerprint_key", "dango.fingerprint_key", "a space before"),
])
def test_rotate_key_and_decrypt_refuse_any_damaged_value_and_keep_the_key(project, cdango, home, key,
                                                                        key_path, how):
    expected = cdango(*EXPORT).out
    (old_kid,) = set(re.findall(r"kid:([0-9a-f]{8})", (project / SECRETS).read_text()))
    original, damaged = damage(project, key, how)
    assert value_state(cdango, key_path)[:2] == (1, "damaged")
    check_refused(cdango, project, home, WRITERS, key_path, line_of(project, f"{key} ="), damaged)
    assert old_kid in keyring_file(home).read_text()
    (project / SECRETS).write_text(original)
    assert cdango(*EXPORT).out == expected


def test_a_damaged_fingerprint_key_stops_a_write_before_anything_is_written(project, cdango, home):
    _, damaged = damage(project, "fingerprint_key", "cut off")
    before = tree(project, home)
    result = cdango("secrets", "set", "pay.stripe_secret_key", input="new-value-for-a-damaged-key-01")
    assert result.code == 2, result
    assert f"{SECRETS}:{line_of(project, 'fingerprint_key =')}: dango.fingerprint_key could not be decrypted" \
        in result.err, result
    assert_unchanged(before, tree(project, home), "secrets set")


def test_encrypt_leaves_a_damaged_ciphertext_in_a_plaintext_project_alone(rich_project, cdango, home):  # noqa: F811
    """A plaintext project holding a ciphertext with a stray space (pasted by hand): it is
    neither encrypted again nor counted as plaintext, and reading it names the line."""
    path = rich_project / SECRETS
    pasted = " ENC[v1,AES256_GCM,kid:0011aabb,data:AAAA,iv:AAAAAAAAAAAAAAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==]"
    text = re.sub(r'^password = "[^"]*"', f'password = "{pasted}"', path.read_text(), count=1, flags=re.MULTILINE)
    path.write_text(text)
    assert value_state(cdango, "sources.pg.password")[:2] == (1, "damaged")
    result = cdango("secrets", "encrypt")
    assert result.code == 0, result
    assert f'password = "{pasted}"' in path.read_text()  # as it was, not wrapped in a new ENC[
    assert value_state(cdango, "sources.pg.password")[:2] == (1, "damaged")
    shown = cdango("config", "show")
    assert shown.code == 2 and f"{SECRETS}:{line_of(rich_project, 'password =')}: sources.pg.password" \
        in shown.err and "spaces" in shown.err, shown


def test_a_value_containing_enc_is_not_stored_as_a_secret_on_an_encrypted_project(project, cdango, home):
    before = tree(project, home)
    result = cdango("secrets", "set", "pg.password", input="my-ENC[-password-123")
    assert result.code == 2 and "contains ENC[" in result.err and "nothing was changed" in result.err, result
    assert "my-ENC[-password-123" not in result.output
    assert_unchanged(before, tree(project, home), "secrets set")
