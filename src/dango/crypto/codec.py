"""Turning stored values into ciphertext and back, for one project.

`decrypt_stored` is what the resolver calls for a value that looks encrypted (the rule is
`crypto.looks_encrypted`); `Codec` is what the secrets file uses on an encrypted project:
before its first edit it checks that the key writes would use is the project's key (the
key id in .dango/project.yml), then it encrypts each secret written, and it decrypts
dango's own fingerprint key for the fingerprints. Errors name the key path and the file
and line, never a value.
"""

from __future__ import annotations

from typing import Any, Callable

from ..errors import DecryptionFailed, InvalidValue, KeyUnavailable, WrongKey, where
from ..secrecy import holds_written_secret
from ..store.references import is_reference
from . import ENCRYPTED_TABLES, PREFIX, keys, looks_encrypted, state
from .cipher import AuthenticationFailed, BadCiphertext, decrypt, encrypt, key_id, parse


def key_path_of(path: tuple[str, ...]) -> str:
    return ".".join(path)


def line_in(text: str, key_path: str) -> int | None:
    from ..store.toml_text import locate_key

    parts = tuple(key_path.split("."))
    return locate_key(text, parts[:-1], parts[-1]) if len(parts) > 1 else None


def _fix(key_path: str) -> str:
    if key_path.startswith("sources."):
        return (f"restore the file from a backup, or store the value again with "
                f"`dango secrets set {key_path.removeprefix('sources.')}`")
    if key_path.startswith("dango."):
        return ("restore the file from a backup, or delete the line: the next change stores a new "
                "fingerprint key (earlier fingerprints then stop matching)")
    return "restore the file from a backup, or write the value again"


def _damage(raw: str, err: BadCiphertext) -> tuple[str, str | None]:
    """(what is wrong with a text that looks encrypted but does not parse, a better fix)."""
    trimmed = raw.strip()
    if trimmed != raw:
        try:
            parse(trimmed)
        except BadCiphertext:
            pass
        else:
            return ("it has spaces or line breaks around the ENC[...] value (edited by hand?), so "
                    "it is neither a ciphertext nor a plaintext", "delete them, leaving ENC[...] alone "
                    "between the quotes")
    if not trimmed.startswith(PREFIX):
        return ("it holds part of an ENC[...] ciphertext mixed with other text (edited or pasted "
                "by hand?), so it is neither a ciphertext nor a plaintext", None)
    return str(err), None


def decrypt_stored(project, raw: str, key_path: str, file: str, locate: Callable[[], int | None]) -> str:
    """The stored string a value that looks encrypted holds (references and `$${` kept as
    written); DecryptionFailed for a damaged one, never the text itself."""
    fix_set = _fix(key_path)
    try:
        sealed = parse(raw)
    except BadCiphertext as err:
        reason, better = _damage(raw, err)
        raise DecryptionFailed(key_path, file, locate(), reason,
                               f"{better}, or {fix_set}" if better else fix_set) from None
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
    """The secrets file's view of encryption at rest, for one project.

    `encrypting` is True when the project is encrypted (project.yml has a key id): then
    `check_writable` runs before the file's first edit and refuses (WrongKey, exit 2) when
    the key writes would use is not the project's key, and secrets written are encrypted.
    A codec that does not encrypt (a plaintext project whose file holds a ciphertext) only
    decrypts. The key is fetched on the first edit, so reading commands never touch the
    keyring for it."""

    def __init__(self, project, *, encrypting: bool = True):
        self.project = project
        self.encrypting = encrypting
        self._key: bytes | None = None

    def check_writable(self) -> None:
        """Refuse, before anything is written, a write whose key is not the project's key:
        a DANGO_MASTER_KEY with another key id, or a keyring without the project's key (or
        with a different key under its name). Nothing to check when not encrypting."""
        if self.encrypting and self._key is None:
            self._key = self._project_key()

    def key(self) -> bytes:
        self.check_writable()
        assert self._key is not None
        return self._key

    def _project_key(self) -> bytes:
        kid = state.current_key_id(self.project)
        assert kid is not None
        recorded = f"{self.project.relative(self.project.project_file)} encryption.key_id"
        from_env = keys.env_key()
        if from_env is not None:
            if key_id(from_env) != kid:
                raise WrongKey(
                    f"{keys.ENV} holds the key with id {key_id(from_env)}, but this project is "
                    f"encrypted with key {kid} ({recorded}), so nothing was changed; set {keys.ENV} "
                    f"to key {kid} (`dango secrets key export` prints it on a machine that has it), "
                    "or unset it to use the keyring.")
            return from_env
        try:
            return keys.get_key(self.project, kid)
        except KeyUnavailable as err:  # the same words, and that nothing was written
            raise type(err)(
                f"This project is encrypted with key {kid} ({recorded}) and it cannot be used "
                f"here, so nothing was changed: {err.message[:1].lower()}{err.message[1:]}") from None

    def encode(self, value: Any, path: tuple[str, ...], current: Any = None) -> Any:
        """`value` to store at `path`: string literals (at any depth) encrypted, and references
        with secret text beside them (secrecy.holds_written_secret) encrypted whole; bare
        references, ciphertexts and non-strings kept as they are. When `current` (the value stored there
        now) already holds the same plaintext under the current key, it is kept: no churn."""
        if not self.encrypting or not path or path[0] not in ENCRYPTED_TABLES:
            return value
        if isinstance(value, dict):  # a whole table: what describes a grant stays readable
            from ..registry import NOT_SECRET_KEYS

            inner = current if isinstance(current, dict) else {}
            return {k: v if k in NOT_SECRET_KEYS else self.encode(v, (*path, str(k)), inner.get(k))
                    for k, v in value.items()}
        if not isinstance(value, str):
            return value
        if is_reference(value):
            if not holds_written_secret(value):
                return value  # a bare ${VAR} or ref+ reference holds no secret: kept readable
        elif looks_encrypted(value):
            try:
                parse(value)
            except BadCiphertext:
                raise InvalidValue(
                    f"The value for {key_path_of(path)} contains ENC[, which dango reads as an "
                    "encrypted value, but it is not a complete one; nothing was changed. Give the "
                    "plaintext secret itself (dango encrypts it), or a whole ENC[...] value.") from None
            return value  # a whole ciphertext (moved or restored by hand) is kept as given
        if self._same(current, value, path):
            return current
        return encrypt(self.key(), value, key_path_of(path))

    def _same(self, current: Any, value: str, path: tuple[str, ...]) -> bool:
        if not looks_encrypted(current):
            return False
        try:
            sealed = parse(current)
            key = self.key()
            return sealed.kid == key_id(key) and decrypt(key, sealed, key_path_of(path)) == value
        except (BadCiphertext, AuthenticationFailed):
            return False  # a damaged value is simply replaced

    def decode(self, raw: str, path: tuple[str, ...], text: str) -> str:
        """The plaintext of a stored value that looks encrypted (`text`: the file's text,
        to name the line of a value that cannot be decrypted)."""
        key_path = key_path_of(path)
        return decrypt_stored(self.project, raw, key_path,
                              self.project.relative(self.project.secrets_path),
                              lambda: line_in(text, key_path))


def codec_for(project, text: str = "") -> Codec | None:
    """The codec of an encrypted project; for a plaintext one, a codec that only decrypts
    when `text` (the secrets file) holds something that looks encrypted, else None."""
    if state.is_encrypted(project):
        return Codec(project)
    return Codec(project, encrypting=False) if looks_encrypted(text) else None
