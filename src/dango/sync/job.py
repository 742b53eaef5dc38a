"""What a builder gets: one source, its resolved configuration, and the run's options."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import SyncProblem
from ..project import Project
from ..sources import Source

# Retries for HTTP sources: 429 and 5xx are retried, honouring Retry-After.
HTTP_MAX_ATTEMPTS = 4
HTTP_BACKOFF = 0.5
HTTP_MAX_DELAY = 30
HTTP_TIMEOUT = 60


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
        A path that names a place outside the project is the user's explicit choice."""
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

    def http_session(self):
        """A requests session that retries 429 (honouring Retry-After) and 5xx responses, and
        sends a request's credentials only to its own origin (`same_origin_headers`)."""
        from dlt.sources.helpers.requests import Client

        client = Client(request_timeout=HTTP_TIMEOUT, request_max_attempts=HTTP_MAX_ATTEMPTS,
                        request_backoff_factor=HTTP_BACKOFF,
                        request_max_retry_delay=HTTP_MAX_DELAY, respect_retry_after_header=True,
                        raise_for_status=False)  # dlt's REST client raises itself
        return same_origin_headers(client.session)


def same_origin_headers(session):
    """`session`, changed so that a redirect to another origin (host, port or scheme) carries
    none of the headers the request was given: requests itself drops only `Authorization`,
    and would send an API key header (`X-API-Key`) or a `headers` table to whatever host an
    API, or someone who controls its answers, redirects to. Its own defaults (User-Agent,
    Accept...) stay."""
    from requests.utils import default_headers

    kept = {name.lower() for name in default_headers()}
    rebuild = session.rebuild_auth

    def rebuild_auth(prepared, response):
        rebuild(prepared, response)
        if session.should_strip_auth(response.request.url, prepared.url):
            for name in [name for name in prepared.headers if name.lower() not in kept]:
                del prepared.headers[name]

    session.rebuild_auth = rebuild_auth
    return session


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents
