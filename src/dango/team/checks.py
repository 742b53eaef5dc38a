"""What `dango validate` checks of a project that shares credentials (a read: no writes).

- `.sops.yaml` has the team rule, and it names exactly the keys of `.dango/team.yml`;
- the team file is encrypted for exactly those keys;
- the team file opens with the user's key;
- `.dlt/secrets.toml` holds the team file's values (compared by keyed fingerprint; a value
  changed on one side only says which command brings them together).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import DangoError, MalformedFile
from . import fileformat, gitconflict, merge, recipients, workflow

if TYPE_CHECKING:
    from ..project import Project

Found = tuple[str, str, str]  # (where, problem, fix)


def problems(project: "Project") -> list[Found]:
    try:
        roster = recipients.load_roster(project.root)
    except DangoError as err:
        return [(recipients.ROSTER, str(err), "fix the file, or restore it from git")]
    if roster is None:
        return []
    wanted = set(recipients.all_keys(roster))
    found: list[Found] = []
    try:
        text = (project.root / recipients.SOPS_CONFIG).read_text(encoding="utf-8")
        configured = recipients.config_keys(text)
    except FileNotFoundError:
        configured = None
    except (DangoError, OSError, UnicodeDecodeError):
        return [(recipients.SOPS_CONFIG, "cannot be read as YAML", "restore it from git")]
    if configured is None:
        found.append((recipients.SOPS_CONFIG, "has no rule for .dango/team.sops.yaml",
                      "run `dango team init` (it adds the rule for the teammates of .dango/team.yml)"))
    elif set(configured) != wanted:
        found.append((recipients.SOPS_CONFIG, "names other keys than .dango/team.yml "
                      f"({_difference(set(configured), wanted)})",
                      "add or remove the teammate with `dango team add` / `dango team remove`"))
    path = workflow.team_path(project)
    try:
        cipher = path.read_bytes()
    except FileNotFoundError:
        return found
    if gitconflict.conflicted(cipher):
        return found + [(fileformat.PATH, "holds git conflict markers (two teammates pushed at once)",
                         "run `dango team pull` (it merges both sides), then commit the file")]
    in_file = set(fileformat.recipients(cipher))
    if configured is not None and in_file != set(configured):
        found.append((fileformat.PATH, "is encrypted for other keys than .sops.yaml names "
                      f"({_difference(in_file, set(configured))})",
                      "run `sops updatekeys .dango/team.sops.yaml` (a teammate who can open it)"))
    try:
        theirs = workflow.read_team(project, cipher)
    except MalformedFile as err:
        return found + [(fileformat.PATH, err.problem, err.fix or "restore it from git")]
    except DangoError as err:
        if "none of your keys" in str(err):
            return found + [(fileformat.PATH, f"does not open with your key: {err}",
                             "ask a teammate to `dango team add YOUR_NAME YOUR_PUBLIC_KEY` and push")]
        return found + [(fileformat.PATH, f"cannot be read: {err}",
                         "restore it from git (git checkout -- .dango/team.sops.yaml)")]
    return found + _drift(project, theirs)


def _difference(have: set[str], want: set[str]) -> str:
    parts = []
    if have - want:
        parts.append("extra: " + ", ".join(recipients.short(k) for k in sorted(have - want)))
    if want - have:
        parts.append("missing: " + ", ".join(recipients.short(k) for k in sorted(want - have)))
    return "; ".join(parts)


def _drift(project: "Project", theirs: dict) -> list[Found]:
    from ..store.secrets_file import SecretsFile

    try:
        secrets = SecretsFile.load(project)
        ours = workflow.local_values(secrets)
    except DangoError as err:
        return [(project.relative(project.secrets_path), str(err), "fix it, then run `dango team pull`")]
    key = ours.get(workflow.FINGERPRINT_KEY)
    base = merge.load_base(project.root, key.encode() if isinstance(key, str) and key else None)
    from ..lifecycle.fingerprint import fingerprint

    plan = merge.compare(ours, theirs, base, lambda value: fingerprint(secrets, value))
    found: list[Found] = []
    rel = project.relative(project.secrets_path)
    if plan.to_local:
        found.append((rel, "lacks changes of the team file (" + _paths(plan.to_local) + ")",
                      "dango team pull"))
    if plan.to_team:
        found.append((rel, "has changes the team file lacks (" + _paths(plan.to_team) + ")",
                      "dango team push"))
    if plan.conflicts:
        found.append((rel, "and the team file both changed " + _paths(plan.conflicts),
                      "dango team pull --ours or --theirs"))
    return found


def _paths(paths) -> str:
    names = [".".join(p) for p in paths]
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
