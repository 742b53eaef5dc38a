"""Every way a team command is refused: one sentence, the right exit code, no file changed."""

from __future__ import annotations

import pytest

from dango.team import members, workflow
from dango.team.errors import BadPublicKey, NotInitialised, TeamError, UnknownMember
from tests.conftest import changes_between, run_dango, tree_state
from tests.team.conftest import CANARY_DB, CANARY_TEAM, git, new_project
from tests.team.test_sharing import shared_repo


BAD_KEYS = (
    ("age1notakeyatall", "age public key given is not valid"),
    ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIbroken", "ssh-ed25519 public key given is not valid"),
    ("ecdsa-sha2-nistp256 AAAAE2VjZHNh", "cannot be an age recipient"),
    ("just some words", "neither an age key"),
)


def test_a_bad_public_key_changes_nothing(tmp_path, mates, as_user):
    alice = shared_repo(tmp_path, mates, as_user)
    private = tmp_path / "id_private"
    private.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n")  # dango:allow
    empty = tmp_path / "empty.keys"
    empty.write_text("\n# nothing\n")
    files = ((str(private), "holds a private key"), (str(empty), "holds no age"),
             (str(tmp_path / "missing.pub"), "nor a file holding one"))
    before = tree_state(alice.root)
    for key, words in BAD_KEYS + files:
        with pytest.raises(BadPublicKey) as caught:
            members.add(alice, "dave", key)
        assert words in str(caught.value) and "nothing was changed" in str(caught.value)
    for name, key, words in (("dave", mates["bob"].public, "already belongs to bob"),
                             ("bob", mates["alice"].key, "already a teammate")):
        with pytest.raises(TeamError) as caught:
            members.add(alice, name, key)
        assert words in str(caught.value)
    result = run_dango("team", "add", "dave", "age1notakeyatall", cwd=alice.root, env=mates["alice"].env)
    assert result.code == 2 and result.err.count("\n") == 1 and "not valid" in result.err, result
    assert changes_between(before, tree_state(alice.root)) == []


def test_an_unknown_member_changes_nothing(tmp_path, mates, as_user):
    alice = shared_repo(tmp_path, mates, as_user)
    before = tree_state(alice.root)
    with pytest.raises(UnknownMember) as caught:
        members.remove(alice, "bobb")
    assert "No teammate named 'bobb'" in str(caught.value) and "Did you mean 'bob'?" in str(caught.value)
    result = run_dango("team", "remove", "zed", cwd=alice.root, env=mates["alice"].env)
    assert result.code == 2 and "No teammate named 'zed'" in result.err, result
    assert changes_between(before, tree_state(alice.root)) == []


def test_missing_sops_is_one_sentence_and_changes_nothing(tmp_path, mates, as_user):
    alice = shared_repo(tmp_path, mates, as_user)
    before = tree_state(alice.root)
    env = {**mates["alice"].env, "DANGO_SOPS": str(tmp_path / "no-such-sops")}
    for args in (("team", "push"), ("team", "remove", "carol")):
        result = run_dango(*args, cwd=alice.root, env=env)
        assert result.code == 2, result
        assert result.err == ("error: The `sops` program is not installed; install it with `pip install "
                              "'dango[team]'` (or from https://github.com/getsops/sops/releases).\n"), result
    assert changes_between(before, tree_state(alice.root)) == []


def test_a_teammate_whose_key_is_not_a_reader_is_told_so(tmp_path, mates, as_user):
    as_user(mates["alice"])
    alice = new_project(tmp_path / "alice")
    members.init(alice, "alice")
    workflow.push(alice)
    before = tree_state(alice.root)
    result = run_dango("team", "pull", cwd=alice.root, env=mates["bob"].env)
    assert result.code == 2 and "none of your keys can open it" in result.err, result
    valid = run_dango("validate", cwd=alice.root, env=mates["bob"].env)
    assert valid.code == 1 and "does not open with your key" in valid.out, valid
    for output in (result.output, valid.output):
        assert CANARY_TEAM not in output and CANARY_DB not in output
    assert changes_between(before, tree_state(alice.root)) == []


def test_commands_before_init_say_to_run_it(tmp_path, mates, as_user):
    as_user(mates["alice"])
    project = new_project(tmp_path / "p")
    before = tree_state(project.root)
    for call in (lambda: workflow.push(project), lambda: workflow.pull(project),
                 lambda: members.add(project, "bob", mates["bob"].key), lambda: members.members(project)):
        with pytest.raises(NotInitialised):
            call()
    assert changes_between(before, tree_state(project.root)) == []


def test_a_removal_that_cannot_open_the_file_changes_nothing(tmp_path, mates, as_user):
    alice = shared_repo(tmp_path, mates, as_user)
    clone = tmp_path / "dave"
    git(tmp_path, "clone", "-q", str(alice.root), str(clone))
    before = tree_state(clone)
    empty_home = tmp_path / "nobody"
    empty_home.mkdir()
    env = {**mates["alice"].env, "HOME": str(empty_home)}
    result = run_dango("team", "remove", "bob", cwd=clone, env=env)
    assert result.code == 2 and "could not decrypt" in result.err, result
    # the lock file (empty, gitignored) is the only thing a refused change leaves
    assert changes_between(before, tree_state(clone)) == ["created .dango/.lock"]


def test_push_refuses_a_reader_that_only_sops_yaml_names(tmp_path, mates, as_user):
    """A merged edit of .sops.yaml alone must not make the next push readable by a stranger."""
    import pyrage

    from dango.team import recipients

    alice = shared_repo(tmp_path, mates, as_user)
    stranger = str(pyrage.x25519.Identity.generate().to_public())
    config = alice.root / ".sops.yaml"
    keys = recipients.config_keys(config.read_text())
    config.write_text(recipients.sops_config_text(config.read_text(), [*keys, stranger]))
    assert recipients.config_keys(config.read_text()) == [*keys, stranger]
    secrets = alice.secrets_path
    secrets.write_text(secrets.read_text().replace(CANARY_TEAM, CANARY_TEAM + "x"))
    before = tree_state(alice.root)
    result = run_dango("team", "push", cwd=alice.root, env=mates["alice"].env)
    assert result.code == 2, result
    assert ".sops.yaml lets 1 key(s) that .dango/team.yml names for no teammate read" in result.err
    assert "dango team add NAME KEY" in result.err and CANARY_TEAM not in result.out + result.err
    assert changes_between(before, tree_state(alice.root)) == []
