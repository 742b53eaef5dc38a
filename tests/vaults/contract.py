"""The contract every `ref+` backend keeps, checked against a real store or its stand-in.

A backend's test class subclasses `VaultContract` and says how to put a value in its store
(`put`), how to name an entry that does not exist (`missing`), and how to make the store
unusable (`unusable`: unreachable, locked, refused). The contract: the value comes back
exactly; it is known to the redaction layer the moment it arrives; a missing entry is
EntryNotFound naming the key path and the entry; an unusable store is a named VaultError
(exit 1) that `source test` reports as unknown, never valid or invalid; the value is
fetched once per process; and resolving writes nothing to disk.
"""

from __future__ import annotations

import pytest

from dango import redact
from dango.credentials import Resolver
from dango.health import UNKNOWN
from dango.lifecycle.verify import test_source as run_source_test
from dango.sources import SourcesFile
from dango.vaults.errors import EntryNotFound, VaultError
from tests.conftest import changes_between, tree_state

KEY_PATH = "sources.pay.stripe_secret_key"
VALUE = "sk_live_VAULTc4n4ryV4lu3fromTheStore77"  # dango:allow
OTHER = "sk_live_VAULTn3wV4lu3afterTheFetch88"  # dango:allow


class VaultContract:
    scheme: str

    def put(self, project, value: str) -> str:
        """Store `value` in a new entry; the `ref+` reference that names it."""
        raise NotImplementedError

    def replace(self, project, reference: str, value: str) -> None:
        """Change the entry's value in the store (behind the process's back)."""
        raise NotImplementedError

    def missing(self, project) -> str:
        raise NotImplementedError

    def unusable(self, project, monkeypatch) -> tuple[str, type[VaultError]]:
        """A reference whose store cannot be used now, and the error that says so."""
        raise NotImplementedError

    # -- the contract --------------------------------------------------------------------
    def resolve(self, project, reference: str):
        return Resolver(project).resolve_stored(reference, KEY_PATH)

    def test_returns_the_value(self, project):
        reference = self.put(project, VALUE)
        assert reference.startswith(f"ref+{self.scheme}://")
        assert self.resolve(project, reference) == VALUE

    def test_the_value_is_registered_with_redact(self, project):
        import uuid

        value = uuid.uuid4().hex + uuid.uuid4().hex[:6]  # no run of it known before this test
        reference = self.put(project, value)
        assert value in redact.redact(f"the store said: {value}"), redact.redact(f"the store said: {value}")
        self.resolve(project, reference)
        assert value not in redact.redact(f"the store said: {value}")

    def test_a_missing_entry_is_entry_not_found(self, project):
        reference = self.missing(project)
        with pytest.raises(EntryNotFound) as caught:
            self.resolve(project, reference)
        message = str(caught.value)
        assert KEY_PATH in message and f"ref+{self.scheme}://" in message
        assert caught.value.exit_code == 1
        assert "?" not in message.split("; ")[0]  # never the reference's query

    def test_an_unusable_store_is_a_named_error_and_unknown(self, project, monkeypatch):
        reference, expected = self.unusable(project, monkeypatch)
        with pytest.raises(expected) as caught:
            self.resolve(project, reference)
        assert caught.value.exit_code == 1 and KEY_PATH in str(caught.value)
        from dango.store.secrets_file import SecretsFile

        secrets = SecretsFile.load(project)
        secrets.set_value("pay", ("stripe_secret_key",), reference, secret=False)
        secrets.save()
        health = run_source_test(project, SourcesFile(project).get("pay"), timeout=5)
        assert health.status == UNKNOWN, health
        assert "stripe_secret_key" in health.reason

    def test_fetched_once_per_process(self, project):
        reference = self.put(project, VALUE)
        assert self.resolve(project, reference) == VALUE
        self.replace(project, reference, OTHER)
        assert self.resolve(project, reference) == VALUE  # the process's copy
        from dango import vaults

        vaults.clear_cache()  # a new process
        assert self.resolve(project, reference) == OTHER

    def test_resolving_writes_nothing(self, project):
        reference = self.put(project, VALUE)
        before = tree_state(project.root)
        self.resolve(project, reference)
        assert changes_between(before, tree_state(project.root)) == []
