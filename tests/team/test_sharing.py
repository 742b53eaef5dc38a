"""Sharing end to end: init, add, push, a real `git clone`, pull, validate, plain `sops`."""

from __future__ import annotations

import json
import subprocess

from dango import sops
from dango.project import load_project
from dango.team import members, workflow
from tests.conftest import run_dango
from tests.team.conftest import CANARY_DB, CANARY_TEAM, committed_blobs, git, new_project, secrets_data


def shared_repo(tmp_path, mates, as_user):
    """alice's project, shared with bob and carol, pushed and committed."""
    as_user(mates["alice"])
    project = new_project(tmp_path / "alice")
    git(project.root, "init", "-q")
    report = members.init(project, "alice")
    assert report.key == mates["alice"].key and report.location.endswith("keys.txt")
    assert not report.created_identity
    members.add(project, "bob", mates["bob"].public)
    added = members.add(project, "carol", mates["carol"].public)
    assert added.keys == [mates["carol"].key] and added.skipped == ["ecdsa-sha2-nistp256"]
    pushed = workflow.push(project)
    assert {c.path for c in pushed.changes} == {
        "dango.fingerprint_key", "sources.pay.stripe_secret_key", "sources.crm.password",
        "sources.crm.host", "sources.crm.database", "sources.crm.username"}
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "share")
    return project


def test_a_teammate_clones_pulls_and_has_working_credentials(tmp_path, mates, as_user):
    alice = shared_repo(tmp_path, mates, as_user)
    tracked = git(alice.root, "ls-files").split()
    assert ".dango/team.sops.yaml" in tracked and ".sops.yaml" in tracked and ".dango/team.yml" in tracked
    assert ".dlt/secrets.toml" not in tracked and ".dango/team.pulled.json" not in tracked

    clone = tmp_path / "bob"
    git(tmp_path, "clone", "-q", str(alice.root), str(clone))
    assert not (clone / ".dlt" / "secrets.toml").exists()
    as_user(mates["bob"])
    bob = load_project(clone)
    report = workflow.pull(bob)
    assert {c.path for c in report.changes} >= {"sources.pay.stripe_secret_key", "sources.crm.password"}
    data = secrets_data(bob)
    assert data["sources"]["pay"]["stripe_secret_key"] == CANARY_TEAM
    assert data["sources"]["crm"] == secrets_data(alice)["sources"]["crm"]
    assert data["dango"]["fingerprint_key"] == secrets_data(alice)["dango"]["fingerprint_key"]
    assert oct(bob.secrets_path.stat().st_mode & 0o777) == "0o600"
    assert oct(bob.dlt_dir.stat().st_mode & 0o777) == "0o700"
    # the same fingerprint key: credentials.yml, committed by alice, still matches bob's values
    assert git(clone, "status", "--porcelain", "--", ".dango/credentials.yml") == ""

    from dango.validate import validate

    assert [p.line() for p in validate(bob).problems] == []
    # a second pull changes nothing
    assert workflow.pull(bob).changes == []

    # carol opens the same file with her RSA key (SOPS_AGE_SSH_PRIVATE_KEY_FILE)
    as_user(mates["carol"])
    assert workflow.read_team(load_project(clone))[("sources", "pay", "stripe_secret_key")] == CANARY_TEAM


def test_the_file_is_plain_sops_and_the_history_holds_no_plaintext(tmp_path, mates, as_user):
    alice = shared_repo(tmp_path, mates, as_user)
    for mate in (mates["bob"], mates["carol"]):
        done = subprocess.run([sops.binary(), "decrypt", "--output-type", "json", ".dango/team.sops.yaml"],
                              cwd=alice.root, env=mate.env, capture_output=True, check=True)
        plain = json.loads(done.stdout)
        assert plain["sources"]["pay"]["stripe_secret_key"] == CANARY_TEAM
        assert plain["sources"]["crm"]["password"] == CANARY_DB
    text = (alice.root / ".dango" / "team.sops.yaml").read_text()
    assert "ENC[AES256_GCM," in text and mates["bob"].key in text and mates["carol"].key in text
    for blob in committed_blobs(alice.root):
        assert CANARY_TEAM.encode() not in blob and CANARY_DB.encode() not in blob
    scan = run_dango("secrets", "scan", "--history", cwd=alice.root, env=mates["alice"].env)
    assert scan.code == 0 and "0 findings" in scan.err, scan


def test_commands_as_subprocesses_exit_zero_and_print_no_value(tmp_path, mates, as_user):
    alice = shared_repo(tmp_path, mates, as_user)
    env = mates["alice"].env
    listed = run_dango("team", "list", "--json", cwd=alice.root, env=env)
    assert listed.code == 0, listed
    assert [(m["name"], m["you"]) for m in json.loads(listed.out)] == [
        ("alice", True), ("bob", False), ("carol", False)]
    clone = tmp_path / "carol"
    git(tmp_path, "clone", "-q", str(alice.root), str(clone))
    pulled = run_dango("--debug", "team", "pull", cwd=clone, env=mates["carol"].env)
    assert pulled.code == 0, pulled
    assert "sources.pay.stripe_secret_key (fingerprint " in pulled.out
    pushed = run_dango("team", "push", cwd=clone, env=mates["carol"].env)
    assert pushed.code == 0 and "already holds" in pushed.out, pushed
    valid = run_dango("validate", cwd=clone, env=mates["carol"].env)
    assert valid.code == 0, valid
    for result in (listed, pulled, pushed, valid):
        assert CANARY_TEAM not in result.output and CANARY_DB not in result.output
    audit = (clone / ".dango" / "audit.log").read_text()
    assert CANARY_TEAM not in audit and CANARY_DB not in audit
    events = [json.loads(line) for line in audit.splitlines()]
    pull_event = next(e for e in events if e["event"] == "team_pulled")
    assert pull_event["recipient"].startswith("ssh-rsa ...")
    assert "sources.pay.stripe_secret_key" in pull_event["paths"]
