"""`ref+keyring://SERVICE/USERNAME`: an entry of the OS keyring (or whichever backend the
keyring library is configured with), read with a deadline."""

from __future__ import annotations

from ..store.references import VaultReference
from . import Context, with_deadline
from .errors import BackendMissing, EntryNotFound, VaultError


def fetch(reference: VaultReference, context: Context) -> str:
    import keyring
    import keyring.errors

    service, _, username = reference.path.strip("/").partition("/")
    if not service or not username:
        raise context.error(EntryNotFound, "names no keyring entry (it needs SERVICE/USERNAME)",
                            "write it as ref+keyring://SERVICE/USERNAME")
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
