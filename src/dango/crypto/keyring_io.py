"""Calls into the `keyring` library, each on a worker thread with a deadline.

A locked Secret Service (or any backend waiting on a prompt nobody sees) must not freeze
the command: past `DANGO_KEYRING_TIMEOUT` seconds (default 20) the call is abandoned and a
clear error says what to do. The thread is a daemon, so the process still exits.
"""

from __future__ import annotations

import os
import threading
from typing import Any, Callable

from ..errors import KeyringTimeout, KeyUnavailable

SERVICE = "dango"
DEFAULT_TIMEOUT = 20.0
NO_BACKEND_HELP = ("install a keyring backend (on a machine without a desktop keyring: "
                   "`pip install keyrings.alt`), or put the key, base64, in DANGO_MASTER_KEY")
_NO_STORE = ("keyring.backends.fail.", "keyring.backends.null.")


# What `import keyring` pulls in that a configured backend never uses: the entry-point
# discovery of keyring.backend (skipped when PYTHON_KEYRING_BACKEND or keyringrc.cfg names
# the backend), jaraco.context's tarball download and a jaraco.functools helper. They are
# imported for real the moment anything reads from them (dango.deferred).
UNUSED_BY_CONFIGURED_BACKENDS = ("importlib_metadata", "urllib.request", "more_itertools")


def _keyring():
    """The keyring library, imported without the modules a configured backend never uses."""
    from ..deferred import defer

    defer(*UNUSED_BY_CONFIGURED_BACKENDS)
    import keyring

    return keyring


def timeout() -> float:
    text = os.environ.get("DANGO_KEYRING_TIMEOUT", "")
    try:
        return float(text) if text else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


def call(what: str, function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` with the deadline; KeyUnavailable on a timeout or a backend error."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = function(*args)
        except BaseException as err:  # noqa: BLE001 - reported below, without its text
            outcome["error"] = err

    worker = threading.Thread(target=run, name="dango-keyring", daemon=True)
    worker.start()
    limit = timeout()
    worker.join(limit)
    if worker.is_alive():
        raise KeyringTimeout(
            f"The system keyring did not answer within {limit:g} s while {what} (it may be "
            "locked and waiting for a password prompt); unlock it and run the command again, "
            "or set DANGO_MASTER_KEY to the key (base64) to skip the keyring."
        )
    if "error" in outcome:
        error = outcome["error"]
        if isinstance(error, _keyring().errors.NoKeyringError):
            raise KeyUnavailable(f"No keyring backend is available for {what}; {NO_BACKEND_HELP}.")
        raise KeyUnavailable(
            f"The system keyring failed while {what} ({type(error).__name__}); unlock or repair "
            "it and run the command again, or set DANGO_MASTER_KEY to the key (base64)."
        )
    return outcome.get("value")


def backend() -> Any:
    return call("opening the keyring", _keyring().get_keyring)


def backend_name(instance: Any) -> str:
    """The backend's class path; for keyring's chainer, the backends it chains."""
    parts = getattr(instance, "backends", None)
    if parts:
        return " + ".join(backend_name(part) for part in parts)
    kind = type(instance)
    return f"{kind.__module__}.{kind.__qualname__}"


def _parts(instance: Any) -> list[Any]:
    return list(getattr(instance, "backends", None) or [instance])


def stores_nothing(instance: Any) -> bool:
    """The fail and null backends: no key can be kept there."""
    return all(f"{type(part).__module__}.".startswith(_NO_STORE) for part in _parts(instance))


def stores_plaintext(instance: Any) -> bool:
    """keyrings.alt's PlaintextKeyring keeps keys unencrypted in a file."""
    return any(type(part).__name__ == "PlaintextKeyring" for part in _parts(instance))


def get(username: str) -> str | None:
    return call("reading the encryption key", _keyring().get_password, SERVICE, username)


def put(username: str, secret: str) -> None:
    call("storing the encryption key", _keyring().set_password, SERVICE, username, secret)


def delete(username: str) -> bool:
    keyring = _keyring()

    def remove() -> bool:
        try:
            keyring.delete_password(SERVICE, username)
        except keyring.errors.PasswordDeleteError:
            return False
        return True

    return bool(call("removing an old encryption key", remove))
