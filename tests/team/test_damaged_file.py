"""A team file changed outside sops (tampered, edited by hand, a value left unencrypted), or
a key sops cannot use without a terminal: one sentence that says so, never a value, and no
file changed."""

from __future__ import annotations

import re

from tests.conftest import changes_between, run_dango, tree_state
from tests.team.conftest import CANARY_DB, CANARY_TEAM, git
from tests.team.test_sharing import shared_repo

PASTED = "sk_live_" + "PASTEDbyHANDintoTHEteamFILE42"  # dango:allow


def _cloned(tmp_path, mates, as_user):
    alice = shared_repo(tmp_path, mates, as_user)
    clone = tmp_path / "bob"
    git(tmp_path, "clone", "-q", str(alice.root), str(clone))
    return clone, (clone / ".dango" / "team.sops.yaml").read_text()


def _damaged(original: str) -> dict[str, tuple[str, str]]:
    """name -> (file text, words the error must hold)."""
    value = re.search(r"host: ENC\[AES256_GCM,data:(.)", original)
    flipped = original[:value.start(1)] + ("A" if value.group(1) != "A" else "B") + original[value.end(1):]
    mac = re.search(r"mac: ENC\[AES256_GCM,data:(.)", original)
    bad_mac = original[:mac.start(1)] + ("A" if mac.group(1) != "A" else "B") + original[mac.end(1):]
    pasted = original.replace("    pay:\n", f"    pay:\n        api_key: {PASTED}\n", 1)
    return {"a changed value": (flipped, "changed after it was encrypted"),
            "a changed MAC": (bad_mac, "changed after it was encrypted"),
            "a value pasted in by hand": (pasted, "a value in it is not encrypted")}


def test_a_damaged_team_file_is_one_sentence_without_the_value(tmp_path, mates, as_user):
    clone, original = _cloned(tmp_path, mates, as_user)
    team = clone / ".dango" / "team.sops.yaml"
    for name, (text, words) in _damaged(original).items():
        team.write_text(text)
        before = tree_state(clone)
        pulled = run_dango("team", "pull", cwd=clone, env=mates["bob"].env)
        assert pulled.code == 2, (name, pulled)
        assert pulled.err.count("\n") == 1 and words in pulled.err and "restore the file from git" in pulled.err, \
            (name, pulled)
        valid = run_dango("validate", cwd=clone, env=mates["bob"].env)
        assert valid.code == 1 and words in valid.out and "ask a teammate to" not in valid.out, (name, valid)
        for output in (pulled.output, valid.output):
            assert PASTED not in output and CANARY_TEAM not in output and CANARY_DB not in output
            assert "AES_GCM" not in output and "computed" not in output
        # the lock file (empty, gitignored) is the only thing a refused change leaves
        assert changes_between(before, tree_state(clone)) in ([], ["created .dango/.lock"]), name


def test_a_passphrase_protected_ssh_key_without_a_terminal_is_named(tmp_path, mates, as_user):
    import subprocess
    import sys

    from dango.team import members, workflow

    alice = shared_repo(tmp_path, mates, as_user)
    home = tmp_path / "erin"
    (home / ".ssh").mkdir(parents=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "a passphrase", "-f", str(home / ".ssh" / "id_ed25519")],
                   check=True)
    members.add(alice, "erin", str(home / ".ssh" / "id_ed25519.pub"))
    workflow.push(alice)
    before = tree_state(alice.root)
    env = {**mates["alice"].env, "HOME": str(home)}
    # a new session has no terminal, as in CI or an editor's task runner
    result = subprocess.run([sys.executable, "-m", "dango", "team", "pull"], cwd=alice.root, env=env,
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, start_new_session=True)
    assert result.returncode == 2, result
    assert "protected by a passphrase and there is no terminal" in result.stderr, result.stderr
    assert "one of its recipients" not in result.stderr
    assert changes_between(before, tree_state(alice.root)) in ([], ["created .dango/.lock"])


def test_a_team_file_from_a_newer_dango_says_to_upgrade(tmp_path, mates, as_user):
    import json

    from dango import sops

    alice = shared_repo(tmp_path, mates, as_user)
    newer = {"format": {"version": 2}, "sources": {"pay": {"stripe_secret_key": CANARY_TEAM}}}
    team = alice.root / ".dango" / "team.sops.yaml"
    team.write_bytes(sops.encrypt(json.dumps(newer).encode(), filename=".dango/team.sops.yaml", cwd=alice.root,
                                  config=alice.root / ".sops.yaml"))
    before = tree_state(alice.root)
    pulled = run_dango("team", "pull", cwd=alice.root, env=mates["alice"].env)
    assert pulled.code == 2 and "a newer dango probably wrote it" in pulled.err, pulled
    assert "upgrade dango" in pulled.err and "fix the file" not in pulled.err
    valid = run_dango("validate", cwd=alice.root, env=mates["alice"].env)
    assert valid.code == 1 and "fix: upgrade dango" in valid.out and "restore it from git" not in valid.out, valid
    assert CANARY_TEAM not in pulled.output + valid.output
    assert changes_between(before, tree_state(alice.root)) in ([], ["created .dango/.lock"])


def test_a_value_with_a_terminal_escape_or_line_break_is_never_pulled_or_pushed(tmp_path, mates, as_user):
    import json

    from dango import sops

    clone, original = _cloned(tmp_path, mates, as_user)
    alice = tmp_path / "alice"
    assert run_dango("team", "pull", cwd=clone, env=mates["bob"].env).code == 0
    # a teammate's file whose host clears the screen and sets the terminal's title, and
    # whose user name breaks the line `config show` prints
    as_user(mates["alice"])
    plain = json.loads(sops.decrypt_data(original.encode(), path="team", cwd=clone))
    plain["sources"]["crm"]["host"] = "db.internal\x1b[2J\x1b]0;owned\x07"
    plain["sources"]["crm"]["username"] = "lo\nader"
    team = clone / ".dango" / "team.sops.yaml"
    team.write_bytes(sops.encrypt(json.dumps(plain).encode(), filename=".dango/team.sops.yaml", cwd=clone,
                                  config=clone / ".sops.yaml"))
    before = tree_state(clone)
    for args in (("team", "pull"), ("team", "pull", "--theirs"), ("team", "push")):
        result = run_dango(*args, cwd=clone, env=mates["bob"].env)
        assert result.code == 2 and result.err.count("\n") == 1, (args, result)
        assert "sources.crm." in result.err and "control character or a line break" in result.err
        assert "\x1b" not in result.output and CANARY_DB not in result.output
    assert changes_between(before, tree_state(clone)) in ([], ["created .dango/.lock"])
    # the same value edited by hand into secrets.toml is not pushed to the team either
    secrets = alice / ".dlt" / "secrets.toml"
    secrets.write_text(secrets.read_text().replace('host = "db.internal"', 'host = "db.internal\\u001b[2J"'))
    before = tree_state(alice)
    pushed = run_dango("team", "push", cwd=alice, env=mates["alice"].env)
    assert pushed.code == 2 and ".dlt/secrets.toml" in pushed.err and "nothing was pushed" in pushed.err, pushed
    assert changes_between(before, tree_state(alice)) in ([], ["created .dango/.lock"])
