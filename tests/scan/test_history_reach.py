"""`--history` reaches every place git keeps content a user wrote: every saved stash (not
only the newest) and the messages of commits and annotated tags."""

from __future__ import annotations

import json

from tests.conftest import CANARY_PASSWORD
from tests.scan.conftest import commit_all, git

AWS_KEY = "AKIA" + "Q3STASHMESSAGEKY"  # dango:allow
SLACK = "xoxb-" + "1234567890123-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"  # dango:allow


def _findings(dango) -> list[dict]:
    result = dango("secrets", "scan", "--history", "--format", "json")
    assert SLACK not in result.output and CANARY_PASSWORD not in result.output and AWS_KEY not in result.output
    return json.loads(result.out)["findings"] if result.out else []


def test_an_older_stash_is_scanned_too(repo, dango):
    (repo / "wip.txt").write_text(f"slack: {SLACK}\n")
    git(repo, "add", "wip.txt")
    git(repo, "stash", "-q")
    (repo / "other.txt").write_text("more work\n")
    git(repo, "add", "other.txt")
    git(repo, "stash", "-q")  # the token is now in stash@{1}, which refs/stash no longer names
    found = [f for f in _findings(dango) if f["rule"] == "slack-bot-token"]
    assert [f["path"] for f in found] == ["wip.txt"], found
    stashes = git(repo, "log", "-g", "--format=%H", "refs/stash").stdout.split()
    reachable = git(repo, "rev-list", *stashes).stdout.split()
    assert found[0]["commit"] in reachable
    git(repo, "stash", "drop", "-q", "stash@{1}")
    assert not [f for f in _findings(dango) if f["rule"] == "slack-bot-token"]


def test_commit_and_tag_messages_are_scanned(repo, dango):
    (repo / "a.txt").write_text("a\n")
    git(repo, "add", "a.txt")
    git(repo, "commit", "-q", "--no-verify", "-m", f"rotate the db password\n\nold one was {CANARY_PASSWORD}")
    git(repo, "tag", "-a", "v1", "-m", f"release\n\nslack {SLACK}")
    (repo / "b.txt").write_text("b\n")
    git(repo, "add", "b.txt")
    git(repo, "stash", "-q")  # its message quotes the subject, which holds no secret here
    (repo / "c.txt").write_text("c\n")
    git(repo, "add", "c.txt")
    git(repo, "stash", "push", "-q", "-m", f"saved {AWS_KEY}")
    found = _findings(dango)
    messages = sorted((f["path"], f["line"], f["rule"], f.get("credential")) for f in found
                      if f["path"].startswith("("))
    assert messages == [("(commit message)", 1, "aws-access-key-id", None),
                        ("(commit message)", 3, "dango-project-secret", "db.password"),
                        ("(message of tag v1)", 3, "slack-bot-token", None)], found
    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    (own,) = [f for f in found if f["rule"] == "dango-project-secret" and f["path"] == "(commit message)"]
    assert own["commit"] == head
    text = dango("secrets", "scan", "--history")
    assert text.code == 1 and CANARY_PASSWORD not in text.output
    assert f"(commit message):3 (commit {head[:12]}): dango-project-secret" in text.out
    assert "rotate it: dango secrets rotate db.password" in text.out


def test_a_stash_quoting_a_leaky_subject_is_one_finding_not_one_per_stash(repo, dango):
    (repo / "a.txt").write_text("a\n")
    commit_all(repo, f"debug with {SLACK}")
    for name in ("b", "c"):
        (repo / f"{name}.txt").write_text(f"{name}\n")
        git(repo, "add", f"{name}.txt")
        git(repo, "stash", "-q")  # "WIP on main: <id> debug with xoxb-..." twice, plus "index on ..."
    found = [f for f in _findings(dango) if f["rule"] == "slack-bot-token"]
    assert len(found) == 1 and found[0]["commit"] == git(repo, "rev-parse", "HEAD").stdout.strip(), found


def test_a_shallow_clone_says_its_history_is_cut_short(repo, dango, tmp_path, env):
    from tests.conftest import run_dango

    (repo / "deploy.sh").write_text(f"export AWS_ACCESS_KEY_ID={AWS_KEY}\n")
    commit_all(repo, "deploy")
    git(repo, "rm", "-q", "deploy.sh")
    commit_all(repo, "no deploy")
    clone = tmp_path / "ci-checkout"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    shallow = run_dango("secrets", "scan", "--history", cwd=clone, env=env)
    assert shallow.code == 0, shallow  # what it holds is clean; what it lacks is said
    assert "is a shallow clone" in shallow.err and "git fetch --unshallow" in shallow.err
    full = dango("secrets", "scan", "--history")
    assert full.code == 1 and "shallow" not in full.err


def test_a_secret_only_a_merge_resolution_introduced_names_the_merge(repo, dango):
    (repo / "f.txt").write_text("base\n")
    commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "side")
    (repo / "f.txt").write_text("side\n")
    commit_all(repo, "side")
    git(repo, "checkout", "-q", "main")
    (repo / "f.txt").write_text("main\n")
    commit_all(repo, "main")
    git(repo, "merge", "-q", "side", check=False)  # a conflict, resolved by hand with a key
    (repo / "f.txt").write_text(f"key = '{AWS_KEY}'\n")
    commit_all(repo, "merge side")
    merge = git(repo, "rev-parse", "HEAD").stdout.strip()
    (repo / "f.txt").write_text("key = from the vault\n")
    commit_all(repo, "no key")
    (found,) = [f for f in _findings(dango) if f["rule"] == "aws-access-key-id"]
    assert found["path"] == "f.txt" and found["commit"] == merge, found  # not the commit that removed it
