"""Encryption at rest of secrets.toml values (SPEC section 5).

Nothing heavy is imported here: `looks_encrypted` is what every reader calls, and the
modules that import `cryptography` or `keyring` are loaded only for an encrypted value
or a crypto command.

The one rule for telling a ciphertext from a plaintext (`looks_encrypted`): a stored string
that contains `ENC[` anywhere, or the `AES256_GCM,kid:` that follows it, is a ciphertext,
well formed or damaged (a stray space before or after it, a cut-off end, a lost start).
It is decrypted or refused (exit 2, naming the key path and file:line), never used as a
plaintext credential, never counted as plaintext, never encrypted again as one. A real
secret containing `ENC[` (a random token, a password) is essentially impossible; dango
refuses to store one on an encrypted project rather than guess.
"""

from __future__ import annotations

PREFIX = "ENC["
# Top-level tables of secrets.toml whose secret values are encrypted: the credentials, and
# [dango], which holds dango's own secret (the fingerprint key of lifecycle/fingerprint.py).
ENCRYPTED_TABLES = ("sources", "destination", "dango")
_MARKERS = (PREFIX, "AES256_GCM,kid:")


def looks_encrypted(value: object) -> bool:
    """True for a string that is a ciphertext or what is left of one (see the module)."""
    return isinstance(value, str) and any(marker in value for marker in _MARKERS)


is_encrypted = looks_encrypted  # the name older callers use: the same rule
