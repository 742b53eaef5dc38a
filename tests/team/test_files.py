"""The committed files: .sops.yaml keeps the user's own rules, read commands write nothing."""

from __future__ import annotations

from dango.team import fileformat, members, recipients, workflow
from tests.conftest import changes_between, run_dango, tree_state
from tests.team.conftest import new_project

USER_RULES = """\
# my own rules
creation_rules:
  - path_regex: secrets/.*\\.yaml$  # infra secrets
    age: age1ug9qyhpkhums0h57y065e5ldsudjmr0zycjc2ek3gyul20prr5sqtq8877
"""


def test_the_team_rule_goes_first_and_the_users_rules_stay(mates):
    keys = [mates["alice"].key, mates["bob"].key]
    text = recipients.sops_config_text(USER_RULES, keys)
    assert "# my own rules" in text and "# infra secrets" in text
    assert text.index(recipients.RULE_REGEX) < text.index("secrets/.*")
    assert recipients.config_keys(text) == keys
    again = recipients.sops_config_text(text, keys[:1])
    assert recipients.config_keys(again) == keys[:1] and again.count("path_regex") == 2


def test_init_keeps_an_existing_sops_yaml_and_sops_uses_the_team_rule(tmp_path, mates, as_user):
    as_user(mates["alice"])
    project = new_project(tmp_path / "p")
    (project.root / ".sops.yaml").write_text(USER_RULES)
    members.init(project, "alice")
    assert "# infra secrets" in (project.root / ".sops.yaml").read_text()
    workflow.push(project)
    cipher = (project.root / fileformat.PATH).read_bytes()
    assert fileformat.recipients(cipher) == [mates["alice"].key]
    assert list(fileformat.plaintext_leaves(cipher)) == []


def test_plaintext_leaves_names_every_unencrypted_value():
    text = (b"sources:\n  pay:\n    key: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\n"
            b"    scopes:\n      - ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\n      - plain\n"
            b"    host: db.example\nextra: 5\nsops:\n  version: 3.11.0\n")
    assert list(fileformat.plaintext_leaves(text)) == [(6, "sources.pay.scopes"), (7, "sources.pay.host"),
                                                       (8, "extra")]


def test_read_commands_write_nothing(tmp_path, mates, as_user):
    as_user(mates["alice"])
    project = new_project(tmp_path / "p")
    members.init(project, "alice")
    members.add(project, "bob", mates["bob"].public)
    workflow.push(project)
    before = tree_state(project.root)
    for args in (("team", "list"), ("team", "list", "--json"), ("validate",), ("team", "--help")):
        result = run_dango(*args, cwd=project.root, env=mates["bob"].env)
        assert result.code in (0, 1), result
    assert changes_between(before, tree_state(project.root)) == []
