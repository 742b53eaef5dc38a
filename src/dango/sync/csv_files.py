"""`csv` sources: DuckDB's CSV reader writes the rows for dlt to import (`staging`, the fast path).

A single file loads into a table named after the file (`orders.csv` -> `orders`); a glob
loads every matching file into one table named after the source (columns matched by
name). Each sync replaces the table: the files are the whole truth.
"""

from __future__ import annotations

import glob
import itertools
import re
from pathlib import Path
from typing import Callable

from ..errors import SyncProblem
from .explain import find, generic, name_collision, unreadable_file
from . import fit, ragged, sniff
from .job import Job
from .literal import exact_all
from .staging import StagedFile, start, write


def is_glob(pattern: str) -> bool:
    return any(char in pattern for char in "*?[")


def _configured(job: Job) -> tuple[str, Path]:
    pattern = str(job.config.get("file_path") or "")
    if not pattern:
        raise SyncProblem(f"{job.setting('file_path')} is not set; add it in .dango/sources.yml.")
    path = Path(pattern).expanduser()
    return pattern, path if path.is_absolute() else job.project.root / path


def _matches(job: Job) -> tuple[list[Path], bool]:
    """The files file_path names, and whether it names one file (a table named after it):
    a path without pattern characters is that file; a pattern is matched first, and when it
    matches nothing but is the exact name of a file (`report[1].csv`), it is that file."""
    pattern, path = _configured(job)
    if is_glob(pattern):
        # the project folder as it is named (brackets in it are no pattern)
        where = str(path) if Path(pattern).expanduser().is_absolute() else \
            glob.escape(str(job.project.root)) + "/" + pattern
        found = sorted(Path(p) for p in glob.glob(where, recursive=True) if Path(p).is_file())
        if found or not path.is_file():
            return found, False
    return ([path] if path.is_file() else []), True


def files(job: Job) -> list[Path]:
    pattern, path = _configured(job)
    found, single = _matches(job)
    if not found:
        what = "there is no file" if not is_glob(pattern) else "no file matches"
        raise SyncProblem(f"{what} {pattern} ({job.setting('file_path')} in .dango/sources.yml); "
                          "check the path, relative to the project folder." + _closest(pattern, path))
    checked = [job.readable(p, "file_path") for p in found]
    if not single:  # a link the pattern finds (not one the user named) stays in its folder
        fixed = Path(*itertools.takewhile(lambda part: not is_glob(part), path.parts))
        places = (fixed.resolve(), job.project.root.resolve())
        for found_path in checked:
            real = found_path.resolve()
            if not any(place == real or place in real.parents for place in places):
                raise SyncProblem(
                    f"{job.project.relative(found_path)} ({job.setting('file_path')}) is a link to "
                    f"a file outside {job.project.relative(fixed)}, which dango does not follow "
                    "(whoever can write to that folder could point one at your keys); set "
                    "file_path to that file if it is meant.")
    return checked


def _closest(pattern: str, path: Path) -> str:
    """" Did you mean 'data/orders.csv'?" for a file name with a typo: the closest name of a
    file in the folder it names (only names are listed; nothing is read)."""
    import difflib

    if is_glob(pattern) or not path.parent.is_dir():
        return ""
    try:
        names = [entry.name for entry in path.parent.iterdir() if entry.is_file()]
    except OSError:
        return ""
    close = difflib.get_close_matches(path.name, names, n=1, cutoff=0.6)  # as errors.did_you_mean
    return f" Did you mean {str(Path(pattern).parent / close[0])!r}?" if close else ""


def table_name(job: Job) -> str:
    pattern = str(job.config.get("file_path") or "")
    if not _matches(job)[1]:
        return job.name
    named = Path(pattern)
    named = named.with_suffix("") if named.suffix.lower() == sniff.COMPRESSED else named
    stem = re.sub(r"[^0-9a-zA-Z_]+", "_", named.stem).strip("_").lower()
    return stem or job.name


def plan(job: Job) -> list[str]:
    files(job)
    return [table_name(job)]


# A CSV whose line endings are mixed is read again from memory with them made uniform
# (DuckDB's dialect sniffer gives up on it), up to this size.
NORMALIZE_LIMIT = 256 * 1024 * 1024


# How a CSV is read again when DuckDB's first reading fails or looks garbled (its sniffer
# took a file with a short or long row for one text column, or for headerless rows): a
# short row gets NULL in the fields it lacks. Not the first reading: DuckDB's parallel reader
# cannot pad rows in a file with quoted line breaks, and the serial one is slower.
PADDED = {"null_padding": True, "parallel": False}
# How a CSV is read when both readings above fail under way: DuckDB guesses each column's
# type from the first 20,480 rows, and one value after those that does not fit (a text far
# into a column of numbers) fails the whole file; every row counted, that column is text.
EVERY_ROW = {"sample_size": -1}


def read_csv(con, paths: list[Path], where: Callable[[Path], str], **options):
    """`paths` as one relation of DuckDB's CSV reader (`options`: its named parameters; the
    dialect is detected for whatever is not given), each path read as that file alone
    (`literal`; `where(path)` names a file in a message). Read again `PADDED` when that
    fails or looks garbled; a single file that mixes line endings, which the sniffer gives up
    on, is read again from memory with them made uniform. Excel's first line `sep=;` sets
    the delimiter (unless `options` has one) and is skipped. A row with more fields than the
    header fails the read, naming file and line (`ragged`)."""
    import duckdb

    exact = exact_all(con, paths, where)
    separators = {path: sniff.excel_separator(path) for path in paths}
    if any(separators.values()):  # Excel's first line `sep=;`: that delimiter, the line skipped
        if len(set(separators.values())) > 1:
            odd = next(path for path, separator in separators.items() if separator)
            raise SyncProblem(f"{where(odd)} starts with Excel's line sep={separators[odd]} and "
                              "other files read with it do not; save them alike and sync again.")
        options = {"delimiter": separators[paths[0]], **options, "skip": 1}
    header = options.get("header", True)
    try:
        relation = _relation(con, exact, options)
        if header and ragged.garbled(relation.columns):
            relation = _relation(con, exact, {**options, **PADDED})
    except duckdb.Error as error:
        try:
            relation = _relation(con, exact, {**options, **PADDED})
        except duckdb.Error:
            data = uniform_line_endings(paths[0]) if len(paths) == 1 else None
            if data is None:
                raise error from None
            import io

            relation = con.read_csv(io.BytesIO(data), **options)
    if header and ragged.maybe_ragged(relation.columns):
        for path, literal in zip(paths, exact):
            long = ragged.first_long_row(con, path, literal, options)
            if long:
                raise SyncProblem(ragged.sentence(where(path), *long))
    return relation


def _relation(con, exact: list[str], options: dict):
    named = "".join(f", {name} = ?" for name in options)  # names from code, values as parameters
    return con.sql(f"SELECT * FROM read_csv(?{named})", params=[exact, *options.values()])


def write_csv(con, paths: list[Path], where: Callable[[Path], str], folder: Path, name: str,
              **options) -> StagedFile:
    """`read_csv` written for dlt (`staging.write`); read again `PADDED` when the reading
    fails only once under way (a short row far into the file), then with `EVERY_ROW`
    (a text far into a column of numbers), raising the first error."""
    import duckdb

    first = None
    for again in ({}, PADDED, EVERY_ROW):
        try:
            return write(con, read_csv(con, paths, where, **options, **again), folder, name)
        except duckdb.Error as error:
            first = first or error
    raise first


def uniform_line_endings(path: Path) -> bytes | None:
    """The file with every line ending made "\n", when it mixes "\r\n" and "\n"; else None."""
    if path.stat().st_size > NORMALIZE_LIMIT or path.suffix.lower() == sniff.COMPRESSED:
        return None
    data = path.read_bytes()
    crlf = data.count(b"\r\n")
    if not crlf or crlf == data.count(b"\n"):
        return None
    return data.replace(b"\r\n", b"\n")


def _options(job: Job) -> dict:
    """The reader's options sources.yml sets."""
    options = {"header": bool(job.config.get("header", True))}
    if job.config.get("delimiter"):  # else detected, as for `;` in a European Excel export
        options["delimiter"] = str(job.config["delimiter"])
    return options


def _where(job: Job) -> Callable[[Path], str]:
    """How a message names a file of the source."""
    return lambda path: f"{job.project.relative(path)} ({job.setting('file_path')})"


def build(job: Job):
    paths = files(job)
    options = _options(job)
    if len(paths) > 1:
        options["union_by_name"] = True
    where = _where(job)

    # DuckDB starts reading now, on its own threads, while dlt is imported
    staging = start(job, lambda con, folder: write_csv(con, paths, where, folder, "rows", **options))
    import dlt

    table = table_name(job)

    def rows():
        columns = {} if job.full_refresh else _warehouse_columns(table)
        yield from staging.items(lambda staged: _fits(job, paths, staged, columns))

    return dlt.resource(rows, name=table, write_disposition="replace")


def _warehouse_columns(table: str) -> dict[str, dict]:
    """The columns the table has in the warehouse now (each sync replaces its rows, but a
    column keeps the type of its first load); {} before its first load, without opening the
    warehouse. A warehouse that cannot be read is its own problem, not the file's."""
    import dlt

    pipeline = dlt.current.pipeline()
    if not pipeline.default_schema_name or table not in pipeline.default_schema.tables:
        return {}
    try:
        with pipeline.destination_client() as client:
            return fit.warehouse_columns(client, table)
    except Exception as error:
        raise SyncProblem(generic(error)) from error


def _fits(job: Job, paths: list[Path], staged: StagedFile, columns: dict[str, dict]) -> None:
    """SyncProblem when the file's values would change in the table's columns (`fit`)."""
    import duckdb

    with duckdb.connect() as con:
        found = fit.misfit(con, staged.path, columns)
    if found is not None:
        where = _where(job)(paths[0]) if len(paths) == 1 else \
            f"{job.config.get('file_path')} ({job.setting('file_path')})"
        raise SyncProblem(fit.sentence(where, found, job))


def explain(job: Job, error: BaseException) -> str | None:
    """A file DuckDB's CSV reader refused, named with the problem and its fix (only for a
    failure while reading: the load into a DuckDB warehouse raises DuckDB's errors too)."""
    import duckdb

    collided = name_collision(error, lambda: _columns(job))
    if collided is not None:
        return collided
    cause = find(error, duckdb.Error)
    if cause is None or getattr(error, "step", "extract") != "extract":
        return None
    found = files(job)
    path = found[0] if len(found) == 1 else None
    return f"{job.config.get('file_path')} ({job.setting('file_path')}) {unreadable_file(cause, path)}."


def _columns(job: Job) -> list[tuple[str, list[str]]]:
    """Each file of the source, as a message names it, with the columns it has."""
    import duckdb

    where, found = _where(job), []
    with duckdb.connect() as con:
        for path in files(job):
            try:
                found.append((where(path), read_csv(con, [path], where, **_options(job)).columns))
            except (duckdb.Error, SyncProblem):
                continue
    return found
