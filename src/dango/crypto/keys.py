"""Where a project's data key lives: `DANGO_MASTER_KEY` (wins when set) or the keyring.

Keyring entries: service `dango`, user name `<project id>:<key id>`, one per key id, so
a rotation interrupted at any point keeps the old key next to the new one. A key is
written, read back and compared before anything is encrypted with it. Keys read in this
process are cached by key id. There is never a key file beside the secrets.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass

from .. import redact
from ..errors import KeyUnavailable
from . import keyring_io
from .cipher import KEY_BYTES, key_id

ENV = "DANGO_MASTER_KEY"
_cache: dict[tuple[str, str], bytes] = {}


def encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def decode_key(text: str, where: str) -> bytes:
    """A base64 32-byte key, or KeyUnavailable naming `where` it came from (never the text)."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise KeyUnavailable(f"{where} is not a key: expected {KEY_BYTES} bytes in base64 (44 "
                             "characters, as `dango secrets key export` prints it).")
    redact.register(text.strip())
    return key


def env_key() -> bytes | None:
    text = os.environ.get(ENV, "")
    if not text.strip():
        return None  # an empty value counts as unset
    return decode_key(text, ENV)


def _entry(project, kid: str) -> str:
    if not project.project_id:
        raise KeyUnavailable(f"{project.relative(project.project_file)} has no project_id, which "
                             "names the project's key in the keyring; add `project_id: <a uuid>`.")
    return f"{project.project_id}:{kid}"


@dataclass(frozen=True)
class Where:
    """Which store answers for the project's keys, as `secrets status` shows it."""

    kind: str  # "env" | "keyring"
    backend: str  # the keyring backend's class path, or "DANGO_MASTER_KEY"
    plaintext: bool  # the backend keeps keys unencrypted (keyrings.alt PlaintextKeyring)
    usable: bool = True  # False: only keyring's fail or null backend, which keep nothing


def where() -> Where:
    if env_key() is not None:
        return Where("env", ENV, False)
    instance = keyring_io.backend()
    return Where("keyring", keyring_io.backend_name(instance), keyring_io.stores_plaintext(instance),
                 not keyring_io.stores_nothing(instance))


def _usable_backend() -> object:
    instance = keyring_io.backend()
    if keyring_io.stores_nothing(instance):
        raise KeyUnavailable(f"No keyring backend can keep the encryption key (the keyring "
                             f"library found only {keyring_io.backend_name(instance)}); "
                             f"{keyring_io.NO_BACKEND_HELP}.")
    return instance


def get_key(project, kid: str) -> bytes:
    """The key with id `kid`: from DANGO_MASTER_KEY when set, else from the keyring."""
    from_env = env_key()
    if from_env is not None:
        if key_id(from_env) != kid:
            raise KeyUnavailable(
                f"{ENV} holds the key with id {key_id(from_env)}, but this value was encrypted "
                f"with key {kid}; set {ENV} to that key (`dango secrets key export` prints it "
                "on a machine that has it).")
        return from_env
    cached = _cache.get((project.project_id, kid))
    if cached is not None:
        return cached
    _usable_backend()
    text = keyring_io.get(_entry(project, kid))
    if not text:
        raise KeyUnavailable(
            f"The encryption key {kid} of this project is not in this machine's keyring; "
            f"import it with `dango secrets key import` (from `dango secrets key export` on a "
            f"machine that has it) or set {ENV}.")
    key = decode_key(text, f"The keyring entry for key {kid}")
    if key_id(key) != kid:
        raise KeyUnavailable(f"The keyring entry for key {kid} holds a different key; import the "
                             f"right one with `dango secrets key import` or set {ENV}.")
    _cache[(project.project_id, kid)] = key
    return key


def store_key(project, key: bytes) -> str:
    """Put `key` in the keyring, read it back and compare; its key id."""
    kid = key_id(key)
    instance = _usable_backend()
    entry = _entry(project, kid)
    keyring_io.put(entry, encode_key(key))
    if keyring_io.get(entry) != encode_key(key):
        raise KeyUnavailable(
            f"The keyring backend {keyring_io.backend_name(instance)} accepted the encryption key "
            f"but did not give it back, so nothing was encrypted; {keyring_io.NO_BACKEND_HELP}.")
    _cache[(project.project_id, kid)] = key
    return kid


def delete_key(project, kid: str) -> bool:
    """Remove key `kid` from the keyring (never from DANGO_MASTER_KEY); True if it was there."""
    _cache.pop((project.project_id, kid), None)
    if env_key() is not None:
        return False
    return keyring_io.delete(_entry(project, kid))

