"""`ref+keyring://SERVICE/USERNAME`: an entry of the OS keyring (or whichever backend the
keyring library is configured with), read with a deadline.

The service `dango` is refused: it holds the encryption keys of every encrypted project on
the machine (crypto/keyring_io.py), and a cloned project could otherwise name another
project's key (its ids are in that project's committed project.yml) and send it to an API."""

from __future__ import annotations

from ..store.references import VaultReference
from . import Context, with_deadline
from .errors import AccessDenied, BackendMissing, EntryNotFound, VaultError

DANGO_SERVICE = "dango"  # crypto.keyring_io.SERVICE (a floor above: not imported here)


def fetch(reference: VaultReference, context: Context) -> str:
    import keyring
    import keyring.errors

    service, _, username = reference.path.strip("/").partition("/")
    if not service or not username:
        raise context.error(EntryNotFound, "names no keyring entry (it needs SERVICE/USERNAME)",
                            "write it as ref+keyring://SERVICE/USERNAME")
    if service == DANGO_SERVICE:
        raise context.error(AccessDenied, "names an entry of Dango's own encryption keys, which "
                            "references may not read", "store the value under a service of its own "
                            "(`keyring set SERVICE USERNAME`) and name that")
    try:
        value = with_deadline(context, keyring.get_password, service, username)
    except keyring.errors.NoKeyringError:
        raise context.error(BackendMissing, "cannot be read: no keyring backend is available",
                            "install one (on a machine without a desktop keyring: pip install keyrings.alt)") from None
    except VaultError:
        raise
    except Exception as err:  # noqa: BLE001 - the backend's own text is never shown
        raise context.error(VaultError, f"could not be read: the keyring failed ({type(err).__name__})",
                            "unlock or repair the keyring and run the command again") from None
    if value is None:
        raise context.error(EntryNotFound, "is not in the keyring",
                            f"store it with `keyring set {service} {username}`")
    return value
