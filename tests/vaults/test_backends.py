"""Each `ref+` backend against its real store or standard stand-in (tests/vaults/contract.py)."""

from __future__ import annotations

import json
import os
import uuid

import pytest

from dango.vaults.errors import AccessDenied, StoreUnreachable, UnsafeReferenceFile, VaultError
from tests.vaults.contract import KEY_PATH, VALUE, VaultContract


def _name() -> str:
    return f"prod/{uuid.uuid4().hex[:8]}"


class TestAwsSecrets(VaultContract):
    scheme = "awssecrets"

    @pytest.fixture(autouse=True)
    def _aws(self, aws):
        self.aws = aws

    def put(self, project, value):
        name = _name()
        self.aws.client("secretsmanager").create_secret(Name=name, SecretString=json.dumps({"api_key": value}))
        return f"ref+awssecrets://{name}?region=eu-west-1#/api_key"

    def replace(self, project, reference, value):
        name = reference.removeprefix("ref+awssecrets://").split("?")[0]
        self.aws.client("secretsmanager").put_secret_value(SecretId=name, SecretString=json.dumps({"api_key": value}))

    def missing(self, project):
        return "ref+awssecrets://prod/nothing-here?region=eu-west-1"

    def unusable(self, project, monkeypatch):
        return self._silent(monkeypatch, "ref+awssecrets://prod/anything")

    def _silent(self, monkeypatch, reference):
        import socket

        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        self._held = server  # accepts connections, never answers
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.getsockname()[1]}")
        monkeypatch.setenv("DANGO_VAULT_TIMEOUT", "0.5")
        return reference, StoreUnreachable

    def test_a_plain_string_secret_and_an_arn(self, project):
        client = self.aws.client("secretsmanager")
        arn = client.create_secret(Name="plain", SecretString=VALUE)["ARN"]
        assert self.resolve(project, "ref+awssecrets://plain") == VALUE
        assert self.resolve(project, f"ref+awssecrets://{arn}") == VALUE

    def test_version_stage(self, project):
        client = self.aws.client("secretsmanager")
        client.create_secret(Name="staged", SecretString="first-value-0001")  # dango:allow
        client.put_secret_value(SecretId="staged", SecretString="second-value-0002")  # dango:allow
        assert self.resolve(project, "ref+awssecrets://staged") == "second-value-0002"
        assert self.resolve(project, "ref+awssecrets://staged?version_stage=AWSPREVIOUS") == "first-value-0001"

    def test_a_missing_pointer_names_it(self, project):
        from dango.vaults.errors import PointerMissing

        reference = self.put(project, VALUE).replace("#/api_key", "#/nope")
        with pytest.raises(PointerMissing, match=r"has no value at /nope"):
            self.resolve(project, reference)

    def test_no_credentials(self, project, monkeypatch, tmp_path):
        from dango.vaults.errors import NoStoreCredentials

        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            monkeypatch.delenv(name)
        monkeypatch.setenv("HOME", str(tmp_path))
        with pytest.raises(NoStoreCredentials, match="no credentials for the store"):
            self.resolve(project, "ref+awssecrets://prod/x")


class TestAwsSsm(VaultContract):
    scheme = "awsssm"

    @pytest.fixture(autouse=True)
    def _aws(self, aws):
        self.aws = aws

    def put(self, project, value):
        name = "/" + _name()
        self.aws.client("ssm").put_parameter(Name=name, Value=value, Type="SecureString")
        return f"ref+awsssm://{name}"

    def replace(self, project, reference, value):
        self.aws.client("ssm").put_parameter(Name=reference.removeprefix("ref+awsssm://"), Value=value,
                                            Type="SecureString", Overwrite=True)

    def missing(self, project):
        return "ref+awsssm:///prod/nothing/here"

    def unusable(self, project, monkeypatch):
        return TestAwsSecrets._silent(self, monkeypatch, "ref+awsssm:///prod/anything")


class TestSops(VaultContract):
    scheme = "sops"

    @pytest.fixture(autouse=True)
    def _keys(self, age_keys):
        self.keys = age_keys

    def put(self, project, value):
        name = f"secrets/{uuid.uuid4().hex[:8]}.enc.json"
        self.keys.encrypt({"stripe": {"api_key": value}}, project.root / name)
        return f"ref+sops://{name}#/stripe/api_key"

    def replace(self, project, reference, value):
        name = reference.removeprefix("ref+sops://").split("#")[0]
        self.keys.encrypt({"stripe": {"api_key": value}}, project.root / name)

    def missing(self, project):
        return "ref+sops://secrets/none.enc.yaml#/x"

    def unusable(self, project, monkeypatch):
        reference = self.put(project, VALUE)
        other = type(self.keys)(project.root.parent / "other")  # a key that is not a recipient
        monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(other.key_file))
        return reference, VaultError

    def test_a_file_outside_the_project_is_refused(self, project):
        with pytest.raises(UnsafeReferenceFile, match="leads out of the project"):
            self.resolve(project, "ref+sops://../outside.enc.json#/x")

    def test_a_key_service_that_does_not_answer_is_unreachable_within_the_vault_timeout(
            self, project, monkeypatch, tmp_path):
        """sops waiting on a KMS that never answers (a stand-in program that only sleeps):
        the reference fails as unreachable after DANGO_VAULT_TIMEOUT, not sops' own minute."""
        reference = self.put(project, VALUE)
        stuck = tmp_path / "sops-waiting-on-kms"
        stuck.write_text("#!/bin/sh\nexec sleep 30\n")
        stuck.chmod(0o700)
        monkeypatch.setenv("DANGO_SOPS", str(stuck))
        monkeypatch.setenv("DANGO_VAULT_TIMEOUT", "0.5")
        with pytest.raises(StoreUnreachable) as caught:
            self.resolve(project, reference)
        assert "sops gave no answer within 0.5 s" in str(caught.value) and VALUE not in str(caught.value)


class TestKeyring(VaultContract):
    scheme = "keyring"

    @pytest.fixture(autouse=True)
    def _keyring(self, plaintext_keyring):
        self.backend = plaintext_keyring

    def put(self, project, value):
        service = f"dango-test-{uuid.uuid4().hex[:6]}"
        self.backend.set_password(service, "analytics", value)
        return f"ref+keyring://{service}/analytics"

    def replace(self, project, reference, value):
        service, user = reference.removeprefix("ref+keyring://").split("/")
        self.backend.set_password(service, user, value)

    def missing(self, project):
        return "ref+keyring://dango-test-none/nobody"

    def unusable(self, project, monkeypatch):
        import keyring

        from tests.crypto.keyring_backends import HangingKeyring

        keyring.set_keyring(HangingKeyring())  # the fixture restores the previous one
        monkeypatch.setenv("DANGO_VAULT_TIMEOUT", "0.3")
        return "ref+keyring://locked/user", StoreUnreachable


class TestFile(VaultContract):
    scheme = "file"

    def put(self, project, value):
        name = f"keys/{uuid.uuid4().hex[:8]}"
        path = project.root / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(value + "\n")
        path.chmod(0o600)
        return f"ref+file://{name}"

    def replace(self, project, reference, value):
        (project.root / reference.removeprefix("ref+file://")).write_text(value)

    def missing(self, project):
        return "ref+file://keys/none"

    def unusable(self, project, monkeypatch):
        reference = self.put(project, VALUE)
        (project.root / reference.removeprefix("ref+file://")).chmod(0o644)
        return reference, UnsafeReferenceFile

    def test_only_one_trailing_newline_is_removed(self, project):
        reference = self.put(project, "two-lines-value\n")
        assert self.resolve(project, reference) == "two-lines-value\n"

    def test_a_group_readable_file_is_refused_with_the_chmod_fix(self, project):
        reference, _ = self.unusable(project, None)
        with pytest.raises(UnsafeReferenceFile) as caught:
            self.resolve(project, reference)
        assert f"chmod 600 {reference.removeprefix('ref+file://')}" in str(caught.value)

    def test_a_fifo_is_refused_without_waiting_for_a_writer(self, project):
        """A cloned repository can ship a named pipe: reading it would wait for ever."""
        import os

        os.mkfifo(project.root / "pipe", 0o600)
        with pytest.raises(UnsafeReferenceFile, match="is not a regular file"):
            self.resolve(project, "ref+file://pipe")

    def test_a_link_out_of_the_project_is_refused(self, project, tmp_path):
        outside = tmp_path / "outside-secret"
        outside.write_text(VALUE)
        outside.chmod(0o600)
        (project.root / "link").symlink_to(outside)
        for reference in ("ref+file://link", "ref+file://../outside-secret", f"ref+file://{outside}"):
            with pytest.raises(UnsafeReferenceFile) as caught:
                self.resolve(project, reference)
            assert KEY_PATH in str(caught.value)
            assert VALUE not in str(caught.value)
        assert os.path.exists(outside)


def test_a_keyring_reference_cannot_read_dangos_own_encryption_keys(project, plaintext_keyring):
    """A cloned project naming another project's key (its ids are committed in project.yml)."""
    from dango.crypto.keyring_io import SERVICE
    from dango.vaults.errors import AccessDenied
    from dango.vaults.keyring import DANGO_SERVICE

    assert DANGO_SERVICE == SERVICE
    plaintext_keyring.set_password(SERVICE, "other-project:key1", "k" * 44)
    with pytest.raises(AccessDenied) as caught:
        TestKeyring().resolve(project, f"ref+keyring://{SERVICE}/other-project:key1")
    assert "Dango's own encryption keys" in str(caught.value) and "k" * 44 not in str(caught.value)
