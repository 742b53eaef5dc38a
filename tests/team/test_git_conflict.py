"""Two teammates push at once: git cannot merge the two ciphertexts of the team file, and
`dango team pull` merges them value by value instead of letting one side silently win."""

from __future__ import annotations

import json

from dango import sops
from tests.conftest import changes_between, run_dango, tree_state
from tests.team.conftest import CANARY_DB, CANARY_TEAM, git
from tests.team.test_sharing import shared_repo

ALICE_KEY = "sk_live_" + "ALICErotatedTHEkey0123456789"  # dango:allow
BOB_KEY = "sk_live_" + "BOBrotatedTHEkeyTOO987654321"  # dango:allow
BOB_DB = "bob-new-db-password-5e6f7a8b"  # dango:allow


def _dango(mate, root, *args, input=None):
    return run_dango(*args, cwd=root, env=mate.env, input=input)


def _both_pushed(tmp_path, mates, as_user, bob_sets):
    """alice rotates the Stripe key and commits; bob, from an older clone, sets `bob_sets`
    (field -> value), pushes and commits, then `git pull`s alice's commit: a conflict."""
    alice = shared_repo(tmp_path, mates, as_user).root
    bob = tmp_path / "bob"
    git(tmp_path, "clone", "-q", str(alice), str(bob))
    assert _dango(mates["bob"], bob, "team", "pull").code == 0
    assert _dango(mates["alice"], alice, "secrets", "set", "pay.stripe_secret_key", input=ALICE_KEY).code == 0
    assert _dango(mates["alice"], alice, "team", "push").code == 0
    git(alice, "commit", "-qam", "alice rotates stripe")
    for field, value in bob_sets.items():
        assert _dango(mates["bob"], bob, "secrets", "set", field, input=value).code == 0
    assert _dango(mates["bob"], bob, "team", "push").code == 0
    git(bob, "commit", "-qam", "bob's change")
    merge = git_result(bob, "pull", "-q", "--no-rebase", "--no-edit", "origin", "HEAD")
    assert merge.returncode != 0 and b"<<<<<<<" in (bob / ".dango" / "team.sops.yaml").read_bytes()
    return alice, bob


def git_result(cwd, *args):
    import os
    import subprocess

    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True)


def _team_values(mate, root) -> dict:
    env = mate.env
    plain = sops.run(["decrypt", "--output-type", "json", ".dango/team.sops.yaml"], action="decrypt",
                     path="team", cwd=root, env=env)
    return json.loads(plain)["sources"]


def _local(root) -> dict:
    import tomllib

    return tomllib.loads((root / ".dlt" / "secrets.toml").read_text())["sources"]


def test_changes_to_different_values_are_both_kept(tmp_path, mates, as_user):
    _, bob = _both_pushed(tmp_path, mates, as_user, {"crm.password": BOB_DB})
    pulled = _dango(mates["bob"], bob, "team", "pull")
    assert pulled.code == 0, pulled
    assert "Merged both sides of the git conflict" in pulled.out
    assert ALICE_KEY not in pulled.output and BOB_DB not in pulled.output and CANARY_DB not in pulled.output
    assert _local(bob)["pay"]["stripe_secret_key"] == ALICE_KEY and _local(bob)["crm"]["password"] == BOB_DB
    team = _team_values(mates["bob"], bob)
    assert team["pay"]["stripe_secret_key"] == ALICE_KEY and team["crm"]["password"] == BOB_DB
    assert b"<<<<<<<" not in (bob / ".dango" / "team.sops.yaml").read_bytes()
    assert _dango(mates["bob"], bob, "validate").code == 0


def test_the_same_value_changed_on_both_sides_waits_for_ours_or_theirs(tmp_path, mates, as_user):
    _, bob = _both_pushed(tmp_path, mates, as_user, {"pay.stripe_secret_key": BOB_KEY})
    valid = _dango(mates["bob"], bob, "validate")
    assert valid.code == 1 and "holds git conflict markers" in valid.out and "dango team pull" in valid.out, valid
    before = tree_state(bob)
    refused = _dango(mates["bob"], bob, "team", "pull")
    assert refused.code == 2 and refused.err.count("\n") == 1, refused
    assert "sources.pay.stripe_secret_key" in refused.err and "--ours" in refused.err and "--theirs" in refused.err
    assert BOB_KEY not in refused.output and ALICE_KEY not in refused.output and CANARY_TEAM not in refused.output
    assert changes_between(before, tree_state(bob)) in ([], ["created .dango/.lock"])
    assert _local(bob)["pay"]["stripe_secret_key"] == BOB_KEY  # before: taking a side lost it silently

    kept = _dango(mates["bob"], bob, "team", "pull", "--ours")
    assert kept.code == 0, kept
    assert _local(bob)["pay"]["stripe_secret_key"] == BOB_KEY
    assert _team_values(mates["bob"], bob)["pay"]["stripe_secret_key"] == BOB_KEY


def test_theirs_takes_the_other_teammates_value(tmp_path, mates, as_user):
    _, bob = _both_pushed(tmp_path, mates, as_user, {"pay.stripe_secret_key": BOB_KEY})
    taken = _dango(mates["bob"], bob, "team", "pull", "--theirs")
    assert taken.code == 0, taken
    assert _local(bob)["pay"]["stripe_secret_key"] == ALICE_KEY
    assert _team_values(mates["bob"], bob)["pay"]["stripe_secret_key"] == ALICE_KEY


def test_committed_conflict_markers_are_one_sentence(tmp_path, mates, as_user):
    alice = shared_repo(tmp_path, mates, as_user).root
    team = alice / ".dango" / "team.sops.yaml"
    team.write_bytes(b"<<<<<<< HEAD\n" + team.read_bytes() + b"=======\nsops: {}\n>>>>>>> other\n")
    before = tree_state(alice)
    pulled = _dango(mates["alice"], alice, "team", "pull")
    assert pulled.code == 2 and "conflict markers" in pulled.err and "git checkout HEAD" in pulled.err, pulled
    assert changes_between(before, tree_state(alice)) in ([], ["created .dango/.lock"])
