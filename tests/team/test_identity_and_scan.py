"""Finding the user's identity where sops 3.11 looks, making one where sops will find it, and
`secrets scan` on the team file (a committed store: only unencrypted values are findings)."""

from __future__ import annotations

import subprocess

from dango import sops
from dango.project import load_project
from dango.team import identity, members, recipients, workflow
from tests.conftest import run_dango
from tests.team.conftest import CANARY_TEAM, git, new_project


def test_the_identity_is_found_where_sops_looks(tmp_path, mates):
    alice, bob, carol = mates["alice"], mates["bob"], mates["carol"]
    keys_txt = alice.home / ".config" / "sops" / "age" / "keys.txt"
    assert identity.find_identity({"HOME": str(alice.home)}).key == alice.key
    assert identity.find_identity({"HOME": str(bob.home)}).key == bob.key
    assert identity.find_identity({"HOME": str(tmp_path), **carol.extra}).key == carol.key
    # explicit variables win over the default places
    found = identity.find_identity({"HOME": str(bob.home), "SOPS_AGE_KEY_FILE": str(keys_txt)})
    assert (found.key, found.location) == (alice.key, "SOPS_AGE_KEY_FILE")
    found = identity.find_identity({"HOME": str(tmp_path), "SOPS_AGE_KEY": keys_txt.read_text()})
    assert found.key == alice.key
    # XDG_CONFIG_HOME moves the default keys file, as in sops
    xdg = tmp_path / "xdg"
    (xdg / "sops" / "age").mkdir(parents=True)
    (xdg / "sops" / "age" / "keys.txt").write_bytes(keys_txt.read_bytes())
    assert identity.find_identity({"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(xdg)}).key == alice.key
    assert identity.find_identity({"HOME": str(tmp_path)}) is None


def test_init_without_a_key_makes_one_that_sops_uses(tmp_path, mates, as_user):
    home = tmp_path / "newcomer"
    home.mkdir()
    from tests.team.conftest import Mate

    newcomer = Mate("newcomer", home, "", "", {})
    as_user(newcomer)
    project = new_project(tmp_path / "p")
    report = members.init(project, "newcomer")
    keys_txt = home / ".config" / "sops" / "age" / "keys.txt"
    assert report.created_identity and report.location == str(keys_txt)
    assert oct(keys_txt.stat().st_mode & 0o777) == "0o600"
    assert oct(keys_txt.parent.stat().st_mode & 0o777) == "0o700"
    assert report.key.startswith("age1") and report.key in keys_txt.read_text()
    assert str(project.root) not in keys_txt.read_text() and not list(project.root.rglob("keys.txt"))
    workflow.push(project)
    done = subprocess.run([sops.binary(), "decrypt", ".dango/team.sops.yaml"], cwd=project.root,
                          env=newcomer.env, capture_output=True)
    assert done.returncode == 0 and CANARY_TEAM.encode() in done.stdout
    # a second init changes nothing
    assert members.init(project).already


def test_scan_accepts_ciphertext_and_finds_a_plaintext_value(tmp_path, mates, as_user):
    as_user(mates["alice"])
    project = new_project(tmp_path / "p")
    git(project.root, "init", "-q")
    members.init(project, "alice")
    workflow.push(project)
    git(project.root, "add", "-A")
    env = mates["alice"].env
    clean = run_dango("secrets", "scan", "--staged", cwd=project.root, env=env)
    assert clean.code == 0 and "0 findings" in clean.err, clean
    team_file = project.root / ".dango" / "team.sops.yaml"
    lines = team_file.read_text().splitlines()
    host_line = next(i for i, line in enumerate(lines) if line.strip().startswith("host:"))
    lines[host_line] = lines[host_line].split(":")[0] + ": db.internal.example"
    team_file.write_text("\n".join(lines) + "\n")
    git(project.root, "add", "-A")
    found = run_dango("secrets", "scan", "--staged", cwd=project.root, env=env)
    assert found.code == 1 and "team-file-plaintext" in found.out, found
    assert f".dango/team.sops.yaml:{host_line + 1}" in found.out and "sources.crm.host" in found.out
    assert "db.internal.example" not in found.output


def test_validate_reports_a_reader_missing_from_the_file_and_drift(tmp_path, mates, as_user):
    as_user(mates["alice"])
    project = new_project(tmp_path / "p")
    members.init(project, "alice")
    workflow.push(project)
    # .sops.yaml names bob, but the file was not re-keyed for him (edited by hand)
    config = project.root / ".sops.yaml"
    config.write_text(recipients.sops_config_text(config.read_text(), [mates["alice"].key, mates["bob"].key]))
    from dango.manage import set_secret
    from dango.validate import validate

    set_secret(project, "pay.stripe_secret_key", "sk_live_TEAMdrift000111222333444")  # dango:allow
    lines = [p.line() for p in validate(load_project(project.root)).problems]
    assert any(line.startswith(".sops.yaml: names other keys than .dango/team.yml") for line in lines), lines
    assert any(".dango/team.sops.yaml: is encrypted for other keys" in line for line in lines), lines
    assert any("has changes the team file lacks (sources.pay.stripe_secret_key)" in line
               and line.endswith("fix: dango team push") for line in lines), lines
    assert not any("sk_live_TEAMdrift" in line for line in lines)


def test_a_newcomer_gets_a_key_to_give_then_pulls(tmp_path, mates, as_user):
    import re

    from tests.team.conftest import Mate
    from tests.team.test_sharing import shared_repo

    alice = shared_repo(tmp_path, mates, as_user)
    clone = tmp_path / "dave"
    git(tmp_path, "clone", "-q", str(alice.root), str(clone))
    home = tmp_path / "dave-home"
    home.mkdir()
    dave = Mate("dave", home, "", "", {})
    first = run_dango("team", "init", cwd=clone, env=dave.env)
    assert first.code == 0 and "your key is not one of its readers" in first.out, first
    key = re.search(r"Your public key \(from [^)]*\): (age1\w+)", first.out)[1]
    assert (home / ".config" / "sops" / "age" / "keys.txt").is_file()
    assert git(clone, "status", "--porcelain") == ""  # nothing in the project changed
    as_user(mates["alice"])
    members.add(alice, "dave", key)
    git(alice.root, "commit", "-qam", "add dave")
    git(clone, "pull", "-q", "--no-rebase", str(alice.root), "HEAD")
    pulled = run_dango("team", "pull", cwd=clone, env=dave.env)
    assert pulled.code == 0 and "sources.pay.stripe_secret_key" in pulled.out, pulled
    again = run_dango("team", "init", cwd=clone, env=dave.env)
    assert "you are dave" in again.out, again
