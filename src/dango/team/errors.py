"""The errors of `dango team`: one sentence each (place, problem, fix), never a value."""

from __future__ import annotations

from ..errors import DangoError


class TeamError(DangoError):
    """A team command could not run (exit 2); nothing was written."""


class NotInitialised(TeamError):
    def __init__(self) -> None:
        super().__init__("This project does not share credentials yet (no .dango/team.yml); "
                         "run `dango team init` first.")


class BadPublicKey(TeamError):
    """A public key that is neither age1..., ssh-ed25519 ... nor ssh-rsa ...."""


class UnknownMember(TeamError):
    def __init__(self, name: str, known: list[str]):
        from ..errors import did_you_mean

        listed = ", ".join(known) if known else "nobody yet"
        super().__init__(f"No teammate named {name!r} in .dango/team.yml (the team: {listed}); "
                         "see `dango team list`." + did_you_mean(name, known))


class NoIdentity(TeamError):
    """No age identity or SSH key where sops looks, and none could be made."""


class Conflicts(TeamError):
    """Values changed both here and in the team file since the last pull."""

    def __init__(self, paths: list[str], command: str):
        self.paths = paths
        shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
        super().__init__(f"{len(paths)} value(s) changed both in .dlt/secrets.toml and in "
                         f".dango/team.sops.yaml since the last pull ({shown}); nothing was written. "
                         f"Run `{command} --ours` to keep yours or `{command} --theirs` to take the team's.")


class PyrageMissing(TeamError):
    def __init__(self) -> None:
        super().__init__("The `pyrage` library (age keys) is not installed; install it with "
                         "`pip install 'dango[team]'`.")


class UnnamedReaders(TeamError):
    """`.sops.yaml` would let keys read the team file that `.dango/team.yml` names for nobody:
    an edit of `.sops.yaml` alone (a merged pull request, say) must not add a reader silently."""

    def __init__(self, keys: list[str]):
        from .recipients import short

        shown = ", ".join(short(key) for key in keys[:3]) + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")
        super().__init__(f".sops.yaml lets {len(keys)} key(s) that .dango/team.yml names for no teammate read "
                         f".dango/team.sops.yaml ({shown}); nothing was pushed. If they belong to a teammate, "
                         "run `dango team add NAME KEY`; otherwise remove them from .sops.yaml.")


class MergeConflicts(TeamError):
    """Both sides of a git merge of the team file changed the same values differently."""

    def __init__(self, paths: list[str]):
        self.paths = paths
        shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
        super().__init__(f"Git could not merge .dango/team.sops.yaml, and {len(paths)} value(s) were changed "
                         f"differently on both sides ({shown}); nothing was written. Run `dango team pull "
                         "--ours` to keep the value this machine has or `dango team pull --theirs` to take "
                         "the other one, then commit the file.")


class ConflictMarkers(TeamError):
    def __init__(self) -> None:
        super().__init__(".dango/team.sops.yaml holds git conflict markers, and git's index has no merge of it "
                         "in progress to read both sides from; nothing was written. Restore it from git "
                         "(git checkout HEAD -- .dango/team.sops.yaml), then run `dango team pull` again.")
