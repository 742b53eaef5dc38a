"""File sources: the configured file, glob or folder must give at least one readable file.

The files are listed by the sync's own functions (`sync.csv_files.files`,
`sync.local_files.files`), so the live check and the sync agree on what a path or pattern
matches (names holding pattern characters, a pattern that reaches outside its folder,
links out of the project) and say the same sentence when it is wrong."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import SyncProblem
from . import INVALID, VALID, CheckContext, Health


def _job(ctx: CheckContext):
    from ..sync.job import Job

    return Job(ctx.project, ctx.source, ctx.config)


def _verdict(paths: list[Path]) -> Health:
    unreadable = [p for p in paths if not os.access(p, os.R_OK)]
    if unreadable:
        return Health(INVALID, f"{unreadable[0].name} is not readable")
    return Health(VALID, f"{len(paths)} file(s)")


def check_csv(ctx: CheckContext) -> Health:
    from ..sync.csv_files import files

    try:
        return _verdict(files(_job(ctx)))
    except SyncProblem as err:
        return Health(INVALID, str(err))


def check_local_files(ctx: CheckContext) -> Health:
    from ..sync.local_files import files

    try:
        return _verdict([info.path for info in files(_job(ctx))])
    except SyncProblem as err:
        return Health(INVALID, str(err))
