"""`--history` reaches every place git keeps content a user wrote: every saved stash (not
only the newest) and the messages of commits and annotated tags."""

from __future__ import annotations

import json

from tests.conftest import CANARY_PASSWORD
from tests.scan.conftest import commit_all, git

SLACK = "xoxb-" + "1234567890123-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"  # dango:allow


def _findings(dango) -> list[dict]:
    result = dango("secrets", "scan", "--history", "--format", "json")
    assert SLACK not in result.output and CANARY_PASSWORD not in result.output
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
