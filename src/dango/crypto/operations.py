"""The project-level crypto commands: encrypt, decrypt, rotate-key, key import/export.

Each runs under the project lock, re-reads secrets.toml inside it, checks first that the
key at hand is the project's key (the key id in .dango/project.yml; a wrong
DANGO_MASTER_KEY or keyring key changes nothing), decrypts everything it needs before
writing anything (so a damaged or undecryptable value changes no file and removes no key),
and writes secrets.toml in one atomic write. Order of writes:

    encrypt:    key stored and verified -> project.yml key id -> secrets.toml
    rotate-key: new key stored and verified -> secrets.toml -> project.yml -> old keys removed
    decrypt:    secrets.toml -> project.yml -> keys removed

Keys are removed only once the files are on disk, and only keys that no ciphertext left in
the file names, so a process killed at any point leaves a file that some key still in the
keyring decrypts.
"""

from __future__ import annotations

import os
import re
import signal
from dataclasses import dataclass, field
from typing import Callable

from ..credentials import Resolver
from ..errors import KeyUnavailable, UsageError
from ..secrecy import holds_written_secret
from ..store.atomic import commit_pending
from ..store.secrets_file import SecretsFile
from . import keys, policy, state
from .cipher import encrypt as seal, key_id, new_key, parse
from .status import backup_copies

KILL_HOOK = "DANGO_TEST_KILL_AT"  # tests only: the stage at which the process kills itself


def _checkpoint(stage: str) -> None:
    if os.environ.get(KILL_HOOK) == stage:
        os.kill(os.getpid(), signal.SIGKILL)


def fresh(project):
    """The project as project.yml says now (read inside the lock: another process may have
    encrypted, decrypted or rotated since this one started)."""
    from ..project import load_project

    return load_project(project.root)


def _specs(project) -> dict:
    from ..sources import load_sources

    return {source.name: source.spec for source in load_sources(project)}


def _decrypt_all(project, secrets: SecretsFile, values: dict[tuple[str, ...], str]) -> dict:
    """Every value that looks encrypted, decrypted; the first one that cannot be (damaged,
    tampered, or under a key this machine lacks) stops the command before any write."""
    resolver = Resolver(project, secrets)
    return {path: resolver.decode(raw, ".".join(path)) for path, raw in values.items()}


_KID = re.compile(r"kid:([0-9a-f]{8})")


def _kids_in(text: str) -> set[str]:
    """Every key id a ciphertext in the file's text names (in any table, in a list, even in
    a comment): a key still named there is never removed."""
    return set(_KID.findall(text))


def _remove_keys(project, candidates: set[str], secrets: SecretsFile) -> list[str]:
    """Remove from the keyring the keys of `candidates` that nothing in the final file uses,
    once the written files are on disk; the ids of those the keyring failed to remove (the
    change is done by then: a keyring that fails now leaves an unused key, not a half change).
    Candidates are the keys that decrypted a value of this file in this change, never a key
    id project.yml merely names: a cloned repository can copy another project's project_id
    and key_id into its project.yml, and its `decrypt` would have removed that project's key."""
    commit_pending()
    left = []
    for kid in sorted(candidates - _kids_in(secrets.text)):
        try:
            keys.delete_key(project, kid)
        except KeyUnavailable:
            left.append(kid)
    return left


def left_in_keyring(project, kids: list[str]) -> str:
    """The warning for keys a keyring failed to remove, with the command that removes them."""
    entries = " and ".join(f"{keys.keyring_io.SERVICE} {project.project_id}:{kid}" for kid in kids)
    return (f"the keyring failed to remove the old key{'s' if len(kids) > 1 else ''} "
            f"{', '.join(kids)}, which no value uses any more; remove {'them' if len(kids) > 1 else 'it'} "
            f"once the keyring works (`python -m keyring del {entries}`).")


def _kids(values: dict[tuple[str, ...], str]) -> set[str]:
    found = set()
    for raw in values.values():
        try:
            found.add(parse(raw).kid)
        except ValueError:
            pass
    return found


@dataclass
class Outcome:
    changed: list[str] = field(default_factory=list)  # key paths written
    key_id: str | None = None
    new_key: str | None = None  # base64, only when the key lives in DANGO_MASTER_KEY
    # references with a default or text beside them, encrypted whole (secrecy.holds_written_secret)
    whole_references: list[str] = field(default_factory=list)
    keys_left: list[str] = field(default_factory=list)  # old key ids the keyring failed to remove
    backup_copies: list[str] = field(default_factory=list)  # plaintext ones `dango migrate` kept


def _audit(project, event: str, count: int, **detail) -> None:
    from ..lifecycle import audit

    audit.record(project, event, values=count, **detail)


def encrypt(project, target: str | None = None) -> Outcome:
    """Encrypt every secret literal (or those of one source or field)."""
    with project.lock():
        project = fresh(project)
        secrets = SecretsFile.load(project)
        secrets.check_writable()  # an encrypted project: its own key, or nothing is changed
        specs = _specs(project)
        literals = {p: v for p, v in policy.plaintext_secrets(secrets.data, specs).items()
                    if policy.matches(p, target)}
        kid = state.current_key_id(project)
        if kid is not None:
            assert secrets.codec is not None
            key = secrets.codec.key()  # checked: its id is `kid`
        else:
            key = keys.env_key()
            if key is None:
                key = new_key()
                keys.store_key(project, key)
        if state.current_key_id(project) != key_id(key):
            project = state.write(project, key_id(key))
        outcome = Outcome(key_id=key_id(key))
        if literals:
            secrets.replace_values({p: seal(key, v, ".".join(p)) for p, v in literals.items()})
            secrets.save()
            outcome.changed = [".".join(p) for p in literals]
            outcome.whole_references = [".".join(p) for p in literals if holds_written_secret(literals[p])]
            _audit(project, "encrypted", len(literals), key_id=outcome.key_id)
    outcome.backup_copies = backup_copies(project)
    return outcome


def decrypt(project) -> Outcome:
    """Every ciphertext back to its plaintext; the project is no longer encrypted."""
    with project.lock():
        project = fresh(project)
        secrets = SecretsFile.load(project)
        secrets.check_writable()
        values = policy.encrypted_values(secrets.data)
        plain = _decrypt_all(project, secrets, values)
        if plain:
            secrets.replace_values(plain)
            secrets.save()
        old = _kids(values)  # only keys that opened a value here: see `_remove_keys`
        state.write(project, None)
        if plain:
            _audit(project, "decrypted", len(plain))
        left = _remove_keys(project, old, secrets)
    return Outcome(changed=[".".join(p) for p in plain], keys_left=left)


def rotate_key(project, announce: Callable[[str], None] | None = None) -> Outcome:
    """A new key; every value re-encrypted under it in one atomic write; old keys removed
    after. With DANGO_MASTER_KEY, `announce(new key)` runs before anything is written."""
    with project.lock():
        project = fresh(project)
        kid = state.current_key_id(project)
        if kid is None:
            raise UsageError("This project is not encrypted, so it has no key to rotate; run "
                             "`dango secrets encrypt` first.")
        secrets = SecretsFile.load(project)
        secrets.check_writable()
        values = policy.encrypted_values(secrets.data)
        plain = _decrypt_all(project, secrets, values)  # all of it, before any key is made
        key = new_key()
        outcome = Outcome(key_id=key_id(key))
        if keys.env_key() is not None:
            outcome.new_key = keys.encode_key(key)
            if announce is not None:
                announce(outcome.new_key)
        else:
            keys.store_key(project, key)
        _checkpoint("new-key")
        secrets.replace_values({p: seal(key, v, ".".join(p)) for p, v in plain.items()})
        secrets.save()
        commit_pending()
        _checkpoint("written")
        project = state.write(project, outcome.key_id)
        outcome.changed = [".".join(p) for p in plain]
        _audit(project, "key_rotated", len(plain), key_id=outcome.key_id)
        commit_pending()
        _checkpoint("recorded")
        if outcome.new_key is None:
            outcome.keys_left = _remove_keys(project, _kids(values) - {outcome.key_id}, secrets)
    return outcome


def current_key(project) -> tuple[str, bytes]:
    """(key id, key) of the project, the one its project.yml names: a DANGO_MASTER_KEY with
    another id (stale, or another project's) is refused (WrongKey), never passed off as it."""
    from .codec import Codec

    kid = state.current_key_id(project)
    if kid is None:
        raise UsageError("This project is not encrypted, so it has no key; run "
                         "`dango secrets encrypt` first.")
    return kid, Codec(project).key()


def export_key(project) -> tuple[str, str]:
    """(key id, base64 key) to move to another machine; the export is audited."""
    kid, key = current_key(project)
    from ..lifecycle import audit

    audit.record(project, "revealed", field="encryption_key", key_id=kid)
    return kid, keys.encode_key(key)


def import_key(project, text: str) -> tuple[str, list[str]]:
    """Store a key given as base64 in the keyring; (its id, warnings)."""
    key = keys.decode_key(text, "The key given on standard input")
    if keys.env_key() is not None:
        raise UsageError(f"{keys.ENV} is set, and it wins over the keyring; unset it to import a key "
                         "into the keyring, or keep using the variable.")
    kid = keys.store_key(project, key)
    warnings = []
    current = state.current_key_id(project)
    if current is not None and current != kid:
        warnings.append(f"This project encrypts with key {current}, and the key imported is {kid}; "
                        "values encrypted with another key stay unreadable.")
    return kid, warnings


def require_reachable(project) -> None:
    kid = state.current_key_id(project)
    if kid is not None:
        keys.get_key(project, kid)

