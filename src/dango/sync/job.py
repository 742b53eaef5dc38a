"""What a builder gets: one source, its resolved configuration, and the run's options."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import SyncProblem
from ..project import Project
from ..sources import Source

def pipelines_dir(project: Project) -> Path:
    """Where dlt keeps the pipelines of `dango sync` (and their state): `.dango/pipelines/`."""
    return project.dango_dir / "pipelines"


def pipeline_name(source_name: str) -> str:
    return f"dango_{source_name}"


@dataclass
class Job:
    project: Project
    source: Source
    config: dict[str, Any]  # resolved in memory; never written anywhere
    full_refresh: bool = False
    dry_run: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    scratch: list[Path] = field(default_factory=list)  # folders `finish` removes
    waits: list[Callable[[], Any]] = field(default_factory=list)  # work `finish` lets end first

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def dataset(self) -> str:
        return f"raw_{self.source.name}"

    @property
    def pipeline_name(self) -> str:
        """The dlt pipeline of this source."""
        return pipeline_name(self.source.name)

    def key(self, field_name: str) -> str:
        """`[sources.NAME] field`, the way messages name a stored value."""
        return f"[sources.{self.source.name}] {field_name}"

    def setting(self, field_name: str) -> str:
        """`file_path of source 'shop'`, the way messages name a field of .dango/sources.yml."""
        return f"{field_name} of source {self.source.name!r}"

    def readable(self, path: Path, field: str) -> Path:
        """`path`, a data file found through `field`, once it is safe to read; SyncProblem if
        it is a link that leaves the project although the path names a place inside it (a
        cloned repository could point `data/orders.csv` at the user's keys), or one of the
        project's own files (.dlt/, .dango/, .env): those are secrets and state, never data.
        A path that names a place outside the project is the user's explicit choice, unless it
        is hidden (`~/.docker/config.json`, where programs keep their keys: a cloned repository's
        sources.yml could name it). A file that cannot be opened is SyncProblem too."""
        root = self.project.root
        real_root, real = root.resolve(), path.resolve()
        named = Path(os.path.normpath(path if path.is_absolute() else root / path))
        if (_within(named, root) or _within(named, real_root)) and not _within(real, real_root):
            raise SyncProblem(
                f"{self.project.relative(path)} ({self.setting(field)}) is a link to a file outside "
                "the project, which dango does not read through (a cloned repository could point "
                f"one at your keys); set {field} to the real path if that file is meant.")
        private = any(_within(real, place.resolve()) for place in (self.project.dlt_dir, self.project.dango_dir))
        if private or (real.parent == real_root and (real.name == ".env" or real.name.startswith(".env."))):
            raise SyncProblem(
                f"{self.project.relative(path)} ({self.setting(field)}) is one of the project's own "
                "files (secrets, settings or state), not data; dango does not load it.")
        if _hidden_outside(real, real_root):
            raise SyncProblem(
                f"{self.project.relative(path)} ({self.setting(field)}) is in a hidden folder outside "
                "the project, where programs keep their keys (~/.docker, ~/.config); dango does not "
                "load from there (a cloned repository could name one), so copy the file into the project.")
        try:
            path.open("rb").close()
        except OSError as error:  # else DuckDB's words, or a guess at its encoding
            reason = (error.strerror or type(error).__name__).lower()
            raise SyncProblem(f"{self.project.relative(path)} ({self.setting(field)}) cannot be "
                              f"opened ({reason}); let your user read it and sync again.") from None
        return path

    def scratch_dir(self) -> Path:
        """A new private folder (0700, a fresh name) for files on their way into dlt, inside
        the pipelines folder the runner has checked; removed by `finish`."""
        import tempfile

        path = Path(tempfile.mkdtemp(prefix=f".{self.name}-", dir=pipelines_dir(self.project)))
        self.scratch.append(path)
        return path

    def finish(self) -> None:
        """Once the source is done, loaded or failed (the runner calls it): wait for work still
        running in the background, then remove the scratch folders."""
        import shutil

        for wait in self.waits:
            wait()
        for folder in self.scratch:
            shutil.rmtree(folder, ignore_errors=True)

    def http_session(self, base_url: str, query_keys: tuple[str, ...] = ()):
        """A requests session with dango's retries that sends credentials to `base_url`'s
        origin only (`http_session.session`)."""
        from .http_session import session

        return session(base_url, query_keys)


def _hidden_outside(real: Path, real_root: Path) -> bool:
    """Whether `real`, outside the project, is a hidden file or in a hidden folder (one that
    the project itself is in does not count)."""
    if _within(real, real_root):
        return False
    common = Path(os.path.commonpath([real, real_root]))
    return any(part.startswith(".") for part in real.relative_to(common).parts)


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents
