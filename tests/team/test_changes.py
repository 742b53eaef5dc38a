"""Changes after the first share: pulls that merge, conflicts that wait for --ours/--theirs,
and removing a teammate (a new data key they cannot open, the credentials to rotate)."""

from __future__ import annotations

import subprocess

import pytest

from dango import sops
from dango.manage import set_secret
from dango.project import load_project
from dango.team import members, workflow
from dango.team.errors import Conflicts
from tests.conftest import changes_between, run_dango, tree_state
from tests.team.conftest import CANARY_DB, CANARY_TEAM, git, secrets_data
from tests.team.test_sharing import shared_repo

NEW_KEY = "sk_live_TEAMnewKey00aa11bb22cc33dd"  # dango:allow
BOB_KEY = "sk_live_TEAMbobsKey99zz88yy77xx66"  # dango:allow


def two_clones(tmp_path, mates, as_user):
    alice = shared_repo(tmp_path, mates, as_user)
    clone = tmp_path / "bob"
    git(tmp_path, "clone", "-q", str(alice.root), str(clone))
    as_user(mates["bob"])
    bob = load_project(clone)
    workflow.pull(bob)
    return alice, bob


def sync(source, target):
    """Commit `source`'s team file and bring it into `target` (what git push and pull do)."""
    git(source.root, "add", "-A")
    git(source.root, "commit", "-qm", "update")
    git(target.root, "pull", "-q", "--no-rebase", str(source.root), "HEAD")


def test_a_change_travels_from_one_teammate_to_the_other(tmp_path, mates, as_user):
    alice, bob = two_clones(tmp_path, mates, as_user)
    set_secret(bob, "pay.stripe_secret_key", NEW_KEY)
    report = workflow.push(bob)
    assert [(c.path, c.kind) for c in report.changes] == [("sources.pay.stripe_secret_key", "changed")]
    assert report.changes[0].fingerprint and NEW_KEY not in report.changes[0].fingerprint
    sync(bob, alice)
    as_user(mates["alice"])
    pulled = workflow.pull(alice)
    assert [c.path for c in pulled.changes] == ["sources.pay.stripe_secret_key"]
    assert secrets_data(alice)["sources"]["pay"]["stripe_secret_key"] == NEW_KEY
    # a value alice changed since is hers to push: pull leaves it and says so
    set_secret(alice, "crm.password", "alice-new-db-pw-9x8y7z")  # dango:allow
    again = workflow.pull(alice)
    assert again.changes == [] and again.other_side == ["sources.crm.password"]


def conflicted(tmp_path, mates, as_user):
    alice, bob = two_clones(tmp_path, mates, as_user)
    as_user(mates["alice"])
    set_secret(alice, "pay.stripe_secret_key", NEW_KEY)
    workflow.push(alice)
    sync(alice, bob)
    as_user(mates["bob"])
    set_secret(bob, "pay.stripe_secret_key", BOB_KEY)
    return alice, bob


def test_a_conflict_writes_nothing_until_ours_or_theirs(tmp_path, mates, as_user):
    alice, bob = conflicted(tmp_path, mates, as_user)
    before = tree_state(bob.root)
    with pytest.raises(Conflicts) as caught:
        workflow.pull(bob)
    assert "sources.pay.stripe_secret_key" in str(caught.value) and "--ours" in str(caught.value)
    assert NEW_KEY not in str(caught.value) and BOB_KEY not in str(caught.value)
    with pytest.raises(Conflicts):
        workflow.push(bob)
    result = run_dango("team", "pull", cwd=bob.root, env=mates["bob"].env)
    assert result.code == 2 and "nothing was written" in result.err, result
    assert NEW_KEY not in result.output and BOB_KEY not in result.output
    assert changes_between(before, tree_state(bob.root)) == []

    report = workflow.pull(bob, "theirs")
    assert [c.path for c in report.changes] == ["sources.pay.stripe_secret_key"]
    assert secrets_data(bob)["sources"]["pay"]["stripe_secret_key"] == NEW_KEY
    assert workflow.push(bob).changes == []


def test_ours_keeps_the_local_value_and_the_next_push_shares_it(tmp_path, mates, as_user):
    alice, bob = conflicted(tmp_path, mates, as_user)
    report = workflow.pull(bob, "ours")
    assert report.kept_ours == ["sources.pay.stripe_secret_key"] and report.changes == []
    assert secrets_data(bob)["sources"]["pay"]["stripe_secret_key"] == BOB_KEY
    pushed = workflow.push(bob)
    assert [c.path for c in pushed.changes] == ["sources.pay.stripe_secret_key"]
    assert workflow.read_team(bob)[("sources", "pay", "stripe_secret_key")] == BOB_KEY


def test_a_removed_teammate_cannot_open_the_file_written_after(tmp_path, mates, as_user):
    alice = shared_repo(tmp_path, mates, as_user)
    path = alice.root / ".dango" / "team.sops.yaml"
    before = path.read_text()
    report = members.remove(alice, "bob")
    assert report.rotated and report.keys == [mates["bob"].key]
    assert dict(report.to_rotate) == {
        "sources.pay.stripe_secret_key": "dango secrets rotate pay.stripe_secret_key",
        "sources.crm.password": "dango secrets rotate crm.password"}
    after = path.read_text()
    assert mates["bob"].key not in after and mates["bob"].key not in (alice.root / ".sops.yaml").read_text()
    # a new data key: every value's ciphertext changed, not only the list of readers
    assert before.split("sops:")[0] != after.split("sops:")[0]

    def opens(mate) -> bool:
        return subprocess.run([sops.binary(), "decrypt", ".dango/team.sops.yaml"], cwd=alice.root,
                              env=mate.env, capture_output=True).returncode == 0

    assert not opens(mates["bob"]) and opens(mates["carol"]) and opens(mates["alice"])
    assert [m.name for m in members.members(alice)] == ["alice", "carol"]

    from dango.validate import validate

    assert [p.line() for p in validate(alice).problems] == []


def test_remove_prints_what_to_rotate(tmp_path, mates, as_user):
    alice = shared_repo(tmp_path, mates, as_user)
    result = run_dango("team", "remove", "carol", cwd=alice.root, env=mates["alice"].env)
    assert result.code == 0, result
    assert "dango secrets rotate pay.stripe_secret_key" in result.out
    assert "dango secrets rotate crm.password" in result.out
    assert CANARY_TEAM not in result.output and CANARY_DB not in result.output


def test_pull_into_an_encrypted_project_keeps_values_encrypted_at_rest(tmp_path, mates, as_user, monkeypatch):
    import base64

    from dango.crypto.operations import encrypt

    alice = shared_repo(tmp_path, mates, as_user)
    clone = tmp_path / "bob"
    git(tmp_path, "clone", "-q", str(alice.root), str(clone))
    as_user(mates["bob"])
    monkeypatch.setenv("DANGO_MASTER_KEY", base64.b64encode(b"team-test-master-key-32-bytes!!!").decode())
    bob = load_project(clone)
    workflow.pull(bob)
    encrypt(load_project(clone))
    text = bob.secrets_path.read_text()
    assert CANARY_TEAM not in text and "ENC[v1," in text
    # alice changes the key and shares it; bob's pull writes it encrypted
    as_user(mates["alice"])
    monkeypatch.delenv("DANGO_MASTER_KEY")
    set_secret(alice, "pay.stripe_secret_key", NEW_KEY)
    workflow.push(alice)
    sync(alice, load_project(clone))
    as_user(mates["bob"])
    monkeypatch.setenv("DANGO_MASTER_KEY", base64.b64encode(b"team-test-master-key-32-bytes!!!").decode())
    report = workflow.pull(load_project(clone))
    assert [c.path for c in report.changes] == ["sources.pay.stripe_secret_key"]
    text = bob.secrets_path.read_text()
    assert NEW_KEY not in text and CANARY_TEAM not in text
    from dango.credentials import Resolver

    assert workflow.local_values(Resolver(load_project(clone)).secrets)[
        ("sources", "pay", "stripe_secret_key")] == NEW_KEY
    assert workflow.push(load_project(clone)).changes == []


def test_a_value_removed_by_a_teammate_is_removed_on_pull(tmp_path, mates, as_user):
    from dango.manage import unset_secret

    alice, bob = two_clones(tmp_path, mates, as_user)
    assert unset_secret(bob, "crm.password")
    pushed = workflow.push(bob)
    assert [(c.path, c.kind) for c in pushed.changes] == [("sources.crm.password", "removed")]
    sync(bob, alice)
    as_user(mates["alice"])
    pulled = workflow.pull(alice)
    assert [(c.path, c.kind) for c in pulled.changes] == [("sources.crm.password", "removed")]
    assert "password" not in secrets_data(alice)["sources"]["crm"]
    assert CANARY_DB not in alice.secrets_path.read_text()


def test_a_destination_value_removed_by_a_teammate_is_removed_on_pull(tmp_path, mates, as_user):
    """Not only [sources]: a [destination] value a teammate removed goes on pull too (before,
    it stayed and only `validate` showed the difference)."""
    warehouse_pw = "wh-TEAM-pw-7a6b5c4d3e"  # dango:allow
    alice, bob = two_clones(tmp_path, mates, as_user)
    as_user(mates["alice"])
    with alice.secrets_path.open("a") as f:
        f.write(f'\n[destination.postgres.credentials]\nhost = "db.internal"\npassword = "{warehouse_pw}"\n')
    assert [c.path for c in workflow.push(alice).changes] == [
        "destination.postgres.credentials.host", "destination.postgres.credentials.password"]
    sync(alice, bob)
    as_user(mates["bob"])
    workflow.pull(bob)
    assert secrets_data(bob)["destination"]["postgres"]["credentials"]["password"] == warehouse_pw

    text = bob.secrets_path.read_text()
    bob.secrets_path.write_text(text.replace(f'password = "{warehouse_pw}"\n', ""))
    assert [(c.path, c.kind) for c in workflow.push(bob).changes] == [
        ("destination.postgres.credentials.password", "removed")]
    sync(bob, alice)
    as_user(mates["alice"])
    pulled = workflow.pull(alice)
    assert [(c.path, c.kind) for c in pulled.changes] == [("destination.postgres.credentials.password", "removed")]
    assert secrets_data(alice)["destination"]["postgres"]["credentials"] == {"host": "db.internal"}
    assert warehouse_pw not in alice.secrets_path.read_text()
    assert "fingerprint_key" in secrets_data(alice)["dango"]


def test_numbers_keep_their_type_on_the_way_through_sops(tmp_path, mates, as_user):
    """SOPS keeps a value's type in its metadata but prints the float 5.0 as 5: pull gives
    back 5.0, and a second push sees no change."""
    alice, bob = two_clones(tmp_path, mates, as_user)
    as_user(mates["alice"])
    with alice.secrets_path.open("a") as f:
        f.write("\n[destination.postgres.credentials]\nport = 5432\nconnect_timeout = 5.0\nratio = 0.25\n")
    workflow.push(alice)
    sync(alice, bob)
    as_user(mates["bob"])
    workflow.pull(bob)
    pulled = secrets_data(bob)["destination"]["postgres"]["credentials"]
    assert pulled == {"port": 5432, "connect_timeout": 5.0, "ratio": 0.25}
    assert [type(pulled[k]).__name__ for k in ("port", "connect_timeout")] == ["int", "float"]
    assert "connect_timeout = 5.0" in bob.secrets_path.read_text()
    assert workflow.push(bob).changes == []
