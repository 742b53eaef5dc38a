"""Keyed fingerprints: recognise a credential without keeping it or an unkeyed hash of it.

HMAC-SHA256 under a per-project key that lives in the gitignored secrets store
(`[dango] fingerprint_key`), so the committed metadata and audit lines cannot be used to
test guesses of a secret. Only the first 12 hex digits are kept.
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
    """Give the secrets file a fingerprint key if it lacks one; True if it was added."""
    if _key_of(store) is not None:
        return False
    store.set_path(KEY_PATH, new_key(), secret=True)
    return True


def _key_of(store) -> bytes | None:
    raw = store.get_path(KEY_PATH)
    if not isinstance(raw, str) or not raw:
        return None
    return raw.encode()


def fingerprint(store, value: Any) -> str | None:
    """The keyed fingerprint of a stored value, or None before the key exists."""
    key = _key_of(store)
    if key is None or value is None:
        return None
    return hmac.new(key, str(value).encode("utf-8"), hashlib.sha256).hexdigest()[:LENGTH]
