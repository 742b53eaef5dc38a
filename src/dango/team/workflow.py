"""Sharing: `dango team push` and `pull`, and what every team command shares.

Every command runs under the project lock, reads the files inside it and writes through the
change's batch (store/atomic.py): the team file (ciphertext from `sops`), secrets.toml, the
pull record, credentials.yml and the audit lines land together or not at all. Values go to
`sops` on stdin and come back on stdout; each decrypted value is registered with `redact`
the moment it arrives, and only key paths and keyed fingerprints are ever reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import redact, sops
from ..errors import MalformedFile
from ..store.atomic import atomic_write
from . import fileformat, gitconflict, identity, merge, recipients
from .errors import ConflictMarkers, Conflicts, MergeConflicts, NotInitialised, UnnamedReaders

if TYPE_CHECKING:
    from ..project import Project
    from ..store.secrets_file import SecretsFile

Path_ = tuple[str, ...]
FINGERPRINT_KEY = ("dango", "fingerprint_key")


@dataclass
class Change:
    path: str  # the key path, such as sources.stripe_payments.stripe_secret_key
    kind: str  # added, changed or removed
    fingerprint: str | None  # of the new value (keyed; None when removed)


@dataclass
class SyncReport:
    changes: list[Change] = field(default_factory=list)
    other_side: list[str] = field(default_factory=list)  # changes the other command would carry
    kept_ours: list[str] = field(default_factory=list)  # conflicts settled with --ours
    merged_file: bool = False  # the team file's git conflict was merged and written again


def team_path(project: "Project") -> Path:
    return project.root / fileformat.PATH


def dotted(path: Path_) -> str:
    return ".".join(path)


def require_roster(project: "Project") -> dict[str, list[str]]:
    members = recipients.load_roster(project.root)
    if members is None:
        raise NotInitialised()
    return members


def require_named_readers(project: "Project", members: dict[str, list[str]]) -> None:
    """Refuse (UnnamedReaders) when the team rule of .sops.yaml, which decides who can read
    what is pushed, names a key that is no teammate's."""
    from ..store.atomic import current_text

    try:
        text = current_text(project.root / recipients.SOPS_CONFIG)
    except FileNotFoundError:
        return
    named = set(recipients.all_keys(members))
    unnamed = [key for key in recipients.config_keys(text) or [] if key not in named]
    if unnamed:
        raise UnnamedReaders(unnamed)


def read_team(project: "Project", data: bytes | None = None) -> dict[Path_, Any]:
    """The team file's shared values ({} when there is no file yet), decrypted by `sops` with
    the user's own key and registered with the redaction layer."""
    path = team_path(project)
    if data is None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return {}
    if gitconflict.conflicted(data):
        from .errors import TeamError

        raise TeamError(f"{fileformat.PATH} holds git conflict markers (two teammates pushed at once); "
                        "run `dango team pull`, which merges both sides, then commit the file")
    try:
        values = fileformat.read(data, lambda cipher: sops.decrypt_data(
            cipher, path=fileformat.PATH, cwd=project.root))
    except fileformat.BadTeamFile as err:
        raise MalformedFile(fileformat.PATH, str(err), fix=err.fix) from None
    settings = not_credentials(project, values)
    if settings:
        shown = ", ".join(dotted(path) for path in sorted(settings)[:3]) + (" ..." if len(settings) > 3 else "")
        raise MalformedFile(fileformat.PATH, f"sets {shown}, which no credential holds; a team file carries "
                            "credentials only (one that sets where a source connects, or how the "
                            "warehouse opens, could send your values elsewhere)",
                            fix="restore it from git (git log -- .dango/team.sops.yaml) and ask the "
                                "teammate who pushed it; nothing was written")
    register(project, values)
    return values


def not_credentials(project: "Project", values: dict[Path_, Any]) -> list[Path_]:
    """The paths among `values` that a team file must not carry: a setting of a source that
    lives in the committed sources.yml (base_url, resources, ...) and any destination table
    other than PostgreSQL's credentials. A source sources.yml does not define is let through
    (its values are used by nothing)."""
    from ..sources import SourcesFile

    types = {source.name: source.spec for source in SourcesFile(project).sources if source.kept is None}
    found = []
    for path in values:
        if path[0] == "destination":
            if path[1:3] != ("postgres", "credentials"):
                found.append(path)
        elif path[0] == "sources" and len(path) > 2 and path[1] in types:
            spec, key = types[path[1]], path[2]
            if not spec.has_field(key) or not spec.field(key).stored_in_secrets:
                found.append(path)
    return found


def register(project: "Project", values: dict[Path_, Any]) -> None:
    """Make every secret among `values` known to the redaction layer (secrecy decides)."""
    from ..secrecy import is_secret
    from ..sources import SourcesFile

    try:
        types = {source.name: source.spec for source in SourcesFile(project).sources}
    except Exception:  # sources.yml unreadable: judge by key names alone
        types = {}
    for path, value in values.items():
        spec = types.get(path[1]) if path[0] == "sources" and len(path) > 1 else None
        if is_secret(path, spec):
            redact.register(value)


def local_values(secrets: "SecretsFile") -> dict[Path_, Any]:
    """The shareable values of secrets.toml as stored (references stay references), with
    values encrypted at rest decrypted."""
    from ..crypto import looks_encrypted

    values = fileformat.shared_values(secrets.data)
    for path, value in values.items():
        if isinstance(value, str) and looks_encrypted(value):
            if secrets.codec is None:
                from ..crypto.codec import codec_for
                from ..project import load_project

                secrets.codec = codec_for(load_project(secrets.root), secrets.text)
            values[path] = redact.register(secrets.codec.decode(value, path, secrets.text))
    return values


def write_team(project: "Project", values: dict[Path_, Any]) -> None:
    """Encrypt `values` for the recipients of .sops.yaml (piped through `sops`) and write the
    ciphertext in the open change."""
    config = project.root / recipients.SOPS_CONFIG
    cipher = sops.encrypt(fileformat.encode(values), filename=fileformat.PATH, cwd=project.root,
                          config=config)
    atomic_write(team_path(project), cipher, root=project.root)


def my_key() -> str | None:
    """The user's public key where sops would find their identity; None when there is none
    (or pyrage, needed to read an age identity, is missing: lists and audit lines go on)."""
    from .errors import PyrageMissing

    try:
        found = identity.find_identity()
    except PyrageMissing:
        return None
    return found.key if found else None


def audit(project: "Project", event: str, **detail: Any) -> None:
    from ..lifecycle import audit as audit_log

    key = my_key()
    audit_log.record(project, event, recipient=recipients.short(key) if key else None, **detail)


def _marker(secrets: "SecretsFile"):
    from ..lifecycle.fingerprint import fingerprint

    return lambda value: fingerprint(secrets, value)


def _key_bytes(values: dict[Path_, Any]) -> bytes | None:
    key = values.get(FINGERPRINT_KEY)
    return key.encode() if isinstance(key, str) and key else None


def _save_base(project: "Project", base: dict[Path_, str], key: bytes | None) -> None:
    atomic_write(project.root / merge.RECORD, merge.base_bytes(base, key), root=project.root)


# -- push -----------------------------------------------------------------------------------

def push(project: "Project") -> SyncReport:
    """Write this machine's changes to the team file, encrypted for every teammate."""
    from ..store.secrets_file import SecretsFile

    with project.lock():
        require_named_readers(project, require_roster(project))
        secrets = SecretsFile.load(project)
        ours = local_values(secrets)
        for path in not_credentials(project, ours):  # a local setting stays on this machine
            ours.pop(path)
        try:  # a value hand-edited into secrets.toml must not reach every teammate's pull
            fileformat.check_values(ours)
        except fileformat.BadTeamValue as err:
            raise MalformedFile(project.relative(secrets.path), str(err),
                                fix="correct it with `dango secrets set NAME.FIELD`; nothing was pushed") from None
        theirs = read_team(project)
        key = _key_bytes(ours)
        base = merge.load_base(project.root, key)
        mark = _marker(secrets)
        plan = merge.compare(_without_key(ours), _without_key(theirs), base, mark)
        if plan.conflicts:
            raise Conflicts([dotted(p) for p in plan.conflicts], "dango team pull")
        report = SyncReport(other_side=[dotted(p) for p in plan.to_local])
        new = dict(theirs)
        if FINGERPRINT_KEY not in theirs and FINGERPRINT_KEY in ours:
            new[FINGERPRINT_KEY] = ours[FINGERPRINT_KEY]  # the first push gives the team its key
            report.changes.append(Change(dotted(FINGERPRINT_KEY), "added", None))
        elif theirs.get(FINGERPRINT_KEY) != ours.get(FINGERPRINT_KEY):
            report.other_side.append(dotted(FINGERPRINT_KEY))
        for path, value in plan.to_team.items():
            if value is merge.DELETE:
                new.pop(path, None)
                report.changes.append(Change(dotted(path), "removed", None))
            else:
                new[path] = value
                report.changes.append(Change(dotted(path), "changed" if path in theirs else "added",
                                             mark(value)))
        if report.changes or not team_path(project).exists():
            write_team(project, new)
        _save_base(project, merge.next_base(base, ours, new, mark), key)
        audit(project, "team_pushed", paths=[c.path for c in report.changes])
    return report


def _private_folder(project: "Project") -> None:
    """.dlt/ is 0700 before a secrets file is created in it (git clone makes it 0755)."""
    import os

    folder = project.dlt_dir
    if project.secrets_path.exists():
        return
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        if folder.stat().st_mode & 0o077 and not folder.is_symlink():
            os.chmod(folder, 0o700)
    except OSError as err:
        from ..errors import FileWriteFailed

        raise FileWriteFailed(folder, err.errno) from None


def _without_key(values: dict[Path_, Any]) -> dict[Path_, Any]:
    return {path: value for path, value in values.items() if path != FINGERPRINT_KEY}


# -- pull -----------------------------------------------------------------------------------

def pull(project: "Project", prefer: str | None = None) -> SyncReport:
    """Merge the team file into secrets.toml (encrypted at rest if the project is). A value
    changed on both sides since the last pull stops the pull, nothing written, unless
    `prefer` ("ours" or "theirs") says which side wins."""
    from ..lifecycle.records import Changes
    from ..store.secrets_file import SecretsFile

    with project.lock():
        require_roster(project)
        if not team_path(project).exists():
            from .errors import TeamError

            raise TeamError(f"There is no {fileformat.PATH} yet; a teammate runs `dango team push` "
                            "and commits it, then `git pull` brings it here.")
        secrets = SecretsFile.load(project)
        ours = local_values(secrets)
        for path in not_credentials(project, ours):  # a local setting stays on this machine
            ours.pop(path)
        theirs, merged_file = _team_side(project, ours, prefer)
        report = SyncReport(merged_file=merged_file)
        _adopt_team_key(secrets, ours, theirs, report)
        key = _key_bytes(ours)
        base = merge.load_base(project.root, key)
        mark = _marker(secrets)
        plan = merge.compare(_without_key(ours), _without_key(theirs), base, mark)
        if plan.conflicts and prefer is None:
            raise Conflicts([dotted(p) for p in plan.conflicts], "dango team pull")
        incoming = dict(plan.to_local)
        if prefer == "theirs":
            incoming.update({path: theirs.get(path, merge.DELETE) for path in plan.conflicts})
        elif prefer == "ours":
            report.kept_ours = [dotted(p) for p in plan.conflicts]
        report.other_side = [dotted(p) for p in plan.to_team]
        changes = Changes(project, secrets)
        _write_incoming(project, secrets, changes, incoming, ours, report, mark)
        if report.changes:
            _private_folder(project)
            secrets.save()
            changes.commit()
        if merged_file:  # the git conflict is settled: both teammates' values, encrypted again
            write_team(project, theirs)
        new_base = merge.next_base(base, ours, theirs, mark)
        if prefer == "ours":
            for path in plan.conflicts:  # theirs becomes the base, so the next push carries ours
                if path in theirs:
                    new_base[path] = mark(theirs[path])
                else:
                    new_base.pop(path, None)
        _save_base(project, new_base, key)
        audit(project, "team_pulled", paths=[c.path for c in report.changes])
    return report


def _team_side(project: "Project", ours: dict[Path_, Any], prefer: str | None) -> tuple[dict[Path_, Any], bool]:
    """The team file's values, and whether they come from merging the two sides of a git
    conflict in it (team/gitconflict.py) rather than from the file as it is."""
    data = team_path(project).read_bytes()
    if not gitconflict.conflicted(data):
        return read_team(project, data), False
    resolved = gitconflict.resolve(project.root, fileformat.PATH, lambda side: read_team(project, side), ours,
                                   prefer)
    if resolved is None:
        raise ConflictMarkers()
    values, conflicts = resolved
    if conflicts:
        raise MergeConflicts([dotted(path) for path in conflicts])
    return values, True


def _adopt_team_key(secrets: "SecretsFile", ours: dict[Path_, Any], theirs: dict[Path_, Any],
                    report: SyncReport) -> None:
    """Take the team's fingerprint key, so that every teammate's fingerprints (in the committed
    credentials.yml too) agree; it is never a conflict."""
    team_key = theirs.get(FINGERPRINT_KEY)
    if isinstance(team_key, str) and team_key and team_key != ours.get(FINGERPRINT_KEY):
        secrets.set_path(FINGERPRINT_KEY, team_key, secret=True)
        kind = "changed" if FINGERPRINT_KEY in ours else "added"
        report.changes.append(Change(dotted(FINGERPRINT_KEY), kind, None))
        ours[FINGERPRINT_KEY] = team_key


def _write_incoming(project: "Project", secrets: "SecretsFile", changes, incoming: dict[Path_, Any],
                    ours: dict[Path_, Any], report: SyncReport, mark) -> None:
    """Write each incoming value into secrets.toml (encrypted when secret on an encrypted
    project), recording it as manage.py records a write; `ours` follows."""
    from ..secrecy import holds_written_secret, is_secret
    from ..sources import SourcesFile
    from ..store.references import is_reference

    types = {s.name: s.spec for s in SourcesFile(project).sources}
    for path, value in incoming.items():
        in_sources = path[0] == "sources" and len(path) > 2
        spec = types.get(path[1]) if in_sources else None
        if value is merge.DELETE:
            # removed from the team file: removed here too, under [sources] and [destination]
            # alike; the team's fingerprint key stays (fingerprints need one)
            if path not in fileformat.SHARED_KEYS and secrets.unset_path(path):
                if in_sources and is_secret(path, spec):
                    changes.removed(path[1], ".".join(path[2:]))
                report.changes.append(Change(dotted(path), "removed", None))
                ours.pop(path, None)
            continue
        # a bare reference stays readable; one with a secret default is encrypted whole
        secrets.set_path(path, value, secret=is_secret(path, spec)
                         and (holds_written_secret(value) or not is_reference(value)))
        if in_sources and is_secret(path, spec):
            changes.written(path[1], ".".join(path[2:]), value)
        report.changes.append(Change(dotted(path), "changed" if path in ours else "added", mark(value)))
        ours[path] = value
