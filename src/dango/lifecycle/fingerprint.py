"""Keyed fingerprints: recognise a credential without keeping it or an unkeyed hash of it.

HMAC-SHA256 under a per-project key that lives in the gitignored secrets store
(`[dango] fingerprint_key`), so the committed metadata and audit lines cannot be used to
test guesses of a secret. Only the first 12 hex digits are kept.

The key is a secret like the others: `dango secrets encrypt` encrypts it, and on an
encrypted project a new one is stored encrypted. It is decrypted here, through the
store's codec, when a fingerprint is computed; the HMAC key is its plaintext text, so
fingerprints are the same before and after encryption.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets as random
from typing import Any

KEY_PATH = ("dango", "fingerprint_key")
LENGTH = 12


def new_key() -> str:
    """A fresh fingerprint key: 32 random bytes, base64."""
    return base64.b64encode(random.token_bytes(32)).decode()


def ensure_key(store) -> bool:
    """Give the secrets file a fingerprint key if it lacks one (encrypted on an encrypted
    project, by the store's codec); True if it was added. An existing key, encrypted or
    not, is not decrypted here. Every recorded change starts here (lifecycle.records), so
    this is where a write on an encrypted project first checks the key at hand against
    the project's key id, before it decrypts or writes anything."""
    check = getattr(store, "check_writable", None)
    if check is not None:
        check()
    if _stored(store) is not None:
        return False
    store.set_path(KEY_PATH, new_key(), secret=True)
    return True


def _stored(store) -> str | None:
    """The stored key; None without one, and for the example's `<fingerprint_key>` (copied
    from secrets.toml.example, it is the same public text in every clone: fingerprints
    under it would be unkeyed hashes). `ensure_key` then writes a real one."""
    from ..store.references import is_placeholder

    raw = store.get_path(KEY_PATH)
    return raw if isinstance(raw, str) and raw and not is_placeholder(KEY_PATH[-1], raw) else None


def _key_of(store) -> bytes | None:
    raw = _stored(store)
    if raw is None:
        return None
    from ..crypto import looks_encrypted  # the rule alone; the cipher only for an encrypted key

    if looks_encrypted(raw):
        raw = _decrypted(store, raw)
        from ..store.references import is_placeholder

        if is_placeholder(KEY_PATH[-1], raw):  # a placeholder encrypted: still no key
            return None
    return raw.encode()


def _decrypted(store, raw: str) -> str:
    from .. import redact
    from ..errors import DecryptionFailed

    codec = getattr(store, "codec", None)
    if codec is None:  # a store made without its project (SecretsFile.load gives one a codec)
        raise DecryptionFailed(".".join(KEY_PATH), store.path, None,
                               "it is encrypted and this secrets file was read without its project",
                               "read it through SecretsFile.load")
    plain = codec.decode(raw, KEY_PATH, store.text)
    redact.register(plain)
    return plain


def fingerprint(store, value: Any) -> str | None:
    """The keyed fingerprint of a stored value, or None before the key exists."""
    key = _key_of(store)
    if key is None or value is None:
        return None
    return hmac.new(key, str(value).encode("utf-8"), hashlib.sha256).hexdigest()[:LENGTH]
