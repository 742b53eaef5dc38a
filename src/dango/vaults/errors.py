"""The errors of `ref+` references, each one sentence: the key path, the store, the fix.

A message names the key path (`sources.stripe_payments.stripe_secret_key`), the backend and
the entry as `SCHEME://PATH`, never the reference's ?query (which may carry a token) and
never what the store answered (which may echo a value). A command that ran and could not
resolve a reference exits 1 (that source fails, the others go on); a reference that is
malformed or names a scheme Dango does not support exits 2.
"""

from __future__ import annotations

from ..errors import DangoError, where


class VaultError(DangoError):
    """A reference that could not be resolved: the command ran and found a problem."""

    exit_code = 1
    problem = "could not be resolved"
    fix = "check the entry and run the command again"

    def __init__(self, key_path: str, entry: str, problem: str | None = None, fix: str | None = None):
        self.key_path, self.entry = key_path, entry
        self.problem_text, self.fix_text = problem or self.problem, fix or self.fix
        super().__init__(f"{key_path} refers to {entry}, which {self.problem_text}; {self.fix_text}.")


class EntryNotFound(VaultError):
    problem = "does not exist in the store"
    fix = "check the name (and the region), or create the entry"


class AccessDenied(VaultError):
    problem = "the store refused to give (access denied)"
    fix = "grant these credentials read access to the entry, or use others"


class NoStoreCredentials(VaultError):
    problem = "cannot be read: no credentials for the store were found"
    fix = ("configure AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
           "or an instance role) and AWS_REGION")


class StoreUnreachable(VaultError):
    problem = "could not be read: the store did not answer in time"
    fix = "check the network and the endpoint (AWS_ENDPOINT_URL), or raise DANGO_VAULT_TIMEOUT"


class PointerMissing(VaultError):
    problem = "has no value at its #pointer"
    fix = "check the pointer against the keys of the document"


class BackendMissing(VaultError):
    problem = "cannot be read: the library for this store is not installed"
    fix = "install it"


class UnsafeReferenceFile(VaultError):
    problem = "is not a private regular file inside the project"
    fix = "keep it inside the project and chmod 600 it"


class MalformedReference(DangoError):
    """A `ref+` value that cannot be read, or a scheme Dango does not support (exit 2)."""

    exit_code = 2

    def __init__(self, key_path: str, path: str, line: int | None, reason: str):
        self.key_path, self.reason = key_path, reason
        super().__init__(f"{where(path, line)}: {key_path} {reason}.")
