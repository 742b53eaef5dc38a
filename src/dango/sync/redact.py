"""Masking every secret of the project in text that is about to be shown.

dlt, SQLAlchemy, psycopg and requests exceptions can embed connection URLs, headers or
response bodies. Before any such text is printed, every resolved secret value of the
project (all sources, enabled or not, and the destination credentials) is replaced by its
mask from `dango.store.mask`, in its plain and URL-encoded forms.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Iterable
from urllib.parse import quote, quote_plus, urlsplit

from ..store.mask import mask

MIN_LENGTH = 4  # shorter values would mask ordinary words; such passwords are guessable anyway
_URL_PASSWORD = re.compile(r"(\w[\w+.-]*://[^:/@\s]*:)([^@\s]+)(@)")


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()):
        self._values: dict[str, str] = {}
        for value in secrets:
            self.add(value)

    def add(self, value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                self.add(item)
            return
        if isinstance(value, (list, tuple)):
            for item in value:
                self.add(item)
            return
        if not isinstance(value, str) or len(value) < MIN_LENGTH:
            return
        shown = mask(value)
        for form in {value, quote(value, safe=""), quote_plus(value), quote(value)}:
            self._values.setdefault(form, shown)
        if "://" in value:  # a connection URL: its password alone is a secret too
            try:
                password = urlsplit(value).password
            except ValueError:
                password = None
            if password:
                self.add(password)

    def __call__(self, text: str) -> str:
        for value in sorted(self._values, key=len, reverse=True):
            if value in text:
                text = text.replace(value, self._values[value])
        # A password in any URL, even one that is not ours (a typo'd variant, say).
        return _URL_PASSWORD.sub(lambda m: m[1] + mask(m[2]) + m[3], text)


def project_redactor(project, resolver) -> Redactor:
    """A Redactor knowing every secret value of the project that can be resolved now."""
    from ..errors import DangoError
    from ..sources import load_sources

    redactor = Redactor()
    for source in load_sources(project):
        try:
            values = resolver.fields(source)
        except DangoError:
            continue
        for value in values:
            if not value.field.secret or value.origin == "missing":
                continue
            try:
                redactor.add(resolver.resolve(value))
            except DangoError:
                continue
    destination = (resolver.secrets.data.get("destination") or {})
    for name, section in destination.items():
        if not isinstance(section, dict) or "credentials" not in section:
            continue
        try:
            credentials = resolver.resolve_stored(section["credentials"],
                                                  f"destination.{name}.credentials")
        except DangoError:
            continue
        # A URL is secret as a whole; of a table of fields only the password is.
        redactor.add(credentials.get("password") if isinstance(credentials, dict) else credentials)
    return redactor


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in every record of the logger it is added to."""

    def __init__(self, redactor: Redactor):
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: keep it as is
            return True
        record.msg, record.args = self.redactor(message), None
        if record.exc_info:
            import traceback

            record.msg += "\n" + self.redactor("".join(traceback.format_exception(*record.exc_info)))
            record.exc_info, record.exc_text = None, None
        return True
