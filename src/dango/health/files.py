"""CSV sources: the configured file or glob must match at least one readable file."""

from __future__ import annotations

import glob
import os
from pathlib import Path

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
