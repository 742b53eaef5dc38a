"""The one layer every printed line and every log record passes through.

`install(argv)` runs first thing in `dango`'s `main()`, before any command: it wraps
`sys.stdout` and `sys.stderr` in line-buffered streams that replace every known secret
value (and its base64, URL-encoded and JSON-escaped forms) with its mask, and routes
logging records, warnings and tracebacks through the same replacement.

Secrets become known two ways: the project's `.dlt/secrets.toml` is read once at startup
(literal values only, parsed with tomllib: nothing heavy is imported here), and
`register(value)` is called by the resolver for every value it resolves or decrypts, so
a `${VAR}` from the environment or an `ENC[...]` value is covered from the moment it
exists in memory. Values shorter than MIN_LENGTH are not replaced (they would mask
ordinary words).
"""

from __future__ import annotations

import os
import sys
from typing import Any

MIN_LENGTH = 6
# Keys whose values are not secret wherever they appear (database hosts, OAuth client ids,
# scopes...): never registered, so they are shown in full as SPEC section 3 asks.
NOT_SECRET_KEYS = frozenset({
    "host", "port", "database", "username", "user", "schema", "tables", "base_url",
    "file_path", "delimiter", "header", "start_date", "resources", "auth_type",
    "api_key_name", "api_key_location", "data_selector", "paginator", "probe_path",
    "spreadsheet_url_or_id", "range_names", "property_id", "customer_id", "account_id",
    "client_id", "project_id", "scopes", "expiry", "token_type", "token_uri", "drivername",
    "granted_scopes", "expires_at", "created_at", "revoked", "cursor_column",
    "account",  # who granted an OAuth source (an email or a name), shown by `dango auth list`
})

_forms: dict[str, str] = {}  # a secret or one of its encodings -> its mask
_ordered: list[str] | None = None  # the forms, longest first; None until needed
_url_password = None
_installed = False


def encodings(value: str) -> dict[str, str]:
    """`value` and its common encodings, each with its kind: exact, url (both styles),
    json (escaped), base64 (standard and URL-safe, also at the three alignments it can
    have inside a longer base64 text)."""
    import base64
    import json
    from urllib.parse import quote, quote_plus

    forms: dict[str, str] = {}
    raw = value.encode("utf-8")
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw).decode()
        core = encoded[-(-8 * shift // 6):(8 * (shift + len(raw))) // 6]
        forms[core] = forms[core.replace("+", "-").replace("/", "_")] = "base64"
    forms[json.dumps(value)[1:-1]] = "json"
    for encoded in (quote(value, safe=""), quote(value), quote_plus(value)):
        forms[encoded] = "url"
    forms[value] = "exact"
    return {form: kind for form, kind in forms.items() if len(form) >= MIN_LENGTH}


def register(value: Any, key: str | None = None) -> Any:
    """Make `value` (a string, or any nesting of dicts and lists) known as secret; returns
    `value` so a caller can wrap an expression. `key` (the last part of a key path) lets
    values of non-secret keys such as `host` through unregistered."""
    global _ordered
    if isinstance(value, dict):
        for name, item in value.items():
            register(item, str(name))
        return value
    if isinstance(value, (list, tuple)):
        for item in value:
            register(item, key)
        return value
    if not isinstance(value, str) or len(value) < MIN_LENGTH or value in _forms:
        return value
    if key is not None and key.rsplit(".", 1)[-1] in NOT_SECRET_KEYS:
        return value
    if "${" in value or value.startswith("ENC["):  # a reference or a ciphertext: not secret
        return value
    from .store.mask import mask

    shown = mask(value)
    for form in encodings(value):
        _forms.setdefault(form, shown)
    _ordered = None
    return value


def register_project(project) -> None:
    """Learn every secret value the project holds (sources, destinations, dango's own key),
    resolved and decrypted where possible, before running code that may echo one."""
    from .scan.own import project_secrets

    for secret in project_secrets(project)[0]:
        register(secret.value)


def register_stored(key_path: str, value: Any) -> Any:
    """register() for a value stored at `key_path` in secrets.toml; returns `value`."""
    return register(value, key_path)


def redact(text: str) -> str:
    """`text` with every known secret (and encoding) replaced by its mask, and the password
    of any URL (`scheme://user:password@host`) masked even when it is not a known one."""
    global _ordered, _url_password
    if not text:
        return text
    if _forms:
        if _ordered is None:  # longest first, so an encoding wins over a value inside it
            _ordered = sorted(_forms, key=len, reverse=True)
        for form in _ordered:  # substring tests: no expression to recompile as values arrive
            if form in text:
                text = text.replace(form, _forms[form])
    if "://" in text and "@" in text:
        if _url_password is None:
            import re

            _url_password = re.compile(r"(?<=[A-Za-z0-9])(://[^:/@?#\s\"'<>`]{0,128}:)([^@/?#\s\"'<>`]{1,256})(@)")
        text = _url_password.sub(_mask_url_password, text)
    return text


def _mask_url_password(match) -> str:
    password = match.group(2)
    if password.startswith(("${", "{", "%(", "*")):  # a reference, a placeholder or masked already
        return match.group(0)
    from .store.mask import STARS

    return match.group(1) + STARS + match.group(3)


class RedactingStream:
    """A text stream that holds back an unfinished line and redacts whole lines."""

    def __init__(self, stream):
        self._stream = stream
        self._pending = ""
        self._decoder = None  # for bytes written to .buffer

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("write() argument must be str")
        data = self._pending + text
        cut = data.rfind("\n") + 1
        self._pending = data[cut:]
        if cut:
            self._stream.write(redact(data[:cut]))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, ""
            self._stream.write(redact(pending))
        self._stream.flush()

    @property
    def buffer(self):
        return _RedactingBuffer(self)

    def __getattr__(self, name: str):  # encoding, errors, isatty, fileno, ...
        return getattr(self._stream, name)


class _RedactingBuffer:
    """`sys.stdout.buffer` for code that writes bytes: decoded, redacted, re-encoded."""

    def __init__(self, text: RedactingStream):
        self._text = text

    def write(self, data: bytes) -> int:
        text = self._text
        if text._decoder is None:  # incremental: a character split across writes stays whole
            import codecs

            text._decoder = codecs.getincrementaldecoder(text.encoding or "utf-8")("replace")
        text.write(text._decoder.decode(bytes(data)))
        return len(data)

    def flush(self) -> None:
        self._text.flush()

    def __getattr__(self, name: str):
        return getattr(self._text._stream.buffer, name)


def _load_project_secrets(argv: list[str]) -> None:
    """Register the literal values of the project's secrets file (cheap: tomllib only)."""
    root = _project_root(argv)
    if root is None:
        return
    path = os.path.join(root, ".dlt", "secrets.toml")
    try:
        with open(path, "rb") as handle:
            import tomllib

            data = tomllib.load(handle)
    except (OSError, ValueError):
        return
    for section in ("sources", "destination", "dango"):
        part = data.get(section)
        if isinstance(part, dict):
            register(part)


SECRET_VARIABLES = ("DANGO_MASTER_KEY", "GOOGLE_CLIENT_SECRET", "FACEBOOK_APP_SECRET")


def _load_environment_secrets() -> None:
    """Register secrets that arrive through the environment: dlt's overrides of source and
    destination fields (`SOURCES__NAME__FIELD`), the encryption key, OAuth client secrets."""
    for name, value in os.environ.items():
        if name in SECRET_VARIABLES:
            register(value)
        elif name.startswith(("SOURCES__", "DESTINATION__")):
            register(value, name.rsplit("__", 1)[-1].lower())


def _project_root(argv: list[str]) -> str | None:
    start = os.environ.get("DANGO_PROJECT_DIR") or os.getcwd()
    for index, arg in enumerate(argv):
        if arg == "--project" and index + 1 < len(argv):
            start = argv[index + 1]
        elif arg.startswith("--project="):
            start = arg.split("=", 1)[1]
    folder = os.path.abspath(start)
    while True:
        if os.path.isfile(os.path.join(folder, ".dango", "project.yml")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _redact_record(factory):
    def make(*args, **kwargs):
        record = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:
            return record
        record.msg, record.args = redact(message), None
        return record

    return make


_logging_installed = False


def install_logging() -> None:
    """Redact every log record (message and traceback), whatever handler writes it.
    Idempotent: library callers (sync) may call it whether or not the CLI did."""
    global _logging_installed
    if _logging_installed:
        return
    _logging_installed = True
    import logging

    logging.setLogRecordFactory(_redact_record(logging.getLogRecordFactory()))
    format_exception = logging.Formatter.formatException
    logging.Formatter.formatException = lambda self, ei: redact(format_exception(self, ei))
    format_stack = logging.Formatter.formatStack
    logging.Formatter.formatStack = lambda self, stack_info: redact(format_stack(self, stack_info))


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def _showwarning(message, category, filename, lineno, file=None, line=None):
    import warnings

    text = warnings.formatwarning(message, category, filename, lineno, line)
    (file or sys.stderr).write(redact(text))


def install(argv: list[str] | None = None) -> None:
    """Wrap stdout/stderr, logging and warnings; learn the project's stored secrets."""
    global _installed
    if _installed:
        return
    _installed = True
    argv = sys.argv[1:] if argv is None else argv
    try:
        _load_environment_secrets()
        _load_project_secrets(argv)
    except Exception:  # never let a broken file stop the command: it reports that itself
        pass
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, RedactingStream):
            setattr(sys, name, RedactingStream(stream))
    import atexit

    atexit.register(_flush)
    import warnings

    warnings.showwarning = _showwarning
    if "logging" in sys.modules:
        install_logging()
    else:  # importing logging costs startup time: hook it in when something imports it
        sys.meta_path.insert(0, _LoggingHook())


class _LoggingHook:
    """Installs the logging redaction right after the first `import logging`."""

    def find_spec(self, name, path=None, target=None):
        if name != "logging":
            return None
        sys.meta_path.remove(self)
        import importlib.util

        spec = importlib.util.find_spec("logging")
        loader = spec.loader
        exec_module = loader.exec_module

        def exec_and_install(module):
            exec_module(module)
            sys.modules["logging"] = module
            install_logging()

        spec.loader = _Loader(loader, exec_and_install)
        return spec


class _Loader:
    def __init__(self, loader, exec_module):
        self._loader, self.exec_module = loader, exec_module

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def __getattr__(self, name):
        return getattr(self._loader, name)
