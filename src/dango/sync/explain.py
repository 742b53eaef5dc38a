"""Turning whatever dlt, requests or a database driver raised into one sentence.

dlt wraps the error of a step (`PipelineStepFailed`) around the error of a resource
(`ResourceExtractionError`) around the real cause; `root_causes` walks that chain so a
builder's `explain` can look for the exception it understands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit


def root_causes(error: BaseException) -> Iterator[BaseException]:
    """`error` and everything it wraps, outermost first, each once."""
    seen: set[int] = set()
    stack = [error]
    while stack:
        current = stack.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = getattr(current, "exception", None)
        if isinstance(wrapped, BaseException):
            stack.append(wrapped)
        stack.extend([current.__cause__, current.__context__])


def find(error: BaseException, kind: type | tuple[type, ...]) -> BaseException | None:
    for cause in root_causes(error):
        if isinstance(cause, kind):
            return cause
    return None


def refused(error: BaseException) -> bool:
    """Whether the destination failed a load job for good (a value that does not fit its
    column): dlt keeps such a job queued for a retry that would fail the same way, or has
    aborted its package already."""
    from dlt.load.exceptions import LoadClientJobFailed, LoadClientJobTerminalRetry

    return find(error, (LoadClientJobTerminalRetry, LoadClientJobFailed)) is not None


def http_error(error: BaseException):
    """The requests HTTPError with a response somewhere in the chain, else None."""
    for cause in root_causes(error):
        response = getattr(cause, "response", None)
        if response is not None and hasattr(response, "status_code"):
            return cause
    return None


def request_path(response) -> str:
    """`GET /v1/charges` (the method and the URL's path: no host, no query string)."""
    request = getattr(response, "request", None)
    url = getattr(request, "url", None) or getattr(response, "url", "")
    method = getattr(request, "method", None) or "GET"
    return f"{method} {urlsplit(str(url)).path or '/'}"


def http_sentence(error: BaseException, service: str) -> str | None:
    """A sentence for an HTTP failure that is not about credentials, else None."""
    cause = http_error(error)
    if cause is None:
        return _connection_sentence(error, service)
    response = cause.response
    status = response.status_code
    where = request_path(response)
    if status == 429:
        return f"{service} kept answering HTTP 429 (rate limited) to {where} after retries; try again later."
    if status >= 500:
        return f"{service} answered HTTP {status} to {where} after retries; try again later."
    if status == 404:
        return f"{service} answered HTTP 404 to {where}: no such endpoint; check the path."
    return f"{service} answered HTTP {status} to {where}."


def _connection_sentence(error: BaseException, service: str) -> str | None:
    try:
        from requests.exceptions import ConnectionError, Timeout
    except ImportError:  # requests comes with dlt; without it nothing here is HTTP
        return None
    cause = find(error, (ConnectionError, Timeout))
    if cause is None:
        return None
    request = getattr(cause, "request", None)
    url = getattr(request, "url", None)
    target = f" at {urlsplit(url).scheme}://{urlsplit(url).netloc}" if url else ""
    if isinstance(cause, Timeout):
        return f"{service}{target} did not answer in time; check the address and your network."
    return f"Could not connect to {service}{target}; check base_url and your network."


def warehouse_busy(error: BaseException) -> str | None:
    """DuckDB's "Could not set lock on file" as a sentence: another program has the
    warehouse open (a DuckDB shell, a notebook, a BI tool)."""
    import re

    for cause in root_causes(error):
        match = re.search(r'Could not set lock on file "([^"]+)": Conflicting lock is held in \S+ '
                          r'\(PID (\d+)\)', str(cause))
        if match:
            return (f"the warehouse {Path(match[1]).name} is open in another program (PID {match[2]}); "
                    "close it (a DuckDB shell, a notebook, a BI tool) and run the sync again.")
    return None


def collision(error: BaseException) -> dict[str, list[str]] | None:
    """The columns of dlt's NameNormalizationCollision, by the warehouse column each becomes
    (its naming: lower case, `_` for anything else); None when `error` is not one."""
    import ast
    import re

    for cause in root_causes(error):
        if type(cause).__name__ != "NameNormalizationCollision":
            continue
        match = re.search(r"normalized from:\n(\[.*?\]):", str(cause), re.S)
        try:
            names = [str(name) for name in ast.literal_eval(match[1])] if match else []
        except (ValueError, SyntaxError):
            names = []
        groups: dict[str, list[str]] = {}
        for name in names:
            groups.setdefault(column_name(name), []).append(name)
        return {column: group for column, group in groups.items() if len(group) > 1}
    return None


def column_name(name: str) -> str:
    """The name a column of the data gets in the warehouse (dlt's default naming)."""
    from dlt.common.normalizers.naming.snake_case import NamingConvention

    return NamingConvention().normalize_path(name)


def name_collision(error: BaseException, files: Callable[[], list[tuple[str, list[str]]]] | None = None
                   ) -> str | None:
    """dlt's NameNormalizationCollision as a sentence naming the columns that become one in
    the warehouse and, given `files` (a file's name in a message and its columns, read only
    when needed), the file that has them."""
    groups = collision(error)
    if groups is None:
        return None
    found = files() if files and groups else []
    for column, group in groups.items():
        pair = " and ".join(group)
        whole = next((where for where, columns in found if set(group) <= set(columns)), None)
        if whole:
            return (f"{whole} has columns {pair}, which become one column {column} in the "
                    "warehouse (names are compared in lower case, with _ for spaces and other "
                    "signs); rename one of them in the file and sync again.")
        holders = [next((where for where, columns in found if name in columns), None) for name in group]
        if all(holders):
            named = " and ".join(f"{name} of {where}" for name, where in zip(group, holders))
            return (f"the columns {named} become one column {column} in the warehouse (names are "
                    "compared in lower case, with _ for spaces and other signs); give them one "
                    "name in every file and sync again.")
    clashes = [f"{' and '.join(group)} (both {column})" for column, group in groups.items()]
    which = "; ".join(clashes) if clashes else "two columns"
    return (f"the data has columns that become one column in the warehouse: {which}; rename "
            "one of each pair in the file (names are compared in lower case, with _ for spaces "
            "and other signs).")


def generic(error: BaseException) -> str:
    """The innermost meaningful message: first line only, without dlt's framing."""
    from ..errors import DangoError, exception_text

    for known in (warehouse_busy, name_collision):
        sentence = known(error)
        if sentence is not None:
            return sentence
    causes = list(root_causes(error))
    for cause in causes:
        if isinstance(cause, DangoError):
            return str(cause)
    innermost = causes[-1]
    # Prefer a driver error (the last one with a message) over dlt's wrappers.
    for cause in reversed(causes):
        text = str(cause).strip()
        if text and type(cause).__module__.split(".")[0] not in ("dlt",):
            innermost = cause
            break
    orig = getattr(innermost, "orig", None)  # SQLAlchemy wraps the driver's error
    text = exception_text(orig if orig is not None else innermost).strip()
    first = text.splitlines()[0].strip() if text else type(innermost).__name__
    name = type(orig if orig is not None else innermost).__name__
    return first if first.endswith(".") else f"{name}: {first}"


def unreadable_file(error: BaseException, path: Path | None = None) -> str:
    """What is wrong with a file DuckDB's reader refused (`path`, when one file is known),
    as the end of a sentence naming it: the cause and the fix, never DuckDB's sniffer report
    (which quotes the file's lines)."""
    text = _without_path(str(error), path)
    lowered = text.lower()
    if path is not None and path.suffix.lower() == ".parquet":  # binary: never a text encoding
        first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
        return (f"is not a Parquet file DuckDB can read ({first[:160].rstrip('.')}); write it "
                "again and sync again")
    if "invalid unicode" in lowered or "not utf-8 encoded" in lowered or \
            (path is not None and not _starts_as_utf8(path)):
        return "is not UTF-8 text; save it as UTF-8 (in Excel: CSV UTF-8) and sync again"
    if "column" in lowered and "inconsistent" in lowered:
        return "has rows with differing numbers of columns; fix those rows and sync again"
    if "detect the csv parsing dialect" in lowered:
        return ("has no delimiter, quoting and line endings that hold for every line; make them "
                "consistent and sync again")
    first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    return f"could not be read ({first[:160].rstrip('.')}); fix the file and sync again"


def _without_path(text: str, path: Path | None) -> str:
    """DuckDB's message without the file's path (`in file "/home/…/a.json"`, `File '…' too
    small`): the sentence names the file already, as the project has it."""
    if path is None:
        return text
    import re

    for quoted in (f'"{path}"', f"'{path}'"):
        text = text.replace(f" in file {quoted}", "").replace(f"File {quoted} ", "The file ")
        text = text.replace(quoted, "it")
    text = text.replace(f": {path}", "").replace(str(path), path.name)
    return re.sub(r" +([,.;:])", r"\1", text)


def _starts_as_utf8(path: Path, size: int = 65536) -> bool:
    """Whether the file's first `size` bytes are UTF-8 text (a character cut at the end aside)."""
    import codecs

    from .sniff import open_data

    try:
        with open_data(path) as file:  # a gzip-compressed file as DuckDB reads it
            codecs.getincrementaldecoder("utf-8")().decode(file.read(size), final=False)
    except UnicodeDecodeError:
        return False
    except (OSError, EOFError):  # unreadable: no guess at its encoding
        return True
    return True
