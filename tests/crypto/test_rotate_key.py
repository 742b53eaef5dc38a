"""`dango secrets rotate-key`: one atomic write, old key removed only after; a process
killed at any moment leaves a file that the old or the new key fully decrypts."""

from __future__ import annotations

import base64
import json
import random
import re
import subprocess
import sys
import time

import pytest

from tests.conftest import CANARIES
from tests.crypto.conftest import API_TOKEN, NULL_KEYRING, SECRET_PATHS, keyring_env, keyring_file

EXPORT = ("secrets", "export", "--format", "env", "--reveal")


def kids(project_dir) -> set[str]:
    return set(re.findall(r"kid:([0-9a-f]{8})", (project_dir / ".dlt" / "secrets.toml").read_text()))


def recorded_kid(project_dir) -> str:
    return re.search(r"key_id: ['\"]?([0-9a-f]{8})", (project_dir / ".dango" / "project.yml").read_text())[1]


def test_rotate_key_re_encrypts_everything_and_removes_the_old_key(encrypted, cdango, home):
    before = cdango(*EXPORT)
    assert before.code == 0, before
    (old,) = kids(encrypted)
    result = cdango("secrets", "rotate-key")
    assert result.code == 0, result
    (new,) = kids(encrypted)
    assert new != old and recorded_kid(encrypted) == new
    assert f"Re-encrypted {len(SECRET_PATHS)} values with the new key {new}" in result.out
    stored_keys = keyring_file(home).read_text()
    assert new in stored_keys and old not in stored_keys
    after = cdango(*EXPORT)
    assert after.code == 0 and after.out == before.out, after
    assert '"event": "key_rotated"' in (encrypted / ".dango" / "audit.log").read_text()
    assert not any(c in result.output for c in CANARIES)


def test_with_the_key_in_the_environment_the_new_key_is_printed_once(rich_project, cdango, home):
    first = base64.b64encode(b"k" * 32).decode()
    env = dict(keyring_env(home, NULL_KEYRING), DANGO_MASTER_KEY=first)  # no keyring at all
    assert cdango("secrets", "encrypt", env_extra=env).code == 0
    before = cdango(*EXPORT, env_extra=env)
    assert before.code == 0, before
    result = cdango("secrets", "rotate-key", env_extra=env)
    assert result.code == 0, result
    printed = [line for line in result.out.splitlines() if re.fullmatch(r"[A-Za-z0-9+/]{43}=", line)]
    assert len(printed) == 1 and printed[0] != first, result
    assert "update DANGO_MASTER_KEY" in result.err
    stale = cdango("config", "show", env_extra=env)
    assert stale.code == 2 and "DANGO_MASTER_KEY holds the key with id" in stale.err, stale
    fresh = cdango(*EXPORT, env_extra=dict(env, DANGO_MASTER_KEY=printed[0]))
    assert fresh.code == 0 and fresh.out == before.out, fresh


def _readable(cdango, project_dir, expected: str) -> None:
    """Every value decrypts with a key the machine still holds, to the same plaintext."""
    result = cdango(*EXPORT)
    assert result.code == 0, result
    assert result.out == expected
    status = cdango("secrets", "status", "--json")
    report = json.loads(status.out)
    assert report["reachable"] is True and not report["counts"].get("damaged"), status
    # a writer killed mid-write leaves its temporary: reported (exit 1) until the next write
    assert status.code == (1 if report["leftovers"] else 0), status


@pytest.mark.parametrize("stage", ["new-key", "written", "recorded"])
def test_killed_at_each_stage_the_file_stays_decryptable(encrypted, cdango, stage):
    expected = cdango(*EXPORT).out
    (old,) = kids(encrypted)
    killed = cdango("secrets", "rotate-key", env_extra={"DANGO_TEST_KILL_AT": stage})
    assert killed.code == -9, killed
    assert len(kids(encrypted)) == 1  # one atomic write: never half old, half new
    assert (kids(encrypted) == {old}) == (stage == "new-key")
    _readable(cdango, encrypted, expected)
    again = cdango("secrets", "rotate-key")  # and a later rotation finishes the job
    assert again.code == 0, again
    _readable(cdango, encrypted, expected)


@pytest.mark.slow
def test_killed_at_random_moments_the_file_stays_decryptable(rich_project, dango, env, home):
    # keyrings.alt rewrites its file in place, so a kill during its own write would lose
    # keys whatever dango does; this test is about dango's write order (see the backend).
    kenv = keyring_env(home, "tests.crypto.keyring_backends.AtomicFileKeyring")
    encrypted = rich_project

    def cdango(*args, **kw):
        return dango(*args, env_extra=dict(kenv, API_TOKEN=API_TOKEN), **kw)

    assert cdango("secrets", "encrypt").code == 0
    expected = cdango(*EXPORT).out
    rng = random.Random(5)
    for _ in range(10):  # a rotation takes about 0.3 s: most kills land inside one
        proc = subprocess.Popen([sys.executable, "-m", "dango", "secrets", "rotate-key"], cwd=encrypted,
                                env=dict(env, **kenv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.08, 0.45))
        proc.kill()
        proc.wait()
        assert len(kids(encrypted)) == 1
        _readable(cdango, encrypted, expected)


def test_a_keyring_that_fails_to_remove_the_old_key_does_not_turn_a_done_change_into_a_failure(
        encrypted, cdango, home):
    """The files are written before old keys are removed: a keyring failing at that last step
    leaves an unused key behind, which is said (exit 1), not 'failed, run it again' (exit 2)."""
    undeletable = {"PYTHON_KEYRING_BACKEND": "tests.crypto.keyring_backends.UndeletableKeyring"}
    expected = cdango(*EXPORT).out
    (old,) = kids(encrypted)
    rotated = cdango("secrets", "rotate-key", env_extra=undeletable)
    assert rotated.code == 1, rotated
    (new,) = kids(encrypted)
    assert recorded_kid(encrypted) == new != old
    assert f"Re-encrypted {len(SECRET_PATHS)} values with the new key {new}." in rotated.out
    assert f"the keyring failed to remove the old key {old}, which no value uses any more" in rotated.err
    assert "run the command again" not in rotated.err
    _readable(cdango, encrypted, expected)

    decrypted = cdango("secrets", "decrypt", "--yes", env_extra=undeletable)
    assert decrypted.code == 1, decrypted
    assert "the project is no longer encrypted" in decrypted.out and new in decrypted.err
    assert kids(encrypted) == set() and "key_id" not in (encrypted / ".dango" / "project.yml").read_text()
    assert cdango(*EXPORT).out == expected


def test_with_the_key_in_the_environment_the_new_key_is_never_printed_into_a_file_others_can_read(
        rich_project, dango, env, home, tmp_path):
    """The new key is printed once: into a 0644 file it would be every user's, so the
    rotation is refused before anything is written (the old key still opens the file)."""
    first = base64.b64encode(b"k" * 32).decode()
    kenv = dict(keyring_env(home, NULL_KEYRING), DANGO_MASTER_KEY=first, API_TOKEN=API_TOKEN)
    assert dango("secrets", "encrypt", env_extra=kenv).code == 0
    secrets = rich_project / ".dlt" / "secrets.toml"
    before = secrets.read_bytes()
    shared = tmp_path / "rotation.log"
    shared.write_bytes(b"")
    shared.chmod(0o644)
    with open(shared, "ab") as out:
        proc = subprocess.run([sys.executable, "-m", "dango", "secrets", "rotate-key"], cwd=rich_project,
                              stdout=out, stderr=subprocess.PIPE, text=True, env={**env, **kenv},
                              stdin=subprocess.DEVNULL, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "which other users of this machine can read (mode 0644)" in proc.stderr
    assert "shown once" not in proc.stderr
    assert shared.read_bytes() == b"" and secrets.read_bytes() == before
    assert dango(*EXPORT, env_extra=kenv).code == 0  # the old key still opens everything


@pytest.mark.parametrize("command", [("secrets", "decrypt"), ("secrets", "rotate-key")])
def test_a_project_that_names_another_projects_key_cannot_remove_it(encrypted, cdango, dango, kenv,
                                                                    tmp_path, command):
    """A cloned repository's project.yml can carry another project's project_id and key_id
    (both are in that project's committed project.yml)."""
    import os

    from tests.conftest import run_dango

    before = cdango(*EXPORT)
    assert before.code == 0, before
    (kid,) = kids(encrypted)
    clone = tmp_path / "clone"
    assert run_dango("init", str(clone), cwd=tmp_path, env={**os.environ, **kenv}).code == 0
    (clone / ".dango" / "project.yml").write_text((encrypted / ".dango" / "project.yml").read_text())
    result = cdango(*command, cwd=clone)
    assert result.code in (0, 1, 2), result
    after = cdango(*EXPORT)
    assert after.code == 0 and after.out == before.out, after  # the first project still decrypts
    assert kid in kids(encrypted)
