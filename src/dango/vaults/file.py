"""`ref+file://RELATIVE/PATH`: a private file inside the project (mode 0600, no link out);
its whole content, less one trailing newline."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import open_to
from ..store.references import VaultReference
from . import Context
from .errors import EntryNotFound, UnsafeReferenceFile, VaultError


def inside_project(reference: VaultReference, context: Context) -> Path:
    """The reference's path under the project folder; refused when absolute or leading out
    of the project (through `..` or a symlink)."""
    if os.path.isabs(reference.path):
        raise context.error(UnsafeReferenceFile, "is an absolute path, outside the project",
                            "give a path relative to the project folder")
    root = context.root.resolve()
    path = root / reference.path
    try:
        path.resolve().relative_to(root)
    except ValueError:
        raise context.error(UnsafeReferenceFile, "leads out of the project (through .. or a symlink)",
                            "keep the file inside the project") from None
    return path


def _opened(reference: VaultReference, context: Context):
    """The file, opened once without following a link and checked on what was opened (a
    link swapped in after the path was checked is refused, and a named pipe is never waited
    on): a regular file that no other user can read."""
    path = inside_project(reference, context).resolve()
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise context.error(EntryNotFound, "does not exist in the project", "check the path") from None
    except OSError as err:
        raise context.error(VaultError, f"could not be read ({os.strerror(err.errno or 0).lower()})",
                            "check who owns it and its permissions") from None
    handle = os.fdopen(descriptor, "rb")
    try:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise context.error(UnsafeReferenceFile, "is not a regular file", "point it at a file")
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            raise context.error(UnsafeReferenceFile, f"has permissions {mode:o}, {open_to(mode)}",
                                f"chmod 600 {reference.path}")
    except BaseException:
        handle.close()
        raise
    return handle


def check(reference: VaultReference, context: Context) -> None:
    """What plain `validate` checks without reading the value: the file is there, inside the
    project, regular and private."""
    _opened(reference, context).close()


def fetch(reference: VaultReference, context: Context) -> str:
    """The file's text, less one trailing newline."""
    with _opened(reference, context) as handle:
        try:
            text = handle.read().decode("utf-8")
        except UnicodeDecodeError:
            raise context.error(VaultError, "is not UTF-8 text", "store the value as UTF-8 text") from None
        except OSError as err:
            raise context.error(VaultError, f"could not be read ({os.strerror(err.errno or 0).lower()})",
                                "check who owns it and its permissions") from None
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith("\n") else text
