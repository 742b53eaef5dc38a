"""File sources: the configured file, glob or folder must give at least one readable file."""

from __future__ import annotations

import glob
import os
from pathlib import Path

from ..registry import LOCAL_FILE_READERS
from . import INVALID, VALID, CheckContext, Health


def check_csv(ctx: CheckContext) -> Health:
    pattern = str(ctx.config.get("file_path", ""))
    if not os.path.isabs(pattern):
        pattern = str(Path(ctx.project.root) / pattern)
    matches = [p for p in glob.glob(pattern) if os.path.isfile(p)]
    if not matches:
        return Health(INVALID, f"no file matches {ctx.config.get('file_path')}")
    unreadable = [p for p in matches if not os.access(p, os.R_OK)]
    if unreadable:
        return Health(INVALID, f"{unreadable[0]} is not readable")
    return Health(VALID, f"{len(matches)} file(s)")


def check_local_files(ctx: CheckContext) -> Health:
    directory = str(ctx.config.get("directory", ""))
    folder = Path(directory) if os.path.isabs(directory) else Path(ctx.project.root) / directory
    if not folder.is_dir():
        return Health(INVALID, f"the folder {directory} does not exist")
    pattern = str(ctx.config.get("file_pattern") or "*")
    matches = [p for p in glob.glob(str(folder / pattern), recursive=True)
               if os.path.isfile(p) and Path(p).suffix.lower() in LOCAL_FILE_READERS]
    unreadable = [p for p in matches if not os.access(p, os.R_OK)]
    if unreadable:
        return Health(INVALID, f"{Path(unreadable[0]).name} is not readable")
    return Health(VALID, f"{len(matches)} file(s)")
