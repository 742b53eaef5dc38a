"""Running the sync: every selected source through its builder into one dlt pipeline each.

One pipeline per source (`dango_<name>`), its state in `.dango/pipelines/` inside the
project (that folder carries its own `.gitignore`), loading into the dataset
`raw_<name>`. A failing source is recorded with one sentence, all secrets masked, and the
next source runs.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..credentials import Resolver
from ..errors import DangoError, DecryptionFailed, KeyUnavailable, SourceNotFound, SyncRunning
from ..project import Project
from ..scan.own import project_secrets
from ..sources import Source, load_sources
from ..store.dlt_files import check_dlt_files
from . import builder_for
from .destination import Destination, choose
from .explain import find, generic, refused
from ..vaults.errors import MalformedReference
from .job import Job, pipeline_name, pipelines_dir
from .progress import Reporter
from .. import redact, redacted_output

SYNC_LOCK = ".sync.lock"  # in the pipelines folder: held while a sync loads
SYNC_LOCK_SHOWN = ".dango/pipelines/" + SYNC_LOCK
TRACE_FILE = "trace.pickle"  # dlt's record of a run, with its errors' text: never kept


@dataclass
class SourceResult:
    name: str
    type: str
    status: str = "ok"  # ok | failed | planned
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows loaded
    seconds: float = 0.0
    error: str | None = None
    traceback: str | None = None  # redacted; shown only with --debug
    note: str | None = None  # what the user may not expect, on success too (a folder with no file)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def to_json(self) -> dict[str, Any]:
        return {"source": self.name, "type": self.type, "status": self.status,
                "tables": dict(self.tables), "rows": self.rows,
                "seconds": round(self.seconds, 3), "error": self.error, "note": self.note}


@dataclass
class SyncRun:
    destination: str
    results: list[SourceResult]
    dry_run: bool = False

    @property
    def failed(self) -> list[SourceResult]:
        return [r for r in self.results if r.failed]


def select(project: Project, names: list[str] | None) -> list[Source]:
    sources = load_sources(project)
    if not names:
        return [s for s in sources if s.enabled]
    by_name = {s.name: s for s in sources}
    chosen = []
    for name in names:
        if name not in by_name:
            raise SourceNotFound(name, list(by_name))
        if not by_name[name].enabled:
            raise DangoError(f"Source {name!r} is disabled in .dango/sources.yml; set "
                             "enabled: true there to sync it.")
        chosen.append(by_name[name])
    return chosen


def register_project(project: Project) -> None:
    """Make every secret value the project holds (sources, destinations, dango's own key),
    resolved and decrypted where possible, known to the redaction layer before running code
    that may echo one. `ref+` references are not fetched here: those of the sources to sync
    were fetched (and registered) by `_decryptable`, and the others are not used."""
    for secret in project_secrets(project, fetch=False)[0]:
        redact.register(secret.value)


def run_sync(project: Project, names: list[str] | None = None, *, full_refresh: bool = False,
             dry_run: bool = False, reporter: Reporter | None = None) -> SyncRun:
    reporter = reporter or Reporter()
    sources = select(project, names)
    # dlt reads both files itself: one it cannot read would fail every source in its own words
    check_dlt_files((project.config_path, project.secrets_path))
    resolver = Resolver(project)
    _decryptable(resolver, sources)
    register_project(project)  # dlt, drivers and HTTP errors may echo any of them
    destination = choose(project, resolver)
    run = SyncRun(destination.label, [], dry_run)
    with contextlib.ExitStack() as stack:
        if not dry_run:
            _prepare_dlt(project, [pipeline_name(source.name) for source in sources], destination)
            stack.enter_context(_dlt_environment(project))
            stack.enter_context(_one_sync_at_a_time(project))
        for source in sources:
            reporter.started(source.name, source.type)
            result = _sync_one(project, resolver, destination, source,
                               full_refresh=full_refresh, dry_run=dry_run, reporter=reporter)
            reporter.finished(result)
            run.results.append(result)
    return run


@contextlib.contextmanager
def _one_sync_at_a_time(project: Project) -> Iterator[None]:
    """Hold the project's sync lock: a second `dango sync` started meanwhile stops at once
    (SyncRunning) rather than read the same files and load their rows a second time."""
    from ..store.atomic import acquire_lock, write_target

    path = pipelines_dir(project) / SYNC_LOCK
    write_target(path, project.root)  # the pipelines folder is no link out of the project
    lock = acquire_lock(path, 0, lambda: SyncRunning(SYNC_LOCK_SHOWN))
    try:
        yield
    finally:
        lock.release()


def _decryptable(resolver: Resolver, sources: list[Source]) -> None:
    """Every stored value of the sources to sync, decrypted before any is loaded: a damaged
    ciphertext or a missing key stops the sync (exit 2, naming the key path and line)
    rather than failing one source; an unset ${VAR} stays that source's own problem."""
    for source in sources:
        for value in resolver.fields(source):
            if value.origin != "secrets":
                continue
            try:
                resolver.resolve(value)
            except (DecryptionFailed, KeyUnavailable, MalformedReference):
                raise
            except DangoError:
                pass


def _sync_one(project: Project, resolver: Resolver, destination: Destination,
              source: Source, *, full_refresh: bool, dry_run: bool, reporter: Reporter) -> SourceResult:
    result = SourceResult(source.name, source.type, "planned" if dry_run else "ok")
    started = time.perf_counter()
    job = None
    module = None
    try:
        module = builder_for(source.type)
        if module is None:
            raise DangoError(f"dango cannot load {source.type} sources yet; disable this source "
                             "(enabled: false in .dango/sources.yml) or sync the others with --source.")
        job = Job(project, source, resolver.resolved_config(source), full_refresh, dry_run)
        if dry_run:
            result.tables = {table: 0 for table in module.plan(job)}
        else:
            result.tables = _load(job, module.build(job), destination, reporter)
    except Exception as error:  # one source's failure never stops the others
        if find(error, KeyboardInterrupt) is not None:  # Ctrl-C, wrapped by dlt: stop the run
            raise KeyboardInterrupt from None
        result.status = "failed"
        result.error = redact.redact(_sentence(job, module, error))
        import traceback

        result.traceback = redact.redact("".join(traceback.format_exception(error)))
    finally:
        if job is not None:
            job.finish()
            note = job.extra.get("note")
            result.note = redact.redact(note) if note else None
    result.seconds = time.perf_counter() - started
    return result


def _sentence(job: Job | None, module, error: BaseException) -> str:
    explain = getattr(module, "explain", None)
    sentence = None
    if job is not None and explain is not None and not isinstance(error, DangoError):
        try:
            sentence = explain(job, error)
        except Exception:  # an explanation must never hide the error itself
            sentence = None
    return sentence or generic(error)


def _prepare_dlt(project: Project, pipelines: list[str], destination: Destination) -> None:
    """dlt's settings for this process: telemetry off, all its files inside the project.

    dlt and DuckDB follow links, so every place they will write is checked first: a
    pipelines folder, a pipeline's own folder, the data folder or the warehouse that a
    link (a cloned repository can ship one) leads out of the project stops the sync."""
    from ..store.atomic import create_exclusive, write_target

    folder = pipelines_dir(project)
    for path in (folder, *(folder / name for name in pipelines)):
        write_target(path, project.root)
    if destination.kind == "duckdb":
        from .destination import warehouse_path

        write_target(project.data_dir, project.root)
        # data/ is ignored by git: a teammate's fresh clone has none until the first sync
        write_target(warehouse_path(project), project.root).parent.mkdir(parents=True, exist_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    for name in pipelines:  # a trace an earlier version let dlt write may hold a secret
        with contextlib.suppress(OSError):  # none there (or not a file dlt could replace)
            os.unlink(folder / name / TRACE_FILE)
    create_exclusive(write_target(folder / ".gitignore", project.root),
                     b"# dlt pipeline state of `dango sync`: local, never committed\n*\n", 0o644)
    redacted_output.install_logging()  # dlt's log records pass through the redaction layer


@contextlib.contextmanager
def _dlt_environment(project: Project) -> Iterator[None]:
    """dlt's settings for the run, in the environment, where dlt reads them; afterwards the
    process's environment is as it was (a program calling `run_sync` for two projects, or
    starting programs later, must not inherit this project's folders)."""
    settings = {
        # a failure is one sentence per source; dlt's own log lines (tracebacks, paths) are
        # for `dango sync --debug`, which sets RUNTIME__LOG_LEVEL itself
        "RUNTIME__LOG_LEVEL": "CRITICAL",
        # a loaded package's job files are copies of the data: dlt deletes them once loaded
        "LOAD__DELETE_COMPLETED_JOBS": "true",
    }
    forced = {"DLT_DATA_DIR": str(pipelines_dir(project)), "DLT_PROJECT_DIR": str(project.root),
              # nothing of a run leaves the machine, whatever a cloned repository's
              # .dlt/config.toml says: no telemetry, no Sentry, no dltHub platform traces
              "RUNTIME__DLTHUB_TELEMETRY": "false", "RUNTIME__SENTRY_DSN": "", "RUNTIME__DLTHUB_DSN": "",
              # dlt's trace of a run (trace.pickle) keeps each error's text unredacted, and a
              # provider may echo a key in one (a redirect URL): never written
              "ENABLE_RUNTIME_TRACE": "false"}
    before = {name: os.environ.get(name) for name in (*settings, *forced)}
    for name, value in settings.items():
        os.environ.setdefault(name, value)
    os.environ.update(forced)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _load(job: Job, data, destination: Destination, reporter: Reporter) -> dict[str, int]:
    import dlt

    resources = _resources(data)
    for resource in resources:
        resource.add_map(_counter(reporter, job.name, resource.name))
    pipeline = dlt.pipeline(pipeline_name=job.pipeline_name,
                            pipelines_dir=str(pipelines_dir(job.project)),
                            destination=destination.factory(), dataset_name=job.dataset)
    if pipeline.has_pending_data:  # a previous run that stopped half way: finish it first
        reporter.step(job.name, "loading what an earlier run left pending")
        pipeline.normalize()
        try:
            _load_or_abort(pipeline)
        except Exception as error:
            if not refused(error):
                raise  # kept, to be tried again (the warehouse may be busy or unreachable)
            # refused for good and aborted: this run reads that data again
    reporter.step(job.name, "extracting")
    try:
        pipeline.extract(data, refresh="drop_sources" if job.full_refresh else None)
    except BaseException:  # Ctrl-C too
        pipeline.abort_packages()  # nothing half-extracted reaches the warehouse
        raise
    reporter.step(job.name, "normalizing")
    info = pipeline.normalize()
    reporter.step(job.name, "loading")
    _load_or_abort(pipeline)
    finish = job.extra.get("after_load")  # a builder's step that must follow the load
    if finish is not None:
        finish(pipeline)
    counts = {table: 0 for table in (r.name for r in resources)}
    for table, rows in (info.row_counts or {}).items():
        if not table.startswith("_dlt"):
            counts[table] = rows
    return counts


def _load_or_abort(pipeline) -> None:
    """`pipeline.load()`. A package the destination refuses for good (a value that does not
    fit its column) is aborted, dlt's state rolled back to before it: retried, it would
    fail every later sync, even once the data is fixed. A package that failed for a reason
    that may pass (a busy or unreachable warehouse) is kept and loaded by the next sync."""
    try:
        pipeline.load()
    except Exception as error:
        if refused(error):
            pipeline.abort_packages()
        raise


def _resources(data) -> list:
    from dlt.extract import DltResource, DltSource

    if isinstance(data, DltSource):
        return list(data.selected_resources.values())
    if isinstance(data, DltResource):
        return [data]
    return list(data)


def _counter(reporter: Reporter, source: str, table: str):
    total = [0]

    def count(item):
        rows = getattr(item, "num_rows", None)
        if rows is None:
            rows = len(item) if isinstance(item, list) else 1
        total[0] += rows
        reporter.rows(source, table, total[0])
        return item

    return count
