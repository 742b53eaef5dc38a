"""Every printed line and every log record passes through the redaction layer (redact.py).

`install(argv, secrets=...)` runs first thing in `dango`'s `main()`, before any command: it
registers what the caller says is secret, wraps `sys.stdout` and `sys.stderr` in
line-buffered streams that redact whole lines, and routes logging records, warnings and
tracebacks through the same masking. Like redact.py, it imports nothing else of Dango.
"""

from __future__ import annotations

import sys
from typing import Callable, Iterable

from .redact import declare_words, redact, register


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


_installed = False


def install(argv: list[str] | None = None, *,
            secrets: Callable[[list[str]], Iterable[str]] | None = None,
            words: Callable[[list[str]], Iterable[str]] | None = None) -> None:
    """Wrap stdout/stderr, logging and warnings, and register what `secrets(argv)` returns:
    the caller says what is secret (dango's CLI passes `secrecy.startup_secrets`) and which
    names are structure, never masked on their own (`secrecy.startup_words`)."""
    global _installed
    if _installed:
        return
    _installed = True
    argv = sys.argv[1:] if argv is None else argv
    if secrets is not None:
        try:
            for value in secrets(argv):
                register(value)
        except Exception:  # never let a broken file stop the command: it reports that itself
            pass
    if words is not None:
        try:
            declare_words(words(argv))
        except Exception:
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
