"""Every error a user can see, with the sentence they read.

A `DangoError` carries a message written for the user (what is wrong, where, and the fix)
and the exit code of SPEC section 3: 2 when the command could not run, 1 when it ran and
found a problem. No message built here ever contains a secret value: messages name files,
lines, key paths and variable names, never values.
"""

from __future__ import annotations

from pathlib import Path


class DangoError(Exception):
    """Base class: `str(err)` is the sentence shown to the user."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def exception_text(err: BaseException) -> str:
    """`str(err)` fit to show, except a UnicodeError's, which names a character of the value
    it failed on and its position (the value may be a secret): only its codec and reason."""
    if isinstance(err, (UnicodeEncodeError, UnicodeDecodeError)):
        verb = "encode" if isinstance(err, UnicodeEncodeError) else "decode"
        return f"the {err.encoding} codec could not {verb} a character of a value ({err.reason})"
    return str(err)


def shown_path(path: Path | str) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    import os

    text = str(path)
    if os.path.isabs(text):
        try:
            relative = os.path.relpath(text)
        except ValueError:
            return text
        if not relative.startswith(".."):
            return relative
    return text


def where(path: Path | str, line: int | None = None, column: int | None = None) -> str:
    """`path:line:column`, leaving out what is not known."""
    text = shown_path(path)
    if line is not None:
        text += f":{line}"
        if column is not None:
            text += f":{column}"
    return text


class ProjectNotFound(DangoError):
    def __init__(self, start: Path):
        super().__init__(
            f"No Dango project in {start} or any folder above it (no .dango/project.yml); "
            "run `dango init` to create one, or cd into a project."
        )


class MalformedFile(DangoError):
    """A file we read could not be parsed, or breaks the rules of its format."""

    def __init__(self, path: Path | str, problem: str, line: int | None = None,
                 column: int | None = None, fix: str | None = None):
        self.path, self.line, self.column, self.problem, self.fix = path, line, column, problem, fix
        text = f"{where(path, line, column)}: {problem}"
        fix = fix or "fix the file and run the command again."
        # after a question ("Did you mean 'file_path'?") the fix is a sentence of its own
        text += f" {fix[0].upper()}{fix[1:]}" if problem.endswith("?") else f"; {fix}"
        super().__init__(text)


def did_you_mean(given: str, known: list[str]) -> str:
    """" Did you mean 'x'?" for the closest known word to a typo, else ""."""
    import difflib

    close = difflib.get_close_matches(given, known, n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


class UnknownSourceType(DangoError):
    def __init__(self, type_name: str, known: list[str]):
        super().__init__(
            f"Unknown source type {type_name!r}; the known types are: {', '.join(known)}."
            + did_you_mean(type_name, known)
        )


class UnknownField(DangoError):
    def __init__(self, type_name: str, field: str, known: list[str]):
        super().__init__(
            f"A {type_name} source has no field {field!r}; its fields are: {', '.join(known)}."
            + did_you_mean(field, known)
        )


class InvalidValue(DangoError):
    """A value given on the command line that does not fit its field."""


class InvalidSourceName(DangoError):
    def __init__(self, name: str, reason: str):
        super().__init__(
            f"{name!r} cannot be a source name: {reason}. Use a lowercase identifier "
            "such as stripe_payments (a letter, then letters, digits or _)."
        )


class DuplicateSource(DangoError):
    def __init__(self, name: str, path: Path | str):
        super().__init__(
            f"A source named {name!r} already exists in {path}; choose another --name, "
            f"or remove it first with `dango source remove {name}`."
        )


class SourceNotFound(DangoError):
    def __init__(self, name: str, known: list[str]):
        hint = f"the sources are: {', '.join(known)}" if known else "there are no sources yet"
        super().__init__(f"No source named {name!r} in .dango/sources.yml ({hint})."
                         + did_you_mean(name, known))


class UnsetVariable(DangoError):
    """A `${VAR}` reference whose variable is in neither the environment nor `.env`.

    Exit code 1 where it is one source's problem (sync, validate); commands that need the
    value to run at all re-raise it as is (2).
    """

    def __init__(self, variable: str, key_path: str, path: Path | str, line: int | None = None):
        self.variable, self.key_path = variable, key_path
        super().__init__(
            f"Environment variable {variable} is not set; it is referenced by {key_path} "
            f"in {where(path, line)}. Export it, add it to .env, or give a default "
            f"with ${{{variable}:-default}}."
        )


class UnsafePath(DangoError):
    """A write that would go through a symlink leaving the project."""


_OS_PROBLEMS = {
    "ENOSPC": ("the disk is full", "free some space"),
    "EFBIG": ("the file would be larger than this file system allows", "free some space or move the project"),
    "EDQUOT": ("your disk quota is used up", "free some space"),
    "EACCES": ("permission denied", "check who owns it and its permissions (`ls -l`)"),
    "EPERM": ("the operation is not permitted", "check who owns it and its permissions (`ls -l`)"),
    "EROFS": ("the file system is read-only", "run the command where the project can be written"),
    "EISDIR": ("it is a folder where a file belongs", "move the folder away"),
    "ENOTDIR": ("a part of its path is a file where a folder belongs", "move that file away"),
    "ENOENT": ("its folder does not exist", "run `dango init` to recreate the project's folders"),
    "ELOOP": ("it is a symlink", "replace the link with a regular file"),
    "EIO": ("the disk reported an I/O error", "check the disk"),
}


def open_to(mode: int) -> str:
    """Who besides the owner a mode lets in, in words: "readable by the group" (640)."""
    who = [name for name, bits in (("the group", mode & 0o070), ("other users", mode & 0o007)) if bits]
    verb = "readable" if mode & 0o044 else "writable" if mode & 0o022 else "accessible"
    return f"{verb} by {' and '.join(who)}"


def os_problem(code: int | None) -> tuple[str, str]:
    """(what went wrong, the fix) for an OSError's errno, in words."""
    import errno as errno_module

    name = errno_module.errorcode.get(code or 0, "")
    if name in _OS_PROBLEMS:
        return _OS_PROBLEMS[name]
    import os

    return (os.strerror(code).lower() if code else "an operating system error", "fix that")


class FileProblem(DangoError):
    """A project file that could not be read or written, for an operating system reason."""

    verb, outcome = "use", ""

    def __init__(self, path: Path | str, code: int | None):
        self.path, self.code = path, code
        problem, fix = os_problem(code)
        super().__init__(f"Could not {self.verb} {shown_path(path)}: {problem}{self.outcome}. "
                         f"{fix[0].upper()}{fix[1:]} and run the command again.")


class FileWriteFailed(FileProblem):
    """A project file could not be written; the change was not made (exit 2)."""

    verb, outcome = "write", "; nothing was changed"


class FileReadFailed(FileProblem):
    """A project file exists but could not be read (exit 2)."""

    verb = "read"


class NeedsConfirmation(DangoError):
    pass


class UsageError(DangoError):
    pass


class NoTerminal(UsageError):
    """`source add` without --no-input whose standard input is not a terminal (a pipe, a CI
    job), with fields it would have asked for: asking is impossible and a piped value is not
    an answer, so nothing is written (as gh refuses to prompt when not interactive)."""

    def __init__(self, source: str, fields: list[str]):
        them = "it" if len(fields) == 1 else "them"
        target = f"{source}.{fields[0]}" if len(fields) == 1 else f"{source}.FIELD"
        super().__init__(
            f"Standard input is not a terminal, so dango cannot ask for {', '.join(fields)}; nothing "
            f"was changed. Give {them} with --set FIELD=VALUE or --ref FIELD=ENV_VAR, or add --no-input "
            f"to leave {them} unset and pipe each value in next: dango secrets set {target}")


# -- OAuth (`dango auth`) ---------------------------------------------------------------

class OAuthError(DangoError):
    """An OAuth step failed: the command ran and found a problem (exit 1)."""

    exit_code = 1


class NotAnOAuthTarget(DangoError):
    """`dango auth X` where X is neither an OAuth source nor an OAuth source type."""


class MissingClientCredentials(DangoError):
    """No OAuth client id/secret in the environment, `.env` or the secrets file."""


class AuthorizationFailed(OAuthError):
    """The user or the provider refused, the callback timed out, or the state was wrong."""


class TokenEndpointError(OAuthError):
    """The provider's token endpoint refused or answered something unusable."""


class CredentialRevoked(OAuthError):
    def __init__(self, source: str):
        self.source = source
        super().__init__(
            f"The OAuth grant of source {source!r} has been revoked or has expired "
            f"(invalid_grant); it is marked revoked. Run `dango auth {source}` to connect it again."
        )


# -- sync (`dango sync`) ----------------------------------------------------------------

class SyncProblem(DangoError):
    """One source could not be loaded; the others still are (exit 1 at the end)."""

    exit_code = 1


class SyncRunning(DangoError):
    """Another `dango sync` of the project is loading: two at once would load rows twice."""

    exit_code = 1

    def __init__(self, lock: str):
        super().__init__(f"another `dango sync` of this project is running (it holds {lock}); "
                         "wait for it to finish and run the command again.")


class CheckFailed(DangoError):
    """A live test said no: the command ran and found a problem."""

    exit_code = 1


# -- encryption at rest (`dango secrets encrypt`, section 5) ----------------------------

class DecryptionFailed(DangoError):
    """An ENC[...] value that cannot be decrypted: wrong key, tampered, moved or damaged."""

    def __init__(self, key_path: str, path: Path | str, line: int | None, reason: str, fix: str):
        self.key_path = key_path
        super().__init__(f"{where(path, line)}: {key_path} could not be decrypted: {reason}; {fix}")


class KeyUnavailable(DangoError):
    """The encryption key cannot be read or stored: no keyring backend, a keyring that does
    not answer, a key that is not on this machine, or a malformed DANGO_MASTER_KEY."""


class KeyringTimeout(KeyUnavailable):
    """The system keyring did not answer in time (a locked Secret Service, say)."""


class WrongKey(KeyUnavailable):
    """A write on an encrypted project whose key at hand is not the project's key (the key
    id recorded in .dango/project.yml): refused before anything is written."""


class OldProjectFormat(DangoError):
    """A project written by upstream Dango 1.0.x (getdango): nothing runs in it until it is
    migrated, so no command can half-understand it or write into it."""

    def __init__(self, root: Path | str):
        self.root = root
        super().__init__(
            f"{root} is a Dango 1.0 project (made by getdango); run `dango migrate "
            "--dry-run` to see what would change, then `dango migrate`; nothing was written."
        )
