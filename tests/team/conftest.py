"""Teammates with their own homes and keys, real `sops`, real age (pyrage) and SSH keys.

alice has an age identity in the default keys file (~/.config/sops/age/keys.txt), bob an
ed25519 SSH key (~/.ssh/id_ed25519), carol an RSA SSH key that `SOPS_AGE_SSH_PRIVATE_KEY_FILE`
names. `as_user(mate)` makes this process that teammate (HOME and sops's variables), so the
library is tested in-process; `mate.env` runs `dango` or `sops` as them in a subprocess.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import clean_env, skip_or_fail

SOPS_VARIABLES = ("SOPS_AGE_KEY_FILE", "SOPS_AGE_KEY", "SOPS_AGE_SSH_PRIVATE_KEY_FILE", "SOPS_AGE_KEY_CMD",
                  "SOPS_AGE_RECIPIENTS", "XDG_CONFIG_HOME")
CANARY_TEAM = "sk_live_TEAMcanary0f9e8d7c6b5a4321"  # dango:allow
CANARY_DB = "team-canary-db-pw-4c1d9e7f"  # dango:allow


@dataclass
class Mate:
    name: str
    home: Path
    public: str  # the public key as `dango team add` takes it (a key or a file)
    key: str  # the recipient as sops records it
    extra: dict

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in clean_env(self.home).items() if k not in SOPS_VARIABLES}
        env.update(self.extra)
        return env


def _parts():
    try:
        import pyrage
    except ImportError:
        skip_or_fail("pyrage is not installed (pip install 'dango[team]')")
    from dango import sops

    try:
        sops.binary()
    except sops.SopsMissing:
        skip_or_fail("the sops program is not installed (pip install 'dango[team]')")
    if shutil.which("ssh-keygen") is None:
        skip_or_fail("ssh-keygen is not installed")
    return pyrage


@pytest.fixture(scope="session")
def mates(tmp_path_factory) -> dict[str, Mate]:
    pyrage = _parts()
    base = tmp_path_factory.mktemp("mates")
    alice_home = base / "alice"
    keys = alice_home / ".config" / "sops" / "age"
    keys.mkdir(parents=True)
    identity = pyrage.x25519.Identity.generate()
    (keys / "keys.txt").write_text(f"# public key: {identity.to_public()}\n{identity}\n")
    (keys / "keys.txt").chmod(0o600)
    alice = Mate("alice", alice_home, str(identity.to_public()), str(identity.to_public()), {})

    bob_home = base / "bob"
    (bob_home / ".ssh").mkdir(parents=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bob@example.com",
                    "-f", str(bob_home / ".ssh" / "id_ed25519")], check=True)
    bob_pub = bob_home / ".ssh" / "id_ed25519.pub"
    bob = Mate("bob", bob_home, str(bob_pub), " ".join(bob_pub.read_text().split()[:2]), {})

    carol_home = base / "carol"
    carol_home.mkdir()
    subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-C", "carol",
                    "-f", str(base / "carol_rsa")], check=True)
    rsa_line = (base / "carol_rsa.pub").read_text().strip()
    subprocess.run(["ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", str(base / "carol_ecdsa")], check=True)
    github_keys = base / "carol.keys"  # as https://github.com/carol.keys lists them: no comments
    ecdsa_line = " ".join((base / "carol_ecdsa.pub").read_text().split()[:2])
    github_keys.write_text(ecdsa_line + "\n" + " ".join(rsa_line.split()[:2]) + "\n")
    carol = Mate("carol", carol_home, str(github_keys), " ".join(rsa_line.split()[:2]),
                 {"SOPS_AGE_SSH_PRIVATE_KEY_FILE": str(base / "carol_rsa")})
    return {"alice": alice, "bob": bob, "carol": carol}


@pytest.fixture
def as_user(monkeypatch):
    """`as_user(mate)`: this process is now that teammate, for sops and for dango."""

    def become(mate: Mate) -> None:
        for name in SOPS_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HOME", str(mate.home))
        for name, value in mate.extra.items():
            monkeypatch.setenv(name, value)

    return become


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


def new_project(path: Path):
    """A project with a Stripe source and a PostgreSQL source whose secrets are canaries."""
    from dango.manage import Values, add_source, set_secret
    from dango.project import init_project

    project = init_project(path).project
    add_source(project, "stripe", "pay", Values())
    set_secret(project, "pay.stripe_secret_key", CANARY_TEAM)
    add_source(project, "postgres", "crm", Values(literals={"host": "db.internal", "database": "crm",
                                                              "username": "loader"}))
    set_secret(project, "crm.password", CANARY_DB)
    return project


def secrets_data(project) -> dict:
    import tomllib

    return tomllib.loads(project.secrets_path.read_text())


def committed_blobs(repo: Path) -> list[bytes]:
    """Every blob reachable from any ref of `repo`."""
    listing = git(repo, "rev-list", "--all", "--objects")
    blobs = []
    for line in listing.splitlines():
        sha = line.split()[0]
        kind = git(repo, "cat-file", "-t", sha).strip()
        if kind == "blob":
            blobs.append(subprocess.run(["git", "cat-file", "blob", sha], cwd=repo, check=True,
                                        capture_output=True).stdout)
    return blobs
