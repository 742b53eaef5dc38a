"""The team canaries: through every team command, in success and failure, with --debug, no
canary reaches the output, the audit log or any file but .dlt/secrets.toml."""

from __future__ import annotations

from dango.manage import set_secret
from dango.project import load_project
from tests.conftest import changes_between, run_dango, tree_state
from tests.team.conftest import CANARY_DB, CANARY_TEAM, git
from tests.team.test_sharing import shared_repo

LOCAL_CANARY = "sk_live_TEAMlocalOnly5566778899aabb"  # dango:allow
CANARIES = (CANARY_TEAM, CANARY_DB, LOCAL_CANARY)


def test_no_team_canary_escapes(tmp_path, mates, as_user):
    alice = shared_repo(tmp_path, mates, as_user)
    clone = tmp_path / "bob"
    git(tmp_path, "clone", "-q", str(alice.root), str(clone))
    nobody = tmp_path / "nobody"
    nobody.mkdir()
    bob_env = {**mates["bob"].env}
    results = [
        run_dango("--debug", "team", "pull", cwd=clone, env=bob_env),
        run_dango("--debug", "team", "list", cwd=clone, env=bob_env),
        run_dango("--debug", "team", "pull", cwd=clone, env={**bob_env, "HOME": str(nobody)}),
    ]
    as_user(mates["alice"])
    set_secret(alice, "pay.stripe_secret_key", "sk_live_TEAMalicesSide0099887766")  # dango:allow
    results.append(run_dango("--debug", "team", "push", cwd=alice.root, env=mates["alice"].env))
    git(alice.root, "commit", "-qam", "alice")
    git(clone, "pull", "-q", "--no-rebase", str(alice.root), "HEAD")
    as_user(mates["bob"])
    set_secret(load_project(clone), "pay.stripe_secret_key", LOCAL_CANARY)
    before = tree_state(clone)
    results += [
        run_dango("--debug", "team", "pull", cwd=clone, env=bob_env),  # a conflict
        run_dango("--debug", "team", "push", cwd=clone, env=bob_env),  # the same conflict
        run_dango("--debug", "validate", cwd=clone, env=bob_env),
        run_dango("--debug", "team", "push", cwd=clone, env={**bob_env, "DANGO_SOPS": "/nonexistent"}),
    ]
    assert changes_between(before, tree_state(clone)) == []
    results += [
        run_dango("--debug", "team", "pull", "--ours", cwd=clone, env=bob_env),
        run_dango("--debug", "team", "push", cwd=clone, env=bob_env),
        run_dango("--debug", "team", "remove", "carol", cwd=clone, env=bob_env),
    ]
    assert [r.code for r in results] == [0, 0, 2, 0, 2, 2, 1, 2, 0, 0, 0], results
    for result in results:
        assert not [c for c in CANARIES if c in result.output], result
    for root in (alice.root, clone):
        for path in sorted(root.rglob("*")):
            if path.is_file() and ".git" not in path.parts and path.name != "secrets.toml":
                data = path.read_bytes()
                assert not [c for c in CANARIES if c.encode() in data], path
