"""A keyring backend that echoes: it gives `CANARY` for user `good` and, asked for anyone
else, fails with `CANARY` in its error message, as a careless secret store might. Loaded by
dango through PYTHON_KEYRING_BACKEND. With ECHO_KEYRING_LOG set, every read appends
`service/username` to that file (to see whether a command contacted the store at all)."""

import os

from keyring.backend import KeyringBackend

CANARY = "canary-keyring-echo-4b7e1d9c03"  # dango:allow


class EchoingKeyring(KeyringBackend):
    priority = 1

    def get_password(self, service, username):
        log = os.environ.get("ECHO_KEYRING_LOG")
        if log:
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(f"{service}/{username}\n")
        if username == "good":
            return CANARY
        raise RuntimeError(f"no entry for {username}; the entry I have is {CANARY}")

    def set_password(self, service, username, password):
        raise RuntimeError(f"read-only; it holds {CANARY}")

    def delete_password(self, service, username):
        raise RuntimeError(f"read-only; it holds {CANARY}")
