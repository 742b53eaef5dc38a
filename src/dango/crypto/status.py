"""`dango secrets status`: which values are encrypted, where the key is, whether it answers.

A value that looks encrypted (`crypto.looks_encrypted`) but is not a well-formed
ciphertext (a stray space, a cut-off end, ENC[ inside other text) is "damaged", never
"plaintext"; any damaged value makes the command exit 1."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import DangoError
from ..store.references import is_reference
from ..store.secrets_file import SecretsFile
from . import ENCRYPTED_TABLES, keys, looks_encrypted, policy, state
from .cipher import BadCiphertext, parse


@dataclass
class Status:
    encrypted: bool  # the project encrypts new values
    key_id: str | None
    key_store: str | None  # "env" | "keyring" | None when unknown
    backend: str | None
    plaintext_backend: bool
    reachable: bool | None  # None: nothing to reach (not encrypted, no ciphertext)
    problem: str | None
    values: list[dict[str, Any]] = field(default_factory=list)  # key_path, state, key_id
    usable_backend: bool | None = None  # False: no keyring backend can keep a key here
    # temporaries an interrupted write left beside secrets.toml (they may hold plaintext)
    leftovers: list[str] = field(default_factory=list)
    # credentials files `dango migrate` backed up, kept as they were for `--undo`
    backup_copies: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for value in self.values:
            counts[value["state"]] = counts.get(value["state"], 0) + 1
        return counts

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "counts": self.counts}


def project_status(project) -> Status:
    secrets = SecretsFile.load(project)
    specs = _specs(project)
    literals = policy.plaintext_secrets(secrets.data, specs)
    values = []
    kids: set[str] = set()
    for path, value in policy.all_leaves(secrets.data):
        entry: dict[str, Any] = {"key_path": ".".join(path)}
        if looks_encrypted(value):
            entry["state"] = "encrypted"
            try:
                entry["key_id"] = parse(value).kid
                kids.add(entry["key_id"])
            except BadCiphertext:
                entry["state"] = "damaged"
        elif path in literals:
            entry["state"] = "plaintext"
        elif isinstance(value, str) and is_reference(value) and path[0] in ENCRYPTED_TABLES:
            entry["state"] = "reference"
        else:
            continue  # not secret (a host, scopes...): nothing to say
        values.append(entry)
    kid = state.current_key_id(project)
    result = Status(kid is not None, kid, None, None, False, None, None, values)
    wanted = sorted(kids | ({kid} if kid else set()))
    try:
        where = keys.where()
        result.key_store, result.backend, result.plaintext_backend = where.kind, where.backend, where.plaintext
        result.usable_backend = where.usable
        if wanted:
            for needed in wanted:
                keys.get_key(project, needed)
            result.reachable = True
    except DangoError as err:
        result.reachable = False if wanted else None
        result.problem = str(err)
    from ..store.atomic import stale_temporaries

    result.leftovers = [project.relative(path) for path in stale_temporaries(project.secrets_path)]
    result.backup_copies = backup_copies(project)
    return result


def backup_copies(project) -> list[str]:
    """The credentials files the backups of `dango migrate` keep (in plaintext, whatever
    encryption at rest does to .dlt/secrets.toml), relative to the project."""
    if not (project.dango_dir / "backup").is_dir():
        return []
    from ..migrate.backup import secret_copies  # a migrated project only: the rest never loads migrate

    return secret_copies(project.root)


def backup_copies_warnings(copies: list[str]) -> list[str]:
    """One sentence per backup folder that holds plaintext copies of credentials."""
    folders: dict[str, list[str]] = {}
    for copy in copies:
        folders.setdefault(copy.split("/files/", 1)[0], []).append(copy)
    return [f"{', '.join(held)} still hold{'s' if len(held) == 1 else ''} credentials in plaintext: "
            f"the backup `dango migrate --undo` restores from, which encryption leaves as it was; "
            f"delete {folder} (`rm -r {folder}`) once you no longer need to undo the migration."
            for folder, held in folders.items()]


def _specs(project) -> dict:
    from ..sources import load_sources

    try:
        return {source.name: source.spec for source in load_sources(project)}
    except DangoError:
        return {}
