"""Encryption at rest of secrets.toml values (SPEC section 5).

Nothing heavy is imported here: `is_encrypted` is what every reader calls, and the
modules that import `cryptography` or `keyring` are loaded only for an encrypted value
or a crypto command.
"""

from __future__ import annotations

PREFIX = "ENC["


def is_encrypted(value: object) -> bool:
    """True for a string stored as ciphertext (`ENC[...]`)."""
    return isinstance(value, str) and value.startswith(PREFIX)
