"""Loading sources with dlt (`dango sync`): one pipeline builder per source type.

Adding a source type is one module and one line in `BUILDERS` below. A builder module
defines:

    def plan(job: Job) -> list[str]
        The tables the source would load, without any network, database or file writes
        (used by `--dry-run`). Raise `dango.errors.SyncProblem` for a problem the user
        must fix (a missing file, a missing field).

    def build(job: Job) -> DltSource | DltResource | list[DltResource]
        What to hand to `pipeline.run(...)`. `job.config` holds every field of the source
        resolved in memory (`${VAR}` references interpolated); never write it anywhere.
        Import dlt and drivers inside the function, never at module level.
        `job.http_session(base_url)` gives a requests session with dango's retry policy that
        sends credentials to base_url's origin only.

    def explain(job: Job, error: BaseException) -> str | None      (optional)
        One sentence for a failure this type understands (an HTTP 401 becomes "Stripe
        rejected the key in [sources.NAME] stripe_secret_key"), or None for the generic
        message. The runner masks every secret of the project in whatever is returned.

A builder that must act after the load (deleting rows it replaced) puts a callable taking
the dlt pipeline in `job.extra["after_load"]`; the runner calls it once the load is done.
Files on their way into dlt go in `job.scratch_dir()`, removed when the source is done; builders
that read files hand DuckDB's rows to dlt through `dango.sync.staging`.

`Job` lives in `dango.sync.job`; helpers for HTTP errors in `dango.sync.explain`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# source type -> module implementing plan/build(/explain)
BUILDERS: dict[str, str] = {
    "csv": "dango.sync.csv_files",
    "local_files": "dango.sync.local_files",
    "stripe": "dango.sync.stripe",
    "rest_api": "dango.sync.rest_api",
    "postgres": "dango.sync.sql",
    "mysql": "dango.sync.sql",
    "google_sheets": "dango.sync.google_sheets",
}


def builder_for(type_name: str) -> ModuleType | None:
    """The builder module of a source type, or None when that type cannot load yet."""
    module = BUILDERS.get(type_name)
    return importlib.import_module(module) if module else None
