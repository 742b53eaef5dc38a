"""The value cipher: AES-256-GCM, one fresh 96-bit nonce per value, the key path as
associated data, and a versioned text form that stays on one TOML line:

    ENC[v1,AES256_GCM,kid:<8 hex>,data:<base64>,iv:<base64>,tag:<base64>]

`kid` names the key (derived from it, so a wrong key is recognised before any decryption
is tried). The associated data binds a value to its key path: a ciphertext copied to
another key fails to decrypt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

VERSION = "v1"
ALGORITHM = "AES256_GCM"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
_B64 = r"[A-Za-z0-9+/=]*"
_FORMAT = re.compile(
    rf"ENC\[(?P<version>[^,\]]*),(?P<algorithm>[^,\]]*),kid:(?P<kid>[0-9a-f]{{8}}),"
    rf"data:(?P<data>{_B64}),iv:(?P<iv>{_B64}),tag:(?P<tag>{_B64})\]\Z"
)


class BadCiphertext(ValueError):
    """The text is not a well-formed ciphertext; the message says what is wrong (no value)."""


class AuthenticationFailed(ValueError):
    """GCM authentication failed: tampered, moved to another key path, or a wrong key."""


@dataclass(frozen=True)
class Sealed:
    kid: str
    data: bytes
    iv: bytes
    tag: bytes

    def text(self) -> str:
        def b64(raw: bytes) -> str:
            return base64.b64encode(raw).decode("ascii")

        return (f"ENC[{VERSION},{ALGORITHM},kid:{self.kid},data:{b64(self.data)},"
                f"iv:{b64(self.iv)},tag:{b64(self.tag)}]")


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def key_id(key: bytes) -> str:
    """8 hex digits naming a key; a keyed hash, so it says nothing about the key."""
    return hmac.new(key, b"dango key id v1", hashlib.sha256).hexdigest()[:8]


def _aad(key_path: str) -> bytes:
    return f"dango:{VERSION}:{key_path}".encode("utf-8")


def encrypt(key: bytes, plaintext: str, key_path: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    iv = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(iv, plaintext.encode("utf-8"), _aad(key_path))
    return Sealed(key_id(key), sealed[:-TAG_BYTES], iv, sealed[-TAG_BYTES:]).text()


def parse(text: str) -> Sealed:
    """The parts of a ciphertext, or BadCiphertext naming what is wrong."""
    match = _FORMAT.match(text)
    if match is None:
        raise BadCiphertext("it is not a complete ENC[v1,AES256_GCM,kid:...,data:...,iv:...,tag:...] "
                            "value (it looks cut off or edited)")
    if match["version"] != VERSION or match["algorithm"] != ALGORITHM:
        raise BadCiphertext("it uses a format this version of dango does not know "
                            f"(only {VERSION},{ALGORITHM}); upgrade dango")

    def b64(name: str, size: int | None) -> bytes:
        try:
            raw = base64.b64decode(match[name], validate=True)
        except (binascii.Error, ValueError):
            raise BadCiphertext(f"its {name} part is not valid base64 (truncated or edited)") from None
        if size is not None and len(raw) != size:
            raise BadCiphertext(f"its {name} part has the wrong length (truncated or edited)")
        return raw

    return Sealed(match["kid"], b64("data", None), b64("iv", NONCE_BYTES), b64("tag", TAG_BYTES))


def decrypt(key: bytes, sealed: Sealed, key_path: str) -> str:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        raw = AESGCM(key).decrypt(sealed.iv, sealed.data + sealed.tag, _aad(key_path))
    except InvalidTag:
        raise AuthenticationFailed() from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:  # authenticated, so only a value we never wrote
        raise AuthenticationFailed() from None
