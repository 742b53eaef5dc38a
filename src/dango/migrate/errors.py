"""The errors `dango migrate` raises, each one sentence with its fix and exit code."""

from __future__ import annotations

from ..errors import DangoError


class NotUpstream(DangoError):
    """Nothing to migrate: the project is already in this Dango's format (exit 0 is for the
    CLI to decide; as an error it means the command could not do what was asked)."""

    def __init__(self, root: str):
        super().__init__(f"{root} is already a project of this Dango (no Dango 1.0 settings in "
                         ".dango/project.yml); there is nothing to migrate.")


class NoBackup(DangoError):
    def __init__(self, root: str):
        super().__init__(f"{root} has no migration backup in .dango/backup/; there is nothing "
                         "to undo.")


class MigrationFailed(DangoError):
    def __init__(self, step: str, problem: str):
        super().__init__(f"dango migrate stopped in step {step}: {problem}; the project was "
                         "restored exactly as it was, fix that and run `dango migrate` again.")


class UnsafeTarget(DangoError):
    """A file migrate would change is a symlink or not a regular file: refused up front."""

    def __init__(self, rel: str, what: str):
        folder = rel in (".dango", ".dlt", ".dango/backup")
        super().__init__(f"{rel} is {what}, and dango migrate never writes through one; replace "
                         f"it with a {'folder' if folder else 'regular file'} (or remove it) and "
                         "run `dango migrate` again (nothing was written).")


class RollbackIncomplete(DangoError):
    def __init__(self, problem: str, failed: list[str], backup: str):
        super().__init__(f"dango migrate stopped ({problem}) and could not put back "
                         f"{', '.join(failed)}; the files as they were are kept in {backup}/files/, "
                         "copy those back by hand (every other file was restored).")


class UntrustedBackup(DangoError):
    def __init__(self, name: str, reason: str):
        super().__init__(f"dango migrate --undo will not use .dango/backup/{name}: {reason}; "
                         "nothing was written.")


class ChangedSinceMigration(DangoError):
    def __init__(self, name: str, changed: list[str]):
        what = (f"{', '.join(changed)} changed after the migration" if changed else
                "the migration that made it did not finish, so later changes cannot be told apart")
        super().__init__(f"Undoing from .dango/backup/{name} would discard work: {what}; run "
                         "`dango migrate --undo --yes` to restore the backup anyway.")


class UndoIncomplete(DangoError):
    def __init__(self, name: str, failed: list[str]):
        super().__init__(f"dango migrate --undo could not put back {', '.join(failed)} from "
                         f".dango/backup/{name} (every other file was restored); the backup is "
                         "kept: fix that file's permissions and run `dango migrate --undo` again.")


class UpstreamSetting(DangoError):
    """A setting of upstream's sources.yml that upstream itself could not use."""

    def __init__(self, where: str, problem: str):
        super().__init__(f".dango/sources.yml, {where}: {problem}; fix it and run `dango migrate` "
                         "again (nothing was written).")


class WouldNotLoad(DangoError):
    """The converted sources.yml breaks a rule this Dango applies on every load."""

    def __init__(self, problem: str, source: str | None):
        which = f"source {source!r}" if source else "that source"
        super().__init__(f"The .dango/sources.yml dango migrate would write does not load here: "
                         f"{problem}; change {which} in the Dango 1.0 .dango/sources.yml and run "
                         "`dango migrate` again (nothing was written).")
