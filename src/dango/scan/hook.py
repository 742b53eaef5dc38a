"""`dango secrets hook install`: a git pre-commit hook that scans the staged changes.

An existing pre-commit hook is never overwritten: it is moved aside to
`pre-commit.before-dango` and the new hook runs it first (its failure still blocks the
commit), then the scan. Installing twice changes nothing.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from . import gitio

MARKER = "# dango-secrets-hook"
CHAINED = "pre-commit.before-dango"

TEMPLATE = """\
#!/bin/sh
{marker}: installed by `dango secrets hook install`; blocks a commit whose staged
# changes hold a secret. Bypass once (not recommended) with `git commit --no-verify`.
hooks=$(dirname "$0")
if [ -x "$hooks/{chained}" ]; then
  "$hooks/{chained}" "$@" || exit $?
fi
python={python}
if [ -x "$python" ]; then
  exec "$python" -m dango{project} secrets scan --staged
fi
exec dango{project} secrets scan --staged
"""


def hooks_dir(git_root: Path) -> Path:
    path = gitio.git(git_root, "rev-parse", "--git-path", "hooks").decode().strip()
    folder = Path(path)
    return folder if folder.is_absolute() else git_root / folder


def install_hook(git_root: Path, project_root: Path | None) -> tuple[Path, str]:
    """Install the hook; (its path, "installed" | "chained" | "unchanged")."""
    folder = hooks_dir(git_root)
    folder.mkdir(parents=True, exist_ok=True)
    hook = folder / "pre-commit"
    project = ""
    if project_root is not None and project_root.resolve() != git_root.resolve():
        project = " --project " + shlex.quote(os.path.relpath(project_root.resolve(), git_root.resolve()))
    text = TEMPLATE.format(marker=MARKER, chained=CHAINED, python=shlex.quote(sys.executable),
                           project=project)
    state = "installed"
    if hook.exists() or hook.is_symlink():
        current = hook.read_text(encoding="utf-8", errors="replace") if hook.is_file() else ""
        if MARKER in current:
            if current == text:
                return hook, "unchanged"
        else:
            chained = folder / CHAINED
            if chained.exists():
                from ..errors import DangoError

                raise DangoError(f"{hook} is not dango's hook and {chained} already exists; "
                                 "merge them by hand, then run `dango secrets hook install` again.")
            hook.rename(chained)  # kept as it was: run only if git would have run it
            state = "chained"
    temporary = hook.with_name(".pre-commit.dango.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.chmod(0o755)
    temporary.replace(hook)
    return hook, state
