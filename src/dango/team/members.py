"""The team itself: `dango team init`, `add`, `list` and `remove`.

The roster (`.dango/team.yml`), the `.sops.yaml` rule and the team file's own recipients
change together, in one change: adding a teammate wraps the file's data key for their key
as well (`sops updatekeys`); removing one unwraps it for them and gives the file a new data
key (`sops rotate`), then lists every credential they could read, since they saw them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..project import ensure_gitignore
from ..store.atomic import atomic_write, current_text
from . import fileformat, identity, recipients, workflow
from .errors import TeamError, UnknownMember

if TYPE_CHECKING:
    from ..project import Project

REKEY_NAME = "team.sops.yaml"


@dataclass
class InitReport:
    name: str
    key: str
    location: str  # where the user's identity is (or was created)
    created_identity: bool
    already: bool = False  # the project shared credentials already


@dataclass
class AddReport:
    name: str
    keys: list[str]
    skipped: list[str]
    rekeyed: bool  # the team file existed and now opens for the new keys too


@dataclass
class Member:
    name: str
    keys: list[str]
    you: bool = False


@dataclass
class RemoveReport:
    name: str
    keys: list[str]
    rotated: bool  # the team file got a new data key
    to_rotate: list[tuple[str, str]] = field(default_factory=list)  # (key path, what to run)


def _config_text(project: "Project") -> str | None:
    try:
        return current_text(project.root / recipients.SOPS_CONFIG)
    except FileNotFoundError:
        return None


def _write_members(project: "Project", members: dict[str, list[str]]) -> str:
    """The roster and .sops.yaml for `members`, written in the open change; the new
    .sops.yaml text."""
    root = project.root
    config = recipients.sops_config_text(_config_text(project), recipients.all_keys(members))
    atomic_write(recipients.roster_path(root), recipients.roster_text(members).encode(), root=root)
    atomic_write(root / recipients.SOPS_CONFIG, config.encode(), root=root)
    return config


def _rekey(project: "Project", config: str, *, rotate: bool) -> bool:
    """Re-wrap the team file's data key for the keys of `config` (and, with `rotate`, make a
    new data key); False when there is no team file yet."""
    from .. import sops

    path = workflow.team_path(project)
    try:
        cipher = path.read_bytes()
    except FileNotFoundError:
        return False
    new = sops.rekey(cipher, path=fileformat.PATH, name=REKEY_NAME,
                     rule=recipients.rekey_config(config, REKEY_NAME), workdir=project.dango_dir,
                     rotate=rotate)
    atomic_write(path, new, root=project.root)
    return True


def init(project: "Project", name: str | None = None, public_key: str | None = None) -> InitReport:
    """Start sharing: the roster with the user as its first member, the .sops.yaml rule, and
    the pull record ignored by git. The user's key is `public_key`, else their identity where
    sops looks, else a new age identity saved where sops looks."""
    from ..lifecycle.audit import actor

    name = recipients.check_name(name or actor())
    with project.lock():
        members = recipients.load_roster(project.root)
        created = False
        if public_key is not None:
            key, location = recipients.parse_key(public_key), "the key given"
        else:
            found = identity.find_identity()
            if found is None:  # a newcomer too needs a key to give the team
                found = identity.new_identity()
                created = True
            key, location = found.key, found.location
        if members is not None:
            who = next((n for n, keys in members.items() if key in keys), "")
            return InitReport(who, key, location, created, already=True)
        _write_members(project, {name: [key]})
        ensure_gitignore(project.root)
        workflow.audit(project, "team_initialised", member=name)
    return InitReport(name, key, location, created)


def add(project: "Project", name: str, key_argument: str) -> AddReport:
    """Add a teammate with their public key(s) (a key, or a file of keys)."""
    name = recipients.check_name(name)
    parsed = recipients.keys_from(key_argument)
    with project.lock():
        members = workflow.require_roster(project)
        if name in members:
            raise TeamError(f"{name} is already a teammate; to change their key, `dango team remove "
                            f"{name}` first (nothing was changed).")
        for other, keys in members.items():
            shared = [k for k in parsed.keys if k in keys]
            if shared:
                raise TeamError(f"That key already belongs to {other} ({recipients.short(shared[0])}); "
                                "nothing was changed.")
        members[name] = parsed.keys
        config = _write_members(project, members)
        rekeyed = _rekey(project, config, rotate=False)
        workflow.audit(project, "team_member_added", member=name,
                       keys=[recipients.short(k) for k in parsed.keys])
    return AddReport(name, parsed.keys, parsed.skipped, rekeyed)


def members(project: "Project") -> list[Member]:
    """The teammates and their keys; which one is the user (a read: nothing is written)."""
    roster = workflow.require_roster(project)
    mine = workflow.my_key()
    return [Member(name, keys, mine in keys) for name, keys in sorted(roster.items())]


def remove(project: "Project", name: str) -> RemoveReport:
    """Remove a teammate: the team file no longer opens for their keys and gets a new data key;
    the report lists every credential they could read, to rotate at its provider."""
    with project.lock():
        roster = workflow.require_roster(project)
        if name not in roster:
            raise UnknownMember(name, sorted(roster))
        if len(roster) == 1:
            raise TeamError(f"{name} is the only teammate; the team file needs at least one reader "
                            "(nothing was changed).")
        keys = roster.pop(name)
        seen = workflow.read_team(project)  # what they could read (also: we can open it)
        config = _write_members(project, roster)
        rotated = _rekey(project, config, rotate=True)
        report = RemoveReport(name, keys, rotated, _to_rotate(project, seen))
        workflow.audit(project, "team_member_removed", member=name,
                       keys=[recipients.short(k) for k in keys], paths=[p for p, _ in report.to_rotate])
    return report


def _to_rotate(project: "Project", seen: dict) -> list[tuple[str, str]]:
    """Each secret credential of the team file, with the command that replaces it."""
    from ..secrecy import is_secret
    from ..sources import SourcesFile
    from ..store.references import is_reference

    types = {s.name: s.spec for s in SourcesFile(project).sources}
    found = []
    for path, value in sorted(seen.items()):
        if path == workflow.FINGERPRINT_KEY or is_reference(value):
            continue
        spec = types.get(path[1]) if path[0] == "sources" and len(path) > 2 else None
        if not is_secret(path, spec):
            continue
        if path[0] == "sources" and len(path) > 2:
            command = f"dango secrets rotate {'.'.join(path[1:])}"
        else:
            command = "replace it at its provider, then in .dlt/secrets.toml, and `dango team push`"
        found.append((".".join(path), command))
    return found
