"""Turning stored values into ciphertext and back, for one project.

`decrypt_stored` is what the resolver calls for an `ENC[...]` value; `Codec` is what the
secrets file uses to encrypt a secret it is asked to write once the project is encrypted.
Errors name the key path and the file and line, never a value.
"""

from __future__ import annotations

from typing import Any, Callable

from ..errors import DecryptionFailed, KeyUnavailable, where
from ..store.references import is_reference
from . import is_encrypted, keys, state
from .cipher import AuthenticationFailed, BadCiphertext, decrypt, encrypt, key_id, parse

# Top-level tables whose values may be encrypted; [dango] (the fingerprint key) stays readable.
ENCRYPTED_TABLES = ("sources", "destination")


def key_path_of(path: tuple[str, ...]) -> str:
    return ".".join(path)


def line_in(text: str, key_path: str) -> int | None:
    from ..store.toml_text import locate_key

    parts = tuple(key_path.split("."))
    return locate_key(text, parts[:-1], parts[-1]) if len(parts) > 1 else None


def decrypt_stored(project, raw: str, key_path: str, file: str, locate: Callable[[], int | None]) -> str:
    """The stored string an `ENC[...]` value holds (references and `$${` kept as written)."""
    fix_set = (f"restore the file from a backup, or store the value again with "
               f"`dango secrets set {key_path.removeprefix('sources.')}`")
    try:
        sealed = parse(raw)
    except BadCiphertext as err:
        raise DecryptionFailed(key_path, file, locate(), str(err), fix_set) from None
    try:
        key = keys.get_key(project, sealed.kid)
    except KeyUnavailable as err:  # say which value needed the key, then why it is missing
        raise type(err)(f"{where(file, locate())}: {key_path} could not be decrypted: {err}") from None
    try:
        return decrypt(key, sealed, key_path)
    except AuthenticationFailed:
        raise DecryptionFailed(
            key_path, file, locate(),
            f"its authentication check failed under key {sealed.kid} (the ciphertext was edited, "
            "or copied here from another key)", fix_set) from None


class Codec:
    """Encrypts values written to an encrypted project's secrets file; the key is fetched
    on the first write, so reading commands never touch the keyring for it."""

    def __init__(self, project):
        self.project = project
        self._key: bytes | None = None

    def key(self) -> bytes:
        if self._key is None:
            from_env = keys.env_key()
            if from_env is not None:
                self._key = from_env
            else:
                kid = state.current_key_id(self.project)
                assert kid is not None
                self._key = keys.get_key(self.project, kid)
        return self._key

    def encode(self, value: Any, path: tuple[str, ...], current: Any = None) -> Any:
        """`value` to store at `path`: string literals (at any depth) encrypted; references,
        ciphertexts and non-strings kept as they are. When `current` (the value stored there
        now) already holds the same plaintext under the current key, it is kept: no churn."""
        if not path or path[0] not in ENCRYPTED_TABLES:
            return value
        if isinstance(value, dict):  # a whole table: what describes a grant stays readable
            from ..redact import NOT_SECRET_KEYS

            inner = current if isinstance(current, dict) else {}
            return {k: v if k in NOT_SECRET_KEYS else self.encode(v, (*path, str(k)), inner.get(k))
                    for k, v in value.items()}
        if not isinstance(value, str) or is_reference(value) or is_encrypted(value):
            return value
        if self._same(current, value, path):
            return current
        return encrypt(self.key(), value, key_path_of(path))

    def _same(self, current: Any, value: str, path: tuple[str, ...]) -> bool:
        if not is_encrypted(current):
            return False
        try:
            sealed = parse(current)
            key = self.key()
            return sealed.kid == key_id(key) and decrypt(key, sealed, key_path_of(path)) == value
        except (BadCiphertext, AuthenticationFailed):
            return False  # a damaged value is simply replaced


def codec_for(project) -> Codec | None:
    """The codec of an encrypted project, None for a plaintext one (nothing imported)."""
    return Codec(project) if state.is_encrypted(project) else None
