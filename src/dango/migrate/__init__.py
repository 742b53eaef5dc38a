"""Moving a project made by upstream Dango 1.0.x (`getdango`) to this Dango: `dango migrate`.

Old formats are read here and nowhere else (STYLE rule 11): `upstream.py` reads the files
upstream wrote, `convert.py` turns each upstream source into ours, `tokens.py` gives each
source its copy of upstream's type-keyed OAuth tokens, `steps.py` runs the
named, ordered steps into a `Plan` held in memory, and `run.py` previews it
(`pending`, which never writes: `dango migrate --dry-run`), applies it under the project
lock with a backup first (`apply`), and restores that backup (`undo`).
"""

from __future__ import annotations

from .run import apply, pending, undo, undo_plan

__all__ = ["apply", "pending", "undo", "undo_plan"]
