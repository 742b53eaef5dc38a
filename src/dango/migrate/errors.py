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
